//! Containers: list and inspect, the spec of a new container, lifecycle actions, logs, stats,
//! processes, and the console's query.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A published port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortMapping {
    /// Port inside the container.
    #[schema(minimum = 0, maximum = 65535)]
    pub container_port: u16,
    /// Host port (none = not published, or random when creating).
    #[schema(minimum = 0, maximum = 65535)]
    pub host_port: Option<u16>,
    /// Host IP to bind (e.g. `127.0.0.1`).
    pub host_ip: Option<String>,
    /// `tcp` or `udp`.
    #[serde(default = "tcp")]
    pub protocol: String,
}

fn tcp() -> String {
    "tcp".into()
}

/// A container as listed by the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContainerSummary {
    /// Container id.
    pub id: String,
    /// Name without the leading slash.
    pub name: String,
    /// Image.
    pub image: String,
    /// Command.
    pub command: String,
    /// `created`, `running`, `paused`, `restarting`, `exited`, `dead`.
    pub state: String,
    /// Human status, e.g. `Up 3 minutes`.
    pub status: String,
    /// Creation time (seconds since the epoch).
    pub created: i64,
    /// Labels.
    pub labels: HashMap<String, String>,
    /// Ports.
    pub ports: Vec<PortMapping>,
}

/// A container of one endpoint in the all-endpoints list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EndpointContainer {
    /// Endpoint id.
    pub endpoint_id: Uuid,
    /// Endpoint name.
    pub endpoint_name: String,
    /// The container. (Nested rather than flattened: serde's flatten buffers every value,
    /// which costs the web app tens of KB of wasm.)
    pub container: ContainerSummary,
}

/// An endpoint that could not be listed in the all-endpoints view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EndpointFailure {
    /// Endpoint id.
    pub endpoint_id: Uuid,
    /// Endpoint name.
    pub endpoint_name: String,
    /// What went wrong.
    pub error: String,
}

/// `GET /api/v1/containers`: containers of every endpoint the caller may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AllContainers {
    /// Containers, endpoint by endpoint.
    pub items: Vec<EndpointContainer>,
    /// Endpoints that failed (the page still answers).
    pub errors: Vec<EndpointFailure>,
}

/// A container's details (`raw` is the engine's inspect document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContainerDetails {
    /// Container id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Image.
    pub image: String,
    /// State.
    pub state: String,
    /// Running.
    pub running: bool,
    /// Exit code of the last run.
    pub exit_code: Option<i64>,
    /// Creation time (RFC 3339 from the engine).
    pub created: String,
    /// Labels.
    pub labels: HashMap<String, String>,
    /// The engine's full inspect document.
    pub raw: serde_json::Value,
}

/// The kind of a container mount. Exactly these three spellings are accepted (anything else,
/// `BIND` included, is a 422): the privileged guard and the engine adapter match on this one
/// enum, so what is checked is what is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MountKind {
    /// A host path (checked against the endpoint's bind allow-list).
    Bind,
    /// A named volume.
    Volume,
    /// An in-memory filesystem (`source` is ignored).
    Tmpfs,
}

/// A mount of a new container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MountSpec {
    /// `bind`, `volume` or `tmpfs`.
    pub kind: MountKind,
    /// Host path (bind) or volume name.
    pub source: String,
    /// Path in the container.
    pub target: String,
    /// Read-only.
    #[serde(default)]
    pub read_only: bool,
}

/// `POST /api/v1/endpoints/{id}/containers` body. The privileged options (`privileged`, host
/// `pid_mode`/`ipc_mode`/`network_mode`/`uts_mode`, `devices`, `cap_add`, `sysctls`,
/// `security_opt`, binds outside the endpoint's allow-list) need `containers:create_privileged`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerSpec {
    /// Name (engine rules: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`).
    pub name: Option<String>,
    /// Image reference.
    pub image: String,
    /// Command and arguments.
    #[serde(default)]
    pub command: Vec<String>,
    /// Environment variables.
    #[serde(default)]
    pub env: HashMap<String, String>,
    /// Labels.
    #[serde(default)]
    pub labels: HashMap<String, String>,
    /// Published ports.
    #[serde(default)]
    pub ports: Vec<PortMapping>,
    /// `host:container[:ro]` bind strings.
    #[serde(default)]
    pub binds: Vec<String>,
    /// Mounts.
    #[serde(default)]
    pub mounts: Vec<MountSpec>,
    /// `no`, `always`, `unless-stopped`, `on-failure`.
    pub restart_policy: Option<String>,
    /// Memory limit in bytes.
    pub memory_bytes: Option<i64>,
    /// CPU limit in 1e-9 CPUs.
    pub nano_cpus: Option<i64>,
    /// Network mode (`bridge`, `none`, a network name). `host`, `container:<id>` and any other
    /// form need `containers:create_privileged`.
    pub network_mode: Option<String>,
    /// Run an init process as PID 1 (default true: signals are forwarded).
    #[serde(default = "yes")]
    pub init: bool,
    /// Privileged mode.
    #[serde(default)]
    pub privileged: bool,
    /// PID namespace: empty (private). `host`, `container:<id>` and anything else need
    /// `containers:create_privileged`.
    pub pid_mode: Option<String>,
    /// IPC namespace: empty, `private`, `shareable` or `none`. `host`, `container:<id>` and
    /// anything else need `containers:create_privileged`.
    pub ipc_mode: Option<String>,
    /// UTS namespace: empty (private). `host` and anything else need
    /// `containers:create_privileged`.
    pub uts_mode: Option<String>,
    /// Host devices to map.
    #[serde(default)]
    pub devices: Vec<String>,
    /// Added capabilities (`NET_ADMIN` or `CAP_NET_ADMIN`, any case). Capabilities of Docker's
    /// default set are free; any other, and `ALL`, need `containers:create_privileged`.
    #[serde(default)]
    pub cap_add: Vec<String>,
    /// Sysctls.
    #[serde(default)]
    pub sysctls: HashMap<String, String>,
    /// Security options.
    #[serde(default)]
    pub security_opt: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A lifecycle action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContainerAction {
    /// Start.
    Start,
    /// Stop (10 s grace).
    Stop,
    /// Restart.
    Restart,
    /// Kill (SIGKILL).
    Kill,
    /// Pause.
    Pause,
    /// Unpause.
    Unpause,
}

impl ContainerAction {
    /// Parses a path segment.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "start" => Self::Start,
            "stop" => Self::Stop,
            "restart" => Self::Restart,
            "kill" => Self::Kill,
            "pause" => Self::Pause,
            "unpause" => Self::Unpause,
            _ => return None,
        })
    }
    /// Permission the action needs.
    pub fn permission(self) -> crate::access::Permission {
        use crate::access::Permission;
        match self {
            Self::Start | Self::Unpause => Permission::ContainersStart,
            Self::Stop | Self::Pause => Permission::ContainersStop,
            Self::Restart => Permission::ContainersRestart,
            Self::Kill => Permission::ContainersKill,
        }
    }
}

/// Container list filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContainerQuery {
    /// Include stopped containers (default false).
    pub all: Option<bool>,
    /// Engine state: `created`, `running`, `paused`, `restarting`, `exited`, `dead`.
    pub status: Option<String>,
    /// Name substring.
    pub name: Option<String>,
    /// Label `key` or `key=value`.
    pub label: Option<String>,
    /// Image (ancestor) reference.
    pub image: Option<String>,
}

/// `DELETE /endpoints/{id}/containers/{cid}` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveQuery {
    /// Kill a running container first.
    pub force: Option<bool>,
    /// Remove its anonymous volumes.
    pub volumes: Option<bool>,
}

/// `POST /endpoints/{id}/containers/{cid}/rename` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameContainer {
    /// New name.
    pub name: String,
}

/// Log query (`GET …/containers/{cid}/logs`, and `…/logs/stream` for a live SSE stream).
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// Last N lines, or `all` (default 100).
    pub tail: Option<String>,
    /// Only lines since this Unix time (seconds).
    pub since: Option<i32>,
    /// Prefix lines with the engine's RFC 3339 timestamps.
    pub timestamps: Option<bool>,
    /// Include stdout (default true).
    pub stdout: Option<bool>,
    /// Include stderr (default true).
    pub stderr: Option<bool>,
    /// Keep the stream open (set by the stream route).
    #[param(ignore)]
    #[serde(skip)]
    pub follow: Option<bool>,
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LogLine {
    /// `stdout` or `stderr`.
    pub stream: String,
    /// The line without its trailing newline.
    pub text: String,
}

/// One stats sample of a container (engine one-shot stats).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatsSnapshot {
    /// Memory in use, bytes.
    pub memory_usage_bytes: u64,
    /// Memory limit, bytes.
    pub memory_limit_bytes: u64,
    /// Total CPU time used, nanoseconds.
    pub cpu_total_usage_ns: u64,
    /// CPUs online.
    pub online_cpus: u64,
    /// Processes.
    pub pids: u64,
    /// Bytes received over all networks.
    pub network_rx_bytes: u64,
    /// Bytes sent over all networks.
    pub network_tx_bytes: u64,
    /// The engine's full stats document.
    pub raw: serde_json::Value,
}

/// Processes of a container (`ps` output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProcessList {
    /// Column titles.
    pub titles: Vec<String>,
    /// Rows.
    pub processes: Vec<Vec<String>>,
}

/// Query of the console WebSocket (`GET /endpoints/{id}/containers/{cid}/exec`).
///
/// Protocol: binary (or non-JSON text) frames from the client are written to the process's
/// stdin; a text frame `{"type":"resize","cols":C,"rows":R}` resizes the TTY. The server sends
/// the output as binary frames and, when the process ends, a text frame
/// `{"type":"exit","code":N}` before closing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExecQuery {
    /// Command line, split on spaces (default `sh`).
    pub cmd: Option<String>,
    /// Allocate a TTY (default true).
    pub tty: Option<bool>,
}
