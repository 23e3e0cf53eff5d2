//! Compose stacks of an endpoint: the list, the new-stack form (compose editor with validation,
//! or a Git repository) and the adopt dialog. One stack's page is in `stack.rs`.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use windflow_api::Page;
use windflow_api::docker::Endpoint;
use windflow_api::git::GitRepository;
use windflow_api::stacks::{AdoptStack, ComposeProject, CreateStack, Stack, StackSource};

use crate::api;
use crate::components::{ComposeEditor, EndpointTabs, endpoint_id, source_label, state_label};
use crate::components::{badge, when};
use crate::i18n::*;
use crate::state::ctx;

/// `/endpoints/:id/stacks`: the endpoint's stacks, "New stack" and "Adopt".
#[component]
pub fn Stacks() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let id = endpoint_id();
    let list = api::resource(move || {
        c.version.get();
        id().map(|ep| format!("/endpoints/{ep}/stacks"))
    });
    // 0: none, 1: the new-stack form, 2: the adopt dialog.
    let panel = RwSignal::new(0u8);
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        {c.can("stacks:create").then(|| view! {
            <div class="inline">
                <button id="stack-new" on:click=move |_| panel.set(1)>{t!(i18n, stacks.list.new_stack)}</button>
                <button id="stack-adopt" class="secondary" on:click=move |_| panel.set(2)>{t!(i18n, stacks.list.adopt)}</button>
            </div>
        })}
        {move || match (panel.get(), id()) {
            (1, Some(ep)) => view! { <NewStack endpoint=ep /> }.into_any(),
            (2, Some(_)) => view! { <Adopt /> }.into_any(),
            _ => ().into_any(),
        }}
        <h2>{t!(i18n, stacks.title)}</h2>
        {move || api::read::<Page<Stack>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(page) if page.items.is_empty() => view! { <p class="muted">{t!(i18n, stacks.list.empty)}</p> }.into_any(),
            Ok(page) => view! {
                <table id="stacks-table">
                    <thead><tr>
                        <th>{t!(i18n, stacks.list.name)}</th>
                        <th>{t!(i18n, stacks.list.source)}</th>
                        <th>{t!(i18n, stacks.list.state)}</th>
                        <th>{t!(i18n, stacks.list.containers)}</th>
                        <th>{t!(i18n, stacks.list.last_deployed)}</th>
                    </tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|s| view! {
                            <tr data-name=s.name.clone()>
                                <td>
                                    <a href=format!("/stacks/{}", s.id)>{s.name.clone()}</a>
                                    {s.locked.then(|| view! { " " <span title=move || t_string!(i18n, stacks.list.locked) class="lock">"🔒"</span> })}
                                </td>
                                <td>{source_label(i18n.get_locale(), s.source)}{s.adopted.then(|| view! { " " {t!(i18n, stacks.list.adopted)} })}</td>
                                <td title=s.state_error.clone().unwrap_or_default()>{badge(state_label(s.state))}</td>
                                <td>{t_string!(i18n, stacks.list.running, running = s.running, total = s.containers).to_string()}</td>
                                <td class="muted">{s.last_deployed_at.as_ref().map(when).unwrap_or_else(|| t_string!(i18n, stacks.list.never).into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
    }
}

/// The adopt dialog: compose projects on the endpoint that no stack manages.
#[component]
fn Adopt() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let id = endpoint_id();
    let navigate = use_navigate();
    let list = api::resource(move || id().map(|ep| format!("/endpoints/{ep}/compose-projects")));
    let adopt = move |project: String| {
        let Some(ep) = id() else { return };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::client()
                .post::<_, Stack>(
                    &format!("/endpoints/{ep}/stacks/adopt"),
                    &AdoptStack { project },
                )
                .await
            {
                Ok(s) => navigate(&format!("/stacks/{}", s.id), Default::default()),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <div class="card" id="adopt-dialog">
            <strong>{t!(i18n, stacks.adopt.title)}</strong>
            {move || api::read::<Vec<ComposeProject>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(all) => {
                    let rows: Vec<_> = all.into_iter().filter(|p| !p.managed).collect();
                    if rows.is_empty() {
                        return view! { <p class="muted">{t!(i18n, stacks.adopt.none)}</p> }.into_any();
                    }
                    let adopt = adopt.clone();
                    view! {
                        <table>
                            <tbody>
                                {rows.into_iter().map(|p| {
                                    let adopt = adopt.clone();
                                    let name = p.name.clone();
                                    view! {
                                        <tr>
                                            <td><strong>{p.name.clone()}</strong></td>
                                            <td>{p.services.join(", ")}</td>
                                            <td>{t_string!(i18n, stacks.list.running, running = p.running, total = p.containers).to_string()}</td>
                                            <td class="muted"><code>{p.working_dir.unwrap_or_default()}</code></td>
                                            <td><button class="small" on:click=move |_| adopt(name.clone())>{t!(i18n, stacks.adopt.adopt)}</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
        </div>
    }
}

/// `POST /endpoints/{id}/stacks`: from the editor, or from a Git repository of the endpoint's
/// project.
#[component]
fn NewStack(endpoint: Uuid) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let git = RwSignal::new(false);
    let content = RwSignal::new("services:\n  app:\n    image: \n".to_owned());
    let repo = RwSignal::new(String::new());
    let path = RwSignal::new(String::new());
    let env_path = RwSignal::new(String::new());
    // The repositories of the endpoint's project.
    let ep = api::resource(move || Some(format!("/endpoints/{endpoint}")));
    let repos = api::resource(move || {
        api::read::<Endpoint>(ep)
            .and_then(Result::ok)
            .map(|e| format!("/projects/{}/git-repositories", e.project_id))
    });
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let opt = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let is_git = git.get_untracked();
        let req = CreateStack {
            name: name.get_untracked(),
            source: if is_git {
                StackSource::Git
            } else {
                StackSource::Internal
            },
            compose_content: if is_git {
                String::new()
            } else {
                content.get_untracked()
            },
            repository_id: if is_git {
                repo.get_untracked().parse().ok()
            } else {
                None
            },
            compose_path: if is_git { opt(path) } else { None },
            env_path: if is_git { opt(env_path) } else { None },
            variables: vec![],
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::client()
                .post::<_, Stack>(&format!("/endpoints/{endpoint}/stacks"), &req)
                .await
            {
                Ok(s) => navigate(&format!("/stacks/{}", s.id), Default::default()),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <div class="card">
            <form class="stack" on:submit=create>
                <div class="inline">
                    <input id="stack-name" placeholder=move || t_string!(i18n, stacks.form.name) bind:value=name required size="30" />
                    <select aria-label=move || t_string!(i18n, stacks.form.source) id="stack-source" on:change=move |ev| git.set(event_target_value(&ev) == "git")>
                        <option value="internal">{t!(i18n, stacks.form.editor)}</option>
                        <option value="git">{t!(i18n, stacks.form.git)}</option>
                    </select>
                </div>
                <div hidden=git><ComposeEditor endpoint=endpoint content=content /></div>
                    <div class="inline" hidden=move || !git.get()>
                        <select aria-label=move || t_string!(i18n, stacks.form.git) id="stack-repo" on:change=move |ev| repo.set(event_target_value(&ev))>
                            <option value="">{t!(i18n, stacks.form.repository)}</option>
                            {move || api::read::<Page<GitRepository>>(repos).and_then(Result::ok).map(|p| p.items).unwrap_or_default().into_iter().map(|r| view! {
                                <option value=r.id.to_string()>{format!("{} ({})", r.name, r.branch)}</option>
                            }).collect_view()}
                        </select>
                        <input id="stack-compose-path" placeholder=move || t_string!(i18n, stacks.form.compose_path) bind:value=path size="34" />
                        <input id="stack-env-path" placeholder=move || t_string!(i18n, stacks.form.env_path) bind:value=env_path />
                    </div>
                <div><button id="stack-create" type="submit">{t!(i18n, stacks.form.create)}</button></div>
            </form>
        </div>
    }
}
