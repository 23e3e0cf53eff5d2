//! Projects of the selected organization and environments of the selected project.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::tenancy::{CreateEnvironment, CreateProject, EnvironmentType};

use crate::api;
use crate::components::{NeedOrg, when};
use crate::state::ctx;

#[component]
pub fn Projects() -> impl IntoView {
    let c = ctx();
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
                    c.toast(format!("Project {} created", p.name), false);
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
                    c.toast("Project deleted", false);
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>"Projects"</h1>
        <Show when=move || c.org.get().is_some() fallback=|| view! { <NeedOrg /> }>
            <Show when=move || c.can("projects:create")>
                <div class="card">
                    <form class="inline" on:submit=create>
                        <input id="project-name" placeholder="New project name" bind:value=name required />
                        <input type="color" bind:value=color title="Colour" />
                        <button id="project-create" type="submit">"New project"</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Project>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="projects-table">
                        <thead><tr><th>"Name"</th><th>"Status"</th><th>"Created"</th><th></th></tr></thead>
                        <tbody>
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="4">"No project in this organization yet. Create one above to group its environments."</td></tr> })}
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
                                        <td><a class="small" href=format!("/projects/{id}/git") on:click=move |_| c.project.set(Some(id))>"Git"</a>" "
                                            <Show when=move || c.can("projects:delete")>
                                            <button class="danger small" on:click=move |_| c.confirm("Delete project", &pname.get_value(), "its environments and everything in them are deleted with it. This cannot be undone.", "Delete", move || remove(id))>"Delete"</button>
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
                    c.toast(format!("Environment {} created", e.name), false);
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
        <h1>"Environments"</h1>
        <Show when=move || c.project.get().is_some() fallback=|| view! { <div class="card muted">"Select a project first."</div> }>
            <Show when=move || c.can("environments:create")>
                <div class="card">
                    <form class="inline" on:submit=create>
                        <input id="env-name" placeholder="New environment name" bind:value=name required />
                        <select aria-label="Environment type" id="env-type" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {TYPES.iter().map(|(k, _)| view! { <option value=*k>{k.replace('_', " ")}</option> }).collect_view()}
                        </select>
                        <button id="env-create" type="submit">"New environment"</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Environment>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="envs-table">
                        <thead><tr><th>"Name"</th><th>"Type"</th><th>"Created"</th><th></th></tr></thead>
                        <tbody>
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="4">"No environment in this project yet. Create one above (production, staging, development…), then add its endpoints."</td></tr> })}
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
                                            <button class="danger small" on:click=move |_| c.confirm("Delete environment", &ename.get_value(), "its endpoints and stacks are deleted with it. This cannot be undone.", "Delete", move || remove(id))>"Delete"</button>
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
