//! Organizations and memberships.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::tenancy::{
    AddMember, CreateOrganization, Membership, Organization, UpdateMember, UpdateOrganization,
};
use windflow_api::{Page, PageQuery};
use windflow_core::services::organizations as orgs;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(remove)
        .service(list_members)
        .service(add_member)
        .service(update_member)
        .service(remove_member);
}

/// Lists my organizations (all for superadmins); `q`, `sort=name`. Any authenticated user.
#[utoipa::path(tag = "organizations", params(PageQuery), responses((status = 200, body = Page<Organization>)))]
#[get("/organizations")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Organization>>> {
    Ok(Json(orgs::list(&st.core, u.ctx(), &q).await?))
}

/// Creates an organization; the caller becomes owner. Permission: `organizations:create`
/// (superadmins).
#[utoipa::path(tag = "organizations", request_body = CreateOrganization, responses((status = 201, body = Organization)))]
#[post("/organizations")]
async fn create(
    st: Data<AppState>,
    u: AuthUser,
    body: Json<CreateOrganization>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(orgs::create(&st.core, u.ctx(), body.into_inner()).await?))
}

/// Gets an organization. Permission: `organizations:read`.
#[utoipa::path(tag = "organizations", params(("id" = Uuid, Path, description = "Organization id")), responses((status = 200, body = Organization)))]
#[get("/organizations/{id}")]
async fn get_one(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Organization>> {
    Ok(Json(orgs::get(&st.core, u.ctx(), id.into_inner()).await?))
}

/// Updates an organization. Permission: `organizations:update`.
#[utoipa::path(tag = "organizations", params(("id" = Uuid, Path, description = "Organization id")), request_body = UpdateOrganization, responses((status = 200, body = Organization)))]
#[patch("/organizations/{id}")]
async fn update(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateOrganization>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        orgs::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes an organization and all it contains. Permission: `organizations:delete`, owners only.
#[utoipa::path(tag = "organizations", params(("id" = Uuid, Path, description = "Organization id")), responses((status = 204, description = "Deleted")))]
#[delete("/organizations/{id}")]
async fn remove(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    orgs::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists members. Permission: `members:read`.
#[utoipa::path(tag = "organizations", params(("id" = Uuid, Path, description = "Organization id"), PageQuery), responses((status = 200, body = Page<Membership>)))]
#[get("/organizations/{id}/members")]
async fn list_members(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Membership>>> {
    Ok(Json(
        orgs::list_members(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Adds a user as member. Permission: `members:create` (granting `owner`: owners only).
#[utoipa::path(tag = "organizations", params(("id" = Uuid, Path, description = "Organization id")), request_body = AddMember, responses((status = 201, body = Membership)))]
#[post("/organizations/{id}/members")]
async fn add_member(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<AddMember>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(orgs::add_member(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Changes a member's role. Permission: `members:update` (owner changes: owners only).
#[utoipa::path(tag = "organizations", params(("id" = Uuid, Path, description = "Organization id"), ("user_id" = Uuid, Path, description = "User id")), request_body = UpdateMember, responses((status = 200, body = Membership)))]
#[patch("/organizations/{id}/members/{user_id}")]
async fn update_member(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, Uuid)>,
    body: Json<UpdateMember>,
) -> ApiResult<Json<Membership>> {
    let (org, user) = p.into_inner();
    Ok(Json(
        orgs::update_member(&st.core, u.ctx(), org, user, body.into_inner()).await?,
    ))
}

/// Removes a member. Permission: `members:delete` (owners: owners only; the last owner stays).
#[utoipa::path(tag = "organizations", params(("id" = Uuid, Path, description = "Organization id"), ("user_id" = Uuid, Path, description = "User id")), responses((status = 204, description = "Removed")))]
#[delete("/organizations/{id}/members/{user_id}")]
async fn remove_member(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (org, user) = p.into_inner();
    orgs::remove_member(&st.core, u.ctx(), org, user).await?;
    Ok(HttpResponse::NoContent().finish())
}
