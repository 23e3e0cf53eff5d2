//! Deployments: deploy, server-started redeploy, rollback, and their history.
use crate::runs::{Finish, RunRecord};
use std::collections::{BTreeMap, HashMap};
use windflow_api::access::Permission;
use windflow_api::runs::RunStatus;
use windflow_api::stacks::StackStatus;
use windflow_api::stacks::{DeploymentEventKind, DeploymentKind};

use futures_util::Stream;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use tokio::sync::mpsc;
use uuid::Uuid;
use windflow_api::audit::AuditOutcome;
use windflow_api::stacks::{Deployment, DeploymentDetails, DeploymentEvent, StackOutput};
use windflow_api::{Page, PageQuery};
use windflow_docker::Engine;
use windflow_entity::{deployment_events, deployments, endpoints, stacks};

use crate::audit::AuditEvent;
use crate::context::{Core, Ctx, Initiator};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};

use super::runner::{Job, prepare, stream};
use super::{PROJECT_LABEL, SERVICE_LABEL, load};

/// Resolved image per service: `repo@sha256:…` when the image has a repo digest, else its id.
async fn resolve_digests(e: &Engine, project: &str) -> BTreeMap<String, String> {
    let filters = HashMap::from([(
        "label".to_owned(),
        vec![format!("{PROJECT_LABEL}={project}")],
    )]);
    let mut out = BTreeMap::new();
    for c in e.list_containers(true, &filters).await.unwrap_or_default() {
        let Some(service) = c.labels.get(SERVICE_LABEL) else {
            continue;
        };
        let Ok(d) = e.inspect(&c.id).await else {
            continue;
        };
        let Some(image_id) = d.raw.get("Image").and_then(|v| v.as_str()) else {
            continue;
        };
        let resolved = match e.inspect_image(image_id).await {
            Ok(img) => img
                .get("RepoDigests")
                .and_then(|v| v.as_array())
                .and_then(|a| a.first())
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| image_id.to_owned()),
            Err(_) => image_id.to_owned(),
        };
        out.insert(service.clone(), resolved);
    }
    out
}

async fn event<C: ConnectionTrait>(
    db: &C,
    deployment: Uuid,
    kind: DeploymentEventKind,
    message: &str,
) {
    let r = deployment_events::Entity::insert(
        deployment_events::Model {
            id: Uuid::now_v7(),
            deployment_id: deployment,
            kind,
            message: message.into(),
            created_at: crate::now(),
        }
        .into_active_model(),
    )
    .exec_without_returning(db)
    .await;
    if let Err(e) = r {
        tracing::warn!(error = %e, "deployment event not recorded");
    }
}

/// What a deploy-like action deploys.
pub(super) struct DeployRequest {
    /// `standard` or `rollback`.
    pub kind: DeploymentKind,
    /// Pull images first (`pull-redeploy`, or `deploy` with `pull=true`).
    pub pull: bool,
    /// Compose content to deploy instead of the stack's current file (a rollback's).
    pub content: Option<String>,
    /// Service → image, pinned by an override file (a rollback's recorded digests).
    pub pins: BTreeMap<String, String>,
    /// The deployment rolled back to.
    pub parent: Option<Uuid>,
}

impl DeployRequest {
    /// A standard deploy of the stack's current compose file.
    pub(super) fn standard(pull: bool) -> Self {
        Self {
            kind: DeploymentKind::Standard,
            pull,
            content: None,
            pins: BTreeMap::new(),
            parent: None,
        }
    }
}

/// Starts a deploy-like action and returns its output stream; the work goes on if the client
/// leaves.
pub(super) async fn start_deploy(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: DeployRequest,
) -> ServiceResult<impl Stream<Item = Result<StackOutput, std::convert::Infallible>> + use<>> {
    let (m, ep) = load(core, ctx, id, Permission::StacksDeploy).await?;
    let (_, rx) = launch(core, &Initiator::manual(ctx), m, ep, req).await?;
    Ok(stream(rx))
}

/// A standard deploy of stack `m` started by the server (a Git webhook or schedule): returns
/// the deployment id; the deploy goes on in the background.
pub(super) async fn redeploy(
    core: &Core,
    init: &Initiator,
    m: stacks::Model,
) -> ServiceResult<Uuid> {
    let ep = endpoints::Entity::find_by_id(m.endpoint_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (id, _) = launch(core, init, m, ep, DeployRequest::standard(false)).await?;
    Ok(id)
}

/// Prepares a deploy-like action, records its deployment (with its audit row, in one
/// transaction) and spawns it.
async fn launch(
    core: &Core,
    init: &Initiator,
    m: stacks::Model,
    ep: endpoints::Model,
    req: DeployRequest,
) -> ServiceResult<(Uuid, mpsc::Receiver<StackOutput>)> {
    let id = m.id;
    let (job, rx) = prepare(core, init, m, ep, req.content, &req.pins).await?;
    let DeployRequest {
        kind,
        pull,
        pins,
        parent,
        ..
    } = req;
    let run = crate::runs::started(&job.init);
    let dep = deployments::Model {
        id: Uuid::now_v7(),
        stack_id: id,
        organization_id: job.stack.organization_id,
        kind,
        status: run.status,
        trigger: run.trigger,
        triggered_by: run.triggered_by,
        parent_id: parent,
        pull,
        compose_content: job.content.clone(),
        variable_names: serde_json::json!(
            job.vars
                .pairs
                .iter()
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>()
        ),
        pinned_images: serde_json::json!(pins),
        image_digests: serde_json::json!({}),
        git_commit: job.git_commit.clone(),
        exit_code: None,
        logs: String::new(),
        started_at: run.started_at,
        finished_at: None,
        duration_ms: None,
    };
    let r = job
        .init
        .write(core, async |txn| {
            deployments::Entity::insert(dep.clone().into_active_model())
                .exec_without_returning(txn)
                .await?;
            event(
                txn,
                dep.id,
                DeploymentEventKind::Created,
                &format!("{kind} deployment created"),
            )
            .await;
            let mut am = job.stack.clone().into_active_model();
            am.status = Set(StackStatus::Deploying);
            stacks::Entity::update(am).exec(txn).await?;
            let action = if kind == DeploymentKind::Rollback {
                "stack.rollback"
            } else {
                "stack.deploy"
            };
            let ev =
                AuditEvent::of::<stacks::Entity>(action, &job.stack).details(serde_json::json!({
                    "deployment_id": dep.id, "pull": pull, "parent_id": parent,
                    "trigger": job.init.trigger, "git_commit": job.git_commit,
                }));
            Ok(((), ev))
        })
        .await;
    if let Err(e) = r {
        job.release().await;
        return Err(e);
    }
    let id = dep.id;
    tokio::spawn(run_deploy(job, dep));
    Ok((id, rx))
}

async fn run_deploy(job: Job, dep: deployments::Model) {
    let db = job.core.db.clone();
    let mut log = String::new();
    let mut code = Some(0);
    if dep.pull {
        event(&db, dep.id, DeploymentEventKind::Pulling, "pulling images").await;
        code = job.compose(&["pull"], &mut log).await;
    }
    if code == Some(0) {
        event(&db, dep.id, DeploymentEventKind::Starting, "compose up -d").await;
        code = job
            .compose(&["up", "-d", "--remove-orphans"], &mut log)
            .await;
    }
    let ok = code == Some(0);
    let digests = if ok {
        resolve_digests(&job.engine, &job.stack.name).await
    } else {
        BTreeMap::new()
    };
    if ok {
        let list = digests
            .iter()
            .map(|(s, d)| format!("{s}={d}"))
            .collect::<Vec<_>>()
            .join(", ");
        event(
            &db,
            dep.id,
            DeploymentEventKind::Running,
            &format!("containers up: {list}"),
        )
        .await;
    }
    let fin = Finish::now(dep.started_at, crate::runs::outcome(ok));
    let now = fin.finished_at;
    let r = job
        .init
        .clone()
        .write(&job.core, async |txn| {
            let mut am = dep.clone().into_active_model();
            am.status = Set(fin.status);
            am.exit_code = Set(code);
            am.logs = Set(log.clone());
            am.image_digests = Set(serde_json::json!(digests));
            am.finished_at = Set(Some(fin.finished_at));
            am.duration_ms = Set(Some(fin.duration_ms));
            deployments::Entity::update(am).exec(txn).await?;
            event(
                txn,
                dep.id,
                if ok {
                    DeploymentEventKind::Completed
                } else {
                    DeploymentEventKind::Failed
                },
                &match code {
                    Some(c) => format!("compose exited with {c}"),
                    None => "compose could not run".into(),
                },
            )
            .await;
            let mut st = stacks::Entity::find_by_id(job.stack.id)
                .one(txn)
                .await?
                .ok_or(ServiceError::NotFound)?
                .into_active_model();
            st.status = Set(if ok {
                StackStatus::Deployed
            } else {
                StackStatus::Error
            });
            if ok {
                st.last_deployed_at = Set(Some(now));
                st.last_error = Set(None);
                if dep.git_commit.is_some() {
                    st.deployed_commit = Set(dep.git_commit.clone());
                }
            } else {
                st.last_error = Set(Some(format!(
                    "deployment {} failed (exit {:?})",
                    dep.id, code
                )));
            }
            st.updated_at = Set(now);
            stacks::Entity::update(st).exec(txn).await?;
            // The outcome is audited when the deployment ends (the `stack.deploy` row written at
            // launch only records that it was started): issue 11, section 6.
            let mut ev = AuditEvent::of::<stacks::Entity>(
                if dep.kind == DeploymentKind::Rollback {
                    "stack.rollback.finished"
                } else {
                    "stack.deploy.finished"
                },
                &job.stack,
            )
            .details(serde_json::json!({
                "deployment_id": dep.id, "exit_code": code, "trigger": dep.trigger,
            }));
            if !ok {
                ev = ev.outcome(AuditOutcome::Error);
            }
            Ok(((), ev))
        })
        .await;
    if let Err(e) = r {
        tracing::error!(error = %e, deployment = %dep.id, "deployment result not recorded");
    }
    job.release().await;
    job.done(Some(dep.id), ok, code);
}

/// Rolls a stack back to deployment `to` (`stacks:deploy`): its compose content with every
/// service pinned to the image it resolved to. 404 if `to` is not a completed deployment of
/// this stack with recorded images.
pub async fn rollback(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    to: Uuid,
) -> ServiceResult<impl Stream<Item = Result<StackOutput, std::convert::Infallible>> + use<>> {
    load(core, ctx, id, Permission::StacksDeploy).await?;
    let parent = deployments::Entity::find_by_id(to)
        .one(&core.db)
        .await?
        .filter(|d| d.stack_id == id)
        .ok_or(ServiceError::NotFound)?;
    let pins: BTreeMap<String, String> =
        serde_json::from_value(parent.image_digests.clone()).unwrap_or_default();
    if parent.status != RunStatus::Succeeded || pins.is_empty() {
        return Err(ServiceError::Conflict(
            "only a succeeded deployment with recorded images can be rolled back to".into(),
        ));
    }
    let req = DeployRequest {
        kind: DeploymentKind::Rollback,
        pull: false,
        content: Some(parent.compose_content),
        pins,
        parent: Some(to),
    };
    start_deploy(core, ctx, id, req).await
}

pub(super) fn dep_to_api(d: deployments::Model) -> Deployment {
    Deployment {
        id: d.id,
        stack_id: d.stack_id,
        kind: d.kind,
        run: d.run(),
        parent_id: d.parent_id,
        pull: d.pull,
        variable_names: serde_json::from_value(d.variable_names).unwrap_or_default(),
        pinned_images: serde_json::from_value(d.pinned_images).unwrap_or_default(),
        image_digests: serde_json::from_value(d.image_digests).unwrap_or_default(),
        git_commit: d.git_commit,
        exit_code: d.exit_code,
    }
}

/// A stack's deployments, newest first (`stacks:read`).
pub async fn deployments(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Deployment>> {
    load(core, ctx, id, Permission::StacksRead).await?;
    let mut spec = PageSpec::parse(q, false)?;
    if q.dir.is_none() {
        spec.desc = true;
    }
    let s = deployments::Entity::find().filter(deployments::Column::StackId.eq(id));
    let (rows, next_cursor) = fetch_page(
        &core.db,
        s,
        deployments::Column::Id,
        None::<deployments::Column>,
        &spec,
        |m| (m.id, None),
    )
    .await?;
    Ok(Page {
        items: rows.into_iter().map(dep_to_api).collect(),
        next_cursor,
    })
}

/// One deployment with its compose content, logs and events (`stacks:read` on its stack).
pub async fn deployment(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<DeploymentDetails> {
    let d = deployments::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    load(core, ctx, d.stack_id, Permission::StacksRead).await?;
    let events = deployment_events::Entity::find()
        .filter(deployment_events::Column::DeploymentId.eq(id))
        .order_by_asc(deployment_events::Column::Id)
        .all(&core.db)
        .await?
        .into_iter()
        .map(|e| DeploymentEvent {
            kind: e.kind,
            message: e.message,
            created_at: e.created_at,
        })
        .collect();
    Ok(DeploymentDetails {
        compose_content: d.compose_content.clone(),
        logs: d.logs.clone(),
        deployment: dep_to_api(d),
        events,
    })
}
