//! `/endpoints/:id/volumes`: volumes.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::docker::{CreateVolume, VolumeSummary};

use super::live_list;
use crate::api;
use crate::components::{
    EndpointTabs, SortHeader, endpoint_id, mutate, sort_rows, sort_state, when,
};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Volumes() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let id = endpoint_id();
    let list = live_list(id, "/volumes");
    let name = RwSignal::new(String::new());
    // By name by default (review D27).
    let sort = sort_state("name");
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
                let items = StoredValue::new(items);
                view! {
                    <table id="volumes-table">
                        <thead><tr>
                            <SortHeader state=sort key="name">{t!(i18n, docker.cols.name)}</SortHeader>
                            <SortHeader state=sort key="driver">{t!(i18n, docker.cols.driver)}</SortHeader>
                            <SortHeader state=sort key="mountpoint">{t!(i18n, docker.cols.mount_point)}</SortHeader>
                            <SortHeader state=sort key="created">{t!(i18n, docker.cols.created)}</SortHeader>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {move || {
                            let mut rows = items.get_value();
                            sort_rows(&mut rows, sort.get(), |v: &VolumeSummary, k| match k {
                                "driver" => v.driver.as_str().into(),
                                "mountpoint" => v.mountpoint.as_str().into(),
                                // RFC 3339 text sorts in time order.
                                "created" => v.created_at.clone().unwrap_or_default().into(),
                                _ => v.name.as_str().into(),
                            }, |v| v.name.as_str().into());
                            rows.into_iter().map(|v| {
                                let n = v.name.clone();
                                view! {
                                    <tr data-name=v.name.clone()>
                                        <td>{v.name.clone()}</td>
                                        <td>{v.driver}</td>
                                        <td class="muted"><code>{v.mountpoint}</code></td>
                                        <td class="muted">{v.created_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| when(&t.to_utc()))}</td>
                                        <td>{can_delete.then(|| view! { <button class="danger small" on:click=move |_| { let v = n.clone(); c.confirm(t_string!(i18n, docker.volumes.remove_title), &n, t_string!(i18n, docker.volumes.remove_detail), t_string!(i18n, common.remove), move || remove(v)) }>{t!(i18n, common.remove)}</button> })}</td>
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
