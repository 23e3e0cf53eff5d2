//! One compose job on a stack: preparing it (lock, lease, files, validation, guard), streaming
//! its output, and the actions that are not deployments (start, stop, restart, down).
use std::collections::BTreeMap;
use std::path::PathBuf;
use windflow_api::access::Permission;
use windflow_api::stacks::StackOutputKind;
use windflow_api::stacks::StackSource;
use windflow_api::stacks::StackStatus;

use futures_util::Stream;
use sea_orm::{ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_yaml_ng::Value as Yaml;
use tokio::sync::mpsc;
use uuid::Uuid;
use windflow_api::audit::AuditOutcome;
use windflow_api::stacks::{StackAction, StackActionQuery, StackOutput};
use windflow_docker::{ComposeCli, ComposeInvocation, Engine, Target};
use windflow_entity::{endpoints, stacks};

use crate::audit::AuditEvent;
use crate::context::{Core, Ctx, Initiator};
use crate::error::{ServiceError, ServiceResult};
use crate::masking::mask;
use crate::runtime::{engine, target};

use super::compose::{Layout, other_stack_on_engine, validate_for, write_file};
use super::deployments::{DeployRequest, start_deploy};
use super::source::stack_source;
use super::variables::{Vars, load_vars};
use super::{ACTION_LEASE_SECS, load, run_root, unlocked, workdir};

const COMPOSE_FILE: &str = "docker-compose.yml";
const PINS_FILE: &str = "windflow.pins.yml";
/// Output kept in an audit row's details, bytes (the tail).
const AUDIT_OUTPUT_BYTES: usize = 4096;

/// What a spawned action needs after the request is gone.
pub(super) struct Job {
    pub(super) core: Core,
    /// Who started it (audit actor, request facts, trigger, `triggered_by`).
    pub(super) init: Initiator,
    pub(super) stack: stacks::Model,
    target: Target,
    pub(super) engine: Engine,
    cli: ComposeCli,
    pub(super) vars: Vars,
    layout: Layout,
    pub(super) content: String,
    pub(super) git_commit: Option<String>,
    files: Vec<PathBuf>,
    holder: String,
    tx: mpsc::Sender<StackOutput>,
    /// One of the server's compose process slots, held for the whole action.
    _permit: tokio::sync::OwnedSemaphorePermit,
    /// Keeps the stack's lease alive while the action runs.
    heartbeat: crate::lease::Heartbeat,
}

/// Output events buffered for a client (a slower client misses `line` events, never `done`).
const OUTPUT_BUFFER: usize = 1024;
/// Output kept in a deployment's stored log: the last 64 KiB.
const STORED_LOG_BYTES: usize = 64 * 1024;

fn line(text: String) -> StackOutput {
    StackOutput {
        kind: StackOutputKind::Line,
        text: Some(text),
        deployment_id: None,
        status: None,
        exit_code: None,
    }
}

impl Job {
    /// Runs compose with `args`; streams and collects masked lines; returns the exit code.
    pub(super) async fn compose(&self, args: &[&str], log: &mut String) -> Option<i32> {
        let (ltx, mut lrx) = mpsc::channel::<String>(256);
        let inv = ComposeInvocation {
            target: &self.target,
            project: &self.stack.name,
            workdir: &self.layout.project,
            run_root: &run_root(&self.core),
            files: &self.files,
            variables: &self.vars.pairs,
            project_dir: Some(&self.layout.project),
            env_prefix: self.layout.env_content.as_deref(),
        };
        let run = self.cli.run(&inv, args, ltx);
        tokio::pin!(run);
        let mut result = None;
        loop {
            tokio::select! {
                l = lrx.recv() => match l {
                    Some(l) => self.emit(&l, log),
                    None => break,
                },
                r = &mut run, if result.is_none() => {
                    result = Some(r);
                }
            }
        }
        match result {
            Some(Ok(code)) => Some(code),
            Some(Err(e)) => {
                self.emit(&e.to_string(), log);
                None
            }
            None => match run.await {
                Ok(code) => Some(code),
                Err(e) => {
                    self.emit(&e.to_string(), log);
                    None
                }
            },
        }
    }

    fn emit(&self, l: &str, log: &mut String) {
        let l = mask(l, &self.vars.secrets);
        log.push_str(&l);
        log.push('\n');
        if log.len() > STORED_LOG_BYTES {
            let mut cut = log.len() - STORED_LOG_BYTES;
            while !log.is_char_boundary(cut) {
                cut += 1;
            }
            log.drain(..cut);
        }
        // Keep one slot free for `done`.
        if self.tx.capacity() > 1 {
            let _ = self.tx.try_send(line(l));
        }
    }

    pub(super) fn done(&self, deployment: Option<Uuid>, ok: bool, code: Option<i32>) {
        let _ = self.tx.try_send(StackOutput {
            kind: StackOutputKind::Done,
            text: None,
            deployment_id: deployment,
            status: Some(crate::runs::outcome(ok)),
            exit_code: code,
        });
    }

    pub(super) async fn release(&self) {
        self.heartbeat.stop();
        let _ = crate::lease::release(
            &self.core.db,
            &format!("stack:{}", self.stack.id),
            &self.holder,
        )
        .await;
    }
}

/// The override file pinning each service to an image (rollback).
fn pins_yaml(pins: &BTreeMap<String, String>) -> String {
    let mut services = serde_yaml_ng::Mapping::new();
    for (svc, image) in pins {
        let mut s = serde_yaml_ng::Mapping::new();
        s.insert("image".into(), image.clone().into());
        services.insert(svc.clone().into(), Yaml::Mapping(s));
    }
    let mut root = serde_yaml_ng::Mapping::new();
    root.insert("services".into(), Yaml::Mapping(services));
    serde_yaml_ng::to_string(&Yaml::Mapping(root)).unwrap_or_default()
}

/// Prepares an action: permission, lock, lease, files, validation and guard. Returns the job
/// and the receiver of its output.
pub(super) async fn prepare(
    core: &Core,
    init: &Initiator,
    m: stacks::Model,
    ep: endpoints::Model,
    content: Option<String>,
    pins: &BTreeMap<String, String>,
) -> ServiceResult<(Job, mpsc::Receiver<StackOutput>)> {
    let id = m.id;
    unlocked(&m)?;
    let (layout, current, git_commit) = if m.source == StackSource::Git {
        let (l, c, commit) = stack_source(core, &m).await?;
        (l, Some(c), commit)
    } else {
        (
            Layout::internal(core, &id.to_string(), workdir(core, id)),
            m.compose_content.clone(),
            None,
        )
    };
    let content = content.or(current).ok_or_else(|| {
        ServiceError::Conflict("the stack has no compose file: save one first".into())
    })?;
    let cli = core.compose.get().await?;
    let dir = layout.files.clone();
    let vars = load_vars(core, &core.db, id).await?;
    let guard = init.authority.filter(|_| init.privileged);
    validate_for(core, guard, &ep, &m.name, &layout, &content, &vars).await?;
    other_stack_on_engine(core, &ep, &m.name, Some(m.id)).await?;
    let permit = core.compose.permit()?;
    let target = target(core, &ep)?;
    let engine = engine(core, &ep).await?;
    let holder = Uuid::now_v7().to_string();
    if !crate::lease::try_acquire(
        &core.db,
        &format!("stack:{id}"),
        &holder,
        chrono::TimeDelta::seconds(ACTION_LEASE_SECS),
    )
    .await?
    {
        return Err(ServiceError::Conflict(
            "another action is running on this stack".into(),
        ));
    }
    let mut files = vec![write_file(&dir, COMPOSE_FILE, &content)?];
    let pins_path = dir.join(PINS_FILE);
    if pins.is_empty() {
        let _ = std::fs::remove_file(&pins_path);
    } else {
        files.push(write_file(&dir, PINS_FILE, &pins_yaml(pins))?);
    }
    let (tx, rx) = mpsc::channel(OUTPUT_BUFFER);
    let heartbeat = crate::lease::Heartbeat::start(
        core.db.clone(),
        format!("stack:{id}"),
        holder.clone(),
        chrono::TimeDelta::seconds(ACTION_LEASE_SECS),
    );
    Ok((
        Job {
            core: core.clone(),
            init: init.clone(),
            stack: m,
            target,
            engine,
            cli,
            vars,
            layout,
            content,
            git_commit,
            files,
            holder,
            tx,
            _permit: permit,
            heartbeat,
        },
        rx,
    ))
}

pub(super) fn stream(
    rx: mpsc::Receiver<StackOutput>,
) -> impl Stream<Item = Result<StackOutput, std::convert::Infallible>> + use<> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (Ok(item), rx))
    })
}

/// Runs a compose action on a stack and returns its live output (`stacks:deploy`; 409 while
/// locked or while another action runs; 403 for privileged options without
/// `containers:create_privileged`). `deploy` and `pull-redeploy` are recorded as deployments;
/// the others as an audit row `stack.<action>` with the output's tail.
pub async fn action(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    action: StackAction,
    q: &StackActionQuery,
) -> ServiceResult<impl Stream<Item = Result<StackOutput, std::convert::Infallible>> + use<>> {
    let args: Vec<&'static str> = match action {
        StackAction::Deploy | StackAction::PullRedeploy => {
            let pull = action == StackAction::PullRedeploy || q.pull.unwrap_or(false);
            return Ok(futures_util::future::Either::Left(
                start_deploy(core, ctx, id, DeployRequest::standard(pull)).await?,
            ));
        }
        StackAction::Start => vec!["start"],
        StackAction::Stop => vec!["stop"],
        StackAction::Restart => vec!["restart"],
        StackAction::Down if q.remove_volumes.unwrap_or(false) => vec!["down", "-v"],
        StackAction::Down => vec!["down"],
    };
    let (m, ep) = load(core, ctx, id, Permission::StacksDeploy).await?;
    let (job, rx) = prepare(core, &Initiator::manual(ctx), m, ep, None, &BTreeMap::new()).await?;
    let name = match action {
        StackAction::Start => "start",
        StackAction::Stop => "stop",
        StackAction::Restart => "restart",
        _ => "down",
    };
    tokio::spawn(async move {
        let mut log = String::new();
        let code = job.compose(&args, &mut log).await;
        let ok = code == Some(0);
        let tail_start = log
            .char_indices()
            .map(|(i, _)| i)
            .find(|i| log.len() - i <= AUDIT_OUTPUT_BYTES)
            .unwrap_or(0);
        let r = job
            .init
            .clone()
            .write(&job.core, async |txn| {
                if let Some(st) = stacks::Entity::find_by_id(job.stack.id).one(txn).await? {
                    let mut am = st.into_active_model();
                    if ok && name == "down" {
                        am.status = Set(StackStatus::Down);
                    }
                    if !ok {
                        am.last_error = Set(Some(format!("{name} failed (exit {code:?})")));
                    }
                    am.updated_at = Set(crate::now());
                    stacks::Entity::update(am).exec(txn).await?;
                }
                let mut ev = AuditEvent::of::<stacks::Entity>(&format!("stack.{name}"), &job.stack)
                    .details(serde_json::json!({"exit_code": code, "output": &log[tail_start..]}));
                if !ok {
                    ev = ev.outcome(AuditOutcome::Error);
                }
                Ok(((), ev))
            })
            .await;
        if let Err(e) = r {
            tracing::error!(error = %e, stack = %job.stack.id, "stack action result not recorded");
        }
        job.release().await;
        job.done(None, ok, code);
    });
    Ok(futures_util::future::Either::Right(stream(rx)))
}
