//! The Docker area under `/api/v1`: endpoints and the resources of their engines, one module per
//! resource with the same names as in `windflow_core::services::docker`, plus the console
//! (WebSocket).
pub mod activity;
pub mod console;
pub mod containers;
pub mod endpoints;
pub mod images;
pub mod networks;
pub mod volumes;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the Docker routes. Within a module, fixed paths come before the patterns that would
/// also match them (`…/containers/{cid}/rename` before `…/containers/{cid}/{action}`).
pub(super) fn configure(cfg: &mut ServiceConfig) {
    endpoints::configure(cfg);
    containers::configure(cfg);
    console::configure(cfg);
    images::configure(cfg);
    volumes::configure(cfg);
    networks::configure(cfg);
    activity::configure(cfg);
}
