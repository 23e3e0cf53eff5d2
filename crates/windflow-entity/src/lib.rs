//! SeaORM entities of WindFlow. Only entities: rules live in `windflow-core`.
#![allow(missing_docs)]

pub mod audit_log;
pub mod auth_settings;
pub mod container_events;
pub mod deployment_events;
pub mod deployments;
pub mod endpoints;
pub mod environments;
pub mod git_credentials;
pub mod git_repositories;
pub mod group_members;
pub mod groups;
pub mod host_metrics;
pub mod leases;
pub mod login_attempts;
pub mod memberships;
pub mod organizations;
pub mod permissions;
pub mod platform_settings;
pub mod projects;
pub mod refresh_tokens;
pub mod registry_credentials;
pub mod revoked_tokens;
pub mod role_bindings;
pub mod role_hierarchy;
pub mod role_permissions;
pub mod roles;
pub mod schedule_executions;
pub mod sessions;
pub mod setup_tokens;
pub mod stack_variables;
pub mod stacks;
pub mod users;
