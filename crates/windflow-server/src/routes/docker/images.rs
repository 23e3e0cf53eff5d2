//! Images: list, pull (per-layer progress streamed as server-sent events), inspect, history,
//! tag, remove and prune.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{
    ForceQuery, ImageSummary, PruneReport, PullImage, PullProgress, TagImage,
};
use windflow_core::services::docker;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::sse::{sse, until_revoked};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(images)
        .service(pull)
        .service(prune_images)
        .service(inspect_image)
        .service(image_history)
        .service(tag_image)
        .service(remove_image);
}

/// Images. Permission: `images:read`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Vec<ImageSummary>)))]
#[get("/endpoints/{id}/images")]
async fn images(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Vec<ImageSummary>>> {
    Ok(Json(
        docker::images::list(&st.core, u.ctx(), id.into_inner()).await?,
    ))
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
    let s = docker::images::pull(
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
        docker::images::prune(&st.core, u.ctx(), id.into_inner()).await?,
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
        docker::images::inspect(&st.core, u.ctx(), id, &name).await?,
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
        docker::images::history(&st.core, u.ctx(), id, &name).await?,
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
    docker::images::tag(&st.core, u.ctx(), id, &name, &body.repo, &body.tag).await?;
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
        docker::images::remove(&st.core, u.ctx(), id, &name, q.force.unwrap_or(false)).await?,
    ))
}
