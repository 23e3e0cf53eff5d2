//! A step of a deployment (`created`, `pulling`, `starting`, `running`, `failed`, `completed`).
use sea_orm::entity::prelude::*;

/// Row of `deployment_events`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deployment_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub deployment_id: Uuid,
    pub kind: windflow_api::stacks::DeploymentEventKind,
    pub message: String,
    pub created_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
