//! Networks: list, create, and the container of a connect or disconnect.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
