//! WindFlow services: the rules, authorization, transactions and audit of every module.
//!
//! Handlers in `windflow-server` stay thin and call one function here. Each mutating service
//! function authorizes, validates, writes and records its audit row in one database
//! transaction, so a failure leaves neither the change nor its audit row behind.
//! No actix types appear here.

pub mod audit;
pub mod authz;
pub mod catalog;
pub mod compose_guard;
pub mod context;
pub mod crypto;
pub mod docker_guard;
pub mod error;
pub mod jobs;
pub mod lease;
pub mod masking;
pub mod net;
pub mod pagination;
pub mod password;
pub mod rbac;
pub mod resource;
pub mod runs;
pub mod runtime;
pub mod services;
pub mod tokens;
pub mod validate;

/// The current time at microsecond precision: what both SQLite and PostgreSQL store, so a value
/// returned by a create call equals the one read back later.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

pub use context::{Authority, Core, CoreSettings, Ctx, Initiator, Principal, RequestMeta};
pub use error::{ServiceError, ServiceResult};
/// Re-exported so that the server needs no direct knowledge of the ORM's types.
pub use sea_orm::{Database, DatabaseConnection, DbErr};
