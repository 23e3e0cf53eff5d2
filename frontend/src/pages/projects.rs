//! Projects of the selected organization and environments of the selected project.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::tenancy::{CreateEnvironment, CreateProject, EnvironmentType};

use crate::api;
use crate::components::{NeedOrg, when};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Projects() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/projects?limit=200&sort=name"))
    });
    let name = RwSignal::new(String::new());
    let color = RwSignal::new("#3b82f6".to_owned());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let req = CreateProject {
                name: name.get_untracked(),
                description: None,
                color: Some(color.get_untracked()),
                status: None,
                owner_id: None,
            };
            match api::client().create_project(org, &req).await {
                Ok(p) => {
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.projects.created,
                            name = p.name.clone()
                        )
                        .to_string(),
                        false,
                    );
                    name.set(String::new());
                    c.project.set(Some(p.id));
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let remove = move |id: uuid::Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().delete(&format!("/projects/{id}")).await {
                Ok(()) => {
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), access.projects.deleted),
                        false,
                    );
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>{t!(i18n, common.titles.projects)}</h1>
        <Show when=move || c.org.get().is_some() fallback=|| view! { <NeedOrg /> }>
            <Show when=move || c.can("projects:create")>
                <div class="card">
                    <form class="inline" on:submit=create>
                        <input id="project-name" placeholder=move || t_string!(i18n, access.projects.name) bind:value=name required />
                        <input type="color" bind:value=color title=move || t_string!(i18n, access.projects.colour) />
                        <button id="project-create" type="submit">{t!(i18n, access.projects.create)}</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Project>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="projects-table">
                        <thead><tr><th>{t!(i18n, access.col.name)}</th><th>{t!(i18n, access.col.status)}</th><th>{t!(i18n, access.col.created)}</th><th></th></tr></thead>
                        <tbody>
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="4">{t!(i18n, access.projects.empty)}</td></tr> })}
                            {page.items.into_iter().map(|p| {
                                let id = p.id;
                                let pname = StoredValue::new(p.name.clone());
                                let status = format!("{:?}", p.status).to_lowercase();
                                view! {
                                    <tr>
                                        <td><span class="swatch" style=format!("background:{}", p.color)></span>
                                            <a href="/environments" on:click=move |_| c.project.set(Some(id))>{p.name.clone()}</a></td>
                                        <td><span class="badge">{status}</span></td>
                                        <td class="muted">{when(&p.created_at)}</td>
                                        <td><a class="small" href=format!("/projects/{id}/git") on:click=move |_| c.project.set(Some(id))>{t!(i18n, common.nav.git)}</a>" "
                                            <Show when=move || c.can("projects:delete")>
                                            <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.projects.delete_title), &pname.get_value(), t_string!(i18n, access.projects.delete_detail), t_string!(i18n, common.delete), move || remove(id))>{t!(i18n, common.delete)}</button>
                                        </Show></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Show>
    }
}

const TYPES: [(&str, EnvironmentType); 6] = [
    ("development", EnvironmentType::Development),
    ("testing", EnvironmentType::Testing),
    ("staging", EnvironmentType::Staging),
    ("production", EnvironmentType::Production),
    ("disaster_recovery", EnvironmentType::DisasterRecovery),
    ("other", EnvironmentType::Other),
];

#[component]
pub fn Environments() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        c.project
            .get()
            .map(|p| format!("/projects/{p}/environments?limit=200&sort=name"))
    });
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("development".to_owned());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(project) = c.project.get_untracked() else {
            return;
        };
        let env_type = TYPES
            .iter()
            .find(|(k, _)| *k == kind.get_untracked())
            .map(|(_, t)| *t)
            .unwrap_or(EnvironmentType::Other);
        leptos::task::spawn_local(async move {
            match api::client()
                .create_environment(
                    project,
                    &CreateEnvironment {
                        name: name.get_untracked(),
                        env_type,
                        description: None,
                    },
                )
                .await
            {
                Ok(e) => {
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.envs.created,
                            name = e.name.clone()
                        )
                        .to_string(),
                        false,
                    );
                    // Selected at once, as a new organization or project is (review D21).
                    c.env.set(Some(e.id));
                    name.set(String::new());
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let remove = move |id: uuid::Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().delete(&format!("/environments/{id}")).await {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>{t!(i18n, common.titles.environments)}</h1>
        <Show when=move || c.project.get().is_some() fallback=move || view! { <div class="card muted">{t!(i18n, access.envs.need_project)}</div> }>
            <Show when=move || c.can("environments:create")>
                <div class="card">
                    <form class="inline" on:submit=create>
                        <input id="env-name" placeholder=move || t_string!(i18n, access.envs.name) bind:value=name required />
                        <select aria-label=move || t_string!(i18n, access.envs.type_label) id="env-type" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {TYPES.iter().map(|(k, _)| view! { <option value=*k>{k.replace('_', " ")}</option> }).collect_view()}
                        </select>
                        <button id="env-create" type="submit">{t!(i18n, access.envs.create)}</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Environment>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="envs-table">
                        <thead><tr><th>{t!(i18n, access.col.name)}</th><th>{t!(i18n, access.col.env_type)}</th><th>{t!(i18n, access.col.created)}</th><th></th></tr></thead>
                        <tbody>
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="4">{t!(i18n, access.envs.empty)}</td></tr> })}
                            {page.items.into_iter().map(|e| {
                                let id = e.id;
                                let ename = StoredValue::new(e.name.clone());
                                let t = serde_json::to_value(e.env_type).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                                view! {
                                    <tr>
                                        <td>{e.name.clone()}</td>
                                        <td><span class="badge">{t}</span></td>
                                        <td class="muted">{when(&e.created_at)}</td>
                                        <td><Show when=move || c.can("environments:delete")>
                                            <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.envs.delete_title), &ename.get_value(), t_string!(i18n, access.envs.delete_detail), t_string!(i18n, common.delete), move || remove(id))>{t!(i18n, common.delete)}</button>
                                        </Show></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Show>
    }
}
