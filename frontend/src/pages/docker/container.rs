//! `/containers/:endpoint/:cid`: one container, with live logs (server-sent events), stats, its
//! inspect document and the console ([`super::console`]).
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use windflow_api::docker::{ContainerDetails, LogLine, StatsSnapshot};

use super::console::ConsolePanel;
use super::fmt_bytes;
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
    let lines = RwSignal::new(Vec::<LogLine>::new());
    let search = RwSignal::new(String::new());
    // Live logs: an EventSource on the SSE route (same-origin cookies authenticate it).
    let source = StoredValue::new_local(None::<web_sys::EventSource>);
    Effect::new(move |_| {
        let (Some(ep), id) = (endpoint(), cid()) else {
            return;
        };
        lines.set(vec![]);
        if let Some(old) = source.get_value() {
            old.close();
        }
        let Ok(es) = web_sys::EventSource::new(&format!(
            "/api/v1/endpoints/{ep}/containers/{id}/logs/stream?tail=200"
        )) else {
            return;
        };
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
                if let Some(line) = m
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<LogLine>(&d).ok())
                {
                    lines.update(|l| {
                        l.push(line);
                        let extra = l.len().saturating_sub(2000);
                        l.drain(..extra);
                    });
                }
            });
        es.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        source.set_value(Some(es));
    });
    on_cleanup(move || {
        if let Some(es) = source.get_value() {
            es.close();
        }
    });
    let download = move |_| {
        let text: String = lines
            .get_untracked()
            .iter()
            .map(|l| format!("{}\n", l.text))
            .collect();
        let href = format!(
            "data:text/plain;charset=utf-8,{}",
            String::from(js_sys::encode_uri_component(&text))
        );
        if let Some(doc) = web_sys::window().and_then(|w| w.document())
            && let Ok(a) = doc.create_element("a")
        {
            let _ = a.set_attribute("href", &href);
            let _ = a.set_attribute("download", &format!("{}.log", cid()));
            if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                a.click();
            }
        }
    };
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
            <form class="inline" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                <input id="log-search" placeholder="Search the logs" bind:value=search />
                <button class="secondary" type="button" on:click=download>"Download"</button>
            </form>
            <pre id="logs" class="logs">
                {move || {
                    let q = search.get().to_lowercase();
                    lines.get().into_iter().filter(|l| q.is_empty() || l.text.to_lowercase().contains(&q)).map(|l| {
                        let cls = if l.stream == "stderr" { "error" } else { "" };
                        view! { <div class=cls>{l.text}</div> }
                    }).collect_view()
                }}
            </pre>
        </div>
    }
}
