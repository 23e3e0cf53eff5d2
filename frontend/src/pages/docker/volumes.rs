//! `/endpoints/:id/volumes`: volumes.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::docker::{CreateVolume, VolumeSummary};

use super::live_list;
use crate::api;
use crate::components::{EndpointTabs, endpoint_id, mutate};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Volumes() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let id = endpoint_id();
    let list = live_list(id, "/volumes");
    let name = RwSignal::new(String::new());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(ep) = id() else { return };
        let req = CreateVolume {
            name: name.get_untracked(),
            driver: None,
            labels: Default::default(),
        };
        name.set(String::new());
        mutate(async move {
            api::client()
                .post::<_, VolumeSummary>(&format!("/endpoints/{ep}/volumes"), &req)
                .await
                .map(|_| ())
        });
    };
    let remove = move |n: String| {
        let Some(ep) = id() else { return };
        mutate(async move {
            api::client()
                .delete(&format!("/endpoints/{ep}/volumes/{n}"))
                .await
        });
    };
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        <Show when=move || c.can("volumes:create")>
            <div class="card">
                <form class="inline" on:submit=create>
                    <input id="volume-name" placeholder=move || t_string!(i18n, docker.volumes.name) bind:value=name required />
                    <button id="volume-create" type="submit">{t!(i18n, docker.volumes.create)}</button>
                </form>
            </div>
        </Show>
        {move || api::read::<Vec<VolumeSummary>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => {
                let can_delete = c.can("volumes:delete");
                view! {
                    <table id="volumes-table">
                        <thead><tr><th>{t!(i18n, docker.cols.name)}</th><th>{t!(i18n, docker.cols.driver)}</th><th>{t!(i18n, docker.cols.mount_point)}</th><th></th></tr></thead>
                        <tbody>
                            {items.into_iter().map(|v| {
                                let n = v.name.clone();
                                view! {
                                    <tr data-name=v.name.clone()>
                                        <td>{v.name.clone()}</td>
                                        <td>{v.driver}</td>
                                        <td class="muted"><code>{v.mountpoint}</code></td>
                                        <td>{can_delete.then(|| view! { <button class="danger small" on:click=move |_| { let v = n.clone(); c.confirm(t_string!(i18n, docker.volumes.remove_title), &n, t_string!(i18n, docker.volumes.remove_detail), t_string!(i18n, common.remove), move || remove(v)) }>{t!(i18n, common.remove)}</button> })}</td>
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
