//! Authentication settings singleton (id = 1).
use sea_orm::entity::prelude::*;

/// Row of `auth_settings`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub session_timeout_minutes: i64,
    pub lockout_max_attempts_per_user: i64,
    pub lockout_max_attempts_per_ip: i64,
    pub lockout_window_seconds: i64,
    pub password_min_length: i64,
    pub password_max_length: i64,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: services join explicitly and scope by tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
