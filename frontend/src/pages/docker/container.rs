//! `/containers/:endpoint/:cid`: one container, with live logs (server-sent events), stats, its
//! inspect document and the console.
//!
//! Console: xterm.js (npm `@xterm/xterm`, served from `/xterm/` and loaded only when a console
//! opens, so it is not part of the initial download) over the exec WebSocket
//! `GET /api/v1/endpoints/{id}/containers/{cid}/exec` (same-origin cookie session).
//!
//! Protocol (see `ExecQuery`): keystrokes go out as binary frames; a text frame
//! `{"type":"resize",...}` sizes the TTY; output arrives as binary frames and the exit code as a
//! text frame `{"type":"exit","code":N}`.
use js_sys::{Array, Function, Reflect, Uint8Array};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use windflow_api::docker::{ContainerDetails, LogLine, StatsSnapshot};

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
    let console = RwSignal::new(false);
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
                <Show
                    when=move || console.get()
                    fallback=move || view! { <button id="console-open" class="secondary" on:click=move |_| console.set(true)>"Open a shell (sh)"</button> }
                >
                    {move || endpoint().map(|ep| view! { <Console endpoint=ep container=cid() /> })}
                </Show>
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

const COLS: u32 = 120;
const ROWS: u32 = 24;

fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Option<JsValue> {
    let f = Reflect::get(obj, &method.into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    f.apply(obj, &args.iter().collect::<Array>()).ok()
}

/// Loads `/xterm/xterm.js` and its CSS once, then calls `then`.
fn with_xterm(then: impl FnOnce() + 'static) {
    let Some(win) = web_sys::window() else { return };
    if Reflect::get(&win, &"Terminal".into()).is_ok_and(|t| t.is_function()) {
        then();
        return;
    }
    let Some(doc) = win.document() else { return };
    if let Ok(link) = doc.create_element("link") {
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", "/xterm/xterm.css");
        if let Some(h) = doc.head() {
            let _ = h.append_child(&link);
        }
    }
    let Ok(script) = doc.create_element("script") else {
        return;
    };
    let _ = script.set_attribute("src", "/xterm/xterm.js");
    let onload = Closure::once_into_js(then);
    let _ = Reflect::set(&script, &"onload".into(), &onload);
    if let Some(h) = doc.head() {
        let _ = h.append_child(&script);
    }
}

/// An interactive shell in a running container.
#[component]
pub fn Console(endpoint: Uuid, container: String) -> impl IntoView {
    let host = NodeRef::<html::Div>::new();
    let status = RwSignal::new("Connecting…".to_owned());
    let socket = StoredValue::new_local(None::<web_sys::WebSocket>);
    Effect::new(move |_| {
        let Some(el) = host.get() else { return };
        let container = container.clone();
        with_xterm(move || {
            let Some(win) = web_sys::window() else { return };
            let Ok(ctor) = Reflect::get(&win, &"Terminal".into()) else {
                return;
            };
            let opts = js_sys::Object::new();
            let _ = Reflect::set(&opts, &"cols".into(), &COLS.into());
            let _ = Reflect::set(&opts, &"rows".into(), &ROWS.into());
            let _ = Reflect::set(&opts, &"convertEol".into(), &false.into());
            let Ok(term) = Reflect::construct(ctor.unchecked_ref::<Function>(), &Array::of1(&opts))
            else {
                return;
            };
            call(&term, "open", &[el.into()]);
            let loc = win.location();
            let scheme = if loc.protocol().ok().as_deref() == Some("https:") {
                "wss"
            } else {
                "ws"
            };
            let url = format!(
                "{scheme}://{}/api/v1/endpoints/{endpoint}/containers/{container}/exec?cmd=sh",
                loc.host().unwrap_or_default()
            );
            let Ok(ws) = web_sys::WebSocket::new(&url) else {
                status.set("Cannot open the console".into());
                return;
            };
            ws.set_binary_type(web_sys::BinaryType::Arraybuffer);
            let ws2 = ws.clone();
            let on_open = Closure::<dyn FnMut()>::new(move || {
                status.set("Connected".into());
                let _ = ws2.send_with_str(&format!(
                    r#"{{"type":"resize","cols":{COLS},"rows":{ROWS}}}"#
                ));
            });
            ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            on_open.forget();
            let t2 = term.clone();
            let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |m: web_sys::MessageEvent| {
                    let data = m.data();
                    if let Some(text) = data.as_string() {
                        // Parsed by the browser: keeps serde_json's Value out of this path.
                        if let Ok(v) = js_sys::JSON::parse(&text)
                            && Reflect::get(&v, &"type".into())
                                .ok()
                                .and_then(|t| t.as_string())
                                .as_deref()
                                == Some("exit")
                        {
                            let code = Reflect::get(&v, &"code".into())
                                .ok()
                                .and_then(|c| c.as_f64())
                                .unwrap_or(-1.0) as i64;
                            status.set(format!("Exited with code {code}"));
                        }
                    } else {
                        call(&t2, "write", &[Uint8Array::new(&data).into()]);
                    }
                },
            );
            ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
            let on_close = Closure::<dyn FnMut()>::new(move || {
                status.update(|s| {
                    if !s.starts_with("Exited") {
                        *s = "Disconnected".into();
                    }
                })
            });
            ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            on_close.forget();
            let ws3 = ws.clone();
            let on_data = Closure::<dyn FnMut(String)>::new(move |d: String| {
                let _ = ws3.send_with_u8_array(d.as_bytes());
            });
            call(&term, "onData", &[on_data.into_js_value()]);
            call(&term, "focus", &[]);
            socket.set_value(Some(ws));
        });
    });
    on_cleanup(move || {
        if let Some(ws) = socket.get_value() {
            let _ = ws.close();
        }
    });
    view! {
        <p class="muted" id="console-status">{move || status.get()}</p>
        <div class="term" id="console" node_ref=host></div>
    }
}
