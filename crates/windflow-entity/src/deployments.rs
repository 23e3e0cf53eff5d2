//! One deploy of a stack (DOMAIN.md stacks.deployments): what was deployed (compose content,
//! variable names, pinned images), the image digests it resolved to, its logs and outcome.
use sea_orm::entity::prelude::*;

/// Row of `deployments`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deployments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub stack_id: Uuid,
    pub organization_id: Uuid,
    /// `standard` or `rollback`.
    pub kind: windflow_api::stacks::DeploymentKind,
    /// `pending|running|completed|failed`.
    pub status: windflow_api::runs::DeploymentStatus,
    /// `manual|webhook|schedule`.
    pub trigger: windflow_api::runs::Trigger,
    pub triggered_by: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub pull: bool,
    pub compose_content: String,
    /// JSON array of variable names (never values).
    pub variable_names: Json,
    /// JSON object service → image reference forced for this deploy (rollback pins).
    pub pinned_images: Json,
    /// JSON object service → `repo@sha256:…` (or image id when the image has no repo digest).
    pub image_digests: Json,
    pub git_commit: Option<String>,
    pub exit_code: Option<i32>,
    pub logs: String,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
