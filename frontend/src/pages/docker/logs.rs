//! A container's live logs: an `EventSource` on the SSE route (same-origin cookies authenticate
//! it), the last 2,000 lines kept, with search and download.
//!
//! The box follows the newest line (review D7) until the user presses Follow (a toggle) or
//! scrolls up; lines keep arriving while it is paused, and Follow again jumps to the newest.
//! Each line is marked with its stream (`stdout` / `stderr` classes) and its ANSI colour codes
//! become styled spans (review D8, [`crate::components::ansi`]).
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use windflow_api::docker::LogLine;

use crate::components::ansi;
use crate::i18n::*;

/// Lines kept in the page.
const KEEP: usize = 2000;

#[component]
pub fn LiveLogs(endpoint: Uuid, container: String) -> impl IntoView {
    let i18n = use_i18n();
    // Each line with its sequence number (the key of its row).
    let lines = RwSignal::new(Vec::<(u64, LogLine)>::new());
    let search = RwSignal::new(String::new());
    let follow = RwSignal::new(true);
    // The sequence number of the last line when following stopped (for "N new lines").
    let paused_at = RwSignal::new(0u64);
    let last_seq = move || lines.with(|l| l.last().map_or(0, |x| x.0));
    let source = StoredValue::new_local(None::<web_sys::EventSource>);
    let url = format!("/api/v1/endpoints/{endpoint}/containers/{container}/logs/stream?tail=200");
    if let Ok(es) = web_sys::EventSource::new(&url) {
        let mut seq = 0u64;
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
                if let Some(line) = m
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<LogLine>(&d).ok())
                {
                    seq += 1;
                    lines.try_update(|l| {
                        l.push((seq, line));
                        let extra = l.len().saturating_sub(KEEP);
                        l.drain(..extra);
                    });
                }
            });
        es.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        source.set_value(Some(es));
    }
    on_cleanup(move || {
        if let Some(es) = source.try_get_value().flatten() {
            es.set_onmessage(None);
            es.close();
        }
    });

    // Following: after each change, scroll to the bottom once the rows are in the DOM. The
    // position set here is remembered, so that the scroll handler can tell the user's scrolling
    // up (pauses) from ours.
    let logs = NodeRef::<html::Pre>::new();
    let ours = StoredValue::new(0i32);
    Effect::new(move |_| {
        lines.track();
        search.track();
        if !follow.get() {
            return;
        }
        // The frame may come after the page is gone: nothing here may panic then.
        request_animation_frame(move || {
            // Paused between this frame's request and the frame: stay where the user is.
            if follow.try_get_untracked() != Some(true) {
                return;
            }
            if let Some(el) = logs.try_get_untracked().flatten() {
                el.set_scroll_top(el.scroll_height());
                ours.try_set_value(el.scroll_top());
            }
        });
    });
    let on_scroll = move |_| {
        let Some(el) = logs.get_untracked() else {
            return;
        };
        let below = el.scroll_height() - el.scroll_top() - el.client_height();
        if follow.get_untracked() && el.scroll_top() < ours.get_value() - 2 && below > 24 {
            paused_at.set(last_seq());
            follow.set(false);
        }
    };
    let toggle = move |_| {
        if follow.get_untracked() {
            paused_at.set(last_seq());
        }
        follow.update(|f| *f = !*f);
    };

    let download = {
        let container = container.clone();
        move |_| {
            let text: String =
                lines.with_untracked(|l| l.iter().map(|(_, l)| format!("{}\n", l.text)).collect());
            let href = format!(
                "data:text/plain;charset=utf-8,{}",
                String::from(js_sys::encode_uri_component(&text))
            );
            if let Some(doc) = web_sys::window().and_then(|w| w.document())
                && let Ok(a) = doc.create_element("a")
            {
                let _ = a.set_attribute("href", &href);
                let _ = a.set_attribute("download", &format!("{container}.log"));
                if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                    a.click();
                }
            }
        }
    };
    let shown = move || {
        let q = search.get().to_lowercase();
        lines.with(|l| {
            l.iter()
                .filter(|(_, l)| q.is_empty() || l.text.to_lowercase().contains(&q))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <form class="inline" on:submit=|ev: SubmitEvent| ev.prevent_default()>
            <input id="log-search" placeholder=move || t_string!(i18n, docker.logs.search) aria-label=move || t_string!(i18n, docker.logs.search) bind:value=search />
            <button id="logs-follow" class="secondary toggle" type="button" aria-pressed=move || follow.get().to_string() on:click=toggle>{t!(i18n, docker.logs.follow)}</button>
            <button class="secondary" type="button" on:click=download>{t!(i18n, docker.logs.download)}</button>
            <span class="muted" id="logs-paused">
                {move || (!follow.get()).then(|| t!(i18n, docker.logs.paused, count = move || last_seq().saturating_sub(paused_at.get())))}
            </span>
        </form>
        <pre id="logs" class="logs" tabindex="0" aria-label=move || t_string!(i18n, docker.logs.label) node_ref=logs on:scroll=on_scroll>
            <For each=shown key=|(seq, _)| *seq let:((_, line))>
                <div class=if line.stream == "stderr" { "stderr" } else { "stdout" }>
                    {ansi::spans(&line.text).into_iter().map(|(class, text)| view! { <span class=(!class.is_empty()).then_some(class)>{text}</span> }).collect_view()}
                </div>
            </For>
        </pre>
    }
}
