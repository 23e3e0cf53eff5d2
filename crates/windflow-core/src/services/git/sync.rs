//! A repository's sync: fetch and checkout under its lease, its `schedule_executions` row, and
//! the claim of due scheduled runs.
use crate::runs::{Finish, RunRecord};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::audit::AuditOutcome;
use windflow_api::git::{GitSyncStatus, ScheduleExecution, ScheduleKind};
use windflow_api::{Page, PageQuery};
use windflow_entity::{git_credentials as gc, git_repositories as gr, schedule_executions as se};

use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx, Initiator};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};
use crate::resource::load_for;

use super::credentials::auth_of;
use super::repositories::{next_run, parse_cron};
use super::url_guard::{allow_local_urls, bound_host_of, check_url};
use super::{checkout_dir, project_path};

/// Lifetime of a sync's lease on its repository, seconds, renewed by a heartbeat while the sync
/// runs (after a crash it lapses and the sweep closes the execution).
pub(crate) const SYNC_LEASE_SECS: i64 = 60;

const MAX_LOG_BYTES: usize = 64 * 1024;

pub(crate) fn exec_to_api(m: se::Model, with_logs: bool) -> ScheduleExecution {
    ScheduleExecution {
        id: m.id,
        kind: m.kind,
        run: m.run(),
        repository_id: m.repository_id,
        scheduled_for: m.scheduled_for,
        commit: m.commit,
        deployment_ids: serde_json::from_value(m.deployment_ids).unwrap_or_default(),
        error: m.error,
        logs: with_logs.then_some(m.logs),
    }
}

/// A repository's executions, newest first (`git:read`).
pub async fn executions(
    core: &Core,
    ctx: Ctx<'_>,
    repo: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<ScheduleExecution>> {
    load_for::<gr::Entity>(core, ctx, repo, Permission::GitRead).await?;
    let mut spec = PageSpec::parse(q, false)?;
    if q.dir.is_none() {
        spec.desc = true;
    }
    let s = se::Entity::find().filter(se::Column::RepositoryId.eq(repo));
    let (rows, next_cursor) =
        fetch_page(&core.db, s, se::Column::Id, None, &spec, |m| (m.id, None)).await?;
    Ok(Page {
        items: rows.into_iter().map(|m| exec_to_api(m, false)).collect(),
        next_cursor,
    })
}

/// One execution with its logs (`git:read` on its project).
pub async fn execution(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<ScheduleExecution> {
    let m = se::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    authz::require(
        &core.db,
        ctx.principal,
        &project_path(m.organization_id, m.project_id),
        Permission::GitRead,
    )
    .await?;
    Ok(exec_to_api(m, true))
}

/// Inserts the execution row; `None` when another replica already inserted the same due run.
pub(crate) async fn start_execution(
    core: &Core,
    repo: &gr::Model,
    init: &Initiator,
    scheduled_for: Option<DateTime<Utc>>,
) -> ServiceResult<Option<se::Model>> {
    let run = crate::runs::started(init);
    let m = se::Model {
        id: Uuid::now_v7(),
        organization_id: repo.organization_id,
        project_id: repo.project_id,
        kind: ScheduleKind::GitSync,
        trigger: run.trigger,
        status: run.status,
        repository_id: Some(repo.id),
        triggered_by: run.triggered_by,
        scheduled_for,
        commit: None,
        deployment_ids: serde_json::json!([]),
        error: None,
        logs: String::new(),
        started_at: run.started_at,
        finished_at: None,
        duration_ms: None,
    };
    match se::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(&core.db)
        .await
    {
        Ok(_) => Ok(Some(m)),
        Err(e) => match ServiceError::from(e) {
            ServiceError::Conflict(_) if scheduled_for.is_some() => Ok(None),
            e => Err(e),
        },
    }
}

/// One sync of a repository in progress: its execution row, its log, and the lease
/// `git:<id>` held (with a heartbeat) from [`SyncRun::fetch`] until [`SyncRun::finish`]. What
/// happens between the two (refreshing and redeploying stacks) is the caller's
/// (`services::gitops`).
pub(crate) struct SyncRun<'a> {
    core: &'a Core,
    repo: gr::Model,
    ex: se::Model,
    log: String,
    lease: String,
    holder: String,
    heartbeat: Option<crate::lease::Heartbeat>,
}

impl<'a> SyncRun<'a> {
    /// A sync of `repo` recorded in execution `ex` (see [`start_execution`]).
    pub(crate) fn new(core: &'a Core, repo: gr::Model, ex: se::Model) -> Self {
        Self {
            core,
            lease: format!("git:{}", repo.id),
            holder: ex.id.to_string(),
            repo,
            ex,
            log: String::new(),
            heartbeat: None,
        }
    }

    /// The repository synced.
    pub(crate) fn repo(&self) -> &gr::Model {
        &self.repo
    }

    /// Appends a timestamped line to the execution's log (at most 64 KiB are kept).
    pub(crate) fn line(&mut self, l: &str) {
        if self.log.len() < MAX_LOG_BYTES {
            self.log
                .push_str(&format!("{} {l}\n", crate::now().format("%H:%M:%S")));
        }
    }

    /// Takes the repository's lease, checks its URL and credential again, fetches the tracked
    /// branch, checks its tip out (pinning the SSH host key on first contact) and records the
    /// commit as the repository's last one. The error is the execution's.
    pub(crate) async fn fetch(&mut self) -> Result<windflow_git::Synced, String> {
        let core = self.core;
        let repo = self.repo.clone();
        let held = crate::lease::try_acquire(
            &core.db,
            &self.lease,
            &self.holder,
            chrono::TimeDelta::seconds(SYNC_LEASE_SECS),
        )
        .await
        .map_err(|e| e.to_string())?;
        if !held {
            return Err("another sync of this repository is running".into());
        }
        self.heartbeat = Some(crate::lease::Heartbeat::start(
            core.db.clone(),
            self.lease.clone(),
            self.holder.clone(),
            chrono::TimeDelta::seconds(SYNC_LEASE_SECS),
        ));
        let _ = gr::Entity::update_many()
            .col_expr(gr::Column::SyncStatus, Expr::value(GitSyncStatus::Syncing))
            .filter(gr::Column::Id.eq(repo.id))
            .exec(&core.db)
            .await;
        let allow = allow_local_urls(core).await.map_err(|e| e.to_string())?;
        let pinned = check_url(&repo.url, allow).await?;
        if let Some(cid) = repo.credential_id {
            let bound = gc::Entity::find_by_id(cid)
                .one(&core.db)
                .await
                .map_err(|e| e.to_string())?
                .and_then(|c| c.bound_host);
            if bound.is_some_and(|b| b != bound_host_of(&repo.url)) {
                return Err("the credential is bound to another host".into());
            }
        }
        let auth = auth_of(core, repo.credential_id)
            .await
            .map_err(|e| e.to_string())?;
        self.line(&format!("fetching branch {} of {}", repo.branch, repo.url));
        let (url, branch, dir, host_pin) = (
            repo.url.clone(),
            repo.branch.clone(),
            checkout_dir(core, repo.id),
            repo.ssh_host_key.clone(),
        );
        let synced = tokio::task::spawn_blocking(move || {
            windflow_git::sync(
                &url,
                &branch,
                &dir,
                &auth,
                host_pin.as_deref(),
                pinned.as_ref().map(|(h, ip)| (h.as_str(), *ip)),
            )
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        if repo.ssh_host_key.is_none()
            && let Some(k) = &synced.host_key
        {
            self.line(&format!("pinned the SSH host key {k}"));
            gr::Entity::update_many()
                .col_expr(gr::Column::SshHostKey, Expr::value(k.clone()))
                .filter(gr::Column::Id.eq(repo.id))
                .exec(&core.db)
                .await
                .map_err(|e| e.to_string())?;
        }
        self.line(&format!(
            "checked out {} ({}){}",
            synced.commit,
            synced.summary,
            match &synced.previous {
                Some(p) if *p == synced.commit => " — unchanged".to_owned(),
                Some(p) => format!(" — was {p}"),
                None => String::new(),
            }
        ));
        // The checkout is the new commit now: record it before stacks read it and redeploy.
        gr::Entity::update_many()
            .col_expr(gr::Column::LastCommit, Expr::value(synced.commit.clone()))
            .filter(gr::Column::Id.eq(repo.id))
            .exec(&core.db)
            .await
            .map_err(|e| e.to_string())?;
        Ok(synced)
    }

    /// Records the outcome: the execution row (status, commit, deployments, error, logs,
    /// timing), the repository's sync status, and the audit row `git.repository.sync` as
    /// `init`; then releases the lease. `result` is the commit checked out and the deployments
    /// started, or the error.
    pub(crate) async fn finish(
        mut self,
        init: &Initiator,
        result: Result<(String, Vec<Uuid>), String>,
    ) -> se::Model {
        let core = self.core;
        let repo = self.repo.clone();
        let ok = result.is_ok();
        let fin = Finish::now(self.ex.started_at, crate::runs::outcome(ok));
        let now = fin.finished_at;
        let (commit, deployments, error) = match result {
            Ok((c, d)) => (Some(c), d, None),
            Err(e) => {
                self.line(&format!("failed: {e}"));
                (None, vec![], Some(e))
            }
        };
        let mut ex = self.ex.clone();
        ex.status = fin.status;
        ex.commit = commit.clone();
        ex.deployment_ids = serde_json::json!(deployments);
        ex.error = error.clone();
        ex.logs = std::mem::take(&mut self.log);
        ex.finished_at = Some(fin.finished_at);
        ex.duration_ms = Some(fin.duration_ms);
        let r = init
            .write(core, async |txn| {
                // Every column is written (an unchanged active model would update nothing).
                se::Entity::update(ex.clone().into_active_model().reset_all())
                    .exec(txn)
                    .await?;
                if let Some(cur) = gr::Entity::find_by_id(repo.id).one(txn).await? {
                    let mut am = cur.into_active_model();
                    am.sync_status = Set(if ok {
                        GitSyncStatus::Synced
                    } else {
                        GitSyncStatus::Error
                    });
                    am.sync_error = Set(error.clone());
                    am.last_synced_at = Set(Some(now));
                    if commit.is_some() {
                        am.last_commit = Set(commit.clone());
                    }
                    gr::Entity::update(am).exec(txn).await?;
                }
                let mut ev = AuditEvent::of::<gr::Entity>("git.repository.sync", &repo).details(
                    serde_json::json!({
                        "execution_id": ex.id, "trigger": init.trigger, "commit": commit,
                        "deployments": deployments, "error": error,
                    }),
                );
                if !ok {
                    ev = ev.outcome(AuditOutcome::Error);
                }
                Ok(((), ev))
            })
            .await;
        if let Err(e) = r {
            tracing::error!(error = %e, execution = %ex.id, "sync result not recorded");
        }
        if let Some(h) = &self.heartbeat {
            h.stop();
        }
        let _ = crate::lease::release(&core.db, &self.lease, &self.holder).await;
        ex
    }
}

/// Syncs `repo` now as `init`, and nothing else: the first sync of a repository that a new
/// Git stack names (no stack uses it yet, so there is nothing to refresh or redeploy).
pub(crate) async fn sync_repository(
    core: &Core,
    init: &Initiator,
    repo: gr::Model,
) -> ServiceResult<se::Model> {
    let ex = start_execution(core, &repo, init, None)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut sync = SyncRun::new(core, repo, ex);
    let result = sync.fetch().await.map(|s| (s.commit, vec![]));
    Ok(sync.finish(init, result).await)
}

/// Repositories whose scheduled sync is due at `now`, the earliest first.
pub(crate) async fn due(core: &Core, now: DateTime<Utc>) -> ServiceResult<Vec<gr::Model>> {
    Ok(gr::Entity::find()
        .filter(gr::Column::NextSyncAt.lte(now))
        .filter(gr::Column::SyncCron.is_not_null())
        .order_by_asc(gr::Column::NextSyncAt)
        .all(&core.db)
        .await?)
}

/// Claims the due run of `repo` by moving `next_sync_at` forward with a compare-and-set
/// update; answers the due time claimed, or `None` when another replica claimed it first.
pub(crate) async fn claim(
    core: &Core,
    repo: &gr::Model,
    now: DateTime<Utc>,
) -> ServiceResult<Option<DateTime<Utc>>> {
    let (Some(expr), Some(at)) = (repo.sync_cron.clone(), repo.next_sync_at) else {
        return Ok(None);
    };
    let next = parse_cron(&expr).ok().and_then(|c| next_run(&c, now));
    let claimed = gr::Entity::update_many()
        .col_expr(gr::Column::NextSyncAt, Expr::value(next))
        .filter(gr::Column::Id.eq(repo.id))
        .filter(gr::Column::NextSyncAt.eq(at))
        .exec(&core.db)
        .await?;
    Ok((claimed.rows_affected == 1).then_some(at))
}
