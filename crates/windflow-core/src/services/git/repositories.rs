//! Git repositories: their settings, schedule (cron), webhook secret and removal.
use std::str::FromStr;
use windflow_api::access::Permission;
use windflow_api::rules;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use uuid::Uuid;
use windflow_api::git::{
    GitRepository, GitRepositoryCreated, GitRepositoryInput, GitSyncStatus, WebhookSecret,
};
use windflow_api::{Page, PageQuery};
use windflow_entity::{
    git_credentials as gc, git_repositories as gr, schedule_executions as se, stacks,
};

use crate::audit::AuditEvent;

use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::{self, Parent, load_for};

use crate::validate::Checks;

use super::credentials::bind_credential;
use super::url_guard::{allow_local_urls, bound_host_of, check_url};
use super::{checkout_dir, hook_aad};

fn repo_to_api(m: gr::Model) -> GitRepository {
    GitRepository {
        id: m.id,
        organization_id: m.organization_id,
        project_id: m.project_id,
        name: m.name,
        provider: m.provider,
        url: m.url,
        branch: m.branch,
        compose_path: m.compose_path,
        credential_id: m.credential_id,
        sync_cron: m.sync_cron,
        next_sync_at: m.next_sync_at,
        webhook_path: format!("/webhooks/git/{}", m.webhook_id),
        last_commit: m.last_commit,
        sync_status: m.sync_status,
        sync_error: m.sync_error,
        last_synced_at: m.last_synced_at,
        ssh_host_key: m.ssh_host_key,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Parses a 5-field cron expression (or a `@hourly`-style nickname).
pub fn parse_cron(expr: &str) -> Result<croner::Cron, String> {
    let e = expr.trim();
    if !e.starts_with('@') && e.split_whitespace().count() != 5 {
        return Err("5 fields: minute hour day-of-month month day-of-week".into());
    }
    croner::Cron::from_str(e).map_err(|err| err.to_string())
}

/// The first occurrence of `cron` strictly after `after`.
pub fn next_run(cron: &croner::Cron, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cron.find_next_occurrence(&after, false).ok()
}

fn check_branch(c: &mut Checks, b: &str) {
    let ok = !b.is_empty()
        && b.len() <= 255
        && !b.starts_with('-')
        && !b.starts_with('/')
        && !b.ends_with('/')
        && !b.ends_with(".lock")
        && !b.contains("..")
        && !b.contains("@{")
        && !b
            .chars()
            .any(|ch| ch.is_control() || " ~^:?*[\\".contains(ch));
    if !ok {
        c.push("branch", "invalid_format", "not a valid Git branch name");
    }
}

/// Checks the input of a repository; returns the next scheduled sync.
async fn check_repo_input(
    core: &Core,
    project: Uuid,
    req: &GitRepositoryInput,
) -> ServiceResult<Option<DateTime<Utc>>> {
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::GIT_NAME);
    check_branch(&mut c, &req.branch);
    if windflow_git::check_relative(&req.compose_path).is_err() {
        c.push(
            "compose_path",
            "invalid_format",
            "a relative path inside the repository",
        );
    }
    let mut next = None;
    if let Some(expr) = req.sync_cron.as_deref().filter(|e| !e.trim().is_empty()) {
        match parse_cron(expr) {
            Ok(cron) => next = next_run(&cron, crate::now()),
            Err(e) => c.push("sync_cron", "invalid_cron", e),
        }
    }
    if let Some(cid) = req.credential_id {
        match gc::Entity::find_by_id(cid)
            .one(&core.db)
            .await?
            .filter(|m| m.project_id == project)
        {
            None => c.push(
                "credential_id",
                "unknown",
                "no such Git credential in this project",
            ),
            Some(cred) => {
                let host = bound_host_of(&req.url);
                if let Some(b) = cred.bound_host.filter(|b| *b != host) {
                    c.push(
                        "credential_id",
                        "bound_to_other_host",
                        format!(
                            "this credential is bound to host {b}: give its secret again \
                             (update the credential) to use it with {host}"
                        ),
                    );
                }
            }
        }
    }
    if let Err(e) = check_url(&req.url, allow_local_urls(core).await?).await {
        c.push("url", "refused", e);
    }
    c.finish()?;
    Ok(next)
}

fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Lists a project's repositories (`git:read`), by name.
pub async fn list_repositories(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<GitRepository>> {
    Ok(resource::list_in(
        core,
        ctx,
        Parent::Project(project),
        Permission::GitRead,
        q,
        gr::Entity::find().filter(gr::Column::ProjectId.eq(project)),
    )
    .await?
    .map(repo_to_api))
}

/// Adds a repository (`git:create`; 422 for a refused URL, a bad branch, path or cron, or a
/// credential of another project). Answers its webhook secret, which is shown only here and
/// on rotation. Audited as `git.repository.create`.
pub async fn create_repository(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    req: GitRepositoryInput,
) -> ServiceResult<GitRepositoryCreated> {
    let path = Parent::Project(project)
        .require(core, ctx, Permission::GitCreate)
        .await?;
    let next = check_repo_input(core, project, &req).await?;
    let id = Uuid::now_v7();
    let secret = random_token(32);
    let now = crate::now();
    let m = gr::Model {
        id,
        organization_id: path.organization,
        project_id: project,
        name: req.name.trim().into(),
        provider: req.provider,
        url: req.url,
        branch: req.branch,
        compose_path: req.compose_path,
        credential_id: req.credential_id,
        sync_cron: req.sync_cron.filter(|e| !e.trim().is_empty()),
        next_sync_at: next,
        webhook_id: random_token(32),
        webhook_secret_enc: core
            .crypto
            .encrypt(secret.as_bytes(), &hook_aad(id))
            .map_err(ServiceError::internal)?,
        last_commit: None,
        sync_status: GitSyncStatus::Never,
        sync_error: None,
        last_synced_at: None,
        ssh_host_key: None,
        created_by: Some(ctx.principal.user_id),
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        bind_credential(txn, m.credential_id, &m.url).await?;
        gr::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        let ev =
            AuditEvent::of::<gr::Entity>("git.repository.create", &m).details(serde_json::json!({
                "url": m.url, "branch": m.branch, "provider": m.provider, "sync_cron": m.sync_cron,
            }));
        Ok(((), ev))
    })
    .await?;
    let api = repo_to_api(m);
    Ok(GitRepositoryCreated {
        webhook: WebhookSecret {
            webhook_path: api.webhook_path.clone(),
            webhook_secret: secret,
        },
        repository: api,
    })
}

/// Gets a repository (`git:read`).
pub async fn get_repository(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<GitRepository> {
    Ok(repo_to_api(
        load_for::<gr::Entity>(core, ctx, id, Permission::GitRead).await?,
    ))
}

/// Replaces a repository's settings (`git:update`; same checks as create). A new URL or branch
/// takes effect at the next sync. Audited as `git.repository.update`.
pub async fn update_repository(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: GitRepositoryInput,
) -> ServiceResult<GitRepository> {
    let m = load_for::<gr::Entity>(core, ctx, id, Permission::GitUpdate).await?;
    let next = check_repo_input(core, m.project_id, &req).await?;
    let mut am = m.clone().into_active_model();
    if bound_host_of(&req.url) != bound_host_of(&m.url) {
        // Another host: the pinned SSH host key belongs to the old one.
        am.ssh_host_key = Set(None);
    }
    let new_url = req.url.clone();
    am.name = Set(req.name.trim().into());
    am.provider = Set(req.provider);
    am.url = Set(req.url);
    am.branch = Set(req.branch);
    am.compose_path = Set(req.compose_path);
    am.credential_id = Set(req.credential_id);
    am.sync_cron = Set(req.sync_cron.filter(|e| !e.trim().is_empty()));
    am.next_sync_at = Set(next);
    am.updated_at = Set(crate::now());
    let updated = ctx
        .write(core, async |txn| {
            bind_credential(txn, req.credential_id, &new_url).await?;
            let updated = gr::Entity::update(am).exec(txn).await?;
            let ev = AuditEvent::of::<gr::Entity>("git.repository.update", &updated).details(
                serde_json::json!({
                    "url": updated.url, "branch": updated.branch, "sync_cron": updated.sync_cron,
                }),
            );
            Ok((updated, ev))
        })
        .await?;
    Ok(repo_to_api(updated))
}

/// Removes a repository, its executions and its checkout (`git:delete`); 409 while a stack
/// uses it. Audited.
pub async fn delete_repository(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let m = load_for::<gr::Entity>(core, ctx, id, Permission::GitDelete).await?;
    ctx.write(core, async |txn| {
        if stacks::Entity::find()
            .filter(stacks::Column::RepositoryId.eq(id))
            .one(txn)
            .await?
            .is_some()
        {
            return Err(ServiceError::Conflict(
                "a stack uses this repository: remove the stack first".into(),
            ));
        }
        se::Entity::delete_many()
            .filter(se::Column::RepositoryId.eq(id))
            .exec(txn)
            .await?;
        gr::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<gr::Entity>("git.repository.delete", &m);
        Ok(((), ev))
    })
    .await?;
    let _ = std::fs::remove_dir_all(checkout_dir(core, id));
    Ok(())
}

/// Replaces the webhook secret (`git:update`) and answers it, once. The webhook path stays.
/// Audited as `git.repository.webhook_rotate`.
pub async fn rotate_webhook(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<WebhookSecret> {
    let m = load_for::<gr::Entity>(core, ctx, id, Permission::GitUpdate).await?;
    let secret = random_token(32);
    let mut am = m.clone().into_active_model();
    am.webhook_secret_enc = Set(core
        .crypto
        .encrypt(secret.as_bytes(), &hook_aad(id))
        .map_err(ServiceError::internal)?);
    am.updated_at = Set(crate::now());
    ctx.write(core, async |txn| {
        gr::Entity::update(am).exec(txn).await?;
        let ev = AuditEvent::of::<gr::Entity>("git.repository.webhook_rotate", &m);
        Ok(((), ev))
    })
    .await?;
    Ok(WebhookSecret {
        webhook_path: format!("/webhooks/git/{}", m.webhook_id),
        webhook_secret: secret,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_expressions() {
        let c = parse_cron("*/15 * * * *").unwrap_or_else(|e| panic!("{e}"));
        let t = DateTime::parse_from_rfc3339("2026-12-02T10:07:30Z")
            .unwrap_or_else(|e| panic!("{e}"))
            .with_timezone(&Utc);
        assert_eq!(
            next_run(&c, t).map(|d| d.to_rfc3339()),
            Some("2026-12-02T10:15:00+00:00".into())
        );
        assert!(parse_cron("* * * *").is_err());
        assert!(parse_cron("0 0 * * * *").is_err());
        assert!(parse_cron("61 * * * *").is_err());
        assert!(parse_cron("@hourly").is_ok());
    }
}
