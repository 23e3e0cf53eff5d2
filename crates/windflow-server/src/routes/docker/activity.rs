//! What an endpoint's engine did and does: engine `info`/`version`/`df` documents, the collected
//! events (paged, and as a live feed), and host metrics for charts.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, get};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_core::services::docker;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::sse::{sse, until_revoked};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(system)
        .service(events_stream)
        .service(events)
        .service(metrics);
}

/// Engine `info`, `version` or `df` (disk usage) documents. Permission: `system:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("what" = String, Path, description = "info, version or df")), responses((status = 200, body = serde_json::Value)))]
#[get("/endpoints/{id}/system/{what}")]
async fn system(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let (id, what) = p.into_inner();
    Ok(Json(
        docker::activity::system(&st.core, u.ctx(), id, &what).await?,
    ))
}

/// Collected engine events, newest first (keyset cursor). Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), windflow_api::PageQuery), responses((status = 200, body = windflow_api::Page<windflow_api::docker::ContainerEvent>)))]
#[get("/endpoints/{id}/events")]
async fn events(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<windflow_api::PageQuery>,
) -> ApiResult<Json<windflow_api::Page<windflow_api::docker::ContainerEvent>>> {
    Ok(Json(
        docker::activity::events(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Live feed of collected events as server-sent events (`ContainerEvent`), from now on.
/// Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")),
    responses((status = 200, description = "text/event-stream of ContainerEvent", content_type = "text/event-stream", body = windflow_api::docker::ContainerEvent)))]
#[get("/endpoints/{id}/events/stream")]
async fn events_stream(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let start = docker::activity::events_feed_start(&st.core, u.ctx(), id).await?;
    let core = st.core.clone();
    // Polls the table once a second, so the feed works whichever replica collects.
    let feed = futures_util::stream::unfold(
        (core, start, std::collections::VecDeque::new()),
        move |(core, mut last, mut queue)| async move {
            loop {
                if let Some(e) = queue.pop_front() {
                    return Some((Ok::<_, windflow_core::ServiceError>(e), (core, last, queue)));
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                match docker::activity::events_after(&core, id, last).await {
                    Ok(batch) => {
                        if let Some(l) = batch.last() {
                            last = l.id;
                        }
                        queue.extend(batch);
                    }
                    Err(e) => return Some((Err(e), (core, last, queue))),
                }
            }
        },
    );
    Ok(sse(until_revoked(feed, &st.core, &u)))
}

/// Host CPU and memory samples between `from` and `to` (default: the last hour), for charts.
/// Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), windflow_api::docker::MetricsQuery), responses((status = 200, body = Vec<windflow_api::docker::HostMetric>)))]
#[get("/endpoints/{id}/metrics")]
async fn metrics(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<windflow_api::docker::MetricsQuery>,
) -> ApiResult<Json<Vec<windflow_api::docker::HostMetric>>> {
    Ok(Json(
        docker::activity::metrics(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}
