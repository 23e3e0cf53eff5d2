//! Identity, tenancy, access and audit tables (DOMAIN.md).
use sea_orm_migration::prelude::*;

use crate::foundation_schema::{create_tables, drop_tables};

/// Creates the foundation tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tables(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager).await
    }
}
