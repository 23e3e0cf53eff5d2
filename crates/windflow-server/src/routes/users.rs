//! Users administration, effective permissions and the permission catalog.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::access::{EffectivePermissions, PermissionInfo, PermissionsQuery};
use windflow_api::users::{CreateUser, UpdateUser, User};
use windflow_api::{Page, PageQuery};
use windflow_core::services::{roles, users};

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(delete_user)
        .service(user_permissions)
        .service(permissions);
}

/// Lists all users (`q` on username, `sort=name`). Permission: `users:read` (superadmins).
#[utoipa::path(tag = "users", params(PageQuery), responses((status = 200, body = Page<User>)))]
#[get("/users")]
async fn list_users(
    st: Data<AppState>,
    u: AuthUser,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<User>>> {
    Ok(Json(users::list(&st.core, u.ctx(), &q).await?))
}

/// Creates a local user. Permission: `users:create` (superadmins).
#[utoipa::path(tag = "users", request_body = CreateUser, responses((status = 201, body = User)))]
#[post("/users")]
async fn create_user(
    st: Data<AppState>,
    u: AuthUser,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(users::create(&st.core, u.ctx(), body.into_inner()).await?))
}

/// Gets a user: oneself, or anyone for superadmins (others: 404).
#[utoipa::path(tag = "users", params(("id" = Uuid, Path, description = "User id")), responses((status = 200, body = User)))]
#[get("/users/{id}")]
async fn get_user(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<User>> {
    Ok(Json(users::get(&st.core, u.ctx(), id.into_inner()).await?))
}

/// Updates a user. Oneself: profile fields; email, `is_active`, `is_superadmin`: `users:update`.
#[utoipa::path(tag = "users", params(("id" = Uuid, Path, description = "User id")), request_body = UpdateUser, responses((status = 200, body = User)))]
#[patch("/users/{id}")]
async fn update_user(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateUser>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        users::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes a user (not oneself). Permission: `users:delete` (superadmins).
#[utoipa::path(tag = "users", params(("id" = Uuid, Path, description = "User id")), responses((status = 204, description = "Deleted")))]
#[delete("/users/{id}")]
async fn delete_user(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    users::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Effective permissions of a user at a scope. Oneself; others need `members:read` on the
/// scope's organization.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "User id"), PermissionsQuery), responses((status = 200, body = EffectivePermissions)))]
#[get("/users/{id}/permissions")]
async fn user_permissions(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PermissionsQuery>,
) -> ApiResult<Json<EffectivePermissions>> {
    Ok(Json(
        users::effective_permissions(&st.core, u.ctx(), id.into_inner(), q.scope.as_deref())
            .await?,
    ))
}

/// The permission catalog. Any authenticated user.
#[utoipa::path(tag = "access", responses((status = 200, body = Vec<PermissionInfo>)))]
#[get("/permissions")]
async fn permissions(_u: AuthUser) -> ApiResult<Json<Vec<PermissionInfo>>> {
    Ok(Json(roles::catalog()))
}
