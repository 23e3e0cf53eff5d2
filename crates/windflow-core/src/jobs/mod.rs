//! Background jobs: the work the server does on its own, beside the requests. One file per job;
//! [`spawn`] starts them all. Work that must happen once across replicas takes a database lease
//! ([`crate::lease`]).
//!
//! | job | file | period | lease | what it does |
//! |---|---|---|---|---|
//! | event and metrics collectors | [`collectors`] | supervisor every `collectors.tick_secs` (5 s); samples every `collectors.metrics_interval_secs` (30 s) | `collector:<endpoint id>`, three ticks, renewed each tick | streams each endpoint's engine events into `container_events` and samples its host into `host_metrics` |
//! | retention | [`retention`] | checked every `collectors.tick_secs`, runs hourly | `retention`, ten minutes | deletes events older than `collectors.events_retention_days` (30) and metrics older than `collectors.metrics_retention_days` (7) |
//! | Git sync scheduler | [`scheduler`] | every `scheduler.tick_secs` (20 s) | none: each due run is claimed by compare-and-set on `next_sync_at`; the sync holds `git:<repository id>` | the sweep below, then the scheduled syncs that are due ([`crate::services::gitops::run_due`]) |
//! | interrupted-work sweep | [`sweep`] | at start-up and on each scheduler tick | none: reads `stack:<id>` and `git:<repository id>` | closes deployments and schedule executions a dead server left `running` as `interrupted` |
//!
//! The start-up sweep is not in [`spawn`]: the server awaits [`sweep::interrupted`] itself
//! before it listens (whether or not the scheduler is on), so no request sees a stale `running`
//! row, while [`spawn`] only starts loops and returns at once.
use std::time::Duration;

use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::context::Core;

pub mod collectors;
pub mod retention;
pub mod scheduler;
pub mod sweep;

pub use collectors::CollectorConfig;

/// Which jobs this process runs, and their settings (the server's `collectors.*` and
/// `scheduler.*` configuration).
#[derive(Debug, Clone, Default)]
pub struct JobsConfig {
    /// The collectors and the retention job, `None` when `collectors.enabled` is off.
    pub collectors: Option<CollectorConfig>,
    /// The Git sync scheduler's tick, `None` when `scheduler.enabled` is off.
    pub scheduler_tick: Option<Duration>,
}

/// Starts the configured jobs on the current tokio runtime and returns their handles at once.
/// The jobs run until their handle is aborted (dropping a handle leaves its job running; the
/// server lets them stop with the process). The collectors and the retention job of one process
/// hold their leases under one holder id.
pub fn spawn(core: Core, cfg: JobsConfig) -> Vec<JoinHandle<()>> {
    let mut jobs = vec![];
    if let Some(c) = cfg.collectors {
        let holder = Uuid::new_v4().to_string();
        jobs.push(collectors::spawn(core.clone(), c.clone(), holder.clone()));
        jobs.push(retention::spawn(core.clone(), c, holder));
    }
    if let Some(tick) = cfg.scheduler_tick {
        jobs.push(scheduler::spawn(core, tick));
    }
    jobs
}
