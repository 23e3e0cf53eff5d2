//! Database migrations. File names follow `m{YYYYMMDD}_{HHMMSS}_{verb_noun}.rs`; migrations are
//! append-only: never edit one that has shipped, add a new one.
pub use sea_orm_migration::prelude::*;

mod catalog_frozen;
mod foundation_schema;
mod m20261122_000001_create_foundation;
mod m20261122_000002_seed_access;
mod m20261122_000003_create_endpoints;
mod m20261122_000004_create_collectors;
mod m20261122_000005_create_registry_credentials;
mod m20261202_000006_create_stacks;
mod m20261202_000007_create_git;
mod m20261202_000008_harden_docker;
mod m20261203_000009_unify_runs;

/// All migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_foundation::Migration),
            Box::new(m20261122_000002_seed_access::Migration),
            Box::new(m20261122_000003_create_endpoints::Migration),
            Box::new(m20261122_000004_create_collectors::Migration),
            Box::new(m20261122_000005_create_registry_credentials::Migration),
            Box::new(m20261202_000006_create_stacks::Migration),
            Box::new(m20261202_000007_create_git::Migration),
            Box::new(m20261202_000008_harden_docker::Migration),
            Box::new(m20261203_000009_unify_runs::Migration),
        ]
    }
}
