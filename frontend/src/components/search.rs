//! Global search (issue 13): Ctrl+K (⌘K) or the topbar's Search button opens a modal
//! `<dialog>`; typing asks `GET /search?q=` (after a 200 ms pause) and lists organizations,
//! projects, environments, endpoints, stacks, containers and users by name. ↑/↓ move through
//! the hits, Enter opens the selected one, Escape closes. Choosing an organization, project or
//! environment also selects it in the scope switchers.
use leptos::html::{Dialog, Input};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use windflow_api::overview::{SearchHit, SearchKind, SearchQuery};

use crate::api;
use crate::i18n::*;
use crate::state::{AppCtx, ctx};

/// Where a hit opens, and the scope it selects.
fn open_hit(c: AppCtx, h: &SearchHit) -> String {
    let id = h.id.parse().ok();
    match h.kind {
        SearchKind::Organization => {
            c.org.set(id);
            c.project.set(None);
            c.env.set(None);
            "/".into()
        }
        SearchKind::Project => {
            c.org.set(h.organization_id);
            c.project.set(id);
            c.env.set(None);
            "/environments".into()
        }
        SearchKind::Environment => {
            c.org.set(h.organization_id);
            c.project.set(h.project_id);
            c.env.set(id);
            "/endpoints".into()
        }
        SearchKind::Endpoint => format!("/endpoints/{}", h.id),
        SearchKind::Stack => format!("/stacks/{}", h.id),
        SearchKind::Container => format!(
            "/containers/{}/{}",
            h.endpoint_id.map(|e| e.to_string()).unwrap_or_default(),
            h.id
        ),
        SearchKind::User if c.is_superadmin() => "/users".into(),
        SearchKind::User => "/members".into(),
    }
}

fn kind_label(l: Locale, k: SearchKind) -> &'static str {
    match k {
        SearchKind::Organization => td_string!(l, common.search.organization),
        SearchKind::Project => td_string!(l, common.search.project),
        SearchKind::Environment => td_string!(l, common.search.environment),
        SearchKind::Endpoint => td_string!(l, common.search.endpoint),
        SearchKind::Stack => td_string!(l, common.search.stack),
        SearchKind::Container => td_string!(l, common.search.container),
        SearchKind::User => td_string!(l, common.search.user),
    }
}

/// Mounted once in the shell; `open` is set by the shortcut and the topbar button.
#[component]
pub fn SearchDialog(open: RwSignal<bool>) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let dialog = NodeRef::<Dialog>::new();
    let input = NodeRef::<Input>::new();
    let text = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<SearchHit>::new());
    let selected = RwSignal::new(0usize);
    let status = RwSignal::new(String::new());
    // The request of the newest keystroke wins; older answers are dropped.
    let generation = StoredValue::new(0u64);

    // Ctrl+K / ⌘K anywhere opens it.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            open.set(true);
        }
    });
    on_cleanup(move || handle.remove());

    Effect::new(move |_| {
        let want = open.get();
        if let Some(d) = dialog.get() {
            if want && !d.open() {
                let _ = d.show_modal();
                if let Some(i) = input.get() {
                    let _ = i.focus();
                    i.select();
                }
            } else if !want && d.open() {
                d.close();
            }
        }
    });

    let search = move |q: String| {
        text.set(q.clone());
        let g = generation.get_value() + 1;
        generation.set_value(g);
        if q.trim().is_empty() {
            hits.set(vec![]);
            status.set(String::new());
            return;
        }
        set_timeout(
            move || {
                if generation.get_value() != g {
                    return;
                }
                status.set(t_string!(i18n, common.search.searching).into());
                leptos::task::spawn_local(async move {
                    let r = api::client()
                        .search(&SearchQuery { q, per_kind: None })
                        .await;
                    if generation.get_value() != g {
                        return;
                    }
                    match r {
                        Ok(r) => {
                            status.set(if r.items.is_empty() {
                                t_string!(i18n, common.search.nothing).into()
                            } else {
                                td_string!(
                                    i18n.get_locale_untracked(),
                                    common.search.found,
                                    count = r.items.len()
                                )
                                .to_string()
                            });
                            hits.set(r.items);
                            selected.set(0);
                        }
                        Err(e) => status.set(crate::components::format::problem(&e)),
                    }
                });
            },
            std::time::Duration::from_millis(200),
        );
    };

    let go = move |i: usize| {
        let Some(h) = hits.with_untracked(|h| h.get(i).cloned()) else {
            return;
        };
        let to = open_hit(c, &h);
        open.set(false);
        navigate(&to, Default::default());
    };
    let go = StoredValue::new(go);

    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        let n = hits.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                selected.update(|s| *s = (*s + 1) % n);
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                selected.update(|s| *s = (*s + n - 1) % n);
            }
            "Enter" => {
                ev.prevent_default();
                go.with_value(|g| g(selected.get_untracked()));
            }
            // Closed here rather than left to the dialog's own cancel: a browser may ignore a
            // second Escape on a dialog opened without a fresh user activation.
            "Escape" => {
                ev.prevent_default();
                open.set(false);
            }
            _ => {}
        }
    };

    view! {
        <dialog
            node_ref=dialog
            id="search-dialog"
            class="confirm search"
            aria-label=move || t_string!(i18n, common.search.dialog)
            on:cancel=move |_: web_sys::Event| open.set(false)
            on:close=move |_: web_sys::Event| open.set(false)
        >
            <input
                node_ref=input
                id="search-input"
                type="search"
                role="combobox"
                aria-label=move || t_string!(i18n, common.search.input)
                aria-controls="search-results"
                aria-expanded=move || (!hits.with(Vec::is_empty)).to_string()
                aria-activedescendant=move || format!("search-hit-{}", selected.get())
                placeholder=move || t_string!(i18n, common.search.placeholder)
                autocomplete="off"
                prop:value=move || text.get()
                on:input=move |ev| search(event_target_value(&ev))
                on:keydown=keydown
            />
            <p class="muted small" role="status" id="search-status">{move || status.get()}</p>
            <ul id="search-results" role="listbox" aria-label=move || t_string!(i18n, common.search.results)>
                {move || hits.get().into_iter().enumerate().map(|(i, h)| {
                    let current = move || selected.get() == i;
                    view! {
                        <li
                            id=format!("search-hit-{i}")
                            role="option"
                            aria-selected=move || current().to_string()
                            class:current=current
                            data-kind=h.kind.as_str()
                            on:click=move |_| go.with_value(|g| g(i))
                            on:mousemove=move |_| selected.set(i)
                        >
                            <span class="badge">{move || kind_label(i18n.get_locale(), h.kind)}</span>
                            " "
                            <strong>{h.name.clone()}</strong>
                            " "
                            <span class="muted">{h.context.clone()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="muted small">{t!(i18n, common.search.keys)}</p>
        </dialog>
    }
}
