//! The home dashboard and the global search.
use actix_web::get;
use actix_web::web::{Data, Json, Path, Query};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::overview::{Overview, SearchQuery, SearchResults};
use windflow_core::services::overview;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_overview).service(search);
}

/// The home dashboard of an organization: endpoints by reachability, containers by state,
/// stacks by state, recent deployments and failures, recent audit rows and what needs
/// attention. Permission: membership of the organization; each section is filtered by its own
/// read permission at each object's scope (`endpoints:read`, `containers:read`,
/// `stacks:read`, `git:read`, `audit:read`) and is `null` where the caller holds it nowhere.
#[utoipa::path(tag = "overview", params(("id" = Uuid, Path, description = "Organization id")), responses((status = 200, body = Overview)))]
#[get("/organizations/{id}/overview")]
async fn get_overview(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Overview>> {
    Ok(Json(
        overview::overview(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Finds organizations, projects, environments, endpoints, stacks, containers and users whose
/// name contains `q` (case-insensitive), among what the caller may read; at most `per_kind`
/// per kind. Errors: 422 for `q` or `per_kind` out of their rules.
#[utoipa::path(tag = "overview", params(SearchQuery), responses((status = 200, body = SearchResults)))]
#[get("/search")]
async fn search(
    st: Data<AppState>,
    u: AuthUser,
    q: Query<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    Ok(Json(overview::search(&st.core, u.ctx(), &q).await?))
}
