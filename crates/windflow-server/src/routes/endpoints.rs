//! Docker endpoints and their containers (read live from the engines).
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{
    AllContainers, ContainerAction, ContainerDetails, ContainerQuery, ContainerSpec,
    ContainerSummary, CreateEndpoint, Endpoint, RemoveQuery, RenameContainer, UpdateEndpoint,
};
use windflow_api::{Page, PageQuery};
use windflow_core::ServiceError;
use windflow_core::services::endpoints;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(remove)
        .service(test)
        .service(list_containers)
        .service(all_containers)
        .service(create_container)
        .service(inspect)
        .service(rename)
        .service(recreate)
        .service(action)
        .service(remove_container);
}

/// Lists the endpoints of an environment. Permission: `endpoints:read` at the environment.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Environment id"), PageQuery), responses((status = 200, body = Page<Endpoint>)))]
#[get("/environments/{id}/endpoints")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Endpoint>>> {
    Ok(Json(
        endpoints::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Adds an engine connection (`socket` or plain-http `direct`) to an environment.
/// Permission: `endpoints:create` at the environment.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Environment id")), request_body = CreateEndpoint, responses((status = 201, body = Endpoint)))]
#[post("/environments/{id}/endpoints")]
async fn create(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateEndpoint>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(endpoints::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Gets an endpoint. Permission: `endpoints:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Endpoint)))]
#[get("/endpoints/{id}")]
async fn get_one(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Endpoint>> {
    Ok(Json(
        endpoints::get(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Updates an endpoint. Permission: `endpoints:update`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), request_body = UpdateEndpoint, responses((status = 200, body = Endpoint)))]
#[patch("/endpoints/{id}")]
async fn update(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateEndpoint>,
) -> ApiResult<Json<Endpoint>> {
    Ok(Json(
        endpoints::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes an endpoint (its containers are untouched). Permission: `endpoints:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 204, description = "Deleted")))]
#[delete("/endpoints/{id}")]
async fn remove(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    endpoints::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Checks the engine now and records its status and facts. Permission: `endpoints:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Endpoint)))]
#[post("/endpoints/{id}/test")]
async fn test(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Endpoint>> {
    Ok(Json(
        endpoints::test(&st.core, u.ctx(), id.into_inner()).await?,
    ))
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
        endpoints::containers(&st.core, u.ctx(), id.into_inner(), &q).await?,
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
        endpoints::all_containers(&st.core, u.ctx(), &q).await?,
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
        endpoints::create_container(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?;
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
    Ok(Json(endpoints::inspect(&st.core, u.ctx(), id, &cid).await?))
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
    endpoints::action(&st.core, u.ctx(), id, &cid, action).await?;
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
    endpoints::rename(&st.core, u.ctx(), id, &cid, &body.name).await?;
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
    endpoints::remove(
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
    let new_id = endpoints::recreate(&st.core, u.ctx(), id, &cid, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": new_id })))
}
