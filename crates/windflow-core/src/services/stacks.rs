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
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use futures_util::Stream;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde_yaml_ng::Value as Yaml;
use tokio::sync::mpsc;
use uuid::Uuid;
use windflow_api::audit::AuditOutcome;
use windflow_api::stacks::{
    AdoptStack, ComposeCheck, ComposeProject, CreateStack, Deployment, DeploymentDetails,
    DeploymentEvent, ProjectOutcome, Stack, StackAction, StackActionQuery, StackDeleted,
    StackLogLine, StackLogQuery, StackOutput, StackSource, StackState, StackVariable,
    StackVariableInput, UpdateStack, ValidateCompose,
};
use windflow_api::{Page, PageQuery};
use windflow_docker::{ComposeCli, ComposeInvocation, Engine, Target};
use windflow_entity::{deployment_events, deployments, endpoints, stack_variables, stacks};

use crate::audit::{Actor, AuditEvent};
use crate::authz;
use crate::compose_guard::{self, BindRules};
use crate::context::{Core, Ctx, Principal, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};
use crate::rbac::ScopePath;
use crate::validate::Checks;

use super::docker::{engine, path_of as endpoint_path, strings, target};

/// Label compose puts on every container of a project.
pub const PROJECT_LABEL: &str = "com.docker.compose.project";
/// Label naming the service of a container.
pub const SERVICE_LABEL: &str = "com.docker.compose.service";
const COMPOSE_FILE: &str = "docker-compose.yml";
const PINS_FILE: &str = "windflow.pins.yml";
/// Largest compose file accepted, bytes.
pub const MAX_COMPOSE_BYTES: usize = 256 * 1024;
/// Largest variable value, bytes.
pub const MAX_VALUE_BYTES: usize = 32 * 1024;
/// Lifetime of an action's lease on its stack, seconds; a heartbeat renews it while the action
/// runs, so after a crash it lapses within this time and the sweep closes the deployment.
pub(crate) const ACTION_LEASE_SECS: i64 = 60;
/// Output kept in an audit row's details, bytes (the tail).
const AUDIT_OUTPUT_BYTES: usize = 4096;

fn aad(stack: Uuid, key: &str) -> String {
    format!("stack_variable:{stack}:{key}")
}

fn scope(m: &stacks::Model) -> ScopePath {
    ScopePath {
        organization: m.organization_id,
        project: Some(m.project_id),
        environment: Some(m.environment_id),
    }
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

/// Variable names a stack may not set: compose, Docker and BuildKit settings, the dynamic
/// loader, interpreters, proxies and the shell (issue 11, section 3; review C4). Compared
/// case-insensitively; a name equal to an entry or starting with an entry ending in `_` or
/// `PYTHON` is reserved.
pub const RESERVED_VARIABLE_PREFIXES: &[&str] = &[
    "DOCKER_",
    "COMPOSE_",
    "BUILDKIT_",
    "BUILDX_",
    "LD_",
    "PYTHON",
    "SSH_",
    "GIT_",
    "MALLOC_",
    "DYLD_",
    "NODE_",
    "PERL",
    "RUBY",
    "BASH_",
];

/// Reserved exact names (see [`RESERVED_VARIABLE_PREFIXES`]).
pub const RESERVED_VARIABLE_NAMES: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "SHELL",
    "ENV",
    "IFS",
    "TMPDIR",
    "BROWSER",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "FTP_PROXY",
    "GCONV_PATH",
    "LOCPATH",
    "NLSPATH",
    "HOSTALIASES",
    "RES_OPTIONS",
    "LOCALDOMAIN",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// True when a stack variable may not be called `key` (see [`RESERVED_VARIABLE_PREFIXES`]).
pub fn reserved_variable(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    RESERVED_VARIABLE_NAMES.contains(&k.as_str())
        || RESERVED_VARIABLE_PREFIXES.iter().any(|p| k.starts_with(p))
}

fn check_name(c: &mut Checks, name: &str) {
    let mut chars = name.chars();
    let ok = !name.is_empty()
        && name.len() <= 63
        && chars
            .next()
            .is_some_and(|f| f.is_ascii_lowercase() || f.is_ascii_digit())
        && chars.all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' || ch == '-');
    if !ok {
        c.push(
            "name",
            "invalid_format",
            "a compose project name: 1-63 of [a-z0-9_-], starting with a letter or digit",
        );
    }
}

fn check_variables(c: &mut Checks, vars: &[StackVariableInput]) {
    let mut seen = std::collections::HashSet::new();
    for (i, v) in vars.iter().enumerate() {
        let mut chars = v.key.chars();
        let ok = v.key.len() <= 128
            && chars
                .next()
                .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if !ok {
            c.push(
                &format!("variables[{i}].key"),
                "invalid_format",
                "[A-Za-z_][A-Za-z0-9_]*, at most 128 characters",
            );
        }
        if ok && reserved_variable(&v.key) {
            c.push(
                &format!("variables[{i}].key"),
                "reserved",
                "reserved for Docker, Compose, the loader, interpreters or the shell \
                 (DOCKER_*, COMPOSE_*, BUILDKIT_*, LD_*, PYTHON*, PATH, HOME, ...)",
            );
        }
        if !seen.insert(v.key.as_str()) {
            c.push(&format!("variables[{i}].key"), "duplicate", "each key once");
        }
        if v.value.as_ref().is_some_and(|x| x.len() > MAX_VALUE_BYTES) {
            c.push(
                &format!("variables[{i}].value"),
                "too_long",
                "at most 32 KiB",
            );
        }
    }
}

/// Parses compose YAML; a syntax error or a file without a `services` mapping is a 422 on
/// `compose_content` whose message gives the line and column. Returns the service names.
pub fn parse_compose(content: &str) -> ServiceResult<Vec<String>> {
    let bad = |m: String| ServiceError::field("compose_content", "invalid_compose", m);
    if content.len() > MAX_COMPOSE_BYTES {
        return Err(ServiceError::field(
            "compose_content",
            "too_long",
            "at most 256 KiB",
        ));
    }
    compose_guard::check_expansion(content).map_err(bad)?;
    let v: Yaml = serde_yaml_ng::from_str(content).map_err(|e| {
        bad(match e.location() {
            Some(l) => format!("line {} column {}: {e}", l.line(), l.column()),
            None => e.to_string(),
        })
    })?;
    let services = v
        .get("services")
        .and_then(Yaml::as_mapping)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| bad("a `services` mapping with at least one service is required".into()))?;
    let mut names = vec![];
    for (k, s) in services {
        let name = k.as_str().unwrap_or_default().to_owned();
        if !s.is_mapping() {
            return Err(bad(format!("services.{name}: a mapping is required")));
        }
        names.push(name);
    }
    Ok(names)
}

/// The secret variable values to hide from the caller in a container's inspect document and
/// logs (issue 11, section 5; review M2): those of the stack that owns the container (its
/// `com.docker.compose.project` label, a stack of that name on endpoint `ep`) when the caller
/// lacks `stacks:update` on it. Empty otherwise.
pub(crate) async fn secrets_hidden_from(
    core: &Core,
    ctx: Ctx<'_>,
    ep: &endpoints::Model,
    labels: &HashMap<String, String>,
) -> ServiceResult<Vec<String>> {
    let Some(project) = labels.get(PROJECT_LABEL) else {
        return Ok(vec![]);
    };
    let Some(stack) = stacks::Entity::find()
        .filter(stacks::Column::EndpointId.eq(ep.id))
        .filter(stacks::Column::Name.eq(project.as_str()))
        .one(&core.db)
        .await?
    else {
        return Ok(vec![]);
    };
    if authz::require(&core.db, ctx.principal, &scope(&stack), "stacks:update")
        .await
        .is_ok()
    {
        return Ok(vec![]);
    }
    Ok(load_vars(core, &core.db, stack.id).await?.secrets)
}

/// Replaces the secret values in every string of a JSON document (see [`mask`]).
pub(crate) fn mask_json(v: &mut serde_json::Value, secrets: &[String]) {
    match v {
        serde_json::Value::String(s) => *s = mask(s, secrets),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| mask_json(x, secrets)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| mask_json(x, secrets)),
        _ => {}
    }
}

/// Replaces every secret value (3 characters or more) in `line` by `****`.
pub(crate) fn mask(line: &str, secrets: &[String]) -> String {
    let mut s = line.to_owned();
    for v in secrets.iter().filter(|v| v.len() >= 3) {
        if s.contains(v.as_str()) {
            s = s.replace(v.as_str(), "****");
        }
    }
    s
}

/// A stack's variables for a run: `(key, value)` pairs, secret values (to mask) and names.
struct Vars {
    pairs: Vec<(String, String)>,
    secrets: Vec<String>,
}

async fn load_vars<C: ConnectionTrait>(core: &Core, db: &C, stack: Uuid) -> ServiceResult<Vars> {
    let rows = stack_variables::Entity::find()
        .filter(stack_variables::Column::StackId.eq(stack))
        .order_by_asc(stack_variables::Column::Key)
        .all(db)
        .await?;
    let mut v = Vars {
        pairs: vec![],
        secrets: vec![],
    };
    for r in rows {
        let value = match (&r.value_enc, &r.value) {
            (Some(enc), _) => String::from_utf8_lossy(
                &core
                    .crypto
                    .decrypt(enc, &aad(stack, &r.key))
                    .map_err(ServiceError::internal)?,
            )
            .into_owned(),
            (None, Some(p)) => p.clone(),
            (None, None) => String::new(),
        };
        if r.is_secret {
            v.secrets.push(value.clone());
        }
        v.pairs.push((r.key, value));
    }
    Ok(v)
}

fn vars_of_input(vars: &[StackVariableInput]) -> Vars {
    Vars {
        pairs: vars
            .iter()
            .map(|v| (v.key.clone(), v.value.clone().unwrap_or_default()))
            .collect(),
        secrets: vars
            .iter()
            .filter(|v| v.is_secret)
            .filter_map(|v| v.value.clone())
            .collect(),
    }
}

/// Writes `content` to `dir/name` without following a symlink at `name` (`O_NOFOLLOW`: a
/// symlink planted there makes the write fail instead of writing through it).
fn write_file(dir: &Path, name: &str, content: &str) -> ServiceResult<PathBuf> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(ServiceError::internal)?;
    let p = dir.join(name);
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&p)
        .and_then(|mut f| f.write_all(content.as_bytes()))
        .map_err(ServiceError::internal)?;
    Ok(p)
}

/// A short summary of compose's error output: its first meaningful line, the file path
/// replaced, quoted text removed (compose quotes file contents in some errors, e.g. dotenv
/// parse errors), at most 300 characters (issue 11, section 3; review C5).
fn summarize_compose_error(stderr: &str, file: &Path) -> String {
    let line = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .replace(&file.display().to_string(), "compose file");
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for ch in line.chars() {
        match quote {
            Some(q) if ch == q => {
                out.push('…');
                out.push(ch);
                quote = None;
            }
            Some(_) => {}
            None if ch == '"' || ch == '\'' || ch == '`' => {
                out.push(ch);
                quote = Some(ch);
            }
            None => out.push(ch),
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    // The rest of the message names fields (`services.web.ports contains an invalid type`).
    let rest: Vec<&str> = stderr
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains('"') && !l.contains('\'') && l.len() < 200)
        .take(3)
        .collect();
    for r in rest {
        out.push_str("; ");
        out.push_str(r);
    }
    out.chars().take(300).collect()
}

/// Resolves `content` with the compose CLI's `config` and returns the resolved file. A refusal
/// is a 422 on `compose_content` with a short summary of compose's message
/// ([`summarize_compose_error`]; secrets masked).
async fn resolve(
    core: &Core,
    target: &Target,
    project: &str,
    layout: &Layout,
    content: &str,
    vars: &Vars,
) -> ServiceResult<Yaml> {
    let cli = core.compose.get().await?;
    let _permit = core.compose.permit()?;
    let check = format!(".check-{}.yml", Uuid::now_v7());
    let file = write_file(&layout.files, &check, content)?;
    let files = [file.clone()];
    let run_root = run_root(core);
    let inv = ComposeInvocation {
        target,
        project,
        workdir: &layout.project,
        run_root: &run_root,
        files: &files,
        variables: &vars.pairs,
        project_dir: Some(&layout.project),
        env_prefix: layout.env_content.as_deref(),
    };
    let r = cli.output(&inv, &["config"]).await;
    let _ = std::fs::remove_file(&file);
    let (code, stdout, stderr) = r.map_err(ServiceError::internal)?;
    if code != 0 {
        let msg = mask(&summarize_compose_error(&stderr, &file), &vars.secrets);
        return Err(ServiceError::field(
            "compose_content",
            "invalid_compose",
            if msg.is_empty() {
                format!("compose config exited with {code}")
            } else {
                msg
            },
        ));
    }
    serde_yaml_ng::from_str(&stdout).map_err(ServiceError::internal)
}

/// Where compose runs for a stack.
pub(crate) struct Layout {
    /// `<data_dir>/compose/<id>`: the compose files WindFlow writes ([`files_dir`]).
    pub files: PathBuf,
    /// The project directory (`--project-directory`): `<data_dir>/stacks/<id>`, or for a Git
    /// stack the compose file's directory in the checkout. Relative paths resolve here and
    /// bind sources inside it (without symlinks) are the stack's own.
    pub project: PathBuf,
    /// Git stacks: the content of the env file from the checkout (its names checked).
    pub env_content: Option<String>,
}

impl Layout {
    fn internal(core: &Core, id: &str, project: PathBuf) -> Self {
        Self {
            files: files_dir(core, id),
            project,
            env_content: None,
        }
    }
}

/// Validates `content` for endpoint `ep` and enforces the privileged guard for `principal`
/// (`None`: an automatic run whose stack creator is gone; privileged options are refused).
async fn validate_for(
    core: &Core,
    principal: Option<&Principal>,
    ep: &endpoints::Model,
    project: &str,
    layout: &Layout,
    content: &str,
    vars: &Vars,
) -> ServiceResult<ComposeCheck> {
    let services = parse_compose(content)?;
    let raw: Yaml = serde_yaml_ng::from_str(content).map_err(ServiceError::internal)?;
    std::fs::create_dir_all(&layout.project).map_err(ServiceError::internal)?;
    compose_guard::check_server_files(&raw, &layout.project)
        .map_err(|m| ServiceError::field("compose_content", "outside_project", m))?;
    let resolved = resolve(core, &target(core, ep)?, project, layout, content, vars).await?;
    let allowlist = strings(&ep.bind_allowlist);
    let found = compose_guard::privileged_findings(
        &resolved,
        project,
        &BindRules {
            own: &layout.project,
            allowlist: &allowlist,
        },
    );
    if !found.is_empty() {
        let allowed = match principal {
            Some(p) => authz::require(
                &core.db,
                p,
                &endpoint_path(ep),
                "containers:create_privileged",
            )
            .await
            .is_ok(),
            None => false,
        };
        if !allowed {
            return Err(ServiceError::Forbidden(format!(
                "containers:create_privileged (for {})",
                found.join(", ")
            )));
        }
    }
    Ok(ComposeCheck {
        services,
        privileged_options: found,
    })
}

/// Where an endpoint's engine is, for telling two endpoints on one engine apart.
fn target_key(ep: &endpoints::Model) -> String {
    match (&ep.socket_path, &ep.host) {
        (Some(sock), _) if ep.connection_type == "socket" => format!("unix:{sock}"),
        (_, Some(h)) => format!("tcp:{}:{}", h.to_ascii_lowercase(), ep.port.unwrap_or(0)),
        _ => String::new(),
    }
}

/// The engine's identity (`docker info` `ID`), when it answers.
async fn engine_id(core: &Core, ep: &endpoints::Model) -> Option<String> {
    let e = engine(core, ep).await.ok()?;
    let info = e.system_info().await.ok()?;
    info.get("ID").and_then(|v| v.as_str()).map(str::to_owned)
}

/// Compose project names are unique per **engine**, not per endpoint (issue 11, section 3;
/// review M5): 409 when another stack (`except` aside) named `name` lives on an endpoint that
/// reaches the same engine (same socket or address, or the same engine `ID`), whatever its
/// organization.
async fn other_stack_on_engine(
    core: &Core,
    ep: &endpoints::Model,
    name: &str,
    except: Option<Uuid>,
) -> ServiceResult<()> {
    let others = stacks::Entity::find()
        .filter(stacks::Column::Name.eq(name))
        .all(&core.db)
        .await?;
    let mut mine: Option<Option<String>> = None;
    for s in others.into_iter().filter(|s| Some(s.id) != except) {
        let Some(oep) = endpoints::Entity::find_by_id(s.endpoint_id)
            .one(&core.db)
            .await?
        else {
            continue;
        };
        let same = if oep.id == ep.id || target_key(&oep) == target_key(ep) {
            true
        } else {
            if mine.is_none() {
                mine = Some(engine_id(core, ep).await);
            }
            match (mine.clone().flatten(), engine_id(core, &oep).await) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
        };
        if same {
            return Err(ServiceError::Conflict(format!(
                "another stack already uses the compose project name {name:?} on this engine"
            )));
        }
    }
    Ok(())
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
        source: if m.source == "git" {
            StackSource::Git
        } else {
            StackSource::Internal
        },
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

async fn load(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: &str,
) -> ServiceResult<(stacks::Model, endpoints::Model)> {
    let m = stacks::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    authz::require(&core.db, ctx.principal, &scope(&m), perm).await?;
    let ep = endpoints::Entity::find_by_id(m.endpoint_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
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

fn audit_ev(action: &str, m: &stacks::Model) -> AuditEvent {
    AuditEvent::new(action, "stack")
        .resource(m.id, Some(m.name.clone()))
        .org(m.organization_id)
        .project(m.project_id)
        .environment(m.environment_id)
}

/// Lists the stacks of an endpoint with their running state (`stacks:read`). One engine call
/// serves the whole page; an engine that is down gives `state: unknown` with `state_error`.
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Stack>> {
    let ep = super::docker::load(core, ctx, endpoint, "stacks:read").await?;
    let spec = PageSpec::parse(q, true)?;
    let s = stacks::Entity::find().filter(stacks::Column::EndpointId.eq(endpoint));
    let (rows, next_cursor) = fetch_page(
        &core.db,
        s,
        stacks::Column::Id,
        Some(stacks::Column::Name),
        &spec,
        |m| (m.id, Some(m.name.clone())),
    )
    .await?;
    let counts = match engine(core, &ep).await {
        Ok(e) => project_counts(&e).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    Ok(Page {
        items: rows
            .into_iter()
            .map(|m| {
                let c = counts
                    .as_ref()
                    .map(|c| c.get(&m.name).copied())
                    .map_err(Clone::clone);
                to_api(m, c, false)
            })
            .collect(),
        next_cursor,
    })
}

/// Validates compose YAML for an endpoint without saving anything: `stacks:create` at the
/// endpoint, or with `stack_id`, `stacks:update` on that stack (which must be on the endpoint;
/// 404 otherwise). The same checks as a save run (server files, compose `config`, privileged
/// guard); issue 11 moved this off `stacks:read`, since `config` reads files on the server.
pub async fn validate(
    core: &Core,
    ctx: Ctx<'_>,
    req: ValidateCompose,
) -> ServiceResult<ComposeCheck> {
    let (ep, project, layout, tmp) = match req.stack_id {
        Some(sid) => {
            let (m, ep) = load(core, ctx, sid, "stacks:update").await?;
            if m.endpoint_id != req.endpoint_id {
                return Err(ServiceError::NotFound);
            }
            let layout = if m.source == "git" {
                super::git::stack_source(core, &m).await?.0
            } else {
                Layout::internal(core, &m.id.to_string(), workdir(core, m.id))
            };
            (ep, m.name, layout, None)
        }
        None => {
            let ep = super::docker::load(core, ctx, req.endpoint_id, "stacks:create").await?;
            let tmp = format!(".check-{}", Uuid::now_v7());
            let dir = core.settings.data_dir.join("stacks").join(&tmp);
            let layout = Layout::internal(core, &tmp, dir);
            (ep, "windflow-check".to_owned(), layout, Some(tmp))
        }
    };
    let mut c = Checks::new();
    check_variables(&mut c, &req.variables);
    c.finish()?;
    let r = validate_for(
        core,
        Some(ctx.principal),
        &ep,
        &project,
        &layout,
        &req.compose_content,
        &vars_of_input(&req.variables),
    )
    .await;
    if tmp.is_some() {
        let _ = std::fs::remove_dir_all(&layout.project);
        let _ = std::fs::remove_dir_all(&layout.files);
    }
    r
}

fn var_rows(
    core: &Core,
    stack: Uuid,
    vars: Vec<StackVariableInput>,
    existing: &HashMap<String, stack_variables::Model>,
) -> ServiceResult<Vec<stack_variables::Model>> {
    let now = crate::now();
    let mut out = vec![];
    for v in vars {
        let (value, value_enc) = if v.is_secret {
            let enc = match (&v.value, existing.get(&v.key)) {
                (Some(x), _) => core
                    .crypto
                    .encrypt(x.as_bytes(), &aad(stack, &v.key))
                    .map_err(ServiceError::internal)?,
                (None, Some(old)) if old.is_secret => old.value_enc.clone().unwrap_or_default(),
                (None, _) => {
                    return Err(ServiceError::field(
                        &format!("variables.{}", v.key),
                        "required",
                        "a new secret needs a value",
                    ));
                }
            };
            (None, Some(enc))
        } else {
            (Some(v.value.unwrap_or_default()), None)
        };
        let old = existing.get(&v.key);
        out.push(stack_variables::Model {
            id: old.map(|o| o.id).unwrap_or_else(Uuid::now_v7),
            stack_id: stack,
            key: v.key,
            value,
            value_enc,
            is_secret: v.is_secret,
            created_at: old.map(|o| o.created_at).unwrap_or(now),
            updated_at: now,
        });
    }
    Ok(out)
}

async fn insert_vars<C: ConnectionTrait>(
    db: &C,
    rows: Vec<stack_variables::Model>,
) -> ServiceResult<()> {
    for r in rows {
        stack_variables::Entity::insert(r.into_active_model())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Creates a stack on an endpoint (`stacks:create`), validated first (422 with the YAML or
/// compose error; 403 for privileged options without `containers:create_privileged`). A Git
/// stack names a repository of the endpoint's project (synced now if it never was) and takes
/// its compose file from the checkout. Audited as `stack.create` with the variable names
/// (never values).
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
    req: CreateStack,
) -> ServiceResult<Stack> {
    let ep = super::docker::load(core, ctx, endpoint, "stacks:create").await?;
    let mut c = Checks::new();
    check_name(&mut c, &req.name);
    check_variables(&mut c, &req.variables);
    let git = req.source == StackSource::Git;
    if git {
        if req.repository_id.is_none() {
            c.push(
                "repository_id",
                "required",
                "a Git stack needs a repository",
            );
        }
        if !req.compose_content.is_empty() {
            c.push(
                "compose_content",
                "read_only",
                "a Git stack's compose file comes from its repository",
            );
        }
    } else if req.repository_id.is_some() || req.compose_path.is_some() || req.env_path.is_some() {
        c.push(
            "repository_id",
            "not_git",
            "only Git stacks have a repository, a compose path and an env path",
        );
    }
    c.finish()?;
    let id = Uuid::now_v7();
    let dir = workdir(core, id);
    let now = crate::now();
    let mut m = stacks::Model {
        id,
        organization_id: ep.organization_id,
        project_id: ep.project_id,
        environment_id: ep.environment_id,
        endpoint_id: ep.id,
        name: req.name,
        source: if git { "git" } else { "internal" }.into(),
        compose_content: None,
        compose_path: None,
        env_path: None,
        repository_id: None,
        deployed_commit: None,
        status: "draft".into(),
        locked: false,
        adopted: false,
        last_error: None,
        last_deployed_at: None,
        created_by: Some(ctx.principal.user_id),
        privileged_auto_deploy: false,
        created_at: now,
        updated_at: now,
    };
    let layout = match req.repository_id.filter(|_| git) {
        Some(rid) => {
            let repo = super::git::repository_for_stack(core, ctx, &ep, rid).await?;
            m.repository_id = Some(repo.id);
            m.compose_path = Some(req.compose_path.unwrap_or(repo.compose_path));
            m.env_path = req.env_path.filter(|p| !p.is_empty());
            let (layout, content, _) = super::git::stack_source(core, &m).await?;
            m.compose_content = Some(content);
            layout
        }
        None => {
            parse_compose(&req.compose_content)?;
            m.compose_content = Some(req.compose_content);
            Layout::internal(core, &id.to_string(), dir.clone())
        }
    };
    let r = validate_for(
        core,
        Some(ctx.principal),
        &ep,
        &m.name,
        &layout,
        m.compose_content.as_deref().unwrap_or_default(),
        &vars_of_input(&req.variables),
    )
    .await;
    if r.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(files_dir(core, &id.to_string()));
    }
    r?;
    other_stack_on_engine(core, &ep, &m.name, None).await?;
    if let Ok(e) = engine(core, &ep).await
        && project_counts(&e).await?.contains_key(&m.name)
    {
        return Err(ServiceError::Conflict(format!(
            "a compose project named {:?} already runs on this engine: adopt it instead",
            m.name
        )));
    }
    let names: Vec<String> = req.variables.iter().map(|v| v.key.clone()).collect();
    let rows = var_rows(core, id, req.variables, &HashMap::new())?;
    let txn = super::begin(&core.db).await?;
    stacks::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    insert_vars(&txn, rows).await?;
    ctx.audit(
        &txn,
        audit_ev("stack.create", &m)
            .details(serde_json::json!({"endpoint_id": ep.id, "variables": names})),
    )
    .await?;
    txn.commit().await?;
    Ok(with_state(core, &ep, m).await)
}

/// Gets a stack with its compose content and running state (`stacks:read`).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Stack> {
    let (m, ep) = load(core, ctx, id, "stacks:read").await?;
    Ok(with_state(core, &ep, m).await)
}

/// Replaces the compose content (`stacks:update`; refused while locked), validated with the
/// stack's variables first. Audited as `stack.update`.
pub async fn update(core: &Core, ctx: Ctx<'_>, id: Uuid, req: UpdateStack) -> ServiceResult<Stack> {
    let (m, ep) = load(core, ctx, id, "stacks:update").await?;
    unlocked(&m)?;
    let vars = load_vars(core, &core.db, id).await?;
    let mut am = m.clone().into_active_model();
    if let Some(on) = req.privileged_auto_deploy {
        if on && !m.privileged_auto_deploy {
            authz::require(
                &core.db,
                ctx.principal,
                &scope(&m),
                "containers:create_privileged",
            )
            .await
            .map_err(|_| {
                ServiceError::Forbidden(
                    "containers:create_privileged (to allow privileged automatic redeploys)".into(),
                )
            })?;
        }
        am.privileged_auto_deploy = Set(on);
    }
    if m.source == "git" {
        if req.compose_content.is_some() {
            return Err(ServiceError::field(
                "compose_content",
                "read_only",
                "a Git stack's compose file comes from its repository",
            ));
        }
        if req.compose_path.is_none() && req.env_path.is_none() {
            return save_update(core, ctx, &ep, &m, am).await;
        }
        let mut next = m.clone();
        if let Some(p) = req.compose_path {
            next.compose_path = Some(p);
        }
        if let Some(p) = req.env_path {
            next.env_path = Some(p).filter(|p| !p.is_empty());
        }
        let (layout, content, _) = super::git::stack_source(core, &next).await?;
        validate_for(
            core,
            Some(ctx.principal),
            &ep,
            &m.name,
            &layout,
            &content,
            &vars,
        )
        .await?;
        am.compose_path = Set(next.compose_path);
        am.env_path = Set(next.env_path);
        am.compose_content = Set(Some(content));
    } else {
        if req.compose_path.is_some() || req.env_path.is_some() {
            return Err(ServiceError::field(
                "compose_path",
                "not_git",
                "only Git stacks have a compose path and an env path",
            ));
        }
        let Some(content) = req.compose_content else {
            return save_update(core, ctx, &ep, &m, am).await;
        };
        let layout = Layout::internal(core, &id.to_string(), workdir(core, id));
        validate_for(
            core,
            Some(ctx.principal),
            &ep,
            &m.name,
            &layout,
            &content,
            &vars,
        )
        .await?;
        am.compose_content = Set(Some(content));
    }
    save_update(core, ctx, &ep, &m, am).await
}

async fn save_update(
    core: &Core,
    ctx: Ctx<'_>,
    ep: &endpoints::Model,
    m: &stacks::Model,
    mut am: stacks::ActiveModel,
) -> ServiceResult<Stack> {
    if !am.is_changed() {
        return Ok(with_state(core, ep, m.clone()).await);
    }
    let txn = super::begin(&core.db).await?;
    am.updated_at = Set(crate::now());
    let updated = stacks::Entity::update(am).exec(&txn).await?;
    ctx.audit(
        &txn,
        audit_ev("stack.update", m).details(serde_json::json!({
            "privileged_auto_deploy": updated.privileged_auto_deploy,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(with_state(core, ep, updated).await)
}

/// Removes a stack (`stacks:delete`; refused while locked) and says what happened to its
/// compose project:
/// - `down`: takes the project down first (`compose down`, with `-v` when `remove_volumes`;
///   needs `stacks:deploy` too); if that fails nothing is deleted (409 with compose's summary);
/// - `force`: forgets the record and leaves the containers running (they can be adopted
///   again);
/// - neither, while the project still has containers: 409.
///
/// Audited as `stack.delete` with the outcome.
pub async fn delete(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    force: bool,
    down: bool,
    remove_volumes: bool,
) -> ServiceResult<StackDeleted> {
    use futures_util::StreamExt;
    let (m, ep) = load(core, ctx, id, "stacks:delete").await?;
    unlocked(&m)?;
    let running = match engine(core, &ep).await {
        Ok(e) => project_counts(&e)
            .await?
            .get(&m.name)
            .is_some_and(|c| c.0 > 0),
        Err(e) if force => {
            tracing::warn!(error = %e, "stack deleted while its engine is unreachable");
            true
        }
        Err(e) => return Err(e),
    };
    let mut outcome = if running {
        ProjectOutcome::LeftRunning
    } else {
        ProjectOutcome::None
    };
    if down {
        let q = StackActionQuery {
            pull: None,
            remove_volumes: Some(remove_volumes),
        };
        let mut out = Box::pin(action(core, ctx, id, StackAction::Down, &q).await?);
        let mut last = vec![];
        let mut ok = false;
        while let Some(Ok(o)) = out.next().await {
            match o.kind.as_str() {
                "done" => ok = o.status.as_deref() == Some("completed"),
                _ => {
                    if let Some(t) = o.text {
                        last.push(t);
                        if last.len() > 3 {
                            last.remove(0);
                        }
                    }
                }
            }
        }
        if !ok {
            return Err(ServiceError::Conflict(format!(
                "compose down failed; the stack was kept: {}",
                last.join("; ")
            )));
        }
        outcome = ProjectOutcome::Removed;
    } else if running && !force {
        return Err(ServiceError::Conflict(
            "the stack still has containers: delete with down=true to remove them, or with \
             force=true to leave them running"
                .into(),
        ));
    }
    let answer = StackDeleted {
        id,
        project: outcome,
        volumes_removed: down && remove_volumes,
    };
    let txn = super::begin(&core.db).await?;
    stacks::Entity::delete_by_id(id).exec(&txn).await?;
    ctx.audit(
        &txn,
        audit_ev("stack.delete", &m).details(serde_json::json!({
            "force": force, "down": down, "project": answer.project,
            "volumes_removed": answer.volumes_removed,
        })),
    )
    .await?;
    txn.commit().await?;
    let _ = std::fs::remove_dir_all(workdir(core, id));
    let _ = std::fs::remove_dir_all(files_dir(core, &id.to_string()));
    Ok(answer)
}

/// Locks or unlocks a stack (`stacks:update`). Audited as `stack.lock` / `stack.unlock`.
pub async fn set_lock(core: &Core, ctx: Ctx<'_>, id: Uuid, locked: bool) -> ServiceResult<Stack> {
    let (m, ep) = load(core, ctx, id, "stacks:update").await?;
    let txn = super::begin(&core.db).await?;
    let mut am = m.clone().into_active_model();
    am.locked = Set(locked);
    am.updated_at = Set(crate::now());
    let updated = stacks::Entity::update(am).exec(&txn).await?;
    ctx.audit(
        &txn,
        audit_ev(if locked { "stack.lock" } else { "stack.unlock" }, &m),
    )
    .await?;
    txn.commit().await?;
    Ok(with_state(core, &ep, updated).await)
}

/// The stack's variables (`stacks:read`); secret values are `null`.
pub async fn variables(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<StackVariable>> {
    load(core, ctx, id, "stacks:read").await?;
    Ok(stack_variables::Entity::find()
        .filter(stack_variables::Column::StackId.eq(id))
        .order_by_asc(stack_variables::Column::Key)
        .all(&core.db)
        .await?
        .into_iter()
        .map(|r| StackVariable {
            key: r.key,
            value: if r.is_secret { None } else { r.value },
            is_secret: r.is_secret,
        })
        .collect())
}

/// Replaces the variable set (`stacks:update`; refused while locked). An existing secret given
/// with `value: null` keeps its stored value. Audited as `stack.variables` with the names.
pub async fn set_variables(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    vars: Vec<StackVariableInput>,
) -> ServiceResult<Vec<StackVariable>> {
    let (m, _) = load(core, ctx, id, "stacks:update").await?;
    unlocked(&m)?;
    let mut c = Checks::new();
    check_variables(&mut c, &vars);
    c.finish()?;
    let existing: HashMap<String, stack_variables::Model> = stack_variables::Entity::find()
        .filter(stack_variables::Column::StackId.eq(id))
        .all(&core.db)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect();
    let names: Vec<String> = vars.iter().map(|v| v.key.clone()).collect();
    let rows = var_rows(core, id, vars, &existing)?;
    let txn = super::begin(&core.db).await?;
    stack_variables::Entity::delete_many()
        .filter(stack_variables::Column::StackId.eq(id))
        .exec(&txn)
        .await?;
    insert_vars(&txn, rows).await?;
    ctx.audit(
        &txn,
        audit_ev("stack.variables", &m).details(serde_json::json!({"variables": names})),
    )
    .await?;
    txn.commit().await?;
    variables(core, ctx, id).await
}

/// What a spawned action needs after the request is gone.
struct Job {
    core: Core,
    actor: Actor,
    meta: RequestMeta,
    trigger: &'static str,
    user: Option<Uuid>,
    stack: stacks::Model,
    target: Target,
    engine: Engine,
    cli: ComposeCli,
    vars: Vars,
    layout: Layout,
    content: String,
    git_commit: Option<String>,
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

/// Who starts an action, and how it is recorded.
pub(crate) struct Starter<'a> {
    /// Whose permissions the privileged guard checks (`None`: privileged options refused).
    pub principal: Option<&'a Principal>,
    /// False: privileged options are refused whatever `principal` holds (automatic redeploys
    /// of a stack not marked `privileged_auto_deploy`).
    pub privileged: bool,
    /// The audit actor.
    pub actor: Actor,
    /// Request facts for the audit row.
    pub meta: RequestMeta,
    /// `manual`, `webhook` or `schedule`.
    pub trigger: &'static str,
    /// The user recorded as `triggered_by`.
    pub user: Option<Uuid>,
}

impl<'a> Starter<'a> {
    fn manual(ctx: Ctx<'a>) -> Self {
        Self {
            principal: Some(ctx.principal),
            privileged: true,
            actor: Actor::user(ctx.principal.user_id, &ctx.principal.username),
            meta: ctx.meta.clone(),
            trigger: "manual",
            user: Some(ctx.principal.user_id),
        }
    }
}

fn line(text: String) -> StackOutput {
    StackOutput {
        kind: "line".into(),
        text: Some(text),
        deployment_id: None,
        status: None,
        exit_code: None,
    }
}

impl Job {
    /// Runs compose with `args`; streams and collects masked lines; returns the exit code.
    async fn compose(&self, args: &[&str], log: &mut String) -> Option<i32> {
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

    fn done(&self, deployment: Option<Uuid>, ok: bool, code: Option<i32>) {
        let _ = self.tx.try_send(StackOutput {
            kind: "done".into(),
            text: None,
            deployment_id: deployment,
            status: Some(if ok { "completed" } else { "failed" }.into()),
            exit_code: code,
        });
    }

    async fn release(&self) {
        self.heartbeat.stop();
        let _ = crate::lease::release(
            &self.core.db,
            &format!("stack:{}", self.stack.id),
            &self.holder,
        )
        .await;
    }
}

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
async fn prepare(
    core: &Core,
    st: &Starter<'_>,
    m: stacks::Model,
    ep: endpoints::Model,
    content: Option<String>,
    pins: &BTreeMap<String, String>,
) -> ServiceResult<(Job, mpsc::Receiver<StackOutput>)> {
    let id = m.id;
    unlocked(&m)?;
    let (layout, current, git_commit) = if m.source == "git" {
        let (l, c, commit) = super::git::stack_source(core, &m).await?;
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
    let guard_principal = st.principal.filter(|_| st.privileged);
    validate_for(
        core,
        guard_principal,
        &ep,
        &m.name,
        &layout,
        &content,
        &vars,
    )
    .await?;
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
            actor: st.actor.clone(),
            meta: st.meta.clone(),
            trigger: st.trigger,
            user: st.user,
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

fn stream(
    rx: mpsc::Receiver<StackOutput>,
) -> impl Stream<Item = Result<StackOutput, std::convert::Infallible>> + use<> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (Ok(item), rx))
    })
}

async fn event<C: ConnectionTrait>(db: &C, deployment: Uuid, kind: &str, message: &str) {
    let r = deployment_events::Entity::insert(
        deployment_events::Model {
            id: Uuid::now_v7(),
            deployment_id: deployment,
            kind: kind.into(),
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

/// Starts a deploy-like action and returns its output stream; the work goes on if the client
/// leaves. `kind` is `standard` or `rollback`.
#[allow(clippy::too_many_arguments)]
async fn start_deploy(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    kind: &str,
    pull: bool,
    content: Option<String>,
    pins: BTreeMap<String, String>,
    parent: Option<Uuid>,
) -> ServiceResult<impl Stream<Item = Result<StackOutput, std::convert::Infallible>> + use<>> {
    let (m, ep) = load(core, ctx, id, "stacks:deploy").await?;
    let starter = Starter::manual(ctx);
    let (_, rx) = launch(core, &starter, m, ep, kind, pull, content, pins, parent).await?;
    Ok(stream(rx))
}

/// A standard deploy of stack `m` started by the server (a Git webhook or schedule): returns
/// the deployment id; the deploy goes on in the background.
pub(crate) async fn redeploy(
    core: &Core,
    starter: &Starter<'_>,
    m: stacks::Model,
) -> ServiceResult<Uuid> {
    let ep = endpoints::Entity::find_by_id(m.endpoint_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (id, _) = launch(
        core,
        starter,
        m,
        ep,
        "standard",
        false,
        None,
        BTreeMap::new(),
        None,
    )
    .await?;
    Ok(id)
}

/// Prepares a deploy-like action, records its deployment (with its audit row, in one
/// transaction) and spawns it.
#[allow(clippy::too_many_arguments)]
async fn launch(
    core: &Core,
    st: &Starter<'_>,
    m: stacks::Model,
    ep: endpoints::Model,
    kind: &str,
    pull: bool,
    content: Option<String>,
    pins: BTreeMap<String, String>,
    parent: Option<Uuid>,
) -> ServiceResult<(Uuid, mpsc::Receiver<StackOutput>)> {
    let id = m.id;
    let (job, rx) = prepare(core, st, m, ep, content, &pins).await?;
    let dep = deployments::Model {
        id: Uuid::now_v7(),
        stack_id: id,
        organization_id: job.stack.organization_id,
        kind: kind.into(),
        status: "running".into(),
        trigger: job.trigger.into(),
        triggered_by: job.user,
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
        created_at: crate::now(),
        finished_at: None,
    };
    let r: ServiceResult<()> = async {
        let txn = super::begin(&core.db).await?;
        deployments::Entity::insert(dep.clone().into_active_model())
            .exec_without_returning(&txn)
            .await?;
        event(
            &txn,
            dep.id,
            "created",
            &format!("{kind} deployment created"),
        )
        .await;
        let mut am = job.stack.clone().into_active_model();
        am.status = Set("deploying".into());
        stacks::Entity::update(am).exec(&txn).await?;
        let action = if kind == "rollback" {
            "stack.rollback"
        } else {
            "stack.deploy"
        };
        crate::audit::record(
            &txn,
            &job.actor,
            &job.meta,
            audit_ev(action, &job.stack).details(serde_json::json!({
                "deployment_id": dep.id, "pull": pull, "parent_id": parent,
                "trigger": job.trigger, "git_commit": job.git_commit,
            })),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
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
        event(&db, dep.id, "pulling", "pulling images").await;
        code = job.compose(&["pull"], &mut log).await;
    }
    if code == Some(0) {
        event(&db, dep.id, "starting", "compose up -d").await;
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
        event(&db, dep.id, "running", &format!("containers up: {list}")).await;
    }
    let now = crate::now();
    let r: ServiceResult<()> = async {
        let txn = super::begin(&db).await?;
        let mut am = dep.clone().into_active_model();
        am.status = Set(if ok { "completed" } else { "failed" }.into());
        am.exit_code = Set(code);
        am.logs = Set(log.clone());
        am.image_digests = Set(serde_json::json!(digests));
        am.finished_at = Set(Some(now));
        deployments::Entity::update(am).exec(&txn).await?;
        event(
            &txn,
            dep.id,
            if ok { "completed" } else { "failed" },
            &match code {
                Some(c) => format!("compose exited with {c}"),
                None => "compose could not run".into(),
            },
        )
        .await;
        let mut st = stacks::Entity::find_by_id(job.stack.id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound)?
            .into_active_model();
        st.status = Set(if ok { "deployed" } else { "error" }.into());
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
        stacks::Entity::update(st).exec(&txn).await?;
        // The outcome is audited when the deployment ends (the `stack.deploy` row written at
        // launch only records that it was started): issue 11, section 6.
        let mut ev = audit_ev(
            if dep.kind == "rollback" {
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
        crate::audit::record(&txn, &job.actor, &job.meta, ev).await?;
        txn.commit().await?;
        Ok(())
    }
    .await;
    if let Err(e) = r {
        tracing::error!(error = %e, deployment = %dep.id, "deployment result not recorded");
    }
    job.release().await;
    job.done(Some(dep.id), ok, code);
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
                start_deploy(core, ctx, id, "standard", pull, None, BTreeMap::new(), None).await?,
            ));
        }
        StackAction::Start => vec!["start"],
        StackAction::Stop => vec!["stop"],
        StackAction::Restart => vec!["restart"],
        StackAction::Down if q.remove_volumes.unwrap_or(false) => vec!["down", "-v"],
        StackAction::Down => vec!["down"],
    };
    let (m, ep) = load(core, ctx, id, "stacks:deploy").await?;
    let (job, rx) = prepare(core, &Starter::manual(ctx), m, ep, None, &BTreeMap::new()).await?;
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
        let r: ServiceResult<()> = async {
            let txn = super::begin(&job.core.db).await?;
            if let Some(st) = stacks::Entity::find_by_id(job.stack.id).one(&txn).await? {
                let mut am = st.into_active_model();
                if ok && name == "down" {
                    am.status = Set("down".into());
                }
                if !ok {
                    am.last_error = Set(Some(format!("{name} failed (exit {code:?})")));
                }
                am.updated_at = Set(crate::now());
                stacks::Entity::update(am).exec(&txn).await?;
            }
            let mut ev = audit_ev(&format!("stack.{name}"), &job.stack)
                .details(serde_json::json!({"exit_code": code, "output": &log[tail_start..]}));
            if !ok {
                ev = ev.outcome(AuditOutcome::Error);
            }
            crate::audit::record(&txn, &job.actor, &job.meta, ev).await?;
            txn.commit().await?;
            Ok(())
        }
        .await;
        if let Err(e) = r {
            tracing::error!(error = %e, stack = %job.stack.id, "stack action result not recorded");
        }
        job.release().await;
        job.done(None, ok, code);
    });
    Ok(futures_util::future::Either::Right(stream(rx)))
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
    load(core, ctx, id, "stacks:deploy").await?;
    let parent = deployments::Entity::find_by_id(to)
        .one(&core.db)
        .await?
        .filter(|d| d.stack_id == id)
        .ok_or(ServiceError::NotFound)?;
    let pins: BTreeMap<String, String> =
        serde_json::from_value(parent.image_digests.clone()).unwrap_or_default();
    if parent.status != "completed" || pins.is_empty() {
        return Err(ServiceError::Conflict(
            "only a completed deployment with recorded images can be rolled back to".into(),
        ));
    }
    start_deploy(
        core,
        ctx,
        id,
        "rollback",
        false,
        Some(parent.compose_content),
        pins,
        Some(to),
    )
    .await
}

fn dep_to_api(d: deployments::Model) -> Deployment {
    Deployment {
        id: d.id,
        stack_id: d.stack_id,
        kind: d.kind,
        status: d.status,
        trigger: d.trigger,
        triggered_by: d.triggered_by,
        parent_id: d.parent_id,
        pull: d.pull,
        variable_names: serde_json::from_value(d.variable_names).unwrap_or_default(),
        pinned_images: serde_json::from_value(d.pinned_images).unwrap_or_default(),
        image_digests: serde_json::from_value(d.image_digests).unwrap_or_default(),
        git_commit: d.git_commit,
        exit_code: d.exit_code,
        created_at: d.created_at,
        finished_at: d.finished_at,
    }
}

/// A stack's deployments, newest first (`stacks:read`).
pub async fn deployments(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Deployment>> {
    load(core, ctx, id, "stacks:read").await?;
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
    load(core, ctx, d.stack_id, "stacks:read").await?;
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

/// Compose projects found on an endpoint (`stacks:read`), with whether a stack manages them.
pub async fn projects(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
) -> ServiceResult<Vec<ComposeProject>> {
    let ep = super::docker::load(core, ctx, endpoint, "stacks:read").await?;
    projects_of(core, &ep).await
}

async fn projects_of(core: &Core, ep: &endpoints::Model) -> ServiceResult<Vec<ComposeProject>> {
    let endpoint = ep.id;
    let e = engine(core, ep).await?;
    let filters = HashMap::from([("label".to_owned(), vec![PROJECT_LABEL.to_owned()])]);
    let managed: std::collections::HashSet<String> = stacks::Entity::find()
        .filter(stacks::Column::EndpointId.eq(endpoint))
        .all(&core.db)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let mut by: BTreeMap<String, ComposeProject> = BTreeMap::new();
    for c in e.list_containers(true, &filters).await? {
        let Some(p) = c.labels.get(PROJECT_LABEL) else {
            continue;
        };
        let entry = by.entry(p.clone()).or_insert_with(|| ComposeProject {
            name: p.clone(),
            services: vec![],
            containers: 0,
            running: 0,
            working_dir: c
                .labels
                .get("com.docker.compose.project.working_dir")
                .cloned(),
            config_files: c
                .labels
                .get("com.docker.compose.project.config_files")
                .cloned(),
            managed: managed.contains(p),
        });
        entry.containers += 1;
        if c.state == "running" {
            entry.running += 1;
        }
        if let Some(s) = c.labels.get(SERVICE_LABEL)
            && !entry.services.contains(s)
        {
            entry.services.push(s.clone());
        }
    }
    Ok(by.into_values().collect())
}

/// Reads an adopted project's compose file when the endpoint is this host's socket, the
/// caller may read host files (`may_read`: `containers:create_privileged`), and the file —
/// resolved through symlinks — is a compose file of at most 256 KiB outside the data
/// directory (container labels are user input: review M8). Anything else is not read.
fn read_config(
    data_dir: &Path,
    ep: &endpoints::Model,
    p: &ComposeProject,
    may_read: bool,
) -> Option<String> {
    if ep.connection_type != "socket" || !may_read {
        return None;
    }
    let first = p
        .config_files
        .as_deref()?
        .split(',')
        .next()?
        .trim()
        .to_owned();
    let path = match (Path::new(&first).is_absolute(), &p.working_dir) {
        (true, _) => PathBuf::from(&first),
        (false, Some(wd)) => Path::new(wd).join(&first),
        (false, None) => return None,
    };
    let path = path.canonicalize().ok()?;
    let data = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    if path.starts_with(&data) {
        return None;
    }
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() as usize > MAX_COMPOSE_BYTES {
        return None;
    }
    let content = std::fs::read_to_string(&path).ok()?;
    parse_compose(&content).ok()?;
    Some(content)
}

/// Adopts a compose project that WindFlow did not create as a stack (`stacks:create`): 404 if
/// the endpoint has no such project, 409 if a stack already manages it. Its compose file is
/// read when possible (see `read_config`); else the stack has no content until one is saved.
/// Audited as `stack.adopt`.
pub async fn adopt(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
    req: AdoptStack,
) -> ServiceResult<Stack> {
    let ep = super::docker::load(core, ctx, endpoint, "stacks:create").await?;
    let found = projects_of(core, &ep)
        .await?
        .into_iter()
        .find(|p| p.name == req.project)
        .ok_or_else(|| {
            ServiceError::field(
                "project",
                "unknown",
                "no such compose project on this endpoint",
            )
        })?;
    if found.managed {
        return Err(ServiceError::Conflict(
            "a stack already manages this compose project".into(),
        ));
    }
    let mut c = Checks::new();
    check_name(&mut c, &found.name);
    c.finish()?;
    other_stack_on_engine(core, &ep, &found.name, None).await?;
    let may_read = authz::require(
        &core.db,
        ctx.principal,
        &endpoint_path(&ep),
        "containers:create_privileged",
    )
    .await
    .is_ok();
    let content = read_config(&core.settings.data_dir, &ep, &found, may_read);
    let now = crate::now();
    let m = stacks::Model {
        id: Uuid::now_v7(),
        organization_id: ep.organization_id,
        project_id: ep.project_id,
        environment_id: ep.environment_id,
        endpoint_id: ep.id,
        name: found.name.clone(),
        source: "internal".into(),
        compose_content: content.clone(),
        compose_path: None,
        env_path: None,
        repository_id: None,
        deployed_commit: None,
        status: "deployed".into(),
        locked: false,
        adopted: true,
        last_error: None,
        last_deployed_at: None,
        created_by: Some(ctx.principal.user_id),
        privileged_auto_deploy: false,
        created_at: now,
        updated_at: now,
    };
    let txn = super::begin(&core.db).await?;
    stacks::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    ctx.audit(
        &txn,
        audit_ev("stack.adopt", &m).details(serde_json::json!({
            "endpoint_id": ep.id,
            "config_read": content.is_some(),
            "working_dir": found.working_dir,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(with_state(core, &ep, m).await)
}

/// The last lines of every container of the stack (`stacks:read`), per container in service
/// order, secrets masked.
pub async fn logs(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &StackLogQuery,
) -> ServiceResult<Vec<StackLogLine>> {
    use futures_util::TryStreamExt;
    let tail = q.tail.unwrap_or(100);
    if tail > 5000 {
        return Err(ServiceError::field("tail", "out_of_range", "at most 5000"));
    }
    let (m, ep) = load(core, ctx, id, "stacks:read").await?;
    let vars = load_vars(core, &core.db, id).await?;
    let e = engine(core, &ep).await?;
    let filters = HashMap::from([(
        "label".to_owned(),
        vec![format!("{PROJECT_LABEL}={}", m.name)],
    )]);
    let mut containers = e.list_containers(true, &filters).await?;
    containers.sort_by(|a, b| {
        (a.labels.get(SERVICE_LABEL), &a.name).cmp(&(b.labels.get(SERVICE_LABEL), &b.name))
    });
    let lq = windflow_api::docker::LogQuery {
        tail: Some(tail.to_string()),
        follow: Some(false),
        ..Default::default()
    };
    let mut out = vec![];
    for c in containers {
        let service = c.labels.get(SERVICE_LABEL).cloned().unwrap_or_default();
        let lines: Vec<_> = e.logs(&c.id, &lq).try_collect().await?;
        out.extend(lines.into_iter().map(|l| StackLogLine {
            service: service.clone(),
            container: c.name.clone(),
            stream: l.stream,
            text: mask(&l.text, &vars.secrets),
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Yaml {
        serde_yaml_ng::from_str(s).unwrap()
    }

    #[test]
    fn yaml_errors_name_line_and_column() {
        let e = parse_compose("services:\n  web:\n    image: [unclosed\n").unwrap_err();
        let ServiceError::Validation(f) = e else {
            panic!("not a validation error")
        };
        assert_eq!(f[0].field, "compose_content");
        assert!(f[0].message.contains("line "), "{}", f[0].message);
        assert!(parse_compose("version: '3'\n").is_err());
        assert_eq!(
            parse_compose("services:\n  a: {image: x}\n  b: {image: y}\n").unwrap(),
            vec!["a", "b"]
        );
    }

    #[test]
    fn guard_finds_each_option_and_binds() {
        let wd = Path::new("/data/stacks/s1");
        let allow = vec!["/srv/shared".to_owned()];
        let r = y(r#"
services:
  a: {image: x, privileged: true}
  b: {image: x, pid: host, ipc: host, network_mode: host, uts: host, userns_mode: host}
  c: {image: x, devices: ["/dev/fuse"], cap_add: [NET_ADMIN], sysctls: {net.core.somaxconn: "1"}, security_opt: ["seccomp:unconfined"]}
  d:
    image: x
    volumes:
      - /etc:/host-etc:ro
      - /srv/shared/x:/x
      - /data/stacks/s1/conf:/conf
      - /data/stacks/s1/../../../etc:/e
      - named:/data
      - {type: bind, source: /var/run/docker.sock, target: /s}
      - {type: volume, source: named, target: /v}
volumes:
  named: {}
  sneaky: {driver_opts: {type: none, o: bind, device: /root}}
"#);
        let rules = BindRules {
            own: wd,
            allowlist: &allow,
        };
        let found = compose_guard::privileged_findings(&r, "s1", &rules);
        for want in [
            "a: privileged",
            "b: pid=host",
            "b: ipc=host",
            "b: network_mode=host",
            "b: uts=host",
            "b: userns_mode=host",
            "c: devices",
            "c: cap_add:NET_ADMIN",
            "c: sysctls",
            "c: security_opt",
            "d: binds:/etc",
            "d: binds:/data/stacks/s1/../../../etc",
            "d: binds:/var/run/docker.sock",
            "volume sneaky: device:/root",
        ] {
            assert!(
                found.iter().any(|f| f == want),
                "missing {want} in {found:?}"
            );
        }
        assert_eq!(found.len(), 14, "{found:?}");
        let clean = y("services:\n  a: {image: x, privileged: false, volumes: ['named:/d']}\n");
        assert!(compose_guard::privileged_findings(&clean, "s1", &rules).is_empty());
    }

    #[test]
    fn reserved_variable_names() {
        for k in [
            "DOCKER_HOST",
            "docker_config",
            "COMPOSE_FILE",
            "LD_PRELOAD",
            "PYTHONWARNINGS",
            "PATH",
            "home",
            "BROWSER",
            "https_proxy",
            "BUILDKIT_HOST",
            "GIT_SSH_COMMAND",
        ] {
            assert!(reserved_variable(k), "{k}");
        }
        for k in ["APP_PORT", "DB_PASSWORD", "PATHS", "MY_DOCKER_HOST", "TAG"] {
            assert!(!reserved_variable(k), "{k}");
        }
        let mut c = Checks::new();
        check_variables(
            &mut c,
            &[StackVariableInput {
                key: "DOCKER_HOST".into(),
                value: Some("unix:///var/run/docker.sock".into()),
                is_secret: false,
            }],
        );
        let Err(ServiceError::Validation(f)) = c.finish() else {
            panic!("DOCKER_HOST accepted")
        };
        assert_eq!(
            (f[0].field.as_str(), f[0].code.as_str()),
            ("variables[0].key", "reserved")
        );
    }

    #[test]
    fn compose_errors_are_summarised_without_quoted_content() {
        let f = Path::new("/data/compose/x/.check.yml");
        let s = summarize_compose_error(
            "\nunexpected character \"\\x00\" in variable name near \"SQLite format 3\\x00secret\"\nmore: \"x\"\n",
            f,
        );
        assert!(!s.contains("SQLite") && !s.contains("secret"), "{s}");
        assert!(s.starts_with("unexpected character"), "{s}");
        let s = summarize_compose_error(
            "The Compose file '/data/compose/x/.check.yml' is invalid because:\nservices.web.ports contains an invalid type, it should be an array\n",
            f,
        );
        assert!(
            s.contains("services.web.ports contains an invalid type"),
            "{s}"
        );
        assert!(!s.contains("/data/compose"), "{s}");
    }

    #[test]
    fn files_are_written_without_following_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim");
        std::fs::write(&target, "keep").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("docker-compose.yml")).unwrap();
        assert!(write_file(dir.path(), "docker-compose.yml", "services: {}").is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(write_file(dir.path(), "other.yml", "services: {}").is_ok());
    }

    #[test]
    fn masks_secrets_of_three_chars_or_more() {
        let s = vec!["hunter2".to_owned(), "ab".to_owned()];
        assert_eq!(mask("pw=hunter2 ab", &s), "pw=**** ab");
    }

    #[test]
    fn project_names() {
        for (n, ok) in [
            ("web", true),
            ("my_app-1", true),
            ("Web", false),
            ("-a", false),
            ("", false),
        ] {
            let mut c = Checks::new();
            check_name(&mut c, n);
            assert_eq!(c.finish().is_ok(), ok, "{n}");
        }
    }
}
