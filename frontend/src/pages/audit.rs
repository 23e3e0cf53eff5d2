//! The audit log with filters and infinite scroll on the keyset cursor.
use leptos::prelude::*;
use windflow_api::audit::AuditEntry;

use crate::api;
use crate::components::when;
use crate::i18n::*;
use crate::state::ctx;

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[component]
pub fn Audit() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let action = RwSignal::new(String::new());
    let resource = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let rows = RwSignal::new(Vec::<AuditEntry>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let done = RwSignal::new(false);

    let query = move || {
        let mut q = String::from("?limit=50");
        if let (false, Some(o)) = (c.is_superadmin(), c.org.get_untracked()) {
            q.push_str(&format!("&organization_id={o}"));
        }
        for (k, v) in [
            ("action", action.get_untracked()),
            ("resource_type", resource.get_untracked()),
        ] {
            if !v.trim().is_empty() {
                q.push_str(&format!("&{k}={}", enc(v.trim())));
            }
        }
        for (k, v) in [("from", from.get_untracked()), ("to", to.get_untracked())] {
            if !v.is_empty() {
                // <input type="datetime-local"> gives local "YYYY-MM-DDTHH:MM"; send it as UTC.
                q.push_str(&format!("&{k}={}", enc(&format!("{v}:00Z"))));
            }
        }
        q
    };
    // The export (`GET /audit/export`) takes the same filters, without paging; the browser
    // downloads it (the answer is an attachment), so the page stays.
    let export = move |format: &'static str| {
        let q = query().replacen("?limit=50", &format!("?format={format}"), 1);
        let _ = window()
            .location()
            .set_href(&format!("/api/v1/audit/export{q}"));
    };
    // Each reset starts a new generation: an answer to an older query (a page still loading
    // when Filter was pressed) is dropped instead of blocking or mixing into the new rows.
    let generation = StoredValue::new(0u32);
    let load_more = move || {
        if loading.get_untracked() || done.get_untracked() {
            return;
        }
        loading.set(true);
        let mut q = query();
        if let Some(cur) = cursor.get_untracked() {
            q.push_str(&format!("&cursor={cur}"));
        }
        let asked = generation.get_value();
        leptos::task::spawn_local(async move {
            let answer = api::client().audit(&q).await;
            if generation.try_get_value() != Some(asked) {
                return;
            }
            match answer {
                Ok(page) => {
                    rows.update(|r| r.extend(page.items));
                    done.set(page.next_cursor.is_none());
                    cursor.set(page.next_cursor);
                }
                Err(e) => {
                    c.error(&e);
                    done.set(true);
                }
            }
            loading.set(false);
        });
    };
    let reset = move || {
        generation.update_value(|g| *g += 1);
        rows.set(vec![]);
        cursor.set(None);
        done.set(false);
        loading.set(false);
        load_more();
    };
    Effect::new(move |_| {
        c.org.track();
        reset();
    });
    // Infinite scroll: fetch the next page when the bottom comes into view.
    let handle = window_event_listener(leptos::ev::scroll, move |_| {
        let Some(w) = web_sys::window() else { return };
        let (Ok(y), Ok(h)) = (w.scroll_y(), w.inner_height()) else {
            return;
        };
        let total = w
            .document()
            .and_then(|d| d.document_element())
            .map(|e| e.scroll_height() as f64)
            .unwrap_or(0.0);
        if y + h.as_f64().unwrap_or(0.0) + 200.0 >= total {
            load_more();
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <h1>{t!(i18n, common.titles.audit)}</h1>
        <div class="card">
            <form class="inline" on:submit=move |ev| { ev.prevent_default(); reset(); }>
                <input id="audit-action" placeholder=move || t_string!(i18n, audit.action) bind:value=action />
                <input id="audit-resource" placeholder=move || t_string!(i18n, audit.resource_type) bind:value=resource />
                <label class="muted">{t!(i18n, audit.from)}" " <input type="datetime-local" bind:value=from /></label>
                <label class="muted">{t!(i18n, audit.to)}" " <input type="datetime-local" bind:value=to /></label>
                <button id="audit-filter" type="submit">{t!(i18n, audit.filter)}</button>
                <button id="audit-export-csv" class="secondary" type="button" title=move || t_string!(i18n, audit.export_title) on:click=move |_| export("csv")>{t!(i18n, audit.export_csv)}</button>
                <button id="audit-export-ndjson" class="secondary" type="button" title=move || t_string!(i18n, audit.export_title) on:click=move |_| export("ndjson")>{t!(i18n, audit.export_ndjson)}</button>
            </form>
        </div>
        <table id="audit-table">
            <thead><tr><th>{t!(i18n, audit.col.time)}</th><th>{t!(i18n, audit.col.actor)}</th><th>{t!(i18n, audit.col.action)}</th><th>{t!(i18n, audit.col.resource)}</th><th>{t!(i18n, audit.col.outcome)}</th><th>{t!(i18n, audit.col.ip)}</th><th>{t!(i18n, audit.col.details)}</th></tr></thead>
            <tbody>
                <For each=move || rows.get() key=|r| r.id let:r>
                    <tr>
                        <td class="muted">{when(&r.occurred_at)}</td>
                        <td>{r.actor_name.clone().unwrap_or_default()}</td>
                        <td><code>{r.action.clone()}</code></td>
                        // Docker objects carry their name in `resource_id` (review D18).
                        <td class="audit-resource">{r.resource_type.clone()} " " <strong>{r.resource_name.clone().or_else(|| r.resource_id.clone()).unwrap_or_default()}</strong></td>
                        <td>{
                            let o = serde_json::to_value(r.outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                            let cls = if o == "success" { "badge ok" } else { "badge danger" };
                            view! { <span class=cls>{o}</span> }
                        }</td>
                        <td class="muted">{r.ip.clone().unwrap_or_default()}</td>
                        <td>
                            <details class="audit-details">
                                <summary>{t!(i18n, audit.show)}</summary>
                                <dl>
                                    <dt>{t!(i18n, audit.resource_id)}</dt><dd><code>{r.resource_id.clone().unwrap_or_default()}</code></dd>
                                    <dt>{t!(i18n, audit.request_id)}</dt><dd><code>{r.request_id.clone().unwrap_or_default()}</code></dd>
                                    <dt>{t!(i18n, audit.user_agent)}</dt><dd>{r.user_agent.clone().unwrap_or_default()}</dd>
                                </dl>
                                <pre>{serde_json::to_string_pretty(&r.details).unwrap_or_default()}</pre>
                            </details>
                        </td>
                    </tr>
                </For>
            </tbody>
        </table>
        <p>
            <Show when=move || !done.get() fallback=move || view! { <span class="muted">{t!(i18n, audit.end)}</span> }>
                <button class="secondary" id="audit-more" on:click=move |_| load_more()>{move || if loading.get() { t_string!(i18n, common.loading) } else { t_string!(i18n, audit.more) }}</button>
            </Show>
        </p>
    }
}
