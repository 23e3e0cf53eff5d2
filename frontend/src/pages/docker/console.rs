//! The console of a running container: xterm.js (npm `@xterm/xterm`, served from `/xterm/` and
//! loaded only when a console opens, so it is not part of the initial download) over the exec
//! WebSocket `GET /api/v1/endpoints/{id}/containers/{cid}/exec` (same-origin cookie session).
//!
//! Protocol (see `ExecQuery`): keystrokes go out as binary frames; a text frame
//! `{"type":"resize",...}` sizes the TTY; output arrives as binary frames and the exit code as a
//! text frame `{"type":"exit","code":N}`.
//!
//! A session can be ended with Disconnect, and once it has ended (exit or disconnect) a new one
//! can be opened in place (review D15).
use js_sys::{Array, Function, Reflect, Uint8Array};
use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::*;

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

/// The console card's content: Open (a first shell, or a new one once a session has ended),
/// Disconnect while a session is live, its status, and the terminal of the last session.
#[component]
pub fn ConsolePanel(endpoint: Uuid, container: String) -> impl IntoView {
    let i18n = use_i18n();
    // 0 before the first shell; each Open makes a new session (a new terminal and socket).
    let session = RwSignal::new(0u32);
    let status = RwSignal::new(String::new());
    let live = RwSignal::new(false);
    let socket = StoredValue::new_local(None::<web_sys::WebSocket>);
    let open = move |_| {
        live.set(true);
        status.set(t_string!(i18n, docker.console.connecting).into());
        session.update(|s| *s += 1);
    };
    let disconnect = move |_| {
        if let Some(ws) = socket.try_get_value().flatten() {
            let _ = ws.close();
        }
    };
    view! {
        <div class="inline">
            <Show
                when=move || live.get()
                fallback=move || view! {
                    <button id="console-open" class="secondary" on:click=open>
                        {move || if session.get() == 0 { t_string!(i18n, docker.console.open) } else { t_string!(i18n, docker.console.open_new) }}
                    </button>
                }
            >
                <button id="console-disconnect" class="secondary" on:click=disconnect>{t!(i18n, docker.console.disconnect)}</button>
            </Show>
            " "<span class="muted" id="console-status">{move || status.get()}</span>
        </div>
        {move || (session.get() > 0).then(|| view! { <Console endpoint=endpoint container=container.clone() status=status live=live socket=socket /> })}
    }
}

/// An interactive shell in a running container.
#[component]
fn Console(
    endpoint: Uuid,
    container: String,
    status: RwSignal<String>,
    live: RwSignal<bool>,
    socket: StoredValue<Option<web_sys::WebSocket>, LocalStorage>,
) -> impl IntoView {
    let i18n = use_i18n();
    let host = NodeRef::<html::Div>::new();
    let terminal = StoredValue::new_local(None::<JsValue>);
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
            // A new session may be rendered into the last one's element: start it empty.
            el.set_inner_html("");
            call(&term, "open", &[el.into()]);
            terminal.try_set_value(Some(term.clone()));
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
                status.set(
                    td_string!(i18n.get_locale_untracked(), docker.console.cannot_open).into(),
                );
                live.set(false);
                return;
            };
            ws.set_binary_type(web_sys::BinaryType::Arraybuffer);
            let ws2 = ws.clone();
            let on_open = Closure::<dyn FnMut()>::new(move || {
                status
                    .set(td_string!(i18n.get_locale_untracked(), docker.console.connected).into());
                let _ = ws2.send_with_str(&format!(
                    r#"{{"type":"resize","cols":{COLS},"rows":{ROWS}}}"#
                ));
            });
            ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            on_open.forget();
            // Set once the shell has exited: the close that follows keeps the exit code shown.
            let exited = std::rc::Rc::new(std::cell::Cell::new(false));
            let exited2 = exited.clone();
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
                            exited2.set(true);
                            status.set(
                                td_string!(
                                    i18n.get_locale_untracked(),
                                    docker.console.exited,
                                    code
                                )
                                .to_string(),
                            );
                            live.set(false);
                        }
                    } else {
                        call(&t2, "write", &[Uint8Array::new(&data).into()]);
                    }
                },
            );
            ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
            let on_close = Closure::<dyn FnMut()>::new(move || {
                if !exited.get() {
                    status.try_set(
                        td_string!(i18n.get_locale_untracked(), docker.console.disconnected).into(),
                    );
                }
                live.try_set(false);
            });
            ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            on_close.forget();
            let ws3 = ws.clone();
            let on_data = Closure::<dyn FnMut(String)>::new(move |d: String| {
                let _ = ws3.send_with_u8_array(d.as_bytes());
            });
            call(&term, "onData", &[on_data.into_js_value()]);
            call(&term, "focus", &[]);
            socket.try_set_value(Some(ws));
        });
    });
    // Leaving the page (or opening a new session) ends this one quietly.
    on_cleanup(move || {
        if let Some(ws) = socket.try_get_value().flatten() {
            ws.set_onclose(None);
            ws.set_onmessage(None);
            let _ = ws.close();
        }
        if let Some(term) = terminal.try_get_value().flatten() {
            call(&term, "dispose", &[]);
        }
    });
    view! { <div class="term" id="console" node_ref=host></div> }
}
