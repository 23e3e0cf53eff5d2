//! The audit trail (module audit).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

vocabulary! {
    /// Who acted, in an audit row.
    pub enum ActorType {
        /// A signed-in user (`actor_id`).
        User => "user",
        /// An API key (`actor_id` is its owner).
        ApiKey => "api_key",
        /// Nobody signed in (a failed login names what it claimed in `actor_name`; a webhook).
        Anonymous => "anonymous",
        /// The server itself (CLI, background jobs, automatic redeploys).
        System => "system",
    }
}

vocabulary! {
    /// Outcome of an audited action.
    pub enum AuditOutcome {
        /// The action happened.
        Success => "success",
        /// Refused by a rule (wrong password, lockout, missing permission).
        Denied => "denied",
        /// Failed.
        Error => "error",
    }
}

/// One row of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Entry id (UUIDv7, time-ordered).
    pub id: Uuid,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Who acted.
    pub actor_type: ActorType,
    /// Acting user id.
    pub actor_id: Option<Uuid>,
    /// Acting user's name at the time (or the attempted login).
    pub actor_name: Option<String>,
    /// Organization, when the action belongs to one.
    pub organization_id: Option<Uuid>,
    /// Project, when the action belongs to one.
    pub project_id: Option<Uuid>,
    /// Environment, when the action belongs to one.
    pub environment_id: Option<Uuid>,
    /// `resource.verb`, e.g. `project.create`, `auth.login_failed`.
    pub action: String,
    /// Resource type, e.g. `project`.
    pub resource_type: String,
    /// Resource id.
    pub resource_id: Option<String>,
    /// Resource name at the time.
    pub resource_name: Option<String>,
    /// Outcome.
    pub outcome: AuditOutcome,
    /// Extra details (never secrets).
    pub details: serde_json::Value,
    /// Client IP.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
}

/// Filters of `GET /api/v1/audit` and `GET /api/v1/audit/export`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Acting user id.
    pub actor_id: Option<Uuid>,
    /// Action prefix, e.g. `auth.` or `project.create`.
    pub action: Option<String>,
    /// Resource type.
    pub resource_type: Option<String>,
    /// Resource id.
    pub resource_id: Option<String>,
    /// Organization id; required unless the caller is a superadmin.
    pub organization_id: Option<Uuid>,
    /// Inclusive lower bound (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1 to 200 (default 50). Newest first.
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Export format (export only; default `ndjson`).
    pub format: Option<AuditExportFormat>,
}

/// Format of `GET /audit/export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuditExportFormat {
    /// Comma-separated values (`text/csv`, RFC 4180), one header row then one row per entry;
    /// cells that a spreadsheet would run as formulas are prefixed with `'`.
    Csv,
    /// Newline-delimited JSON (`application/x-ndjson`), one [`AuditEntry`] per line. The default.
    #[default]
    Ndjson,
}
