//! Compose stacks: CRUD, variables, validation, actions with live output (server-sent events),
//! deployments and rollback, adoption of existing compose projects, lock.
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post, put};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::stacks::{
    AdoptStack, ComposeCheck, ComposeProject, CreateStack, Deployment, DeploymentDetails, Stack,
    StackAction, StackActionQuery, StackDeleted, StackLogLine, StackLogQuery, StackOutput,
    StackVariable, StackVariableInput, UpdateStack, ValidateCompose,
};
use windflow_api::{Page, PageQuery};
use windflow_core::ServiceError;
use windflow_core::services::stacks;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::sse::{sse, until_revoked};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(validate)
        .service(projects)
        .service(adopt)
        .service(get_one)
        .service(update)
        .service(remove)
        .service(get_variables)
        .service(set_variables)
        .service(lock)
        .service(unlock)
        .service(logs)
        .service(deployments)
        .service(deployment)
        .service(rollback)
        .service(action);
}

/// Lists an endpoint's stacks with their running state. Permission: `stacks:read`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Endpoint id"), PageQuery), responses((status = 200, body = Page<Stack>)))]
#[get("/endpoints/{id}/stacks")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Stack>>> {
    Ok(Json(
        stacks::list(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Creates an internal stack (compose YAML validated first; 422 with the error, 403 for
/// privileged options without `containers:create_privileged`). Permission: `stacks:create`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Endpoint id")), request_body = CreateStack, responses((status = 201, body = Stack)))]
#[post("/endpoints/{id}/stacks")]
async fn create(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateStack>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(stacks::create(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Validates compose YAML for an endpoint without saving (YAML, files compose would read on
/// the server, then the compose CLI's `config` with the given variables, then the privileged
/// guard). Permission: `stacks:create` at the endpoint, or `stacks:update` on `stack_id`.
#[utoipa::path(tag = "stacks", request_body = ValidateCompose, responses((status = 200, body = ComposeCheck)))]
#[post("/stacks/validate")]
async fn validate(
    st: Data<AppState>,
    u: AuthUser,
    body: Json<ValidateCompose>,
) -> ApiResult<Json<ComposeCheck>> {
    Ok(Json(
        stacks::validate(&st.core, u.ctx(), body.into_inner()).await?,
    ))
}

/// Compose projects found on the endpoint (for adoption). Permission: `stacks:read`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Endpoint id")), responses((status = 200, body = Vec<ComposeProject>)))]
#[get("/endpoints/{id}/compose-projects")]
async fn projects(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Vec<ComposeProject>>> {
    Ok(Json(
        stacks::projects(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Adopts a compose project WindFlow did not create. Permission: `stacks:create`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Endpoint id")), request_body = AdoptStack, responses((status = 201, body = Stack)))]
#[post("/endpoints/{id}/stacks/adopt")]
async fn adopt(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<AdoptStack>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(stacks::adopt(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Gets a stack with its compose YAML. Permission: `stacks:read`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id")), responses((status = 200, body = Stack)))]
#[get("/stacks/{id}")]
async fn get_one(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Stack>> {
    Ok(Json(stacks::get(&st.core, u.ctx(), id.into_inner()).await?))
}

/// Replaces the compose YAML (validated first; 409 while locked). Permission: `stacks:update`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id")), request_body = UpdateStack, responses((status = 200, body = Stack)))]
#[patch("/stacks/{id}")]
async fn update(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateStack>,
) -> ApiResult<Json<Stack>> {
    Ok(Json(
        stacks::update(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// `DELETE /stacks/{id}` options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeleteQuery {
    /// Forget the stack even though its project still has containers (they keep running).
    force: Option<bool>,
    /// Take the compose project down first (needs `stacks:deploy` too).
    down: Option<bool>,
    /// With `down`: remove named volumes too.
    remove_volumes: Option<bool>,
}

/// Removes a stack and says what happened to its compose project: `down=true` removes it
/// first (`remove_volumes=true`: with its named volumes), `force=true` leaves it running; 409
/// while locked, or while the project has containers and neither is given. Permission:
/// `stacks:delete` (and `stacks:deploy` for `down`).
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id"), DeleteQuery), responses((status = 200, body = StackDeleted)))]
#[delete("/stacks/{id}")]
async fn remove(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<DeleteQuery>,
) -> ApiResult<Json<StackDeleted>> {
    Ok(Json(
        stacks::delete(
            &st.core,
            u.ctx(),
            id.into_inner(),
            q.force.unwrap_or(false),
            q.down.unwrap_or(false),
            q.remove_volumes.unwrap_or(false),
        )
        .await?,
    ))
}

/// The stack's variables; secret values are `null`. Permission: `stacks:read`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id")), responses((status = 200, body = Vec<StackVariable>)))]
#[get("/stacks/{id}/variables")]
async fn get_variables(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<Vec<StackVariable>>> {
    Ok(Json(
        stacks::variables(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Replaces the variable set; an existing secret sent with `value: null` keeps its value.
/// Permission: `stacks:update`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id")), request_body = Vec<StackVariableInput>, responses((status = 200, body = Vec<StackVariable>)))]
#[put("/stacks/{id}/variables")]
async fn set_variables(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<Vec<StackVariableInput>>,
) -> ApiResult<Json<Vec<StackVariable>>> {
    Ok(Json(
        stacks::set_variables(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Locks a stack: every change and action is refused (409) until unlocked.
/// Permission: `stacks:update`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id")), responses((status = 200, body = Stack)))]
#[post("/stacks/{id}/lock")]
async fn lock(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Stack>> {
    Ok(Json(
        stacks::set_lock(&st.core, u.ctx(), id.into_inner(), true).await?,
    ))
}

/// Unlocks a stack. Permission: `stacks:update`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id")), responses((status = 200, body = Stack)))]
#[post("/stacks/{id}/unlock")]
async fn unlock(st: Data<AppState>, u: AuthUser, id: Path<Uuid>) -> ApiResult<Json<Stack>> {
    Ok(Json(
        stacks::set_lock(&st.core, u.ctx(), id.into_inner(), false).await?,
    ))
}

/// The last lines of every service's containers (secrets masked). Permission: `stacks:read`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id"), StackLogQuery), responses((status = 200, body = Vec<StackLogLine>)))]
#[get("/stacks/{id}/logs")]
async fn logs(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<StackLogQuery>,
) -> ApiResult<Json<Vec<StackLogLine>>> {
    Ok(Json(
        stacks::logs(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// The stack's deployments, newest first. Permission: `stacks:read`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id"), PageQuery), responses((status = 200, body = Page<Deployment>)))]
#[get("/stacks/{id}/deployments")]
async fn deployments(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<Deployment>>> {
    Ok(Json(
        stacks::deployments(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// One deployment with its compose YAML, logs and events. Permission: `stacks:read`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Deployment id")), responses((status = 200, body = DeploymentDetails)))]
#[get("/deployments/{id}")]
async fn deployment(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<DeploymentDetails>> {
    Ok(Json(
        stacks::deployment(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Rolls the stack back to a completed deployment, with its images pinned to the digests it
/// recorded; streams the output like an action. Permission: `stacks:deploy`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id"), ("did" = Uuid, Path, description = "Deployment to roll back to")),
    responses((status = 200, description = "text/event-stream of StackOutput", content_type = "text/event-stream", body = StackOutput)))]
#[post("/stacks/{id}/deployments/{did}/rollback")]
async fn rollback(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, did) = p.into_inner();
    let s = stacks::rollback(&st.core, u.ctx(), id, did).await?;
    Ok(sse(until_revoked(s, &st.core, &u)))
}

/// Runs `deploy`, `pull-redeploy`, `start`, `stop`, `restart` or `down` and streams its output
/// as server-sent events (`line` items, then one `done` item); the action goes on if the
/// client leaves. 409 while locked or busy. Permission: `stacks:deploy`.
#[utoipa::path(tag = "stacks", params(("id" = Uuid, Path, description = "Stack id"),
    ("action" = String, Path, description = "deploy, pull-redeploy, start, stop, restart or down"), StackActionQuery),
    responses((status = 200, description = "text/event-stream of StackOutput", content_type = "text/event-stream", body = StackOutput)))]
#[post("/stacks/{id}/{action}")]
async fn action(
    st: Data<AppState>,
    u: AuthUser,
    p: Path<(Uuid, String)>,
    q: Query<StackActionQuery>,
) -> ApiResult<HttpResponse> {
    let (id, action) = p.into_inner();
    let action = StackAction::from_path(&action).ok_or(ServiceError::NotFound)?;
    let s = stacks::action(&st.core, u.ctx(), id, action, &q).await?;
    Ok(sse(until_revoked(s, &st.core, &u)))
}
