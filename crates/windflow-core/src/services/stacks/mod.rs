//! Compose stacks (issue "Compose stacks"; DOMAIN.md module `stacks`, seeds 000 and 001).
//!
//! A stack is a compose project on one endpoint. Permissions are checked at the endpoint's
//! environment scope (`stacks:read|create|update|delete|deploy`). Its running state is never
//! stored: it is read from the engine through the `com.docker.compose.project` label.
//!
//! Rules, and where they come from:
//! - Validation before save and before every deploy: the YAML is parsed (serde_yaml_ng, errors
//!   with line and column), then the compose CLI's own `config` resolves it with the stack's
//!   variables (interpolation, schema). The resolved file goes through the privileged-option
//!   guard of the Docker issue; any finding needs `containers:create_privileged` of the caller.
//!   Bind sources inside the stack's own directory are allowed; others must be on the
//!   endpoint's allow-list. A named volume with `driver_opts.device` counts as a bind.
//! - The compose CLI runs with a clean environment (see `windflow_docker::ComposeCli`), in
//!   `<data_dir>/stacks/<stack id>/`, where the compose file is written from the database before
//!   each action (replicas stay stateless).
//! - A Git stack (source `git`) takes its compose file from its repository's checkout (see
//!   `services::git`): the file is read at each action, written to the stack's directory like an
//!   internal one (so the deployment records what ran), and compose runs with the checkout as
//!   project directory (`--project-directory`, `--env-file`), so relative paths resolve in the
//!   repository and bind sources inside the checkout count as the stack's own.
//! - Actions started by the server (Git webhook or schedule) record their trigger, are audited
//!   as the `system` actor, and check the privileged guard with the stack creator's permissions.
//! - One action at a time per stack, across replicas: a database lease `stack:<id>`; a second
//!   action gets 409.
//! - A locked stack refuses every change and action (409) until unlocked.
//! - Secret variables are encrypted (AAD `stack_variable:<stack id>:<key>`), never returned, and
//!   masked (`****`) in every line of output that is streamed or stored.
//! - deploy, pull-redeploy and rollback are `deployments` rows with `deployment_events`; the
//!   other actions (start, stop, restart, down) are audit rows whose details hold the tail of
//!   their output. The action's audit row is written with its deployment row (one transaction).
//! - Rollback redeploys a previous deployment's compose content with every service's image
//!   pinned to the digest that deployment recorded (an override file), as a deployment of kind
//!   `rollback` whose parent is the deployment rolled back to.
//!
//! Files by concern: `crud` (list, validate, create, get, update, delete, lock),
//! `compose` (parsing, compose `config`, the privileged guard, project names), `variables`
//! (secrets and masking), `runner` (one compose job: prepare, stream, the non-deploy actions),
//! `deployments` (deploy, redeploy, rollback, history), `adopt`, `logs`, `source` (Git stacks:
//! their compose file from the checkout, refresh and redeploy after a sync).
mod adopt;
mod compose;
mod crud;
mod deployments;
mod logs;
mod runner;
mod source;
mod variables;

use std::collections::HashMap;
use std::path::PathBuf;
use windflow_api::access::Permission;

use uuid::Uuid;
use windflow_api::stacks::{Stack, StackState};
use windflow_docker::Engine;
use windflow_entity::{endpoints, stacks};

use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::rbac::ScopePath;
use crate::resource;

use crate::runtime::engine;

pub use adopt::{adopt, projects};
pub use compose::parse_compose;
pub use crud::{create, delete, get, list, set_lock, update, validate};
pub use deployments::{deployment, deployments, rollback};
pub use logs::logs;
pub use runner::action;
pub(crate) use source::{redeploy_changed, refresh_from_checkout};
pub(crate) use variables::secrets_hidden_from;
pub use variables::{
    MAX_VALUE_BYTES, RESERVED_VARIABLE_NAMES, RESERVED_VARIABLE_PREFIXES, reserved_variable,
    set_variables, variables,
};

/// Label compose puts on every container of a project.
pub const PROJECT_LABEL: &str = "com.docker.compose.project";
/// Label naming the service of a container.
pub const SERVICE_LABEL: &str = "com.docker.compose.service";
/// Largest compose file accepted, bytes.
pub const MAX_COMPOSE_BYTES: usize = 256 * 1024;
/// Lifetime of an action's lease on its stack, seconds; a heartbeat renews it while the action
/// runs, so after a crash it lapses within this time and the sweep closes the deployment.
pub(crate) const ACTION_LEASE_SECS: i64 = 60;

fn scope(m: &stacks::Model) -> ScopePath {
    <stacks::Entity as resource::Scoped>::scope(m)
}

/// `<data_dir>/stacks/<stack id>`: the project directory of an internal stack (relative paths
/// in its compose file resolve here; its containers may bind below it). WindFlow writes nothing
/// here: compose files go to [`files_dir`].
pub fn workdir(core: &Core, stack: Uuid) -> PathBuf {
    core.settings
        .data_dir
        .join("stacks")
        .join(stack.to_string())
}

/// `<data_dir>/compose/<stack id>`: where WindFlow writes the compose files it runs (owned by the
/// server; not under any project directory, so no container of a stack can bind or replace
/// them between the guard and `up`).
pub fn files_dir(core: &Core, stack: &str) -> PathBuf {
    core.settings.data_dir.join("compose").join(stack)
}

/// `<data_dir>/run`: per-run directories of the compose CLI (`HOME`, env file, TLS files).
fn run_root(core: &Core) -> PathBuf {
    core.settings.data_dir.join("run")
}

/// Running state of compose projects on one engine: project → (containers, running).
async fn project_counts(e: &Engine) -> ServiceResult<HashMap<String, (u32, u32)>> {
    let filters = HashMap::from([("label".to_owned(), vec![PROJECT_LABEL.to_owned()])]);
    let mut out: HashMap<String, (u32, u32)> = HashMap::new();
    for c in e.list_containers(true, &filters).await? {
        if let Some(p) = c.labels.get(PROJECT_LABEL) {
            let entry = out.entry(p.clone()).or_default();
            entry.0 += 1;
            if c.state == "running" {
                entry.1 += 1;
            }
        }
    }
    Ok(out)
}

fn state_of(counts: Option<(u32, u32)>) -> StackState {
    match counts {
        None | Some((0, _)) => StackState::NotDeployed,
        Some((t, r)) if r == t => StackState::Running,
        Some((_, 0)) => StackState::Stopped,
        Some(_) => StackState::PartiallyRunning,
    }
}

fn to_api(
    m: stacks::Model,
    counts: Result<Option<(u32, u32)>, String>,
    with_content: bool,
) -> Stack {
    let (state, containers, running, state_error) = match counts {
        Ok(c) => (
            state_of(c),
            c.map(|x| x.0).unwrap_or(0),
            c.map(|x| x.1).unwrap_or(0),
            None,
        ),
        Err(e) => (StackState::Unknown, 0, 0, Some(e)),
    };
    Stack {
        id: m.id,
        organization_id: m.organization_id,
        project_id: m.project_id,
        environment_id: m.environment_id,
        endpoint_id: m.endpoint_id,
        name: m.name,
        source: m.source,
        compose_content: if with_content {
            m.compose_content
        } else {
            None
        },
        repository_id: m.repository_id,
        compose_path: m.compose_path,
        env_path: m.env_path,
        deployed_commit: m.deployed_commit,
        status: m.status,
        state,
        containers,
        running,
        state_error,
        locked: m.locked,
        adopted: m.adopted,
        privileged_auto_deploy: m.privileged_auto_deploy,
        last_error: m.last_error,
        last_deployed_at: m.last_deployed_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

async fn with_state(core: &Core, ep: &endpoints::Model, m: stacks::Model) -> Stack {
    let counts = match engine(core, ep).await {
        Ok(e) => project_counts(&e)
            .await
            .map(|c| c.get(&m.name).copied())
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    to_api(m, counts, true)
}

/// Loads stack `id` with `perm` at its environment, and its endpoint.
async fn load(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: Permission,
) -> ServiceResult<(stacks::Model, endpoints::Model)> {
    let m = resource::load_for::<stacks::Entity>(core, ctx, id, perm).await?;
    let ep = resource::find::<endpoints::Entity, _>(&core.db, m.endpoint_id).await?;
    Ok((m, ep))
}

fn unlocked(m: &stacks::Model) -> ServiceResult<()> {
    if m.locked {
        return Err(ServiceError::Conflict(
            "the stack is locked: unlock it first".into(),
        ));
    }
    Ok(())
}
