//! Endpoints: an environment's Docker Engine connections, and the engine facts of a test.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

vocabulary! {
    /// How WindFlow reaches an engine. The agent types are reserved for a later release.
    pub enum ConnectionType {
        /// A unix socket on the WindFlow host (`socket_path`).
        Socket => "socket",
        /// TCP to `host:port`, `protocol` `http` or `https` (TLS material: CA, client certificate
        /// and key, stored encrypted and never returned; or `tls_skip_verify`).
        Direct => "direct",
    }
}

vocabulary! {
    /// Last known reachability of an endpoint.
    pub enum EndpointStatus {
        /// Never checked.
        Unknown => "unknown",
        /// The last check succeeded.
        Up => "up",
        /// The last check failed (`last_error`).
        Down => "down",
    }
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
