//! Git credentials and repositories of a project, manual sync, webhook secret rotation, the
//! schedule executions history, the webhook receiver, and the platform settings.
use actix_web::web::{Bytes, Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::git::{
    CreateGitCredential, GitCredential, GitRepository, GitRepositoryCreated, GitRepositoryInput,
    PlatformSettings, ScheduleExecution, SyncQuery, UpdateGitCredential, WebhookAccepted,
    WebhookSecret,
};
use windflow_api::{Page, PageQuery};
use windflow_core::services::git::{self, WebhookHeaders};
use windflow_core::services::gitops;

use crate::error::ApiResult;
use crate::extract::{AuthUser, Meta};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_credentials)
        .service(create_credential)
        .service(update_credential)
        .service(delete_credential)
        .service(list_repositories)
        .service(create_repository)
        .service(get_repository)
        .service(update_repository)
        .service(delete_repository)
        .service(sync)
        .service(rotate_webhook)
        .service(executions)
        .service(execution)
        .service(webhook)
        .service(get_platform)
        .service(set_platform);
}

/// Lists a project's Git credentials (secrets never returned). Permission: `git:read`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Project id"), PageQuery), responses((status = 200, body = Page<GitCredential>)))]
#[get("/projects/{id}/git-credentials")]
async fn list_credentials(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<GitCredential>>> {
    Ok(Json(
        git::list_credentials(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Adds a Git credential (secrets stored encrypted). Permission: `git:create`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Project id")), request_body = CreateGitCredential, responses((status = 201, body = GitCredential)))]
#[post("/projects/{id}/git-credentials")]
async fn create_credential(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<CreateGitCredential>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(git::create_credential(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Changes a Git credential. Permission: `git:update`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Credential id")), request_body = UpdateGitCredential, responses((status = 200, body = GitCredential)))]
#[patch("/git-credentials/{id}")]
async fn update_credential(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<UpdateGitCredential>,
) -> ApiResult<Json<GitCredential>> {
    Ok(Json(
        git::update_credential(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Removes a Git credential (409 while a repository uses it). Permission: `git:delete`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Credential id")), responses((status = 204, description = "Removed")))]
#[delete("/git-credentials/{id}")]
async fn delete_credential(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    git::delete_credential(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists a project's Git repositories. Permission: `git:read`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Project id"), PageQuery), responses((status = 200, body = Page<GitRepository>)))]
#[get("/projects/{id}/git-repositories")]
async fn list_repositories(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<GitRepository>>> {
    Ok(Json(
        git::list_repositories(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// Adds a Git repository; the answer carries its webhook secret, shown only once.
/// Permission: `git:create`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Project id")), request_body = GitRepositoryInput, responses((status = 201, body = GitRepositoryCreated)))]
#[post("/projects/{id}/git-repositories")]
async fn create_repository(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<GitRepositoryInput>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(git::create_repository(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?))
}

/// Gets a Git repository. Permission: `git:read`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Repository id")), responses((status = 200, body = GitRepository)))]
#[get("/git-repositories/{id}")]
async fn get_repository(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<GitRepository>> {
    Ok(Json(
        git::get_repository(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// Replaces a Git repository's settings. Permission: `git:update`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Repository id")), request_body = GitRepositoryInput, responses((status = 200, body = GitRepository)))]
#[put("/git-repositories/{id}")]
async fn update_repository(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    body: Json<GitRepositoryInput>,
) -> ApiResult<Json<GitRepository>> {
    Ok(Json(
        git::update_repository(&st.core, u.ctx(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Removes a Git repository (409 while a stack uses it). Permission: `git:delete`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Repository id")), responses((status = 204, description = "Removed")))]
#[delete("/git-repositories/{id}")]
async fn delete_repository(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    git::delete_repository(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Syncs a repository now and answers the finished execution (a failed fetch is an execution
/// with status `failed`). Permission: `git:sync`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Repository id"), SyncQuery), responses((status = 200, body = ScheduleExecution)))]
#[post("/git-repositories/{id}/sync")]
async fn sync(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<SyncQuery>,
) -> ApiResult<Json<ScheduleExecution>> {
    Ok(Json(
        gitops::sync_now(
            &st.core,
            u.ctx(),
            id.into_inner(),
            q.redeploy.unwrap_or(false),
        )
        .await?,
    ))
}

/// Replaces the webhook secret and answers it, once. Permission: `git:update`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Repository id")), responses((status = 200, body = WebhookSecret)))]
#[post("/git-repositories/{id}/webhook-secret")]
async fn rotate_webhook(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<WebhookSecret>> {
    Ok(Json(
        git::rotate_webhook(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

/// A repository's sync executions (manual, webhook, schedule), newest first. Permission:
/// `git:read`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Repository id"), PageQuery), responses((status = 200, body = Page<ScheduleExecution>)))]
#[get("/git-repositories/{id}/executions")]
async fn executions(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
    q: Query<PageQuery>,
) -> ApiResult<Json<Page<ScheduleExecution>>> {
    Ok(Json(
        git::executions(&st.core, u.ctx(), id.into_inner(), &q).await?,
    ))
}

/// One execution with its logs. Permission: `git:read`.
#[utoipa::path(tag = "git", params(("id" = Uuid, Path, description = "Execution id")), responses((status = 200, body = ScheduleExecution)))]
#[get("/schedule-executions/{id}")]
async fn execution(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<Json<ScheduleExecution>> {
    Ok(Json(
        git::execution(&st.core, u.ctx(), id.into_inner()).await?,
    ))
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Receives a Git host's webhook delivery. No user authentication: the delivery is
/// authenticated by its signature (GitHub `X-Hub-Signature-256`, Gitea `X-Gitea-Signature`,
/// GitLab `X-Gitlab-Token`); 401 `webhook_signature_invalid` otherwise. A push to the tracked
/// branch answers 202 and syncs and redeploys in the background; anything else 200 `ignored`.
#[utoipa::path(tag = "git", params(("hook" = String, Path, description = "The repository's webhook id")), request_body(content = String, description = "The Git host's JSON payload", content_type = "application/json"), responses((status = 202, body = WebhookAccepted), (status = 200, body = WebhookAccepted)), security(()))]
#[post("/webhooks/git/{hook}")]
async fn webhook(
    st: Data<AppState>,
    req: HttpRequest,
    meta: Meta,
    hook: Path<String>,
    body: Bytes,
) -> ApiResult<HttpResponse> {
    let h = WebhookHeaders {
        hub_signature_256: header(&req, "X-Hub-Signature-256"),
        gitea_signature: header(&req, "X-Gitea-Signature"),
        gitlab_token: header(&req, "X-Gitlab-Token"),
        event: header(&req, "X-GitHub-Event")
            .or_else(|| header(&req, "X-Gitea-Event"))
            .or_else(|| header(&req, "X-Gitlab-Event")),
        delivery: header(&req, "X-GitHub-Delivery")
            .or_else(|| header(&req, "X-Gitea-Delivery"))
            .or_else(|| header(&req, "X-Gitlab-Event-UUID")),
    };
    let r = gitops::webhook(&st.core, &hook.into_inner(), &h, &body, &meta.0).await?;
    Ok(if r.execution_id.is_some() {
        HttpResponse::Accepted().json(r)
    } else {
        HttpResponse::Ok().json(r)
    })
}

/// Reads the platform settings. Permission: `settings:read` (global).
#[utoipa::path(tag = "settings", responses((status = 200, body = PlatformSettings)))]
#[get("/settings/platform")]
async fn get_platform(st: Data<AppState>, u: AuthUser) -> ApiResult<Json<PlatformSettings>> {
    Ok(Json(git::get_platform(&st.core, u.ctx()).await?))
}

/// Replaces the platform settings. Permission: `settings:update` (global).
#[utoipa::path(tag = "settings", request_body = PlatformSettings, responses((status = 200, body = PlatformSettings)))]
#[put("/settings/platform")]
async fn set_platform(
    st: Data<AppState>,
    u: AuthUser,
    body: Json<PlatformSettings>,
) -> ApiResult<Json<PlatformSettings>> {
    Ok(Json(
        git::set_platform(&st.core, u.ctx(), body.into_inner()).await?,
    ))
}
