//! Shared service state and the per-request context.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::crypto::Crypto;
use crate::password::Passwords;
use crate::runtime::{ComposeSlot, Engines};
use crate::tokens::JwtKeys;

/// Settings the services need (a subset of the server configuration).
#[derive(Debug, Clone)]
pub struct CoreSettings {
    /// Access-token lifetime in seconds (15 minutes by default).
    pub access_token_ttl_secs: i64,
    /// The server's data directory; compose stacks run in `<data_dir>/stacks/<stack id>/`.
    pub data_dir: std::path::PathBuf,
}

impl Default for CoreSettings {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 15 * 60,
            data_dir: std::path::PathBuf::from("./data"),
        }
    }
}

/// Everything a service call needs, built once at start-up and shared (cheap to clone).
#[derive(Clone)]
pub struct Core {
    /// Database pool (SQLite or PostgreSQL).
    pub db: DatabaseConnection,
    /// Password hashing on a bounded blocking pool.
    pub passwords: Passwords,
    /// JWT signing keys.
    pub jwt: Arc<JwtKeys>,
    /// Encryption of secrets at rest.
    pub crypto: Arc<Crypto>,
    /// Settings.
    pub settings: CoreSettings,
    /// One Docker engine client per endpoint, reused.
    pub engines: Engines,
    /// The Docker Compose CLI, found on first use.
    pub compose: Arc<ComposeSlot>,
}

/// The authenticated caller, built once per request by the server's auth middleware.
#[derive(Debug, Clone)]
pub struct Principal {
    /// User id.
    pub user_id: Uuid,
    /// Username.
    pub username: String,
    /// Superadmins hold every permission everywhere.
    pub is_superadmin: bool,
    /// Session id.
    pub session_id: Uuid,
    /// Access token id.
    pub jti: Uuid,
    /// Access token expiry.
    pub token_expires_at: DateTime<Utc>,
}

/// Facts about the HTTP request that the audit log records.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// Client IP.
    pub ip: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
}

/// The context of an authenticated service call.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Who calls.
    pub principal: &'a Principal,
    /// Request facts.
    pub meta: &'a RequestMeta,
}
