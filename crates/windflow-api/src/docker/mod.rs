//! Docker endpoints and the resources read live from their engines (module docker), one file per
//! resource. Every type is re-exported here, so its path is `windflow_api::docker::X`.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

mod activity;
mod containers;
mod endpoints;
mod images;
mod networks;
mod registries;
mod volumes;

pub use activity::*;
pub use containers::*;
pub use endpoints::*;
pub use images::*;
pub use networks::*;
pub use registries::*;
pub use volumes::*;

/// What a prune removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PruneReport {
    /// Objects deleted.
    pub deleted: u64,
    /// Bytes reclaimed.
    pub space_reclaimed: i64,
}

/// Force flag of removals.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForceQuery {
    /// Force the removal.
    pub force: Option<bool>,
}
