//! Volumes: list, create, inspect, remove and prune.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{CreateVolume, ForceQuery, PruneReport, VolumeSummary};
use windflow_core::services::docker;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(volumes)
        .service(create_volume)
        .service(prune_volumes)
        .service(inspect_volume)
        .service(remove_volume);
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
        docker::volumes::list(&st.core, u.ctx(), id.into_inner()).await?,
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
    Ok(HttpResponse::Created().json(
        docker::volumes::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
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
        docker::volumes::prune(&st.core, u.ctx(), id.into_inner()).await?,
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
        docker::volumes::inspect(&st.core, u.ctx(), id, &name).await?,
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
    docker::volumes::remove(&st.core, u.ctx(), id, &name, q.force.unwrap_or(false)).await?;
    Ok(HttpResponse::NoContent().finish())
}
