//! `/containers`: containers of every endpoint the user may see, with bulk actions.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::docker::{AllContainers, EndpointContainer};

use crate::api;
use crate::components::{SortHeader, sort_rows, sort_state};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Containers() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let show_all = RwSignal::new(true);
    let filter = RwSignal::new(String::new());
    let list = api::resource(move || {
        c.version.get();
        Some(format!("/containers?all={}", show_all.get()))
    });
    // Selected rows for the bulk actions: (endpoint, container id).
    let selected = RwSignal::new(Vec::<(Uuid, String)>::new());
    // By name by default (review D27).
    let sort = sort_state("name");
    let run = |ep: Uuid, id: String, action: &'static str| async move {
        if action == "remove" {
            api::client()
                .delete(&format!("/endpoints/{ep}/containers/{id}?force=true"))
                .await
        } else {
            api::client().container_action(ep, &id, action).await
        }
    };
    let act = move |ep: Uuid, id: String, action: &'static str| {
        leptos::task::spawn_local(async move {
            match run(ep, id, action).await {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    // One call per selected container; every failure is shown, the rest still run.
    let bulk = move |action: &'static str| {
        let rows = selected.get_untracked();
        leptos::task::spawn_local(async move {
            let mut ok = 0;
            for (ep, id) in rows {
                match run(ep, id, action).await {
                    Ok(()) => ok += 1,
                    Err(e) => c.error(&e),
                }
            }
            let l = i18n.get_locale_untracked();
            let text = match action {
                "start" => td_string!(l, docker.containers.bulk_started, count = ok),
                "stop" => td_string!(l, docker.containers.bulk_stopped, count = ok),
                _ => td_string!(l, docker.containers.bulk_removed, count = ok),
            };
            c.toast(text.to_string(), false);
            selected.set(vec![]);
            c.version.update(|v| *v += 1);
        });
    };
    view! {
        <h1>{t!(i18n, common.titles.containers)}</h1>
        <div class="card">
            <form class="inline" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                <input id="container-filter" placeholder=move || t_string!(i18n, docker.containers.filter) bind:value=filter />
                <label><input type="checkbox" bind:checked=show_all />" "{t!(i18n, docker.containers.include_stopped)}</label>
                <button class="secondary" type="button" on:click=move |_| c.version.update(|v| *v += 1)>{t!(i18n, common.refresh)}</button>
                <Show when=move || c.can("containers:create")>
                    <a class="button small" id="container-new" href="/containers/new">{t!(i18n, common.titles.container_new)}</a>
                </Show>
                <span class="muted" id="bulk-count">{t!(i18n, docker.containers.selected, count = move || selected.get().len())}</span>
                <button class="small" id="bulk-start" type="button" disabled=move || selected.get().is_empty() on:click=move |_| bulk("start")>{t!(i18n, docker.actions.start)}</button>
                <button class="secondary small" id="bulk-stop" type="button" disabled=move || selected.get().is_empty() on:click=move |_| bulk("stop")>{t!(i18n, docker.actions.stop)}</button>
                <button class="danger small" id="bulk-remove" type="button" disabled=move || selected.get().is_empty() on:click=move |_| {
                    let n = selected.with_untracked(Vec::len);
                    let object = if n == 1 {
                        t_string!(i18n, docker.containers.selected_one, count = n).to_string()
                    } else {
                        t_string!(i18n, docker.containers.selected_many, count = n).to_string()
                    };
                    c.confirm(t_string!(i18n, docker.containers.remove_many_title), &object, t_string!(i18n, docker.containers.remove_many_detail), t_string!(i18n, common.remove), move || bulk("remove"));
                }>{t!(i18n, common.remove)}</button>
            </form>
        </div>
        {move || api::read::<AllContainers>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(all) => {
                let f = filter.get().to_lowercase();
                // Permissions once per render: plain branches keep the wasm small.
                let (can_start, can_stop, can_restart, can_delete) =
                    (c.can("containers:start"), c.can("containers:stop"), c.can("containers:restart"), c.can("containers:delete"));
                let button = move |class: &'static str, label: fn(Locale) -> &'static str, ep: Uuid, id: String, action: &'static str, name: String| {
                    view! { <button class=class on:click=move |_| {
                        let id = id.clone();
                        if action == "remove" {
                            c.confirm(t_string!(i18n, docker.containers.remove_title), &name, t_string!(i18n, docker.containers.remove_detail), t_string!(i18n, common.remove), move || act(ep, id, action));
                        } else {
                            act(ep, id, action);
                        }
                    }>{move || label(i18n.get_locale())}</button> }
                };
                let items = StoredValue::new(all.items);
                view! {
                    {all.errors.into_iter().map(|e| view! { <p class="error">{format!("{}: {}", e.endpoint_name, e.error)}</p> }).collect_view()}
                    <table id="containers-table">
                        <thead><tr>
                            <th></th>
                            <SortHeader state=sort key="name">{t!(i18n, docker.cols.name)}</SortHeader>
                            <SortHeader state=sort key="endpoint">{t!(i18n, docker.cols.endpoint)}</SortHeader>
                            <SortHeader state=sort key="image">{t!(i18n, docker.cols.image)}</SortHeader>
                            <SortHeader state=sort key="state">{t!(i18n, docker.cols.state)}</SortHeader>
                            <th>{t!(i18n, docker.cols.status)}</th>
                            <th>{t!(i18n, docker.cols.actions)}</th>
                        </tr></thead>
                        <tbody>
                            {move || {
                            let mut rows: Vec<EndpointContainer> = items.with_value(|all| all.iter().filter(|x| f.is_empty() || x.container.name.to_lowercase().contains(&f) || x.container.image.to_lowercase().contains(&f)).cloned().collect());
                            sort_rows(&mut rows, sort.get(), |x: &EndpointContainer, k| match k {
                                "endpoint" => x.endpoint_name.as_str().into(),
                                "image" => x.container.image.as_str().into(),
                                "state" => x.container.state.as_str().into(),
                                _ => x.container.name.as_str().into(),
                            }, |x| format!("{}\u{0}{}\u{0}{}", x.container.name, x.endpoint_name, x.container.id).into());
                            view! {
                            {rows.is_empty().then(|| view! {
                                <tr class="empty"><td colspan="7">{if f.is_empty() { t!(i18n, docker.containers.empty).into_any() } else { t!(i18n, docker.containers.no_match).into_any() }}</td></tr>
                            })}
                            {rows.into_iter().map(|x| {
                                let ep = x.endpoint_id;
                                let id = x.container.id.clone();
                                let running = x.container.state == "running";
                                let cname = x.container.name.clone();
                                let cls = if running { "badge ok" } else { "badge" };
                                let mut actions = vec![];
                                if running && can_stop {
                                    actions.push(button("secondary small action-stop", |l| td_string!(l, docker.actions.stop), ep, id.clone(), "stop", cname.clone()));
                                }
                                if running && can_restart {
                                    actions.push(button("secondary small", |l| td_string!(l, docker.actions.restart), ep, id.clone(), "restart", cname.clone()));
                                }
                                if !running && can_start {
                                    actions.push(button("small action-start", |l| td_string!(l, docker.actions.start), ep, id.clone(), "start", cname.clone()));
                                }
                                if can_delete {
                                    actions.push(button("danger small", |l| td_string!(l, common.remove), ep, id.clone(), "remove", cname.clone()));
                                }
                                let key = (ep, id.clone());
                                let key2 = key.clone();
                                view! {
                                    <tr data-name=x.container.name.clone()>
                                        <td><input type="checkbox" class="select" aria-label=move || t_string!(i18n, docker.containers.select, name = cname.clone()).to_string() prop:checked=move || selected.with(|s| s.contains(&key)) on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| { s.retain(|k| *k != key2); if on { s.push(key2.clone()); } });
                                        } /></td>
                                        <td><a href=format!("/containers/{ep}/{id}")>{x.container.name.clone()}</a></td>
                                        <td class="muted">{x.endpoint_name.clone()}</td>
                                        <td><code class="cut" title=x.container.image.clone()>{x.container.image.clone()}</code></td>
                                        <td><span class=cls>{x.container.state.clone()}</span></td>
                                        <td class="muted">{x.container.status.clone()}</td>
                                        <td>{actions}</td>
                                    </tr>
                                }
                            }).collect_view()}
                            }
                            }}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}
