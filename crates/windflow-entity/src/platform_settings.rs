//! The platform settings singleton (`id = 1`), changed by superadmins.
use sea_orm::entity::prelude::*;

/// Row of `platform_settings`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "platform_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// Allow `file://` Git URLs and loopback / link-local / unspecified Git hosts.
    pub allow_local_git_urls: bool,
    /// Let non-superadmins register local engine targets (unix sockets, loopback, link-local,
    /// unspecified addresses).
    pub allow_local_endpoints: bool,
    pub updated_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
