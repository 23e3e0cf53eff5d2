//! Docker endpoints: an environment's engine connections, and their connection test.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{CreateEndpoint, Endpoint, UpdateEndpoint};
use windflow_api::{Page, PageQuery};
use windflow_core::services::docker;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(remove)
        .service(test);
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
        docker::endpoints::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
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
    Ok(HttpResponse::Created().json(
        docker::endpoints::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Gets an endpoint. Permission: `endpoints:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Endpoint)))]
#[get("/endpoints/{id}")]
async fn get_one(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Endpoint>> {
    Ok(Json(
        docker::endpoints::get(&st.core, u.ctx(), id.into_inner()).await?,
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
        docker::endpoints::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes an endpoint (its containers are untouched). Permission: `endpoints:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 204, description = "Deleted")))]
#[delete("/endpoints/{id}")]
async fn remove(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    docker::endpoints::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Checks the engine now and records its status and facts. Permission: `endpoints:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Endpoint)))]
#[post("/endpoints/{id}/test")]
async fn test(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Endpoint>> {
    Ok(Json(
        docker::endpoints::test(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}
