//! The home dashboard of an organization (`GET /api/v1/organizations/{id}/overview`, issue 13
//! "Home and navigation") and the global search (`GET /api/v1/search`).
//!
//! Both only show what the caller may read: every count and every row is filtered by the
//! permission that reading the object itself needs, at the object's own scope (an endpoint the
//! caller cannot read is neither counted nor listed). A section the caller holds no permission
//! for anywhere in the organization is `null` rather than zero, so a client can tell "none" from
//! "not yours to see".
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::AuditEntry;
use crate::runs::Run;
use crate::stacks::StackStatus;

/// What the home dashboard shows for one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Overview {
    /// The organization.
    pub organization_id: Uuid,
    /// Endpoints by reachability (`endpoints:read` at each endpoint's environment); `null`
    /// without that permission anywhere in the organization.
    pub endpoints: Option<EndpointCounts>,
    /// Containers of the endpoints the caller may read containers of (`containers:read`),
    /// asked of each engine when the overview is built; `null` without that permission.
    pub containers: Option<ContainerCounts>,
    /// Stacks by state (`stacks:read`); `null` without that permission.
    pub stacks: Option<StackCounts>,
    /// The 10 newest deployments of the stacks the caller may read, newest first.
    pub recent_deployments: Vec<OverviewDeployment>,
    /// Deployments of those stacks that failed in the last 24 hours.
    pub failed_deployments_24h: u64,
    /// The 10 newest audit rows of the organization (`audit:read` at the organization);
    /// `null` without that permission.
    pub recent_audit: Option<Vec<AuditEntry>>,
    /// What needs someone's attention, most urgent first (at most 20): endpoints that are
    /// down, stacks in error, deployments still running, Git repositories whose last sync
    /// failed.
    pub attention: Vec<AttentionItem>,
}

/// Endpoints of an organization by [`crate::docker::EndpointStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct EndpointCounts {
    /// All visible endpoints.
    pub total: u64,
    /// The last check succeeded.
    pub up: u64,
    /// The last check failed.
    pub down: u64,
    /// Never checked.
    pub unknown: u64,
}

/// Containers by state, over the endpoints whose engine answered.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct ContainerCounts {
    /// All containers (any state).
    pub total: u64,
    /// State `running` (includes the unhealthy ones).
    pub running: u64,
    /// Any other state (`created`, `exited`, `paused`, `dead`, …).
    pub stopped: u64,
    /// Running with a failing health check (status `… (unhealthy)`).
    pub unhealthy: u64,
    /// Endpoints whose engine did not answer within 3 seconds (their containers are not
    /// counted).
    pub unreachable: Vec<EndpointRef>,
}

/// An endpoint named in an overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EndpointRef {
    /// Endpoint id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
}

/// Stacks by [`StackStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct StackCounts {
    /// All visible stacks.
    pub total: u64,
    /// Never deployed.
    pub draft: u64,
    /// A deployment runs now.
    pub deploying: u64,
    /// The last deployment succeeded.
    pub deployed: u64,
    /// The last deployment or action failed.
    pub error: u64,
    /// Taken down.
    pub down: u64,
}

impl StackCounts {
    /// Counts one stack in its state's bucket and in `total`.
    pub fn add(&mut self, s: StackStatus) {
        self.total += 1;
        match s {
            StackStatus::Draft => self.draft += 1,
            StackStatus::Deploying => self.deploying += 1,
            StackStatus::Deployed => self.deployed += 1,
            StackStatus::Error => self.error += 1,
            StackStatus::Down => self.down += 1,
        }
    }
}

/// A deployment on the dashboard: its run and which stack it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OverviewDeployment {
    /// Deployment id.
    pub id: Uuid,
    /// Stack id.
    pub stack_id: Uuid,
    /// Stack name.
    pub stack_name: String,
    /// Its run (flattened: `trigger`, `triggered_by`, `status`, `started_at`, `finished_at`,
    /// `duration_ms`).
    #[serde(flatten)]
    pub run: Run,
}

vocabulary! {
    /// Why an object is on the dashboard's attention list.
    pub enum AttentionKind {
        /// An endpoint's last check failed (`detail`: the error).
        EndpointDown => "endpoint_down",
        /// A stack's last deployment or action failed (`detail`: the error).
        StackError => "stack_error",
        /// A deployment is still running.
        DeploymentRunning => "deployment_running",
        /// A Git repository's last sync failed (`detail`: the error).
        GitSyncFailed => "git_sync_failed",
    }
}

/// An object that needs attention. `id` is the object's id: an endpoint, a stack (for
/// `stack_error` and `deployment_running`) or a Git repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttentionItem {
    /// Why it is listed.
    pub kind: AttentionKind,
    /// The object's id.
    pub id: Uuid,
    /// The object's name.
    pub name: String,
    /// The project it belongs to (Git repositories are listed per project).
    pub project_id: Uuid,
    /// The error, when there is one (secret values masked).
    pub detail: Option<String>,
}

vocabulary! {
    /// What a search hit is.
    pub enum SearchKind {
        /// An organization (`id`: its UUID).
        Organization => "organization",
        /// A project.
        Project => "project",
        /// An environment.
        Environment => "environment",
        /// A Docker endpoint.
        Endpoint => "endpoint",
        /// A compose stack.
        Stack => "stack",
        /// A container (`id`: the engine's container id; `endpoint_id` is set).
        Container => "container",
        /// A user (superadmins: every user; members: the members of the organizations whose
        /// members they may read).
        User => "user",
    }
}

/// Query of `GET /api/v1/search`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Text to find in names, case-insensitive, 1 to 100 characters (rule
    /// [`crate::rules::SEARCH_TEXT`]).
    pub q: String,
    /// Hits of each kind, 1 to 20 (default 5; rule [`crate::rules::SEARCH_PER_KIND`]).
    pub per_kind: Option<u64>,
}

/// Hits of a search, grouped by kind in [`SearchKind`] order, each group sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    /// The hits.
    pub items: Vec<SearchHit>,
}

/// One object whose name contains the search text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchHit {
    /// What it is.
    pub kind: SearchKind,
    /// Its id (a UUID, or a container's engine id).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where it lives, for display: `org › project › environment › endpoint` (the parts that
    /// apply).
    pub context: String,
    /// Its organization (absent for users).
    pub organization_id: Option<Uuid>,
    /// Its project, when it lives in one.
    pub project_id: Option<Uuid>,
    /// Its endpoint (containers and stacks).
    pub endpoint_id: Option<Uuid>,
}
