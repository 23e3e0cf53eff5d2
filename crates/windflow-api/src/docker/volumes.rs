//! Volumes: list and create.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
