//! Networks: list, create, inspect, remove, prune, and connecting or disconnecting a container.
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, delete, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::docker::{CreateNetwork, NetworkMember, NetworkSummary, PruneReport};
use windflow_core::services::docker;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(networks)
        .service(create_network)
        .service(prune_networks)
        .service(inspect_network)
        .service(remove_network)
        .service(network_connect)
        .service(network_disconnect);
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
        docker::networks::list(&st.core, u.ctx(), id.into_inner()).await?,
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
    let nid =
        docker::networks::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?;
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
        docker::networks::prune(&st.core, u.ctx(), id.into_inner()).await?,
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
        docker::networks::inspect(&st.core, u.ctx(), id, &net).await?,
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
    docker::networks::remove(&st.core, u.ctx(), id, &net).await?;
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
    docker::networks::membership(&st.core, u.ctx(), id, &net, &body.container, true).await?;
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
    docker::networks::membership(&st.core, u.ctx(), id, &net, &body.container, false).await?;
    Ok(HttpResponse::NoContent().finish())
}
