//! What an endpoint's engine did and does: the engine events and host metrics the collectors
//! stored (read from the database, so every replica serves them), and the engine's system
//! documents read live.
use uuid::Uuid;
use windflow_api::access::Permission;

use super::engine;
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::load_for;

/// Engine system document: `info`, `version` or `df` (`system:read`).
pub async fn system(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    what: &str,
) -> ServiceResult<serde_json::Value> {
    let m = load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::SystemRead)
        .await?;
    let e = engine(core, &m).await?;
    Ok(match what {
        "info" => e.system_info().await?,
        "version" => e.system_version().await?,
        "df" => e.system_df().await?,
        _ => return Err(ServiceError::NotFound),
    })
}

fn event_to_api(
    r: windflow_entity::container_events::Model,
) -> windflow_api::docker::ContainerEvent {
    windflow_api::docker::ContainerEvent {
        id: r.id,
        endpoint_id: r.endpoint_id,
        occurred_at: r.occurred_at,
        kind: r.kind,
        action: r.action,
        actor_id: r.actor_id,
        actor_name: r.actor_name,
        attributes: serde_json::from_value(r.attributes).unwrap_or_default(),
    }
}

/// Collected engine events, newest first, keyset-paged (`containers:read`).
pub async fn events(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &windflow_api::PageQuery,
) -> ServiceResult<windflow_api::Page<windflow_api::docker::ContainerEvent>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use windflow_entity::container_events as ev;
    load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersRead)
        .await?;
    let spec = crate::pagination::PageSpec::newest_first(q.limit, q.cursor.clone())?;
    let s = ev::Entity::find().filter(ev::Column::EndpointId.eq(id));
    let (rows, next_cursor) =
        crate::pagination::fetch_page(&core.db, s, ev::Column::Id, None, &spec, |m| (m.id, None))
            .await?;
    Ok(windflow_api::Page {
        items: rows.into_iter().map(event_to_api).collect(),
        next_cursor,
    })
}

/// Events collected after `after` (oldest first, at most 200), for the live feed
/// (`containers:read` checked once by [`events_feed_start`]).
pub async fn events_after(
    core: &Core,
    id: Uuid,
    after: Uuid,
) -> ServiceResult<Vec<windflow_api::docker::ContainerEvent>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use windflow_entity::container_events as ev;
    let rows = ev::Entity::find()
        .filter(ev::Column::EndpointId.eq(id))
        .filter(ev::Column::Id.gt(after))
        .order_by_asc(ev::Column::Id)
        .limit(200)
        .all(&core.db)
        .await?;
    Ok(rows.into_iter().map(event_to_api).collect())
}

/// Authorizes a live feed (`containers:read`) and returns the id to start after: events
/// collected from now on are sent (the feed reads the table, so it works on every replica).
pub async fn events_feed_start(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Uuid> {
    load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersRead)
        .await?;
    Ok(Uuid::now_v7())
}

/// Host metrics between `from` and `to` (default: the last hour), oldest first, at most 10 000
/// samples (`containers:read`).
pub async fn metrics(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &windflow_api::docker::MetricsQuery,
) -> ServiceResult<Vec<windflow_api::docker::HostMetric>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use windflow_entity::host_metrics as hm;
    load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersRead)
        .await?;
    let to = q.to.unwrap_or_else(crate::now);
    let from = q.from.unwrap_or(to - chrono::Duration::hours(1));
    if from >= to {
        return Err(ServiceError::field(
            "from",
            "out_of_range",
            "must be before to",
        ));
    }
    let rows = hm::Entity::find()
        .filter(hm::Column::EndpointId.eq(id))
        .filter(hm::Column::SampledAt.gte(from))
        .filter(hm::Column::SampledAt.lt(to))
        .order_by_asc(hm::Column::SampledAt)
        .limit(10_000)
        .all(&core.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| windflow_api::docker::HostMetric {
            sampled_at: r.sampled_at,
            cpu_percent: r.cpu_percent,
            memory_used_bytes: r.memory_used_bytes,
            memory_total_bytes: r.memory_total_bytes,
            containers_running: r.containers_running,
        })
        .collect())
}
