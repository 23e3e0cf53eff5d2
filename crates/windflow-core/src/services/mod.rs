//! One module per resource. Every mutating function runs in one transaction with its audit row.
pub mod auth;
pub mod docker;
pub mod git;
pub mod gitops;
pub mod groups;
pub mod organizations;
pub mod overview;
pub mod projects;
pub mod registries;
pub mod roles;
pub mod settings;
pub mod stacks;
pub mod users;

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::error::ServiceResult;

/// Begins a transaction (dropping it without `commit` rolls back).
pub(crate) async fn begin(db: &DatabaseConnection) -> ServiceResult<DatabaseTransaction> {
    Ok(db.begin().await?)
}
