//! Roles and role bindings.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::access::{CreateRole, CreateRoleBinding, Role, RoleBinding, UpdateRole};
use windflow_api::{Page, PageQuery};
use windflow_core::services::roles;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(remove)
        .service(list_bindings)
        .service(create_binding)
        .service(delete_binding);
}

/// Lists system roles and the organization's roles. Permission: `roles:read`.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Organization id"), PageQuery), responses((status = 200, body = Page<Role>)))]
#[get("/organizations/{id}/roles")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Role>>> {
    Ok(Json(
        roles::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Creates a role with catalog permissions and parent roles. Permission: `roles:create`.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Organization id")), request_body = CreateRole, responses((status = 201, body = Role)))]
#[post("/organizations/{id}/roles")]
async fn create(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateRole>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(roles::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Gets a role. Permission: `roles:read` (system roles: any authenticated user).
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Role id")), responses((status = 200, body = Role)))]
#[get("/roles/{id}")]
async fn get_one(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Role>> {
    Ok(Json(roles::get(&st.core, u.ctx(), id.into_inner()).await?))
}

/// Updates an organization role (system roles: 409). Permission: `roles:update`.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Role id")), request_body = UpdateRole, responses((status = 200, body = Role)))]
#[patch("/roles/{id}")]
async fn update(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateRole>,
) -> ApiResult<Json<Role>> {
    Ok(Json(
        roles::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes an organization role and its bindings. Permission: `roles:delete`.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Role id")), responses((status = 204, description = "Deleted")))]
#[delete("/roles/{id}")]
async fn remove(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    roles::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists role bindings of an organization. Permission: `role_bindings:read`.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Organization id"), PageQuery), responses((status = 200, body = Page<RoleBinding>)))]
#[get("/organizations/{id}/role-bindings")]
async fn list_bindings(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<RoleBinding>>> {
    Ok(Json(
        roles::list_bindings(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Binds a role to a user or group at organization, project or environment scope.
/// Permission: `role_bindings:create`, and the caller must hold every permission it grants.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Organization id")), request_body = CreateRoleBinding, responses((status = 201, body = RoleBinding)))]
#[post("/organizations/{id}/role-bindings")]
async fn create_binding(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateRoleBinding>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(roles::create_binding(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Deletes a role binding. Permission: `role_bindings:delete`.
#[utoipa::path(tag = "access", params(("id" = Uuid, Path, description = "Role binding id")), responses((status = 204, description = "Deleted")))]
#[delete("/role-bindings/{id}")]
async fn delete_binding(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    roles::delete_binding(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
