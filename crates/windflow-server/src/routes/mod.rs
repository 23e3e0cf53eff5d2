//! HTTP routes under `/api/v1`. Handlers are thin: extract, call one service, map the result.
//! Each handler's doc comment names the permission it needs (checked in the service).
pub mod audit;
pub mod auth;
pub mod docker;
pub mod git;
pub mod groups;
pub mod organizations;
pub mod overview;
pub mod projects;
pub mod registries;
pub mod roles;
pub mod stacks;
pub mod users;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented `/api/v1` route.
pub fn configure(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    users::configure(cfg);
    organizations::configure(cfg);
    groups::configure(cfg);
    projects::configure(cfg);
    roles::configure(cfg);
    audit::configure(cfg);
    docker::configure(cfg);
    registries::configure(cfg);
    stacks::configure(cfg);
    git::configure(cfg);
    overview::configure(cfg);
}
