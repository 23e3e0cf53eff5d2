//! Shared service state and the per-request context.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;
use windflow_api::runs::Trigger;

use crate::audit::Actor;
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

impl CoreSettings {
    /// `<data_dir>/git/<repository id>`: a Git repository's checkout, written by the Git sync
    /// (`services::git`) and read by the Git stacks (`services::stacks`).
    pub fn git_checkout(&self, repo: uuid::Uuid) -> std::path::PathBuf {
        self.data_dir.join("git").join(repo.to_string())
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

/// Whose permissions a check uses: a user's id and whether they are a superadmin. Enough for
/// [`crate::authz::require_for`], without a session (automatic work acts for a user who is not
/// signed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authority {
    /// User id.
    pub user_id: Uuid,
    /// Superadmins hold every permission everywhere.
    pub is_superadmin: bool,
}

impl Principal {
    /// This caller's permissions, for checks made later on their behalf.
    pub fn authority(&self) -> Authority {
        Authority {
            user_id: self.user_id,
            is_superadmin: self.is_superadmin,
        }
    }
}

/// Who started a piece of work (a stack action, a Git sync), how it is recorded, and whose
/// permissions its checks use. One type for a request's caller and for the server's own
/// runs (webhook, schedule).
#[derive(Debug, Clone)]
pub struct Initiator {
    /// The audit actor.
    pub actor: Actor,
    /// Request facts for the audit row.
    pub meta: RequestMeta,
    /// What started it.
    pub trigger: Trigger,
    /// The user recorded as `triggered_by` (`None` for the server's own runs).
    pub user: Option<Uuid>,
    /// Whose permissions the privileged guard (and, for a manual sync, `stacks:deploy` on each
    /// redeployed stack) checks; `None`: privileged options are refused.
    pub authority: Option<Authority>,
    /// False: privileged options are refused whatever `authority` holds (automatic redeploys
    /// of a stack not marked `privileged_auto_deploy`).
    pub privileged: bool,
}

impl Initiator {
    /// The caller of a request: audited as that user, trigger `manual`, their permissions.
    pub fn manual(ctx: Ctx<'_>) -> Self {
        Self {
            actor: Actor::user(ctx.principal.user_id, &ctx.principal.username),
            meta: ctx.meta.clone(),
            trigger: Trigger::Manual,
            user: Some(ctx.principal.user_id),
            authority: Some(ctx.principal.authority()),
            privileged: true,
        }
    }

    /// The server itself (`webhook` or `schedule`): audited as `system`, nobody's permissions.
    pub fn automatic(trigger: Trigger, meta: RequestMeta) -> Self {
        Self {
            actor: Actor::system(),
            meta,
            trigger,
            user: None,
            authority: None,
            privileged: false,
        }
    }

    /// The same run acting with `authority` (a stack creator's) for the privileged guard,
    /// privileged options allowed only when `privileged`.
    pub fn acting_as(&self, authority: Option<Authority>, privileged: bool) -> Self {
        Self {
            authority,
            privileged,
            ..self.clone()
        }
    }
}
