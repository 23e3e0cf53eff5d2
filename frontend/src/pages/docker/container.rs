//! `/containers/:endpoint/:cid`: one container, with live logs ([`super::logs`]), stats, its
//! inspect document and the console ([`super::console`]).
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use wasm_bindgen::JsValue;
use windflow_api::docker::{ContainerDetails, StatsSnapshot};

use super::console::ConsolePanel;
use super::fmt_bytes;
use super::logs::LiveLogs;
use crate::api;
use crate::state::ctx;

/// Indented JSON through the browser's `JSON.stringify` (serde_json's serializer would add its
/// float formatting to the wasm).
fn pretty(v: &serde_json::Value) -> String {
    let text = v.to_string();
    js_sys::JSON::parse(&text)
        .ok()
        .and_then(|v| {
            js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &2.into()).ok()
        })
        .and_then(|s| s.as_string())
        .unwrap_or(text)
}

#[component]
pub fn ContainerPage() -> impl IntoView {
    let c = ctx();
    let params = use_params_map();
    let endpoint = move || {
        params
            .read()
            .get("endpoint")
            .and_then(|s| s.parse::<Uuid>().ok())
    };
    let cid = move || params.read().get("cid").unwrap_or_default();
    let details = api::resource(move || {
        c.version.get();
        endpoint().map(|ep| format!("/endpoints/{ep}/containers/{}", cid()))
    });
    let stats = api::resource(move || {
        c.version.get();
        endpoint().map(|ep| format!("/endpoints/{ep}/containers/{}/stats", cid()))
    });
    view! {
        <h1>"Container"</h1>
        {move || api::read::<ContainerDetails>(details).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(d) => view! {
                <div class="card" id="container-summary">
                    <strong>{d.name.clone()}</strong>" "
                    <span class=if d.running { "badge ok" } else { "badge" }>{d.state.clone()}</span>
                    <p class="muted"><code>{d.image.clone()}</code>" · created "{d.created.clone()}</p>
                    {move || api::read::<StatsSnapshot>(stats).and_then(Result::ok).map(|s| view! {
                        <p id="container-stats">{format!("memory {} of {} · {} processes · net rx {} B / tx {} B", fmt_bytes(s.memory_usage_bytes as i64), fmt_bytes(s.memory_limit_bytes as i64), s.pids, s.network_rx_bytes, s.network_tx_bytes)}</p>
                    })}
                </div>
            }.into_any(),
        })}
        <details class="card" id="container-inspect">
            <summary>"Inspect"</summary>
            {move || api::read::<ContainerDetails>(details).and_then(Result::ok).map(|d| view! {
                <pre class="logs">{pretty(&d.raw)}</pre>
            })}
        </details>
        <Show when=move || c.can("containers:exec")>
            <h2>"Console"</h2>
            <div class="card">
                {move || endpoint().map(|ep| view! { <ConsolePanel endpoint=ep container=cid() /> })}
            </div>
        </Show>
        <h2>"Logs"</h2>
        <div class="card">
            {move || endpoint().map(|ep| view! { <LiveLogs endpoint=ep container=cid() /> })}
        </div>
    }
}
