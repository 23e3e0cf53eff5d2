//! Organizations.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::tenancy::CreateOrganization;

use crate::api;
use crate::components::when;
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Organizations() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
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
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.orgs.created,
                            name = o.name.clone()
                        )
                        .to_string(),
                        false,
                    );
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
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), access.orgs.deleted),
                        false,
                    );
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
        <h1>{t!(i18n, common.titles.organizations)}</h1>
        <Show when=move || c.is_superadmin()>
            <div class="card">
                <form class="inline" on:submit=create>
                    <input id="org-name" placeholder=move || t_string!(i18n, access.orgs.name) bind:value=name required />
                    <button id="org-create" type="submit">{t!(i18n, access.orgs.create)}</button>
                </form>
            </div>
        </Show>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Organization>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="orgs-table">
                        <thead><tr><th>{t!(i18n, access.col.name)}</th><th>{t!(i18n, access.col.status)}</th><th>{t!(i18n, access.col.created)}</th><th></th></tr></thead>
                        <tbody>
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="4">{t!(i18n, access.orgs.empty)}</td></tr> })}
                            {page.items.into_iter().map(|o| {
                                let id = o.id;
                                let oname = StoredValue::new(o.name.clone());
                                let selected = move || c.org.get() == Some(id);
                                view! {
                                    <tr>
                                        <td><a href="#" on:click=move |ev| { ev.prevent_default(); c.org.set(Some(id)); c.project.set(None); }>{o.name.clone()}</a>
                                            <Show when=selected><span class="badge ok">" "{t!(i18n, access.orgs.selected)}</span></Show></td>
                                        <td>{if o.is_active { view! { <span class="badge ok">{t!(i18n, access.active)}</span> }.into_any() } else { view! { <span class="badge danger">{t!(i18n, access.inactive)}</span> }.into_any() }}</td>
                                        <td class="muted">{when(&o.created_at)}</td>
                                        <td>
                                            <Show when=move || c.org.get() == Some(id) && c.can("organizations:delete")>
                                                <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.orgs.delete_title), &oname.get_value(), t_string!(i18n, access.orgs.delete_detail), t_string!(i18n, common.delete), move || remove(id))>{t!(i18n, common.delete)}</button>
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
