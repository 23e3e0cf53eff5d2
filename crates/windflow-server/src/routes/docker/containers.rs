//! Containers: the lists, inspect, lifecycle actions, create, rename, remove and recreate, and
//! logs (with a live SSE stream), stats and processes. The console is in `console.rs`.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{
    AllContainers, ContainerAction, ContainerDetails, ContainerQuery, ContainerSpec,
    ContainerSummary, LogLine, LogQuery, ProcessList, RemoveQuery, RenameContainer, StatsSnapshot,
};
use windflow_core::ServiceError;
use windflow_core::services::docker;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::sse::{sse, until_revoked};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_containers)
        .service(all_containers)
        .service(create_container)
        .service(inspect)
        .service(rename)
        .service(recreate)
        .service(action)
        .service(remove_container)
        .service(logs)
        .service(logs_stream)
        .service(stats)
        .service(top);
}

/// Lists containers of an endpoint (`all`, `status`, `name`, `label`, `image` filters).
/// Permission: `containers:read`. 502 `engine_unavailable` when the engine is down.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ContainerQuery), responses((status = 200, body = Vec<ContainerSummary>)))]
#[get("/endpoints/{id}/containers")]
async fn list_containers(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<ContainerQuery>,
) -> ApiResult<Json<Vec<ContainerSummary>>> {
    Ok(Json(
        docker::containers::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Containers of every endpoint the caller may read containers of; a failing engine is listed
/// in `errors`. Permission: `containers:read` per endpoint.
#[utoipa::path(tag = "docker", params(ContainerQuery), responses((status = 200, body = AllContainers)))]
#[get("/containers")]
async fn all_containers(
    st: Data<AppState>,
    u: AuthUser,
    q: Query<ContainerQuery>,
) -> ApiResult<Json<AllContainers>> {
    Ok(Json(
        docker::containers::all_containers(&st.core, u.ctx(), &q).await?,
    ))
}

/// Creates a container. Permission: `containers:create`, plus `containers:create_privileged`
/// for privileged options (checked before the engine is called). Answers `{"id": …}`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), request_body = ContainerSpec, responses((status = 201, description = "Created: {\"id\": container id}")))]
#[post("/endpoints/{id}/containers")]
async fn create_container(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<ContainerSpec>,
) -> ApiResult<HttpResponse> {
    let cid =
        docker::containers::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": cid })))
}

/// Inspects a container. Permission: `containers:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container id or name")), responses((status = 200, body = ContainerDetails)))]
#[get("/endpoints/{id}/containers/{cid}")]
async fn inspect(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
) -> ApiResult<Json<ContainerDetails>> {
    let (id, cid) = p.into_inner();
    Ok(Json(
        docker::containers::inspect(&st.core, u.ctx(), id, &cid).await?,
    ))
}

/// Starts, stops, restarts, kills, pauses or unpauses a container. Permission:
/// `containers:start` (start, unpause), `containers:stop` (stop, pause), `containers:restart`,
/// `containers:kill`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container id or name"),
    ("action" = String, Path, description = "start, stop, restart, kill, pause or unpause")), responses((status = 204, description = "Done")))]
#[post("/endpoints/{id}/containers/{cid}/{action}")]
async fn action(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, cid, action) = p.into_inner();
    let action = ContainerAction::parse(&action).ok_or(ServiceError::NotFound)?;
    docker::containers::action(&st.core, u.ctx(), id, &cid, action).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Renames a container. Permission: `containers:update`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container id or name")), request_body = RenameContainer, responses((status = 204, description = "Renamed")))]
#[post("/endpoints/{id}/containers/{cid}/rename")]
async fn rename(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    body: Json<RenameContainer>,
) -> ApiResult<HttpResponse> {
    let (id, cid) = p.into_inner();
    docker::containers::rename(&st.core, u.ctx(), id, &cid, &body.name).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes a container (`force`, `volumes`). Permission: `containers:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container id or name"), RemoveQuery), responses((status = 204, description = "Removed")))]
#[delete("/endpoints/{id}/containers/{cid}")]
async fn remove_container(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    q: Query<RemoveQuery>,
) -> ApiResult<HttpResponse> {
    let (id, cid) = p.into_inner();
    docker::containers::remove(
        &st.core,
        u.ctx(),
        id,
        &cid,
        q.force.unwrap_or(false),
        q.volumes.unwrap_or(false),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Recreates a container with an edited configuration (same name unless the spec gives one;
/// started again if it was running); answers `{"id": new id}`. Permission: `containers:create`
/// and `containers:delete` (plus `containers:create_privileged` for privileged options).
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container id or name")), request_body = ContainerSpec, responses((status = 201, description = "Recreated: {\"id\": new container id}")))]
#[post("/endpoints/{id}/containers/{cid}/recreate")]
async fn recreate(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    body: Json<ContainerSpec>,
) -> ApiResult<HttpResponse> {
    let (id, cid) = p.into_inner();
    let new_id =
        docker::containers::recreate(&st.core, u.ctx(), id, &cid, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": new_id })))
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
    Ok(Json(
        docker::containers::logs(&st.core, u.ctx(), id, &cid, &q).await?,
    ))
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
    let s = docker::containers::follow_logs(&st.core, u.ctx(), id, &cid, &q).await?;
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
    Ok(Json(
        docker::containers::stats(&st.core, u.ctx(), id, &cid).await?,
    ))
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
    Ok(Json(
        docker::containers::top(&st.core, u.ctx(), id, &cid).await?,
    ))
}
