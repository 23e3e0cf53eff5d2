//! Closing long-running work that a crash interrupted (issue 12, "Also"): a deployment or a
//! schedule execution stays `running` only while its lease (`stack:<id>`, `git:<repo>`) is
//! renewed by the process doing it. Rows `running` for over [`GRACE_SECS`] whose lease is gone
//! or expired are closed as `interrupted`, with their stack marked `error`. Runs at start-up (the
//! server awaits [`interrupted`] before it listens) and on every scheduler tick
//! ([`super::scheduler`]), on every replica (the updates are idempotent; no lease of its own).
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use windflow_entity::{deployments, schedule_executions, stacks};

use windflow_api::runs::RunStatus;

use crate::runs::Finish;
use windflow_api::stacks::StackStatus;

use crate::context::Core;
use crate::error::ServiceResult;

/// How old a `running` row must be before the sweep looks at it, seconds (longer than a
/// lease's lifetime, so a run that just started is never taken for a dead one).
pub const GRACE_SECS: i64 = 120;

/// Closes interrupted deployments and schedule executions; returns how many of each.
pub async fn interrupted(core: &Core) -> ServiceResult<(usize, usize)> {
    let now = crate::now();
    let before = now - chrono::TimeDelta::seconds(GRACE_SECS);
    let mut deploys = 0;
    for d in deployments::Entity::find()
        .filter(deployments::Column::Status.eq(RunStatus::Running))
        .filter(deployments::Column::StartedAt.lt(before))
        .all(&core.db)
        .await?
    {
        if crate::lease::held(&core.db, &format!("stack:{}", d.stack_id)).await? {
            continue;
        }
        let txn = crate::services::begin(&core.db).await?;
        let (id, stack) = (d.id, d.stack_id);
        let mut logs = d.logs.clone();
        logs.push_str("interrupted: the server running this deployment stopped\n");
        let fin = Finish::at(d.started_at, now, RunStatus::Interrupted);
        let mut am = d.into_active_model();
        am.status = Set(fin.status);
        am.finished_at = Set(Some(fin.finished_at));
        am.duration_ms = Set(Some(fin.duration_ms));
        am.logs = Set(logs);
        deployments::Entity::update(am).exec(&txn).await?;
        if let Some(s) = stacks::Entity::find_by_id(stack).one(&txn).await? {
            let mut am = s.into_active_model();
            am.status = Set(StackStatus::Error);
            am.last_error = Set(Some(format!("deployment {id} was interrupted")));
            am.updated_at = Set(now);
            stacks::Entity::update(am).exec(&txn).await?;
        }
        txn.commit().await?;
        deploys += 1;
    }
    let mut syncs = 0;
    for e in schedule_executions::Entity::find()
        .filter(schedule_executions::Column::Status.eq(RunStatus::Running))
        .filter(schedule_executions::Column::StartedAt.lt(before))
        .all(&core.db)
        .await?
    {
        if let Some(repo) = e.repository_id
            && crate::lease::held(&core.db, &format!("git:{repo}")).await?
        {
            continue;
        }
        let fin = Finish::at(e.started_at, now, RunStatus::Interrupted);
        let mut am = e.into_active_model();
        am.status = Set(fin.status);
        am.finished_at = Set(Some(fin.finished_at));
        am.duration_ms = Set(Some(fin.duration_ms));
        am.error = Set(Some(
            "interrupted: the server running this sync stopped".into(),
        ));
        schedule_executions::Entity::update(am)
            .exec(&core.db)
            .await?;
        syncs += 1;
    }
    if deploys + syncs > 0 {
        tracing::warn!(deploys, syncs, "closed interrupted work");
    }
    Ok((deploys, syncs))
}
