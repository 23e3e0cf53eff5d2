//! A Git credential of a project (DOMAIN.md stacks.git_credentials): `kind` is
//! `none|https|ssh`; the token or private key and the passphrase are encrypted by
//! `windflow_core::crypto`.
use sea_orm::entity::prelude::*;

/// Row of `git_credentials`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "git_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub kind: windflow_api::git::GitCredentialKind,
    pub username: Option<String>,
    /// Encrypted token (https) or private key (ssh).
    pub secret_enc: Option<String>,
    /// Encrypted SSH key passphrase.
    pub passphrase_enc: Option<String>,
    /// The remote host this credential is bound to (set on first use; cleared when its secret
    /// is given again).
    pub bound_host: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
