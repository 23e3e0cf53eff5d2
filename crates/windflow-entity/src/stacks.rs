//! A compose project on one endpoint (DOMAIN.md stacks.stacks). `status` is the stored
//! lifecycle (`draft|deploying|deployed|error`); the running state is read from the engine.
use sea_orm::entity::prelude::*;

/// Row of `stacks`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stacks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub project_id: Uuid,
    pub environment_id: Uuid,
    pub endpoint_id: Uuid,
    pub name: String,
    pub source: windflow_api::stacks::StackSource,
    pub compose_content: Option<String>,
    pub compose_path: Option<String>,
    pub env_path: Option<String>,
    /// Git stacks: the repository (`git_repositories.id`).
    pub repository_id: Option<Uuid>,
    /// Git stacks: the commit of the last successful deployment.
    pub deployed_commit: Option<String>,
    pub status: windflow_api::stacks::StackStatus,
    pub locked: bool,
    pub adopted: bool,
    pub last_error: Option<String>,
    pub last_deployed_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    /// Webhook and scheduled redeploys may use privileged compose options (set by someone
    /// holding `containers:create_privileged`).
    pub privileged_auto_deploy: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: services join explicitly and scope by tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
