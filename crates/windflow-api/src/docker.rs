//! Docker endpoints and the resources read live from their engines (module docker).
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// How WindFlow reaches an engine. The agent types are reserved for a later release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionType {
    /// A unix socket on the WindFlow host (`socket_path`).
    Socket,
    /// TCP to `host:port`, `protocol` `http` or `https` (TLS material: CA, client certificate
    /// and key, stored encrypted and never returned; or `tls_skip_verify`).
    Direct,
}

/// Last known reachability of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndpointStatus {
    /// Never checked.
    Unknown,
    /// The last check succeeded.
    Up,
    /// The last check failed (`last_error`).
    Down,
}

/// A Docker Engine connection of an environment (DOMAIN.md: seed 000's "environments").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Endpoint {
    /// Endpoint id.
    pub id: Uuid,
    /// Organization id.
    pub organization_id: Uuid,
    /// Project id.
    pub project_id: Uuid,
    /// Environment id.
    pub environment_id: Uuid,
    /// Name, unique per environment.
    pub name: String,
    /// Connection type.
    pub connection_type: ConnectionType,
    /// Unix socket path (socket).
    pub socket_path: Option<String>,
    /// Host name or IP (direct).
    pub host: Option<String>,
    /// TCP port (direct).
    pub port: Option<i32>,
    /// `http` or `https` (direct).
    pub protocol: Option<String>,
    /// A CA certificate is stored (https; the PEM itself is never returned).
    pub tls_ca_set: bool,
    /// A client certificate and key are stored (https; never returned).
    pub tls_client_cert_set: bool,
    /// The engine's certificate is not verified (https).
    pub tls_skip_verify: bool,
    /// Icon name.
    pub icon: Option<String>,
    /// Free labels.
    pub labels: HashMap<String, String>,
    /// Collect engine events.
    pub collect_activity: bool,
    /// Collect host metrics.
    pub collect_metrics: bool,
    /// Highlight changed containers in the UI.
    pub highlight_changes: bool,
    /// Host path prefixes that bind mounts may use without `containers:create_privileged`.
    pub bind_allowlist: Vec<String>,
    /// Reachability.
    pub status: EndpointStatus,
    /// Last error message when down.
    pub last_error: Option<String>,
    /// Last successful contact.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Engine facts from the last successful check.
    pub engine: Option<EngineInfo>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/environments/{id}/endpoints` body. A unix socket, or a host that is (or
/// resolves to) a loopback, link-local or unspecified address, reaches the WindFlow host: only
/// superadmins may register one, unless the platform setting `allow_local_endpoints` is on
/// (403 otherwise).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEndpoint {
    /// Name, 2 to 100 characters, unique per environment.
    pub name: String,
    /// Connection type.
    pub connection_type: ConnectionType,
    /// Absolute socket path (socket), e.g. `/var/run/docker.sock`.
    pub socket_path: Option<String>,
    /// Host (direct).
    pub host: Option<String>,
    /// Port 1 to 65535 (direct).
    pub port: Option<i32>,
    /// `http` (default) or `https` (direct).
    pub protocol: Option<String>,
    /// PEM CA certificate(s) trusted for the engine (https); without it the public web PKI roots.
    /// Write-only: stored encrypted.
    pub tls_ca: Option<String>,
    /// PEM client certificate (https engines started with `--tlsverify`). Write-only.
    pub tls_cert: Option<String>,
    /// PEM client private key, with `tls_cert`. Write-only: stored encrypted, never returned.
    pub tls_key: Option<String>,
    /// Accept any engine certificate (https; default false).
    #[serde(default)]
    pub tls_skip_verify: bool,
    /// Icon name.
    pub icon: Option<String>,
    /// Labels.
    #[serde(default)]
    pub labels: HashMap<String, String>,
    /// Collect engine events (default false).
    #[serde(default)]
    pub collect_activity: bool,
    /// Collect host metrics (default false).
    #[serde(default)]
    pub collect_metrics: bool,
    /// Highlight changes (default false).
    #[serde(default)]
    pub highlight_changes: bool,
    /// Absolute host path prefixes allowed for bind mounts without
    /// `containers:create_privileged` (stored normalised; `/`, `/.` and paths with `..` are a
    /// 422). A non-empty list needs `containers:create_privileged` at the environment.
    #[serde(default)]
    pub bind_allowlist: Vec<String>,
}

/// `PATCH /api/v1/endpoints/{id}` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEndpoint {
    /// New name.
    pub name: Option<String>,
    /// New socket path.
    pub socket_path: Option<String>,
    /// New host.
    pub host: Option<String>,
    /// New port.
    pub port: Option<i32>,
    /// New protocol, `http` or `https`.
    pub protocol: Option<String>,
    /// New PEM CA; an empty string removes it.
    pub tls_ca: Option<String>,
    /// New PEM client certificate; an empty string removes it (and the key).
    pub tls_cert: Option<String>,
    /// New PEM client key; an empty string removes it (and the certificate).
    pub tls_key: Option<String>,
    /// Accept any engine certificate.
    pub tls_skip_verify: Option<bool>,
    /// New icon.
    pub icon: Option<String>,
    /// New labels.
    pub labels: Option<HashMap<String, String>>,
    /// Collect events.
    pub collect_activity: Option<bool>,
    /// Collect metrics.
    pub collect_metrics: Option<bool>,
    /// Highlight changes.
    pub highlight_changes: Option<bool>,
    /// New bind allow-list (rules as on create; a change needs
    /// `containers:create_privileged` at the environment).
    pub bind_allowlist: Option<Vec<String>>,
}

/// Engine facts (`POST /endpoints/{id}/test`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EngineInfo {
    /// Engine version, e.g. `20.10.24`.
    pub engine_version: String,
    /// Negotiated API version, e.g. `1.41`.
    pub api_version: String,
    /// Operating system.
    pub os: String,
    /// Architecture.
    pub architecture: String,
    /// CPUs.
    pub cpus: i64,
    /// Memory in bytes.
    pub memory_bytes: i64,
    /// Running containers.
    pub containers_running: i64,
    /// Stopped and paused containers.
    pub containers_stopped: i64,
}

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
    pub fn permission(self) -> &'static str {
        match self {
            Self::Start | Self::Unpause => "containers:start",
            Self::Stop | Self::Pause => "containers:stop",
            Self::Restart => "containers:restart",
            Self::Kill => "containers:kill",
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

/// An image on an engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImageSummary {
    /// Image id (`sha256:…`).
    pub id: String,
    /// Tags.
    pub repo_tags: Vec<String>,
    /// Creation (seconds since the epoch).
    pub created: i64,
    /// Size in bytes.
    pub size: i64,
    /// Containers using it (-1 when the engine did not count).
    pub containers: i64,
    /// Labels.
    pub labels: HashMap<String, String>,
}

/// One progress event of an image pull (per layer), as sent over the SSE stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PullProgress {
    /// Layer id, when the event is about a layer.
    pub layer: Option<String>,
    /// `Pulling fs layer`, `Downloading`, `Download complete`, `Pull complete`, … The stream's
    /// last event is always `completed` (the engine reported no error) or `failed` (with
    /// `error`); an engine error in between is also sent as an SSE `event: error` frame.
    pub status: String,
    /// Bytes done.
    pub current: Option<i64>,
    /// Bytes in all.
    pub total: Option<i64>,
    /// Error reported by the engine.
    pub error: Option<String>,
}

/// `POST /endpoints/{id}/images/pull` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PullImage {
    /// Image reference without tag, e.g. `127.0.0.1:5000/app`.
    pub image: String,
    /// Tag (default `latest`).
    pub tag: Option<String>,
    /// Registry credential of the endpoint's organization to authenticate with.
    pub registry_id: Option<Uuid>,
}

/// Registry credentials (the password is write-only and never returned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegistryCredential {
    /// Id.
    pub id: Uuid,
    /// Organization id.
    pub organization_id: Uuid,
    /// Name, unique per organization.
    pub name: String,
    /// Registry server, e.g. `registry.example.org` or `127.0.0.1:5000`.
    pub server: String,
    /// User name.
    pub username: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /organizations/{id}/registries` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRegistryCredential {
    /// Name, 2 to 100 characters.
    pub name: String,
    /// Registry server (`host[:port]`).
    pub server: String,
    /// User name.
    pub username: String,
    /// Password or token (stored encrypted, never returned).
    pub password: String,
}

/// `PATCH /registries/{id}` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRegistryCredential {
    /// New name.
    pub name: Option<String>,
    /// New server.
    pub server: Option<String>,
    /// New user name.
    pub username: Option<String>,
    /// New password (write-only).
    pub password: Option<String>,
}

/// `POST /endpoints/{id}/images/{name}/tag` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagImage {
    /// Repository.
    pub repo: String,
    /// Tag.
    pub tag: String,
}

/// What a prune removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PruneReport {
    /// Objects deleted.
    pub deleted: u64,
    /// Bytes reclaimed.
    pub space_reclaimed: i64,
}

/// A volume on an engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VolumeSummary {
    /// Name.
    pub name: String,
    /// Driver.
    pub driver: String,
    /// Mount point on the host.
    pub mountpoint: String,
    /// Labels.
    pub labels: HashMap<String, String>,
    /// Creation time as the engine reports it.
    pub created_at: Option<String>,
}

/// `POST /endpoints/{id}/volumes` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVolume {
    /// Name.
    pub name: String,
    /// Driver (default `local`).
    pub driver: Option<String>,
    /// Labels.
    #[serde(default)]
    pub labels: HashMap<String, String>,
}

/// A network on an engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NetworkSummary {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Driver.
    pub driver: String,
    /// Scope.
    pub scope: String,
    /// Internal (no outside access).
    pub internal: bool,
    /// Labels.
    pub labels: HashMap<String, String>,
}

/// `POST /endpoints/{id}/networks` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNetwork {
    /// Name.
    pub name: String,
    /// Driver (default `bridge`).
    pub driver: Option<String>,
    /// Internal network.
    #[serde(default)]
    pub internal: bool,
    /// Labels.
    #[serde(default)]
    pub labels: HashMap<String, String>,
}

/// `POST /endpoints/{id}/networks/{net}/connect|disconnect` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkMember {
    /// Container id or name.
    pub container: String,
}

/// Force flag of removals.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForceQuery {
    /// Force the removal.
    pub force: Option<bool>,
}

/// One collected engine event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContainerEvent {
    /// Event id (UUIDv7).
    pub id: Uuid,
    /// Endpoint id.
    pub endpoint_id: Uuid,
    /// When the engine reported it.
    pub occurred_at: DateTime<Utc>,
    /// `container`, `image`, `network`, `volume`, …
    pub kind: String,
    /// `create`, `start`, `die`, `pull`, …
    pub action: String,
    /// Object id.
    pub actor_id: Option<String>,
    /// Object name, when the engine gave one.
    pub actor_name: Option<String>,
    /// Object attributes.
    pub attributes: HashMap<String, String>,
}

/// One host metrics sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HostMetric {
    /// Sample time.
    pub sampled_at: DateTime<Utc>,
    /// CPU use of running containers, percent of one CPU.
    pub cpu_percent: f64,
    /// Memory used by running containers, bytes.
    pub memory_used_bytes: i64,
    /// Engine host memory, bytes.
    pub memory_total_bytes: i64,
    /// Running containers.
    pub containers_running: i64,
}

/// Time range of `GET /endpoints/{id}/metrics` (default: the last hour).
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// Inclusive start (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Exclusive end (RFC 3339).
    pub to: Option<DateTime<Utc>>,
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
