//! Git credentials, Git repositories, webhooks and schedule executions (issue "Compose stacks";
//! DOMAIN.md module `stacks`: `git_credentials`, `git_repositories`; module `docker`:
//! `schedule_executions`; seed 000).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::runs::Run;

vocabulary! {
    /// The kind of scheduled work a schedule execution ran.
    pub enum ScheduleKind {
        /// A Git repository sync.
        GitSync => "git_sync",
    }
}

vocabulary! {
    /// What a webhook delivery led to.
    pub enum WebhookStatus {
        /// A sync runs (see `execution_id`).
        Accepted => "accepted",
        /// Nothing runs: a ping, another event or another branch (see `reason`).
        Ignored => "ignored",
    }
}

vocabulary! {
    /// How WindFlow authenticates to a Git remote.
    pub enum GitCredentialKind {
        /// Anonymous access.
        None => "none",
        /// HTTPS with a username and a token (or password).
        Https => "https",
        /// SSH with a private key (OpenSSH or PEM) and an optional passphrase.
        Ssh => "ssh",
    }
}

/// A Git credential of a project. Secrets (token, private key, passphrase) are encrypted at
/// rest and never returned: only whether they are set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GitCredential {
    /// Credential id.
    pub id: Uuid,
    /// Organization.
    pub organization_id: Uuid,
    /// Project.
    pub project_id: Uuid,
    /// Name, unique per project.
    pub name: String,
    /// Kind.
    pub kind: GitCredentialKind,
    /// HTTPS username, or the SSH user (default `git`).
    pub username: Option<String>,
    /// A token (https) or a private key (ssh) is stored.
    pub has_secret: bool,
    /// An SSH key passphrase is stored.
    pub has_passphrase: bool,
    /// The remote host this credential is bound to: set when a repository first uses it;
    /// repositories on another host cannot use it until its secret is given again (which
    /// clears the binding).
    pub bound_host: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /projects/{id}/git-credentials`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGitCredential {
    /// Name (1–100 chars), unique per project.
    pub name: String,
    /// Kind.
    pub kind: GitCredentialKind,
    /// HTTPS username (required for `https`), SSH user (optional, default `git`).
    #[serde(default)]
    pub username: Option<String>,
    /// `https`: the token or password (required).
    #[serde(default)]
    pub token: Option<String>,
    /// `ssh`: the private key, PEM or OpenSSH format (required).
    #[serde(default)]
    pub private_key: Option<String>,
    /// `ssh`: the key's passphrase (optional).
    #[serde(default)]
    pub passphrase: Option<String>,
}

/// Body of `PATCH /git-credentials/{id}`: fields left out are kept; secrets given replace the
/// stored ones (the kind cannot change).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGitCredential {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New username.
    #[serde(default)]
    pub username: Option<String>,
    /// New token (`https`).
    #[serde(default)]
    pub token: Option<String>,
    /// New private key (`ssh`).
    #[serde(default)]
    pub private_key: Option<String>,
    /// New passphrase (`ssh`).
    #[serde(default)]
    pub passphrase: Option<String>,
}

vocabulary! {
    /// The Git host, which selects the webhook signature scheme.
    pub enum GitProvider {
        /// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
        Github => "github",
        /// GitLab: `X-Gitlab-Token: <secret>`.
        Gitlab => "gitlab",
        /// Gitea / Forgejo: `X-Gitea-Signature: <hex HMAC-SHA256 of the body>`.
        Gitea => "gitea",
        /// Any other host: GitHub's header is expected.
        Other => "other",
    }
}

vocabulary! {
    /// Outcome of the last sync of a repository.
    pub enum GitSyncStatus {
        /// Never synced.
        Never => "never",
        /// A sync runs now.
        Syncing => "syncing",
        /// The last sync succeeded (`last_commit` is the checked-out commit).
        Synced => "synced",
        /// The last sync failed (`sync_error` says why).
        Error => "error",
    }
}

/// A Git repository of a project, synced into the server's data directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GitRepository {
    /// Repository id.
    pub id: Uuid,
    /// Organization.
    pub organization_id: Uuid,
    /// Project.
    pub project_id: Uuid,
    /// Name, unique per project.
    pub name: String,
    /// Provider (webhook signature scheme).
    pub provider: GitProvider,
    /// Remote URL: `https://`, `http://`, `ssh://`, `git@host:path`, or `file://` when the
    /// platform setting `allow_local_git_urls` is on.
    pub url: String,
    /// Tracked branch.
    pub branch: String,
    /// Default compose file path inside the repository.
    pub compose_path: String,
    /// Credential used to fetch (`null`: anonymous).
    pub credential_id: Option<Uuid>,
    /// Cron expression of the scheduled sync (5 fields, UTC; `null`: no schedule).
    pub sync_cron: Option<String>,
    /// Next scheduled sync.
    pub next_sync_at: Option<DateTime<Utc>>,
    /// Path of the webhook, relative to the API base: `/webhooks/git/<unguessable id>`.
    pub webhook_path: String,
    /// Commit checked out by the last successful sync (40 hex chars).
    pub last_commit: Option<String>,
    /// Outcome of the last sync.
    pub sync_status: GitSyncStatus,
    /// Error of the last failed sync.
    pub sync_error: Option<String>,
    /// End of the last sync.
    pub last_synced_at: Option<DateTime<Utc>>,
    /// SSH remotes: the server's host key fingerprint (`SHA256:…`), pinned on the first sync;
    /// a sync offered another key fails. Reset when the URL's host changes.
    pub ssh_host_key: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /projects/{id}/git-repositories` and of `PUT /git-repositories/{id}` (a full
/// replacement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GitRepositoryInput {
    /// Name (1–100 chars), unique per project.
    pub name: String,
    /// Provider (default `other`).
    #[serde(default = "default_provider")]
    pub provider: GitProvider,
    /// Remote URL (checked: no loopback, link-local or `file://` target unless allowed).
    pub url: String,
    /// Branch (default `main`).
    #[serde(default = "default_branch")]
    pub branch: String,
    /// Compose file path in the repository (default `docker-compose.yml`).
    #[serde(default = "default_compose_path")]
    pub compose_path: String,
    /// Credential of the same project.
    #[serde(default)]
    pub credential_id: Option<Uuid>,
    /// Cron expression (5 fields: minute hour day-of-month month day-of-week, UTC).
    #[serde(default)]
    pub sync_cron: Option<String>,
}

fn default_provider() -> GitProvider {
    GitProvider::Other
}
fn default_branch() -> String {
    "main".into()
}
fn default_compose_path() -> String {
    "docker-compose.yml".into()
}

/// A webhook's secret, shown once: on creation of the repository and on rotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookSecret {
    /// Path of the webhook, relative to the API base (`/api/v1`).
    pub webhook_path: String,
    /// The secret to configure in the Git host (HMAC key, or GitLab's token).
    pub webhook_secret: String,
}

/// Answer of `POST /projects/{id}/git-repositories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GitRepositoryCreated {
    /// The repository.
    pub repository: GitRepository,
    /// Its webhook secret (not retrievable later).
    pub webhook: WebhookSecret,
}

/// Options of `POST /git-repositories/{id}/sync`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// After a successful sync, redeploy the deployed Git stacks of this repository whose
    /// commit changed (default false).
    pub redeploy: Option<bool>,
}

/// One run of a scheduled-work kind (`git_sync`), whatever started it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScheduleExecution {
    /// Execution id.
    pub id: Uuid,
    /// The kind of work.
    pub kind: ScheduleKind,
    /// Who started it, where it stands and its timing (flattened: `trigger`, `triggered_by`,
    /// `status`, `started_at`, `finished_at`, `duration_ms`).
    #[serde(flatten)]
    pub run: Run,
    /// Repository synced.
    pub repository_id: Option<Uuid>,
    /// The due time it ran for (`schedule`).
    pub scheduled_for: Option<DateTime<Utc>>,
    /// Commit checked out.
    pub commit: Option<String>,
    /// Deployments started after the sync.
    pub deployment_ids: Vec<Uuid>,
    /// Error, when failed.
    pub error: Option<String>,
    /// Log lines (only in `GET /schedule-executions/{id}`; `null` in lists).
    pub logs: Option<String>,
}

/// Answer of a webhook delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookAccepted {
    /// What the delivery led to.
    pub status: WebhookStatus,
    /// The sync started.
    pub execution_id: Option<Uuid>,
    /// Why nothing runs.
    pub reason: Option<String>,
}

/// Platform-wide settings (superadmins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformSettings {
    /// Allow Git URLs that are `file://` or resolve to loopback, link-local (cloud metadata) or
    /// unspecified addresses (default false: an SSRF guard). Private LAN ranges are always
    /// allowed, as self-hosted Git servers live there.
    pub allow_local_git_urls: bool,
    /// Let organization admins (not only superadmins) register local engine targets: unix
    /// sockets and loopback, link-local or unspecified addresses (default false: otherwise a
    /// tenant could reach the WindFlow host's own engine). Superadmins may always.
    #[serde(default)]
    pub allow_local_endpoints: bool,
}
