//! `/endpoints/:id/networks`: networks.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::docker::{CreateNetwork, NetworkSummary};

use super::live_list;
use crate::api;
use crate::components::{EndpointTabs, endpoint_id, mutate};
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
                view! {
                    <table id="networks-table">
                        <thead><tr><th>{t!(i18n, docker.cols.name)}</th><th>{t!(i18n, docker.cols.driver)}</th><th>{t!(i18n, docker.cols.scope)}</th><th>{t!(i18n, docker.cols.internal)}</th><th></th></tr></thead>
                        <tbody>
                            {items.into_iter().map(|n| {
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
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}
