//! The Git sync scheduler: every tick (`scheduler.tick_secs`), the sweep of interrupted work
//! ([`super::sweep::interrupted`]), then the scheduled syncs that are due
//! ([`crate::services::gitops::run_due`] with the wall clock). No lease of its own: each due run
//! is claimed by a compare-and-set on `next_sync_at` and a unique execution row, so it runs once
//! across replicas, and the sync itself holds `git:<repository id>`.
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::context::Core;
use crate::services::gitops;

/// Starts the scheduler loop on the current tokio runtime: sleep `tick`, sweep, run the due
/// syncs, again. It runs until the returned handle is aborted.
pub fn spawn(core: Core, tick: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(tick).await;
            if let Err(e) = super::sweep::interrupted(&core).await {
                tracing::warn!(error = %e, "sweep of interrupted work failed");
            }
            if let Err(e) = gitops::run_due(&core, crate::now()).await {
                tracing::warn!(error = %e, "scheduled Git sync pass failed");
            }
        }
    })
}
