//! Compose stacks, their variables and deployments (issue "Compose stacks"; DOMAIN.md module
//! `stacks`, seeds 000 and 001).
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::runs::{Run, RunStatus};

vocabulary! {
    /// A stack's stored lifecycle (what WindFlow last did to it; the engine's view is
    /// [`StackState`]).
    pub enum StackStatus {
        /// Created and never deployed.
        Draft => "draft",
        /// A deployment is running.
        Deploying => "deploying",
        /// The last deployment succeeded.
        Deployed => "deployed",
        /// The last deployment or action failed (see `last_error`).
        Error => "error",
        /// Taken down with `down`.
        Down => "down",
    }
}

vocabulary! {
    /// What a deployment does.
    pub enum DeploymentKind {
        /// `up` with the stack's current definition.
        Standard => "standard",
        /// `up` with the images of an earlier deployment pinned.
        Rollback => "rollback",
    }
}

vocabulary! {
    /// A step of a deployment.
    pub enum DeploymentEventKind {
        /// Recorded.
        Created => "created",
        /// Pulling images.
        Pulling => "pulling",
        /// Running `up`.
        Starting => "starting",
        /// Containers are up (the message lists the resolved images).
        Running => "running",
        /// Finished without error.
        Completed => "completed",
        /// Finished with an error.
        Failed => "failed",
    }
}

vocabulary! {
    /// The kind of one server-sent event of a running stack action.
    pub enum StackOutputKind {
        /// A line of compose output (secrets masked).
        Line => "line",
        /// The action ended (the last event).
        Done => "done",
    }
}

vocabulary! {
    /// Where a stack's compose file comes from.
    pub enum StackSource {
        /// Compose YAML stored in WindFlow.
        Internal => "internal",
        /// Compose file of a synced Git repository.
        Git => "git",
    }
}

/// The running state of a stack, read from the engine through the
/// `com.docker.compose.project` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StackState {
    /// Every container of the project runs.
    Running,
    /// Some containers run, some do not.
    PartiallyRunning,
    /// The project has containers and none runs.
    Stopped,
    /// The engine has no container of the project.
    NotDeployed,
    /// The engine could not be asked (see `state_error`).
    Unknown,
}

/// A compose project on one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stack {
    /// Stack id.
    pub id: Uuid,
    /// Organization.
    pub organization_id: Uuid,
    /// Project.
    pub project_id: Uuid,
    /// Environment.
    pub environment_id: Uuid,
    /// Endpoint it runs on.
    pub endpoint_id: Uuid,
    /// Compose project name: unique per endpoint, `[a-z0-9][a-z0-9_-]*`, at most 63 chars.
    pub name: String,
    /// Source of the compose file.
    pub source: StackSource,
    /// The compose YAML (only in single-stack answers; `null` in lists). For a Git stack, the
    /// file at the repository's last synced commit (`null` before the first sync).
    pub compose_content: Option<String>,
    /// Git stacks: the repository.
    pub repository_id: Option<Uuid>,
    /// Git stacks: the compose file's path in the repository.
    pub compose_path: Option<String>,
    /// Git stacks: an env file's path in the repository, passed as `--env-file`.
    pub env_path: Option<String>,
    /// Git stacks: the commit of the last successful deployment.
    pub deployed_commit: Option<String>,
    /// Stored lifecycle.
    pub status: StackStatus,
    /// Running state read from the engine now.
    pub state: StackState,
    /// Containers of the project on the engine.
    pub containers: u32,
    /// Of which running.
    pub running: u32,
    /// Why `state` is `unknown`.
    pub state_error: Option<String>,
    /// A locked stack refuses every change and action until unlocked.
    pub locked: bool,
    /// Imported from a compose project WindFlow did not create.
    pub adopted: bool,
    /// Webhook and scheduled redeploys may use privileged compose options (otherwise they
    /// are refused whatever the stack creator holds).
    pub privileged_auto_deploy: bool,
    /// Error of the last failed action.
    pub last_error: Option<String>,
    /// Last successful deploy.
    pub last_deployed_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A stack variable as returned: a secret's value is always `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StackVariable {
    /// Name, `[A-Za-z_][A-Za-z0-9_]*`.
    pub key: String,
    /// Value; `null` for secrets (write-only).
    pub value: Option<String>,
    /// Encrypted at rest, masked in every answer and in action output.
    pub is_secret: bool,
}

/// A stack variable as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StackVariableInput {
    /// Name, `[A-Za-z_][A-Za-z0-9_]*`, unique in the stack.
    pub key: String,
    /// Value (at most 32 KiB). For an existing secret, `null` keeps the stored value.
    pub value: Option<String>,
    /// Secret (encrypted, write-only).
    #[serde(default)]
    pub is_secret: bool,
}

/// Body of `POST /endpoints/{id}/stacks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStack {
    /// Compose project name (see [`Stack::name`]).
    pub name: String,
    /// `internal` (default) or `git`.
    #[serde(default = "internal")]
    pub source: StackSource,
    /// `internal`: compose YAML (at most 256 KiB), validated before it is saved.
    #[serde(default)]
    pub compose_content: String,
    /// `git`: a repository of the endpoint's project.
    #[serde(default)]
    pub repository_id: Option<Uuid>,
    /// `git`: compose file path in the repository (default: the repository's `compose_path`).
    #[serde(default)]
    pub compose_path: Option<String>,
    /// `git`: env file path in the repository (optional).
    #[serde(default)]
    pub env_path: Option<String>,
    /// Variables (optional).
    #[serde(default)]
    pub variables: Vec<StackVariableInput>,
}

fn internal() -> StackSource {
    StackSource::Internal
}

/// Body of `PATCH /stacks/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStack {
    /// `internal`: new compose YAML, validated before it is saved.
    #[serde(default)]
    pub compose_content: Option<String>,
    /// `git`: new compose file path in the repository.
    #[serde(default)]
    pub compose_path: Option<String>,
    /// `git`: new env file path in the repository (an empty string clears it).
    #[serde(default)]
    pub env_path: Option<String>,
    /// Let webhook and scheduled redeploys use privileged compose options (setting it to
    /// `true` needs `containers:create_privileged` at the stack's environment).
    #[serde(default)]
    pub privileged_auto_deploy: Option<bool>,
}

/// Body of `POST /stacks/validate` and of the editor's check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateCompose {
    /// Endpoint whose bind allow-list applies.
    pub endpoint_id: Uuid,
    /// An existing stack of that endpoint being edited: the check then needs `stacks:update`
    /// on it (instead of `stacks:create` at the endpoint) and resolves relative paths in its
    /// directory.
    #[serde(default)]
    pub stack_id: Option<Uuid>,
    /// Compose YAML.
    pub compose_content: String,
    /// Variables to interpolate (secrets may be given; nothing is stored).
    #[serde(default)]
    pub variables: Vec<StackVariableInput>,
}

/// Result of a successful validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComposeCheck {
    /// Service names.
    pub services: Vec<String>,
    /// Privileged options found (each needs `containers:create_privileged`), e.g.
    /// `web: privileged`, `web: binds:/etc`.
    pub privileged_options: Vec<String>,
}

/// What happened to a deleted stack's compose project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectOutcome {
    /// `down=true`: the project's containers and networks were removed before the record.
    Removed,
    /// `force=true`: the record was forgotten; the containers keep running and the project can
    /// be adopted again.
    LeftRunning,
    /// The project had no containers.
    None,
}

/// Answer of `DELETE /stacks/{id}`: what happened to the compose project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StackDeleted {
    /// The stack id.
    pub id: Uuid,
    /// What happened to its compose project.
    pub project: ProjectOutcome,
    /// `down=true&remove_volumes=true`: named volumes were removed too.
    pub volumes_removed: bool,
}

/// Compose actions on a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StackAction {
    /// `up -d` (with `pull=true`, pull first). Recorded as a deployment.
    Deploy,
    /// Pull every image, then `up -d`. Recorded as a deployment.
    PullRedeploy,
    /// `start`.
    Start,
    /// `stop`.
    Stop,
    /// `restart`.
    Restart,
    /// `down` (with `remove_volumes=true`, `-v`).
    Down,
}

impl StackAction {
    /// Parses the path segment (`deploy`, `pull-redeploy`, `start`, `stop`, `restart`, `down`).
    pub fn from_path(s: &str) -> Option<Self> {
        Some(match s {
            "deploy" => Self::Deploy,
            "pull-redeploy" => Self::PullRedeploy,
            "start" => Self::Start,
            "stop" => Self::Stop,
            "restart" => Self::Restart,
            "down" => Self::Down,
            _ => return None,
        })
    }
}

/// Options of a stack action.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StackActionQuery {
    /// `deploy`: pull images first (default false).
    pub pull: Option<bool>,
    /// `down`: remove named volumes too (default false).
    pub remove_volumes: Option<bool>,
}

/// One server-sent event of a running action: `line` items, then one `done` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StackOutput {
    /// `line` (a line of compose output, secrets masked) or `done`.
    pub kind: StackOutputKind,
    /// The line (`line` only).
    pub text: Option<String>,
    /// The deployment recorded (`done` of deploy, pull-redeploy and rollback).
    pub deployment_id: Option<Uuid>,
    /// `succeeded` or `failed` (`done` only).
    pub status: Option<RunStatus>,
    /// Exit code of the compose command (`done` only; `null` if it could not start).
    pub exit_code: Option<i32>,
}

/// A deployment of a stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Deployment {
    /// Deployment id.
    pub id: Uuid,
    /// Stack.
    pub stack_id: Uuid,
    /// What it does.
    pub kind: DeploymentKind,
    /// Who started it, where it stands and its timing (flattened: `trigger`, `triggered_by`,
    /// `status`, `started_at`, `finished_at`, `duration_ms`).
    #[serde(flatten)]
    pub run: Run,
    /// For a rollback: the deployment rolled back to.
    pub parent_id: Option<Uuid>,
    /// Images were pulled first.
    pub pull: bool,
    /// Names of the variables passed (never values).
    pub variable_names: Vec<String>,
    /// Service → image reference forced for this deploy (a rollback's pins).
    pub pinned_images: BTreeMap<String, String>,
    /// Service → resolved image (`repo@sha256:…`, or the image id when it has no repo digest).
    pub image_digests: BTreeMap<String, String>,
    /// Git stacks: the commit deployed.
    pub git_commit: Option<String>,
    /// Exit code of `up`.
    pub exit_code: Option<i32>,
}

/// A step of a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeploymentEvent {
    /// The step.
    pub kind: DeploymentEventKind,
    /// Detail.
    pub message: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One deployment with what it deployed, its logs and its steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeploymentDetails {
    /// The deployment.
    pub deployment: Deployment,
    /// The compose YAML deployed.
    pub compose_content: String,
    /// Output of the compose commands (secrets masked).
    pub logs: String,
    /// Steps, oldest first.
    pub events: Vec<DeploymentEvent>,
}

/// A compose project found on an endpoint, for adoption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComposeProject {
    /// Project name (`com.docker.compose.project`).
    pub name: String,
    /// Service names.
    pub services: Vec<String>,
    /// Containers.
    pub containers: u32,
    /// Of which running.
    pub running: u32,
    /// `com.docker.compose.project.working_dir`.
    pub working_dir: Option<String>,
    /// `com.docker.compose.project.config_files`.
    pub config_files: Option<String>,
    /// A WindFlow stack of this endpoint has this name.
    pub managed: bool,
}

/// Body of `POST /endpoints/{id}/stacks/adopt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptStack {
    /// Name of the compose project on the endpoint.
    pub project: String,
}

/// Logs of all services of a stack.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StackLogQuery {
    /// Lines per container (default 100, at most 5000).
    pub tail: Option<u32>,
}

/// One log line of a stack's service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StackLogLine {
    /// Service (`com.docker.compose.service`).
    pub service: String,
    /// Container name.
    pub container: String,
    /// `stdout` or `stderr`.
    pub stream: String,
    /// The text.
    pub text: String,
}
