//! Registry credentials of an organization, used by image pulls.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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
