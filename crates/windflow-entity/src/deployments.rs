//! One deploy of a stack (DOMAIN.md stacks.deployments): what was deployed (compose content,
//! variable names, pinned images), the image digests it resolved to, its logs and outcome. The `trigger`, `triggered_by`, `status`,
//! `started_at`, `finished_at`, `duration_ms` columns are the shared run shape
//! (`windflow_api::runs::Run`).
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
    /// The shared run status (`running|succeeded|failed|interrupted`).
    pub status: windflow_api::runs::RunStatus,
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
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// Milliseconds from `started_at` to `finished_at`.
    pub duration_ms: Option<i64>,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
