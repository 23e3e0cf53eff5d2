//! Images: list, pull with per-layer progress, tag.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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

/// `POST /endpoints/{id}/images/{name}/tag` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagImage {
    /// Repository.
    pub repo: String,
    /// Tag.
    pub tag: String,
}
