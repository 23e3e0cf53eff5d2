//! Docker: endpoints, containers, and one endpoint's engine (dashboard, images, volumes,
//! networks). Everything is read live through the API; nothing here decides permissions beyond
//! hiding buttons. The pages share the helpers below; widgets other areas use are in
//! `crate::components`.
pub mod container;
pub mod containers;
pub mod endpoint;
pub mod endpoints;
pub mod images;
pub mod networks;
pub mod registries;
pub mod volumes;

use leptos::prelude::*;
use uuid::Uuid;

use crate::api;
use crate::state::ctx;

/// Bytes as MiB or GiB with one decimal, in integer arithmetic (float formatting would add
/// tens of KB to the wasm).
pub fn fmt_bytes(b: i64) -> String {
    const MIB: i64 = 1024 * 1024;
    const GIB: i64 = 1024 * MIB;
    if b >= GIB {
        let tenths = b * 10 / GIB;
        format!("{}.{} GiB", tenths / 10, tenths % 10)
    } else {
        format!("{} MiB", b / MIB)
    }
}

/// A list read from `/endpoints/{id}{suffix}`, refetched when the app's version changes (read
/// it with `api::read`).
pub(crate) fn live_list(
    id: impl Fn() -> Option<Uuid> + Copy + 'static,
    suffix: &'static str,
) -> LocalResource<api::Raw> {
    let c = ctx();
    api::resource(move || {
        c.version.get();
        id().map(|ep| format!("/endpoints/{ep}{suffix}"))
    })
}
