//! A role granted to a user or group at organization, project or environment scope.
use sea_orm::entity::prelude::*;

/// Row of `role_bindings`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "role_bindings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub role_id: Uuid,
    pub subject_type: windflow_api::access::SubjectType,
    pub subject_id: Uuid,
    pub scope_type: windflow_api::access::ScopeType,
    pub scope_id: Uuid,
    pub created_at: DateTimeUtc,
}

/// No declared relations: services join explicitly and scope by tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
