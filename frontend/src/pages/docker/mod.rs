//! Docker: endpoints, containers, and one endpoint's engine (dashboard, images, volumes,
//! networks). Everything is read live through the API; nothing here decides permissions beyond
//! hiding buttons. The pages share the helpers below; widgets other areas use are in
//! `crate::components`.
pub mod console;
pub mod container;
pub mod container_new;
pub mod containers;
pub mod endpoint;
pub mod endpoints;
pub mod images;
pub mod logs;
pub mod networks;
pub mod registries;
pub mod volumes;

use leptos::prelude::*;
use uuid::Uuid;

use crate::api;
use crate::state::ctx;

/// Bytes as (tenths of a unit, unit) in KiB, MiB or GiB, rounded to the nearest tenth (review
/// D26: 1.98 MB is "1.9 MiB", never "1 MiB"), in integer arithmetic. Under 1 KiB: `None`.
fn scaled(b: i64) -> Option<(i64, &'static str)> {
    const KIB: i64 = 1024;
    let (unit, name) = match b {
        b if b >= KIB * KIB * KIB => (KIB * KIB * KIB, "GiB"),
        b if b >= KIB * KIB => (KIB * KIB, "MiB"),
        b if b >= KIB => (KIB, "KiB"),
        _ => return None,
    };
    Some(((b.saturating_mul(10) + unit / 2) / unit, name))
}

/// Bytes as KiB, MiB or GiB with one decimal ([`scaled`]), the number in plain digits (the
/// tested rounding; pages show [`size`]). Under 1 KiB: bytes.
#[cfg(test)]
pub fn fmt_bytes(b: i64) -> String {
    match scaled(b) {
        Some((tenths, name)) => format!("{}.{} {name}", tenths / 10, tenths % 10),
        None => format!("{b} B"),
    }
}

/// Bytes for display: [`fmt_bytes`]'s rounding and units, the number written the chosen
/// locale's way (`format::number`: fr `1,5 GiB`). Needs the browser.
pub fn size(b: i64) -> String {
    match scaled(b) {
        Some((tenths, name)) => format!(
            "{} {name}",
            crate::components::format::number(tenths as f64 / 10.0, 1)
        ),
        None => format!("{b} B"),
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

#[cfg(test)]
mod tests {
    use super::fmt_bytes;

    #[test]
    fn sizes_are_rounded_to_a_tenth() {
        assert_eq!(fmt_bytes(1_980_000), "1.9 MiB");
        assert_eq!(fmt_bytes(1_048_576), "1.0 MiB");
        assert_eq!(fmt_bytes(1_048_575), "1024.0 KiB");
        assert_eq!(fmt_bytes(23_068_672), "22.0 MiB");
        assert_eq!(fmt_bytes(3 * 1024 * 1024 * 1024 / 2), "1.5 GiB");
        assert_eq!(fmt_bytes(512), "512 B");
    }
}
