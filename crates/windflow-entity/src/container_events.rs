//! Engine events collected per endpoint (DOMAIN.md docker.container_events).
use sea_orm::entity::prelude::*;

/// Row of `container_events`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "container_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub organization_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub kind: String,
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub attributes: Json,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
