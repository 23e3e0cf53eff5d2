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
                <div
                    class=if t.error { "toast error" } else { "toast" }
                    title="Dismiss"
                    on:click=move |_| c.toasts.update(|all| all.retain(|x| x.id != t.id))
                >
                    {t.text.clone()}
                </div>
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

/// Formats a timestamp for tables as `YYYY-MM-DD HH:MM:SS` (UTC), without chrono's strftime
/// machinery (keeps the wasm small).
pub fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
