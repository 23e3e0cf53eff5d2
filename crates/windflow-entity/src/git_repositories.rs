//! A Git repository of a project (DOMAIN.md stacks.git_repositories): remote, branch, default
//! compose path, scheduled sync (`sync_cron`, `next_sync_at`), webhook (`webhook_id` in the URL,
//! encrypted HMAC secret) and the last sync's outcome.
use sea_orm::entity::prelude::*;

/// Row of `git_repositories`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "git_repositories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    /// `github|gitlab|gitea|other`.
    pub provider: windflow_api::git::GitProvider,
    pub url: String,
    pub branch: String,
    pub compose_path: String,
    pub credential_id: Option<Uuid>,
    pub sync_cron: Option<String>,
    pub next_sync_at: Option<DateTimeUtc>,
    /// Unguessable id of the webhook URL (32 random bytes, base64url).
    pub webhook_id: String,
    pub webhook_secret_enc: String,
    pub last_commit: Option<String>,
    /// `never|syncing|synced|error`.
    pub sync_status: windflow_api::git::GitSyncStatus,
    pub sync_error: Option<String>,
    pub last_synced_at: Option<DateTimeUtc>,
    /// SSH remotes: the host key fingerprint pinned on first sync (`SHA256:…`).
    pub ssh_host_key: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
