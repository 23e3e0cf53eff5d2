//! Endpoint collectors, one set per endpoint: the engine's `/events` stream into
//! `container_events` (endpoints with `collect_activity`) and host samples every interval into
//! `host_metrics` (endpoints with `collect_metrics`). A supervisor looks at the endpoints every
//! [`CollectorConfig::tick`]; with several replicas each endpoint's collectors run on the
//! replica holding the lease `collector:<endpoint id>` ([`crate::lease`], lifetime three ticks);
//! a replica that loses its lease stops them. Engine failures restart a collector with
//! exponential backoff (1 s doubling to 60 s). What they store is deleted by
//! [`super::retention`].
use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use futures_util::StreamExt;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter};
use tokio::task::JoinHandle;
use uuid::Uuid;
use windflow_docker::{Engine, EngineEvent};
use windflow_entity::{container_events, endpoints, host_metrics};

use crate::context::Core;
use crate::error::ServiceResult;
use crate::lease;
use crate::runtime::{engine, target};

/// Collector and retention settings (`collectors.*` in the server configuration).
#[derive(Debug, Clone)]
pub struct CollectorConfig {
    /// How often the supervisor looks at endpoints and renews leases (leases last three ticks);
    /// also how often the retention job checks whether it is due.
    pub tick: Duration,
    /// Host metrics interval.
    pub metrics_interval: Duration,
    /// Events older than this many days are deleted.
    pub events_retention_days: i64,
    /// Metrics older than this many days are deleted.
    pub metrics_retention_days: i64,
}

impl Default for CollectorConfig {
    fn default() -> Self {
        Self {
            tick: Duration::from_secs(5),
            metrics_interval: Duration::from_secs(30),
            events_retention_days: 30,
            metrics_retention_days: 7,
        }
    }
}

struct Running {
    version: DateTime<Utc>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Starts the supervisor on the current tokio runtime, holding leases as `holder`; it runs
/// until the returned handle is aborted (its collectors stop with it).
pub fn spawn(core: Core, cfg: CollectorConfig, holder: String) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut running: HashMap<Uuid, Running> = HashMap::new();
        let mut ticker = tokio::time::interval(cfg.tick);
        loop {
            ticker.tick().await;
            if let Err(e) = supervise(&core, &cfg, &holder, &mut running).await {
                tracing::warn!(error = %e, "collector supervisor");
            }
        }
    })
}

async fn supervise(
    core: &Core,
    cfg: &CollectorConfig,
    holder: &str,
    running: &mut HashMap<Uuid, Running>,
) -> ServiceResult<()> {
    let wanted = endpoints::Entity::find()
        .filter(
            Condition::any()
                .add(endpoints::Column::CollectActivity.eq(true))
                .add(endpoints::Column::CollectMetrics.eq(true)),
        )
        .all(&core.db)
        .await?;
    let ttl = chrono::Duration::from_std(cfg.tick * 3).unwrap_or(chrono::Duration::seconds(15));
    let ids: Vec<Uuid> = wanted.iter().map(|m| m.id).collect();
    for id in running
        .keys()
        .copied()
        .filter(|id| !ids.contains(id))
        .collect::<Vec<_>>()
    {
        running.remove(&id);
        lease::release(&core.db, &format!("collector:{id}"), holder).await?;
    }
    for m in wanted {
        let name = format!("collector:{}", m.id);
        if !lease::try_acquire(&core.db, &name, holder, ttl).await? {
            running.remove(&m.id);
            continue;
        }
        if running
            .get(&m.id)
            .is_some_and(|r| r.version == m.updated_at)
        {
            continue;
        }
        let mut tasks = vec![];
        if m.collect_activity {
            tasks.push(tokio::spawn(events_loop(core.clone(), m.clone())));
        }
        if m.collect_metrics {
            tasks.push(tokio::spawn(metrics_loop(
                core.clone(),
                m.clone(),
                cfg.metrics_interval,
            )));
        }
        running.insert(
            m.id,
            Running {
                version: m.updated_at,
                tasks,
            },
        );
    }
    Ok(())
}

async fn backoff(attempt: &mut u32) {
    let secs = (1u64 << (*attempt).min(6)).min(60);
    *attempt += 1;
    tokio::time::sleep(Duration::from_secs(secs)).await;
}

async fn store_event(core: &Core, m: &endpoints::Model, e: EngineEvent) -> ServiceResult<()> {
    let at = Utc.timestamp_nanos(e.time_nano);
    let row = container_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(m.id),
        organization_id: Set(m.organization_id),
        occurred_at: Set(if e.time_nano > 0 { at } else { crate::now() }),
        kind: Set(e.kind),
        action: Set(e.action),
        actor_id: Set(e.actor_id),
        actor_name: Set(e.attributes.get("name").cloned()),
        attributes: Set(serde_json::to_value(&e.attributes).unwrap_or_default()),
    };
    container_events::Entity::insert(row)
        .exec_without_returning(&core.db)
        .await?;
    Ok(())
}

async fn events_loop(core: Core, m: endpoints::Model) {
    let mut attempt = 0;
    loop {
        let connected = match target(&core, &m) {
            Ok(t) => Engine::connect(&t).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match connected {
            Ok(engine) => {
                let mut stream = std::pin::pin!(engine.events());
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(e) => {
                            attempt = 0;
                            if let Err(err) = store_event(&core, &m, e).await {
                                tracing::warn!(endpoint = %m.id, error = %err, "storing an engine event");
                            }
                        }
                        Err(err) => {
                            tracing::warn!(endpoint = %m.id, error = %err, "engine event stream");
                            break;
                        }
                    }
                }
            }
            Err(err) => {
                tracing::warn!(endpoint = %m.id, error = %err, "events collector cannot reach the engine")
            }
        }
        backoff(&mut attempt).await;
    }
}

async fn metrics_loop(core: Core, m: endpoints::Model, every: Duration) {
    let mut attempt = 0;
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let sample: ServiceResult<_> =
            async { Ok(engine(&core, &m).await?.host_sample().await?) }.await;
        match sample {
            Ok(s) => {
                attempt = 0;
                let row = host_metrics::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    endpoint_id: Set(m.id),
                    organization_id: Set(m.organization_id),
                    sampled_at: Set(crate::now()),
                    cpu_percent: Set(s.cpu_percent),
                    memory_used_bytes: Set(s.memory_used_bytes),
                    memory_total_bytes: Set(s.memory_total_bytes),
                    containers_running: Set(s.containers_running),
                };
                if let Err(e) = host_metrics::Entity::insert(row)
                    .exec_without_returning(&core.db)
                    .await
                {
                    tracing::warn!(endpoint = %m.id, error = %e, "storing a host sample");
                }
            }
            Err(e) => {
                tracing::warn!(endpoint = %m.id, error = %e, "metrics collector");
                backoff(&mut attempt).await;
            }
        }
    }
}
