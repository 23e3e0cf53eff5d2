//! What an endpoint's engine did: collected engine events and host metrics.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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
