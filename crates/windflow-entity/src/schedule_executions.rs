//! One run of scheduled work (DOMAIN.md docker.schedule_executions): `kind` `git_sync`,
//! `trigger` `schedule|manual|webhook`, `status` `running|succeeded|failed|interrupted`, timing and logs (the shared run shape,
//! `windflow_api::runs::Run`).
//! `(repository_id, kind, scheduled_for)` is unique, so a due run executes once.
use sea_orm::entity::prelude::*;

/// Row of `schedule_executions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_executions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub project_id: Uuid,
    pub kind: windflow_api::git::ScheduleKind,
    pub trigger: windflow_api::runs::Trigger,
    pub status: windflow_api::runs::RunStatus,
    pub repository_id: Option<Uuid>,
    pub triggered_by: Option<Uuid>,
    pub scheduled_for: Option<DateTimeUtc>,
    pub commit: Option<String>,
    /// JSON array of deployment ids started after the sync.
    pub deployment_ids: Json,
    pub error: Option<String>,
    pub logs: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub duration_ms: Option<i64>,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
