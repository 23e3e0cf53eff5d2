//! Groups and group members.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::tenancy::{AddGroupMember, CreateGroup, Group, GroupMember, UpdateGroup};
use windflow_api::{Page, PageQuery};
use windflow_core::services::groups;

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
        .service(remove_member);
}

/// Lists groups of an organization. Permission: `groups:read`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Organization id"), PageQuery), responses((status = 200, body = Page<Group>)))]
#[get("/organizations/{id}/groups")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Group>>> {
    Ok(Json(
        groups::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Creates a group. Permission: `groups:create`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Organization id")), request_body = CreateGroup, responses((status = 201, body = Group)))]
#[post("/organizations/{id}/groups")]
async fn create(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateGroup>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(groups::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Gets a group. Permission: `groups:read`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Group id")), responses((status = 200, body = Group)))]
#[get("/groups/{id}")]
async fn get_one(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Group>> {
    Ok(Json(groups::get(&st.core, u.ctx(), id.into_inner()).await?))
}

/// Updates a group. Permission: `groups:update`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Group id")), request_body = UpdateGroup, responses((status = 200, body = Group)))]
#[patch("/groups/{id}")]
async fn update(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateGroup>,
) -> ApiResult<Json<Group>> {
    Ok(Json(
        groups::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes a group with its bindings. Permission: `groups:delete`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Group id")), responses((status = 204, description = "Deleted")))]
#[delete("/groups/{id}")]
async fn remove(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    groups::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists members of a group. Permission: `groups:read`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Group id")), responses((status = 200, body = Vec<GroupMember>)))]
#[get("/groups/{id}/members")]
async fn list_members(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Vec<GroupMember>>> {
    Ok(Json(
        groups::list_members(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Adds an organization member to a group. Permission: `groups:update`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Group id")), request_body = AddGroupMember, responses((status = 201, body = GroupMember)))]
#[post("/groups/{id}/members")]
async fn add_member(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<AddGroupMember>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(groups::add_member(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Removes a user from a group. Permission: `groups:update`.
#[utoipa::path(tag = "groups", params(("id" = Uuid, Path, description = "Group id"), ("user_id" = Uuid, Path, description = "User id")), responses((status = 204, description = "Removed")))]
#[delete("/groups/{id}/members/{user_id}")]
async fn remove_member(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (g, user) = p.into_inner();
    groups::remove_member(&st.core, u.ctx(), g, user).await?;
    Ok(HttpResponse::NoContent().finish())
}
