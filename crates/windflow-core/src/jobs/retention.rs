//! The retention job: deletes collected engine events older than
//! [`CollectorConfig::events_retention_days`] and host metrics older than
//! [`CollectorConfig::metrics_retention_days`]. Checked every [`CollectorConfig::tick`] and run
//! once an hour after a pass that succeeded (a failed pass is retried on the next tick); across
//! replicas one of them does it, the one that takes the lease `retention` (ten minutes).
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::task::JoinHandle;
use windflow_entity::{container_events, host_metrics};

use super::collectors::CollectorConfig;
use crate::context::Core;
use crate::error::ServiceResult;
use crate::lease;

/// Time between two retention passes after a successful one.
pub const PERIOD: Duration = Duration::from_secs(3600);

/// Starts the retention loop on the current tokio runtime, taking the lease as `holder`; it
/// runs until the returned handle is aborted.
pub fn spawn(core: Core, cfg: CollectorConfig, holder: String) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_cleanup: Option<tokio::time::Instant> = None;
        let mut ticker = tokio::time::interval(cfg.tick);
        loop {
            ticker.tick().await;
            if last_cleanup.is_none_or(|t| t.elapsed() > PERIOD) {
                match retention(&core, &cfg, &holder).await {
                    Ok(()) => last_cleanup = Some(tokio::time::Instant::now()),
                    Err(e) => tracing::warn!(error = %e, "retention job"),
                }
            }
        }
    })
}

/// Deletes events and metrics past their retention (lease `retention`, so one replica does it;
/// a replica that does not get the lease does nothing and answers `Ok`).
pub async fn retention(core: &Core, cfg: &CollectorConfig, holder: &str) -> ServiceResult<()> {
    if !lease::try_acquire(&core.db, "retention", holder, chrono::Duration::minutes(10)).await? {
        return Ok(());
    }
    let now = crate::now();
    container_events::Entity::delete_many()
        .filter(
            container_events::Column::OccurredAt
                .lt(now - chrono::Duration::days(cfg.events_retention_days)),
        )
        .exec(&core.db)
        .await?;
    host_metrics::Entity::delete_many()
        .filter(
            host_metrics::Column::SampledAt
                .lt(now - chrono::Duration::days(cfg.metrics_retention_days)),
        )
        .exec(&core.db)
        .await?;
    Ok(())
}
