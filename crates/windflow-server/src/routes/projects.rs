//! Projects and environments.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::tenancy::{
    CreateEnvironment, CreateProject, Environment, Project, UpdateEnvironment, UpdateProject,
};
use windflow_api::{Page, PageQuery};
use windflow_core::services::projects;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(remove)
        .service(list_envs)
        .service(create_env)
        .service(get_env)
        .service(update_env)
        .service(remove_env);
}

/// Lists projects of an organization (`q`, `sort=name`). Permission: `projects:read`.
#[utoipa::path(tag = "projects", params(("id" = Uuid, Path, description = "Organization id"), PageQuery), responses((status = 200, body = Page<Project>)))]
#[get("/organizations/{id}/projects")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Project>>> {
    Ok(Json(
        projects::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Creates a project. Permission: `projects:create`.
#[utoipa::path(tag = "projects", params(("id" = Uuid, Path, description = "Organization id")), request_body = CreateProject, responses((status = 201, body = Project)))]
#[post("/organizations/{id}/projects")]
async fn create(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateProject>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(projects::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Gets a project. Permission: `projects:read` at project scope.
#[utoipa::path(tag = "projects", params(("id" = Uuid, Path, description = "Project id")), responses((status = 200, body = Project)))]
#[get("/projects/{id}")]
async fn get_one(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Project>> {
    Ok(Json(
        projects::get(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Updates a project. Permission: `projects:update` at project scope.
#[utoipa::path(tag = "projects", params(("id" = Uuid, Path, description = "Project id")), request_body = UpdateProject, responses((status = 200, body = Project)))]
#[patch("/projects/{id}")]
async fn update(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateProject>,
) -> ApiResult<Json<Project>> {
    Ok(Json(
        projects::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes a project and its environments. Permission: `projects:delete` at project scope.
#[utoipa::path(tag = "projects", params(("id" = Uuid, Path, description = "Project id")), responses((status = 204, description = "Deleted")))]
#[delete("/projects/{id}")]
async fn remove(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    projects::delete(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists environments of a project. Permission: `environments:read` at project scope.
#[utoipa::path(tag = "environments", params(("id" = Uuid, Path, description = "Project id"), PageQuery), responses((status = 200, body = Page<Environment>)))]
#[get("/projects/{id}/environments")]
async fn list_envs(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Environment>>> {
    Ok(Json(
        projects::list_environments(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Creates an environment (name unique per project). Permission: `environments:create`.
#[utoipa::path(tag = "environments", params(("id" = Uuid, Path, description = "Project id")), request_body = CreateEnvironment, responses((status = 201, body = Environment)))]
#[post("/projects/{id}/environments")]
async fn create_env(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateEnvironment>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(
        projects::create_environment(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Gets an environment. Permission: `environments:read` at environment scope.
#[utoipa::path(tag = "environments", params(("id" = Uuid, Path, description = "Environment id")), responses((status = 200, body = Environment)))]
#[get("/environments/{id}")]
async fn get_env(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Environment>> {
    Ok(Json(
        projects::get_environment(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Updates an environment. Permission: `environments:update` at environment scope.
#[utoipa::path(tag = "environments", params(("id" = Uuid, Path, description = "Environment id")), request_body = UpdateEnvironment, responses((status = 200, body = Environment)))]
#[patch("/environments/{id}")]
async fn update_env(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateEnvironment>,
) -> ApiResult<Json<Environment>> {
    Ok(Json(
        projects::update_environment(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes an environment. Permission: `environments:delete` at environment scope.
#[utoipa::path(tag = "environments", params(("id" = Uuid, Path, description = "Environment id")), responses((status = 204, description = "Deleted")))]
#[delete("/environments/{id}")]
async fn remove_env(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    projects::delete_environment(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
