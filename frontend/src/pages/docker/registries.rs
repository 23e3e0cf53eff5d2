//! `/registries`: the selected organization's registry credentials (`/organizations/{id}/registries`,
//! `/registries/{id}`), used when an endpoint pulls from a private registry. The password is
//! write-only: the API never returns it. Issue 13, "pages that are missing for APIs that exist".
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::Page;
use windflow_api::docker::{
    CreateRegistryCredential, RegistryCredential, UpdateRegistryCredential,
};

use crate::api;
use crate::components::{FieldError, FormError, NeedOrg, Refusal, mutate, when};
use crate::i18n::*;
use crate::state::ctx;

const FIELDS: &[&str] = &["name", "server", "username", "password"];

#[component]
pub fn Registries() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/registries?limit=200&sort=name"))
    });
    let (name, server, username, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let refusal: Refusal = RwSignal::new(None);
    // The credential being edited (`PATCH /registries/{id}`): an empty password keeps the
    // stored one, which is never shown.
    let editing = RwSignal::new(None::<(uuid::Uuid, String)>);
    let clear = move || {
        for s in [name, server, username, password] {
            s.set(String::new());
        }
        editing.set(None);
    };
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        refusal.set(None);
        if let Some((id, _)) = editing.get_untracked() {
            let secret = password.get_untracked();
            let req = UpdateRegistryCredential {
                name: Some(name.get_untracked()),
                server: Some(server.get_untracked()),
                username: Some(username.get_untracked()),
                password: (!secret.is_empty()).then_some(secret),
            };
            leptos::task::spawn_local(async move {
                match api::client().update_registry(id, &req).await {
                    Ok(r) => {
                        clear();
                        c.toast(
                            td_string!(
                                i18n.get_locale_untracked(),
                                docker.registries.saved,
                                name = r.name
                            )
                            .to_string(),
                            false,
                        );
                        c.version.update(|v| *v += 1);
                    }
                    Err(e) => refusal.set(Some(e)),
                }
            });
            return;
        }
        let req = CreateRegistryCredential {
            name: name.get_untracked(),
            server: server.get_untracked(),
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::client().create_registry(org, &req).await {
                Ok(r) => {
                    for s in [name, server, username, password] {
                        s.set(String::new());
                    }
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            docker.registries.added,
                            name = r.name
                        )
                        .to_string(),
                        false,
                    );
                    c.version.update(|v| *v += 1);
                }
                Err(e) => refusal.set(Some(e)),
            }
        });
    };
    let remove =
        move |id: uuid::Uuid| mutate(async move { api::client().delete_registry(id).await });
    view! {
        <h1>{t!(i18n, common.titles.registries)}</h1>
        <Show when=move || c.org.get().is_some() fallback=|| view! { <NeedOrg /> }>
            <Show when=move || c.can("registries:create") || editing.with(Option::is_some)>
                <div class="card">
                    <h2 id="registry-form-title">{move || match editing.get() {
                        Some((_, n)) => td_string!(i18n.get_locale(), docker.registries.edit_title, name = n).to_string(),
                        None => t_string!(i18n, docker.registries.add_title).to_owned(),
                    }}</h2>
                    <form class="stack-form" on:submit=create>
                        <label>{t!(i18n, docker.cols.name)}<br /><input id="registry-name" bind:value=name required aria-describedby="name-error" /><FieldError refusal field="name" /></label>
                        <label>{t!(i18n, docker.cols.server)}<br /><input id="registry-server" placeholder="registry.example.org:5000" bind:value=server required aria-describedby="server-error" /><FieldError refusal field="server" /></label>
                        <label>{t!(i18n, docker.cols.username)}<br /><input id="registry-username" autocomplete="off" bind:value=username required aria-describedby="username-error" /><FieldError refusal field="username" /></label>
                        <label>{t!(i18n, docker.registries.password)}<br /><input id="registry-password" type="password" autocomplete="new-password" bind:value=password required=move || editing.with(Option::is_none) placeholder=move || if editing.with(Option::is_some) { t_string!(i18n, docker.registries.keep_password) } else { "" } aria-describedby="password-error" /><FieldError refusal field="password" /></label>
                        <FormError refusal fields=FIELDS />
                        <div>
                            <button id="registry-create" type="submit">{move || if editing.with(Option::is_some) { t_string!(i18n, common.save) } else { t_string!(i18n, common.add) }}</button>
                            <Show when=move || editing.with(Option::is_some)>
                                " " <button class="secondary" type="button" id="registry-edit-cancel" on:click=move |_| clear()>{t!(i18n, common.cancel)}</button>
                            </Show>
                        </div>
                    </form>
                </div>
            </Show>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || api::read::<Page<RegistryCredential>>(list).map(|r| match r {
                    Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <p class="card muted" id="registries-empty">{t!(i18n, docker.registries.empty)}</p>
                    }.into_any(),
                    Ok(page) => {
                        let can_delete = c.can("registries:delete");
                        let can_update = c.can("registries:update");
                        view! {
                            <table id="registries-table">
                                <thead><tr><th>{t!(i18n, docker.cols.name)}</th><th>{t!(i18n, docker.cols.server)}</th><th>{t!(i18n, docker.cols.username)}</th><th>{t!(i18n, docker.cols.updated)}</th><th></th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|r| {
                                        let id = r.id;
                                        let rname = StoredValue::new(r.name.clone());
                                        view! {
                                            <tr data-name=r.name.clone()>
                                                <td>{r.name.clone()}</td>
                                                <td><code>{r.server.clone()}</code></td>
                                                <td>{r.username.clone()}</td>
                                                <td class="muted">{when(&r.updated_at)}</td>
                                                <td>{can_update.then(|| {
                                                    let r = r.clone();
                                                    view! {
                                                        <button class="secondary small registry-edit" on:click=move |_| {
                                                            name.set(r.name.clone());
                                                            server.set(r.server.clone());
                                                            username.set(r.username.clone());
                                                            password.set(String::new());
                                                            refusal.set(None);
                                                            editing.set(Some((id, r.name.clone())));
                                                        }>{t!(i18n, common.edit)}</button>
                                                        " "
                                                    }
                                                })}{can_delete.then(|| view! {
                                                    <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, docker.registries.remove_title), &rname.get_value(), t_string!(i18n, docker.registries.remove_detail), t_string!(i18n, common.remove), move || remove(id))>{t!(i18n, common.remove)}</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                })}
            </Suspense>
        </Show>
    }
}
