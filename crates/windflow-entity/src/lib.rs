//! SeaORM entities of WindFlow. Only entities: rules live in `windflow-core`.
#![allow(missing_docs)]

pub mod users;
pub mod sessions;
pub mod refresh_tokens;
pub mod revoked_tokens;
pub mod login_attempts;
pub mod auth_settings;
pub mod setup_tokens;
pub mod organizations;
pub mod memberships;
pub mod groups;
pub mod group_members;
pub mod projects;
pub mod environments;
pub mod permissions;
pub mod roles;
pub mod role_permissions;
pub mod role_hierarchy;
pub mod role_bindings;
pub mod audit_log;
