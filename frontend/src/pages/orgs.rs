//! Organizations.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::tenancy::CreateOrganization;

use crate::api;
use crate::components::when;
use crate::state::ctx;

#[component]
pub fn Organizations() -> impl IntoView {
    let c = ctx();
    let list = api::resource(move || {
        c.version.get();
        Some("/organizations?limit=200&sort=name".into())
    });
    let name = RwSignal::new(String::new());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match api::client()
                .create_organization(&CreateOrganization {
                    name: name.get_untracked(),
                    description: None,
                    settings: None,
                })
                .await
            {
                Ok(o) => {
                    c.toast(format!("Organization {} created", o.name), false);
                    name.set(String::new());
                    c.org.set(Some(o.id));
                    let _ = c.reload_session().await;
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let remove = move |id: uuid::Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().delete(&format!("/organizations/{id}")).await {
                Ok(()) => {
                    c.toast("Organization deleted", false);
                    if c.org.get_untracked() == Some(id) {
                        c.org.set(None);
                    }
                    let _ = c.reload_session().await;
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>"Organizations"</h1>
        <Show when=move || c.is_superadmin()>
            <div class="card">
                <form class="inline" on:submit=create>
                    <input id="org-name" placeholder="New organization name" bind:value=name required />
                    <button id="org-create" type="submit">"Create organization"</button>
                </form>
            </div>
        </Show>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Organization>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="orgs-table">
                        <thead><tr><th>"Name"</th><th>"Status"</th><th>"Created"</th><th></th></tr></thead>
                        <tbody>
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="4">"No organization yet. A superadmin creates one above; you see those you are a member of."</td></tr> })}
                            {page.items.into_iter().map(|o| {
                                let id = o.id;
                                let oname = StoredValue::new(o.name.clone());
                                let selected = move || c.org.get() == Some(id);
                                view! {
                                    <tr>
                                        <td><a href="#" on:click=move |ev| { ev.prevent_default(); c.org.set(Some(id)); c.project.set(None); }>{o.name.clone()}</a>
                                            <Show when=selected><span class="badge ok">" selected"</span></Show></td>
                                        <td>{if o.is_active { view! { <span class="badge ok">"active"</span> } } else { view! { <span class="badge danger">"inactive"</span> } }}</td>
                                        <td class="muted">{when(&o.created_at)}</td>
                                        <td>
                                            <Show when=move || c.org.get() == Some(id) && c.can("organizations:delete")>
                                                <button class="danger small" on:click=move |_| c.confirm("Delete organization", &oname.get_value(), "its projects, environments, endpoints, stacks, members and role bindings are deleted with it. This cannot be undone.", "Delete", move || remove(id))>"Delete"</button>
                                            </Show>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Suspense>
    }
}
