//! GitOps: what joins Git repositories and compose stacks (DOMAIN.md module `stacks`). `git`
//! fetches and checks out, and records its execution row; `stacks` refreshes and redeploys.
//! This module calls both; `git` never calls `stacks`, and `stacks` only reads a repository's
//! checkout for its Git stacks' source (`CoreSettings::git_checkout`) and, when a new Git stack
//! names a repository never synced, syncs it through `git::sync_repository` (no redeploy).
//!
//! Rules, and where they come from:
//! - A sync fetches the tracked branch into the repository's checkout, checks its tip out, and
//!   refreshes the compose content of the repository's Git stacks. One sync per repository at a
//!   time across replicas (lease `git:<id>`).
//! - After a webhook or scheduled sync (or a manual one with `redeploy`), each deployed,
//!   unlocked Git stack of the repository whose deployed commit differs is redeployed (trigger
//!   `manual`/`webhook`/`schedule`): a manual sync with the syncing user's permissions, the
//!   others with the permissions of the stack's creator for the privileged guard (none if that
//!   user is gone). The execution row lists the deployments started.
//! - Scheduled sync: a repository is due when `next_sync_at <= now`; a replica claims it by
//!   moving `next_sync_at` forward with a compare-and-set update, and the execution row is
//!   unique per (repository, due time), so a due run executes once however many replicas see it.
use windflow_api::access::Permission;

use chrono::{DateTime, Utc};
use uuid::Uuid;
use windflow_api::audit::AuditOutcome;
use windflow_api::git::{ScheduleExecution, WebhookAccepted};
use windflow_api::runs::Trigger;
use windflow_entity::{git_repositories as gr, schedule_executions as se};

use crate::context::{Core, Ctx, Initiator, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::load_for;

use super::git::{self, Delivery, WebhookHeaders};
use super::stacks;

/// Runs the sync of execution `ex` as `init`: fetch, refresh the repository's stacks,
/// redeploy the changed ones if `redeploy`, record.
async fn execute(
    core: &Core,
    repo: gr::Model,
    ex: se::Model,
    init: &Initiator,
    redeploy: bool,
) -> se::Model {
    let mut sync = git::SyncRun::new(core, repo, ex);
    let result = fetch_and_deploy(core, &mut sync, init, redeploy).await;
    sync.finish(init, result).await
}

/// The work between a sync's start and its record: the commit checked out and the deployments
/// started, or the error.
async fn fetch_and_deploy(
    core: &Core,
    sync: &mut git::SyncRun<'_>,
    init: &Initiator,
    redeploy: bool,
) -> Result<(String, Vec<Uuid>), String> {
    let synced = sync.fetch().await?;
    let repo = sync.repo().clone();
    let mut log = |l: &str| sync.line(l);
    let stacks_of = stacks::refresh_from_checkout(core, &repo, &mut log)
        .await
        .map_err(|e| e.to_string())?;
    let deployments = if redeploy {
        stacks::redeploy_changed(core, stacks_of, &synced.commit, init, &mut log).await
    } else {
        vec![]
    };
    Ok((synced.commit, deployments))
}

/// Syncs a repository now and answers the finished execution (`git:sync`). With `redeploy`,
/// the deployed Git stacks whose commit changed are redeployed afterwards. A failed fetch is
/// an execution with status `failed` and the error (not an HTTP error).
pub async fn sync_now(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    redeploy: bool,
) -> ServiceResult<ScheduleExecution> {
    let repo = load_for::<gr::Entity>(core, ctx, id, Permission::GitSync).await?;
    let init = Initiator::manual(ctx);
    let ex = git::start_execution(core, &repo, &init, None)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let ex = execute(core, repo, ex, &init, redeploy).await;
    Ok(git::exec_to_api(ex, true))
}

/// Handles a webhook delivery for `hook` (no user: the signature authenticates). 404 for an
/// unknown hook; 401 `webhook_signature_invalid` for a missing or wrong signature (audited as
/// `git.webhook` denied). A push to the tracked branch starts a sync with redeploy (202
/// `accepted` with the execution id); anything else is `ignored` with the reason (audited).
pub async fn webhook(
    core: &Core,
    hook: &str,
    h: &WebhookHeaders,
    body: &[u8],
    meta: &RequestMeta,
) -> ServiceResult<WebhookAccepted> {
    let push = match git::check_delivery(core, hook, h, body, meta).await? {
        Delivery::Ignored(answer) => return Ok(answer),
        Delivery::Push(push) => *push,
    };
    let init = Initiator::automatic(Trigger::Webhook, meta.clone());
    let ex = git::start_execution(core, &push.repo, &init, None)
        .await?
        .ok_or(ServiceError::NotFound)?;
    git::audit_delivery(
        core,
        &push.repo,
        meta,
        AuditOutcome::Success,
        serde_json::json!({"result": "accepted", "execution_id": ex.id, "ref": push.pushed,
            "after": push.after}),
    )
    .await?;
    let id = ex.id;
    let core2 = core.clone();
    tokio::spawn(async move {
        execute(&core2, push.repo, ex, &init, true).await;
    });
    Ok(WebhookAccepted {
        status: windflow_api::git::WebhookStatus::Accepted,
        execution_id: Some(id),
        reason: None,
    })
}

/// Runs every scheduled sync due at `now` (the clock is the caller's, so tests control it) and
/// returns the executions this call ran. Each due run is claimed by a compare-and-set on
/// `next_sync_at` (and the unique due-time row), so across replicas it runs once.
pub async fn run_due(core: &Core, now: DateTime<Utc>) -> ServiceResult<Vec<Uuid>> {
    let mut ran = vec![];
    for repo in git::due(core, now).await? {
        let Some(at) = git::claim(core, &repo, now).await? else {
            continue;
        };
        let init = Initiator::automatic(Trigger::Schedule, RequestMeta::default());
        if let Some(ex) = git::start_execution(core, &repo, &init, Some(at)).await? {
            ran.push(ex.id);
            execute(core, repo, ex, &init, true).await;
        }
    }
    Ok(ran)
}
