//! `/endpoints/:id/networks`: networks.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::docker::{CreateNetwork, NetworkSummary};

use super::live_list;
use crate::api;
use crate::components::{EndpointTabs, SortHeader, endpoint_id, mutate, sort_rows, sort_state};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Networks() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let id = endpoint_id();
    let list = live_list(id, "/networks");
    let name = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    // By name by default: the engine lists networks in no fixed order (review D27).
    let sort = sort_state("name");
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(ep) = id() else { return };
        let req = CreateNetwork {
            name: name.get_untracked(),
            driver: None,
            internal: internal.get_untracked(),
            labels: Default::default(),
        };
        name.set(String::new());
        mutate(async move {
            api::client()
                .post::<_, serde_json::Value>(&format!("/endpoints/{ep}/networks"), &req)
                .await
                .map(|_| ())
        });
    };
    let remove = move |n: String| {
        let Some(ep) = id() else { return };
        mutate(async move {
            api::client()
                .delete(&format!("/endpoints/{ep}/networks/{n}"))
                .await
        });
    };
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        <Show when=move || c.can("networks:create")>
            <div class="card">
                <form class="inline" on:submit=create>
                    <input id="network-name" placeholder=move || t_string!(i18n, docker.networks.name) bind:value=name required />
                    <label><input type="checkbox" bind:checked=internal />" "{t!(i18n, docker.networks.internal)}</label>
                    <button id="network-create" type="submit">{t!(i18n, docker.networks.create)}</button>
                </form>
            </div>
        </Show>
        {move || api::read::<Vec<NetworkSummary>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => {
                let can_delete = c.can("networks:delete");
                let items = StoredValue::new(items);
                view! {
                    <table id="networks-table">
                        <thead><tr>
                            <SortHeader state=sort key="name">{t!(i18n, docker.cols.name)}</SortHeader>
                            <SortHeader state=sort key="driver">{t!(i18n, docker.cols.driver)}</SortHeader>
                            <SortHeader state=sort key="scope">{t!(i18n, docker.cols.scope)}</SortHeader>
                            <SortHeader state=sort key="internal">{t!(i18n, docker.cols.internal)}</SortHeader>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {move || {
                            let mut rows = items.get_value();
                            // Ties (same name, another driver) by id: the same order every load.
                            sort_rows(&mut rows, sort.get(), |n: &NetworkSummary, k| match k {
                                "driver" => n.driver.as_str().into(),
                                "scope" => n.scope.as_str().into(),
                                "internal" => i64::from(n.internal).into(),
                                _ => n.name.as_str().into(),
                            }, |n| format!("{}\u{0}{}", n.name, n.id).into());
                            rows.into_iter().map(|n| {
                                // The engine's own networks cannot be removed.
                                let builtin = matches!(n.name.as_str(), "bridge" | "host" | "none");
                                let key = n.id.clone();
                                let nname = StoredValue::new(n.name.clone());
                                view! {
                                    <tr data-name=n.name.clone()>
                                        <td>{n.name.clone()}</td>
                                        <td>{n.driver}</td>
                                        <td>{n.scope}</td>
                                        <td>{n.internal.then_some(t!(i18n, common.yes))}</td>
                                        <td>{(can_delete && !builtin).then(|| view! { <button class="danger small" on:click=move |_| { let k = key.clone(); c.confirm(t_string!(i18n, docker.networks.remove_title), &nname.get_value(), t_string!(i18n, docker.networks.remove_detail), t_string!(i18n, common.remove), move || remove(k)) }>{t!(i18n, common.remove)}</button> })}</td>
                                    </tr>
                                }
                            }).collect_view()
                            }}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}
