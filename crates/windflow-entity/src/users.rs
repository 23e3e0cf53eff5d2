//! A person who can log in (DOMAIN.md identity.users).
use sea_orm::entity::prelude::*;

/// Row of `users`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub display_name: Option<String>,
    pub avatar: Option<String>,
    pub auth_provider: windflow_api::users::AuthProvider,
    pub is_superadmin: bool,
    pub is_active: bool,
    pub email_verified: bool,
    pub theme: windflow_api::users::Theme,
    pub last_login_at: Option<DateTimeUtc>,
    pub profile: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: services join explicitly and scope by tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
