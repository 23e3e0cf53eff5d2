//! Registry credentials of an organization (passwords write-only).
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{
    CreateRegistryCredential, RegistryCredential, UpdateRegistryCredential,
};
use windflow_api::{Page, PageQuery};
use windflow_core::services::registries;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(update)
        .service(remove);
}

/// Lists registry credentials (never passwords). Permission: `registries:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Organization id"), PageQuery), responses((status = 200, body = Page<RegistryCredential>)))]
#[get("/organizations/{id}/registries")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<RegistryCredential>>> {
    Ok(Json(
        registries::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Adds a registry credential (password stored encrypted). Permission: `registries:create`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Organization id")), request_body = CreateRegistryCredential, responses((status = 201, body = RegistryCredential)))]
#[post("/organizations/{id}/registries")]
async fn create(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateRegistryCredential>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(registries::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Updates a registry credential. Permission: `registries:update`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Credential id")), request_body = UpdateRegistryCredential, responses((status = 200, body = RegistryCredential)))]
#[patch("/registries/{id}")]
async fn update(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateRegistryCredential>,
) -> ApiResult<Json<RegistryCredential>> {
    Ok(Json(
        registries::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Removes a registry credential. Permission: `registries:delete`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Credential id")), responses((status = 204, description = "Removed")))]
#[delete("/registries/{id}")]
async fn remove(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    registries::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
