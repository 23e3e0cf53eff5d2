//! Shared widgets.
use leptos::prelude::*;

use crate::state::ctx;

/// The toast stack (errors from the API, confirmations).
#[component]
pub fn Toasts() -> impl IntoView {
    let c = ctx();
    view! {
        <div class="toasts" role="status">
            <For each=move || c.toasts.get() key=|t| t.id let:t>
                <div class=if t.error { "toast error" } else { "toast" }>{t.text}</div>
            </For>
        </div>
    }
}

/// A message shown where a page needs an organization to be selected.
#[component]
pub fn NeedOrg() -> impl IntoView {
    view! { <div class="card muted">"Select or create an organization first."</div> }
}

/// Short form of a UUID for tables.
pub fn short(id: &uuid::Uuid) -> String {
    id.to_string()[..8].to_owned()
}

/// Formats a timestamp for tables.
pub fn when(t: &chrono_like::Ts) -> String {
    chrono_like::fmt(t)
}

/// Timestamps arrive as RFC 3339 strings inside the contract's `DateTime<Utc>`; format them.
pub mod chrono_like {
    /// The contract's timestamp type.
    pub type Ts = chrono::DateTime<chrono::Utc>;
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub fn fmt(t: &Ts) -> String {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}
