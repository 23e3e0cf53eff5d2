//! Logs (with a live SSE stream), stats, processes, images (pull with streamed per-layer
//! progress), volumes, networks and system data of an endpoint's engine.
use actix_web::web::{Bytes, Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{
    CreateNetwork, CreateVolume, ForceQuery, ImageSummary, LogLine, LogQuery, NetworkMember,
    NetworkSummary, ProcessList, PruneReport, PullImage, PullProgress, StatsSnapshot, TagImage,
    VolumeSummary,
};
use windflow_core::services::engine_resources as res;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(logs)
        .service(logs_stream)
        .service(stats)
        .service(top)
        .service(images)
        .service(pull)
        .service(prune_images)
        .service(inspect_image)
        .service(image_history)
        .service(tag_image)
        .service(remove_image)
        .service(volumes)
        .service(create_volume)
        .service(prune_volumes)
        .service(inspect_volume)
        .service(remove_volume)
        .service(networks)
        .service(create_network)
        .service(prune_networks)
        .service(inspect_network)
        .service(remove_network)
        .service(network_connect)
        .service(network_disconnect)
        .service(system)
        .service(events_stream)
        .service(events)
        .service(metrics);
}

/// Server-sent events: each item as `data: <json>`, an engine failure as `event: error`, then
/// the stream ends.
/// Seconds between re-checks of a stream's session ([`until_revoked`]).
pub(crate) const REAUTH_SECS: u64 = 5;

/// Ends `s` within [`REAUTH_SECS`] of `u`'s session being revoked or expiring, or its user
/// being deactivated (authorization is not a one-time check for long-lived streams).
pub(crate) fn until_revoked<T: 'static>(
    s: impl Stream<Item = T> + 'static,
    core: &windflow_core::Core,
    u: &AuthUser,
) -> impl Stream<Item = T> + 'static {
    enum Tick<T> {
        Item(T),
        Stop,
    }
    let (core, p) = (core.clone(), u.principal.clone());
    let watch = futures_util::stream::unfold((core, p), |(core, p)| async move {
        tokio::time::sleep(std::time::Duration::from_secs(REAUTH_SECS)).await;
        let alive = windflow_core::services::auth::session_alive(&core, &p).await;
        Some((alive, (core, p)))
    })
    .filter(|alive| std::future::ready(!alive))
    .map(|_| Tick::Stop);
    let items = s
        .map(Tick::Item)
        .chain(futures_util::stream::once(std::future::ready(Tick::Stop)));
    futures_util::stream::select(items, watch)
        .take_while(|t| std::future::ready(matches!(t, Tick::Item(_))))
        .filter_map(|t| {
            std::future::ready(match t {
                Tick::Item(v) => Some(v),
                Tick::Stop => None,
            })
        })
}

pub(crate) fn sse<T: Serialize, E: std::fmt::Display>(
    s: impl Stream<Item = Result<T, E>> + 'static,
) -> HttpResponse {
    let body = s.map(|item| {
        let frame = match item {
            Ok(v) => format!(
                "data: {}\n\n",
                serde_json::to_string(&v).unwrap_or_default()
            ),
            Err(e) => format!(
                "event: error\ndata: {}\n\n",
                serde_json::json!({ "error": e.to_string() })
            ),
        };
        Ok::<_, actix_web::Error>(Bytes::from(frame))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}

/// The last lines of a container's logs (`tail`, `since`, `timestamps`, `stdout`, `stderr`).
/// Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container"), LogQuery), responses((status = 200, body = Vec<LogLine>)))]
#[get("/endpoints/{id}/containers/{cid}/logs")]
async fn logs(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    q: Query<LogQuery>,
) -> ApiResult<Json<Vec<LogLine>>> {
    let (id, cid) = p.into_inner();
    Ok(Json(res::logs(&st.core, u.ctx(), id, &cid, &q).await?))
}

/// Follows a container's logs live as server-sent events (`data: {"stream":…,"text":…}`).
/// Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container"), LogQuery),
    responses((status = 200, description = "text/event-stream of LogLine", content_type = "text/event-stream", body = LogLine)))]
#[get("/endpoints/{id}/containers/{cid}/logs/stream")]
async fn logs_stream(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    q: Query<LogQuery>,
) -> ApiResult<HttpResponse> {
    let (id, cid) = p.into_inner();
    let s = res::follow_logs(&st.core, u.ctx(), id, &cid, &q).await?;
    Ok(sse(until_revoked(s, &st.core, &u)))
}

/// One stats sample (never streamed). Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container")), responses((status = 200, body = StatsSnapshot)))]
#[get("/endpoints/{id}/containers/{cid}/stats")]
async fn stats(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<StatsSnapshot>> {
    let (id, cid) = p.into_inner();
    Ok(Json(res::stats(&st.core, u.ctx(), id, &cid).await?))
}

/// Processes of a running container. Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container")), responses((status = 200, body = ProcessList)))]
#[get("/endpoints/{id}/containers/{cid}/top")]
async fn top(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<ProcessList>> {
    let (id, cid) = p.into_inner();
    Ok(Json(res::top(&st.core, u.ctx(), id, &cid).await?))
}

/// Images. Permission: `images:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Vec<ImageSummary>)))]
#[get("/endpoints/{id}/images")]
async fn images(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Vec<ImageSummary>>> {
    Ok(Json(res::images(&st.core, u.ctx(), id.into_inner()).await?))
}

/// Pulls an image, streaming per-layer progress as server-sent events (`PullProgress`).
/// Permission: `images:pull`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), request_body = PullImage,
    responses((status = 200, description = "text/event-stream of PullProgress", content_type = "text/event-stream", body = PullProgress)))]
#[post("/endpoints/{id}/images/pull")]
async fn pull(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<PullImage>,
) -> ApiResult<HttpResponse> {
    let tag = body.tag.clone().unwrap_or_else(|| "latest".into());
    let s = res::pull(
        &st.core,
        u.ctx(),
        id.into_inner(),
        &body.image,
        &tag,
        body.registry_id,
    )
    .await?;
    Ok(sse(until_revoked(s, &st.core, &u)))
}

/// Removes dangling images. Permission: `images:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = PruneReport)))]
#[post("/endpoints/{id}/images/prune")]
async fn prune_images(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<PruneReport>> {
    Ok(Json(
        res::prune_images(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// An image's inspect document. Permission: `images:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("name" = String, Path, description = "Image id or reference (URL-encoded)")), responses((status = 200, body = serde_json::Value)))]
#[get("/endpoints/{id}/images/{name}")]
async fn inspect_image(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let (id, name) = p.into_inner();
    Ok(Json(
        res::inspect_image(&st.core, u.ctx(), id, &name).await?,
    ))
}

/// An image's layer history. Permission: `images:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("name" = String, Path, description = "Image")), responses((status = 200, body = serde_json::Value)))]
#[get("/endpoints/{id}/images/{name}/history")]
async fn image_history(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let (id, name) = p.into_inner();
    Ok(Json(
        res::image_history(&st.core, u.ctx(), id, &name).await?,
    ))
}

/// Tags an image. Permission: `images:update`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("name" = String, Path, description = "Image")), request_body = TagImage, responses((status = 204, description = "Tagged")))]
#[post("/endpoints/{id}/images/{name}/tag")]
async fn tag_image(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    body: Json<TagImage>,
) -> ApiResult<HttpResponse> {
    let (id, name) = p.into_inner();
    res::tag_image(&st.core, u.ctx(), id, &name, &body.repo, &body.tag).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes an image (`force`). Permission: `images:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("name" = String, Path, description = "Image"), ForceQuery), responses((status = 200, body = serde_json::Value)))]
#[delete("/endpoints/{id}/images/{name}")]
async fn remove_image(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    q: Query<ForceQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let (id, name) = p.into_inner();
    Ok(Json(
        res::remove_image(&st.core, u.ctx(), id, &name, q.force.unwrap_or(false)).await?,
    ))
}

/// Volumes. Permission: `volumes:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Vec<VolumeSummary>)))]
#[get("/endpoints/{id}/volumes")]
async fn volumes(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Vec<VolumeSummary>>> {
    Ok(Json(
        res::volumes(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Creates a volume. Permission: `volumes:create`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), request_body = CreateVolume, responses((status = 201, body = VolumeSummary)))]
#[post("/endpoints/{id}/volumes")]
async fn create_volume(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateVolume>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(res::create_volume(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Removes unused volumes. Permission: `volumes:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = PruneReport)))]
#[post("/endpoints/{id}/volumes/prune")]
async fn prune_volumes(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<PruneReport>> {
    Ok(Json(
        res::prune_volumes(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// A volume's inspect document. Permission: `volumes:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("name" = String, Path, description = "Volume")), responses((status = 200, body = serde_json::Value)))]
#[get("/endpoints/{id}/volumes/{name}")]
async fn inspect_volume(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let (id, name) = p.into_inner();
    Ok(Json(
        res::inspect_volume(&st.core, u.ctx(), id, &name).await?,
    ))
}

/// Removes a volume (`force`). Permission: `volumes:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("name" = String, Path, description = "Volume"), ForceQuery), responses((status = 204, description = "Removed")))]
#[delete("/endpoints/{id}/volumes/{name}")]
async fn remove_volume(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    q: Query<ForceQuery>,
) -> ApiResult<HttpResponse> {
    let (id, name) = p.into_inner();
    res::remove_volume(&st.core, u.ctx(), id, &name, q.force.unwrap_or(false)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Networks. Permission: `networks:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Vec<NetworkSummary>)))]
#[get("/endpoints/{id}/networks")]
async fn networks(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Vec<NetworkSummary>>> {
    Ok(Json(
        res::networks(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Creates a network; answers `{"id": …}`. Permission: `networks:create`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), request_body = CreateNetwork, responses((status = 201, description = "Created: {\"id\": network id}")))]
#[post("/endpoints/{id}/networks")]
async fn create_network(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateNetwork>,
) -> ApiResult<HttpResponse> {
    let nid = res::create_network(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": nid })))
}

/// Removes unused networks. Permission: `networks:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = PruneReport)))]
#[post("/endpoints/{id}/networks/prune")]
async fn prune_networks(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<PruneReport>> {
    Ok(Json(
        res::prune_networks(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// A network's inspect document. Permission: `networks:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("net" = String, Path, description = "Network")), responses((status = 200, body = serde_json::Value)))]
#[get("/endpoints/{id}/networks/{net}")]
async fn inspect_network(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let (id, net) = p.into_inner();
    Ok(Json(
        res::inspect_network(&st.core, u.ctx(), id, &net).await?,
    ))
}

/// Removes a network. Permission: `networks:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("net" = String, Path, description = "Network")), responses((status = 204, description = "Removed")))]
#[delete("/endpoints/{id}/networks/{net}")]
async fn remove_network(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<HttpResponse> {
    let (id, net) = p.into_inner();
    res::remove_network(&st.core, u.ctx(), id, &net).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Connects a container to a network. Permission: `networks:update`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("net" = String, Path, description = "Network")), request_body = NetworkMember, responses((status = 204, description = "Connected")))]
#[post("/endpoints/{id}/networks/{net}/connect")]
async fn network_connect(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    body: Json<NetworkMember>,
) -> ApiResult<HttpResponse> {
    let (id, net) = p.into_inner();
    res::membership(&st.core, u.ctx(), id, &net, &body.container, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Disconnects a container from a network. Permission: `networks:update`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("net" = String, Path, description = "Network")), request_body = NetworkMember, responses((status = 204, description = "Disconnected")))]
#[post("/endpoints/{id}/networks/{net}/disconnect")]
async fn network_disconnect(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    body: Json<NetworkMember>,
) -> ApiResult<HttpResponse> {
    let (id, net) = p.into_inner();
    res::membership(&st.core, u.ctx(), id, &net, &body.container, false).await?;
    Ok(HttpResponse::NoContent().finish())
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
    Ok(Json(res::system(&st.core, u.ctx(), id, &what).await?))
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
        res::events(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Live feed of collected events as server-sent events (`ContainerEvent`), from now on.
/// Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")),
    responses((status = 200, description = "text/event-stream of ContainerEvent", content_type = "text/event-stream", body = windflow_api::docker::ContainerEvent)))]
#[get("/endpoints/{id}/events/stream")]
async fn events_stream(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let start = res::events_feed_start(&st.core, u.ctx(), id).await?;
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
                match res::events_after(&core, id, last).await {
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
        res::metrics(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}
