//! One compose stack (`/stacks/:id`): the compose editor (or, for a Git stack, its repository,
//! file and deployed commit), variables (secrets write-only), actions with their live output,
//! lock, containers, logs of all services and the deployment timeline with rollback.
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;
use windflow_api::Page;
use windflow_api::docker::ContainerSummary;
use windflow_api::stacks::{
    Deployment, DeploymentDetails, DeploymentKind, Stack, StackLogLine, StackOutput,
    StackOutputKind, StackSource, StackVariable, UpdateStack,
};

use crate::api;
use crate::components::variables::{Var, Variables, inputs, var};
use crate::components::{ComposeEditor, leave_guard, source_label, state_label};
use crate::components::{badge, run_cells, short, short_sha, when};
use crate::i18n::*;
use crate::state::{AppCtx, ctx};
use leptos_i18n::I18nContext;

/// Live output of the running action and the action launcher (all `Copy`).
#[derive(Clone, Copy)]
struct Output {
    c: AppCtx,
    i18n: I18nContext<Locale>,
    lines: RwSignal<Vec<String>>,
    status: RwSignal<String>,
    busy: RwSignal<bool>,
    /// The stack's id and name, for the notification at the end.
    stack: RwSignal<Option<(Uuid, String)>>,
}

impl Output {
    /// Runs a streaming action (`POST {path}`), shows its lines, then refreshes the page.
    fn run(self, path: String) {
        let l = self.i18n.get_locale_untracked();
        self.lines.set(vec![]);
        self.status.set(td_string!(l, stacks.stack.running).into());
        self.busy.set(true);
        // Read now, while the page is there: the end is reported even when the user has left
        // the page meanwhile (issue 13), when its signals are gone.
        let (id, name) = self.stack.get_untracked().unwrap_or_default();
        let action = path
            .rsplit('/')
            .next()
            .and_then(|a| a.split('?').next())
            .unwrap_or_default()
            .to_owned();
        leptos::task::spawn_local(async move {
            let mut last = String::new();
            let r = api::stream_post(&path, None, |data| {
                if let Ok(o) = serde_json::from_str::<StackOutput>(data) {
                    match (o.kind, o.text) {
                        (StackOutputKind::Line, Some(t)) => self.lines.update(|l| l.push(t)),
                        _ => {
                            last = format!(
                                "{}{}",
                                o.status.map(|s| s.as_str()).unwrap_or_default(),
                                o.exit_code
                                    .map(|c| format!(
                                        " {}",
                                        td_string!(l, stacks.stack.exit_code, code = c)
                                    ))
                                    .unwrap_or_default()
                            );
                            self.status.set(last.clone());
                        }
                    }
                }
                Ok(())
            })
            .await;
            if let Err(e) = &r {
                last = format!("failed: {e}");
                self.status.set(last.clone());
            }
            let ok = r.is_ok() && last.starts_with("succeeded");
            self.c.notify(
                td_string!(
                    l,
                    stacks.stack.notice,
                    name = name,
                    action = action,
                    outcome = last
                )
                .to_string(),
                ok,
                Some(format!("/stacks/{id}")),
            );
            self.busy.set(false);
            self.c.version.update(|v| *v += 1);
        });
    }
}

/// `/stacks/:id`: one stack.
#[component]
pub fn StackPage() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let params = use_params_map();
    let navigate = use_navigate();
    let sid = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    let stack = api::resource(move || {
        c.version.get();
        sid().map(|id| format!("/stacks/{id}"))
    });
    let out = Output {
        c,
        i18n,
        lines: RwSignal::new(vec![]),
        status: RwSignal::new(String::new()),
        busy: RwSignal::new(false),
        stack: RwSignal::new(None),
    };
    let remove_volumes = RwSignal::new(false);
    // The editor and the variables are loaded once per stack, not on every refresh.
    let content = RwSignal::new(String::new());
    let vars = RwSignal::new(Vec::<Var>::new());
    // The stack loaded and its compose file as last loaded (the saved file): a changed file
    // replaces the editor's text unless it has unsaved edits.
    let loaded = RwSignal::new((None::<Uuid>, String::new()));
    // The editor differs from the saved file (review D14): marked next to Save, and leaving
    // the page asks first (closing or reloading the tab, a link of the app; not Back).
    let dirty =
        Memo::new(move |_| loaded.with(|(id, saved)| id.is_some() && content.with(|t| t != saved)));
    {
        let navigate = navigate.clone();
        leave_guard(
            move || dirty.get(),
            move |to: String| {
                let l = i18n.get_locale_untracked();
                let name = out.stack.get_untracked().map(|s| s.1).unwrap_or_default();
                let navigate = navigate.clone();
                c.confirm(
                    td_string!(l, stacks.stack.leave_title),
                    &name,
                    td_string!(l, stacks.stack.leave_detail),
                    td_string!(l, stacks.stack.leave_action),
                    move || navigate(&to, Default::default()),
                );
            },
        );
    }
    // The deployments (the timeline below, and the rollback notice by the editor).
    let deployments = api::resource(move || {
        c.version.get();
        sid().map(|id| format!("/stacks/{id}/deployments"))
    });
    Effect::new(move |_| {
        let Some(Ok(s)) = api::read::<Stack>(stack) else {
            return;
        };
        out.stack.set(Some((s.id, s.name.clone())));
        // Breadcrumbs: … › Endpoints › the endpoint's stacks › <stack>.
        c.trail.set(vec![
            (
                t_string!(i18n, common.nav.endpoints).into(),
                Some("/endpoints".into()),
            ),
            (
                t_string!(i18n, stacks.title).into(),
                Some(format!("/endpoints/{}/stacks", s.endpoint_id)),
            ),
            (s.name.clone(), None),
        ]);
        let text = s.compose_content.unwrap_or_default();
        let (was, old) = loaded.get_untracked();
        if was == Some(s.id) {
            if text != old && content.get_untracked() == old {
                content.set(text.clone());
            }
            loaded.set((was, text));
            return;
        }
        content.set(text.clone());
        loaded.set((Some(s.id), text));
        let id = s.id;
        leptos::task::spawn_local(async move {
            match api::client()
                .get::<Vec<StackVariable>>(&format!("/stacks/{id}/variables"))
                .await
            {
                Ok(v) => vars.set(v.into_iter().map(var).collect()),
                Err(e) => c.error(&e),
            }
        });
    });
    let simple = move |path: String| {
        leptos::task::spawn_local(async move {
            match api::client().post::<_, Stack>(&path, &()).await {
                Ok(_) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    let save = move |id: Uuid| {
        let req = UpdateStack {
            compose_content: Some(content.get_untracked()),
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            match api::client()
                .patch::<_, Stack>(&format!("/stacks/{id}"), &req)
                .await
            {
                Ok(_) => {
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), stacks.stack.compose_saved),
                        false,
                    );
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let save_vars = move |id: Uuid| {
        let req = inputs(&vars.get_untracked());
        leptos::task::spawn_local(async move {
            match api::client()
                .put::<_, Vec<StackVariable>>(&format!("/stacks/{id}/variables"), &req)
                .await
            {
                Ok(v) => {
                    vars.set(v.into_iter().map(var).collect());
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), stacks.stack.variables_saved),
                        false,
                    );
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let delete = move |s: Stack| {
        // With containers: take the project down in the same call (the answer says so).
        let down = s.containers > 0;
        let navigate = navigate.clone();
        let name = s.name.clone();
        let go = move || {
            leptos::task::spawn_local(async move {
                match api::client()
                    .delete(&format!("/stacks/{}?down={down}", s.id))
                    .await
                {
                    Ok(()) => navigate(
                        &format!("/endpoints/{}/stacks", s.endpoint_id),
                        Default::default(),
                    ),
                    Err(e) => c.error(&e),
                }
            })
        };
        c.confirm(
            t_string!(i18n, stacks.stack.delete_title),
            &name,
            if down {
                t_string!(i18n, stacks.stack.delete_down)
            } else {
                t_string!(i18n, stacks.stack.delete_forget)
            },
            t_string!(i18n, common.delete),
            go,
        );
    };
    view! {
        {move || api::read::<Stack>(stack).map(|r| match r {
            Err(e) => view! { <h1>{t!(i18n, common.titles.stack)}</h1><p class="error">{e}</p> }.into_any(),
            Ok(s) => {
                let id = s.id;
                let locked = s.locked;
                let sname = StoredValue::new(s.name.clone());
                let (can_deploy, can_update) = (c.can("stacks:deploy"), c.can("stacks:update"));
                let act = move |label: fn(Locale) -> &'static str, action: &'static str| view! {
                    <button class="secondary" id=format!("act-{action}") disabled=move || locked || out.busy.get() on:click=move |_| {
                        if action == "down" && remove_volumes.get_untracked() {
                            c.confirm(t_string!(i18n, stacks.stack.down_title), &sname.get_value(), t_string!(i18n, stacks.stack.down_detail), t_string!(i18n, stacks.stack.down_action), move || out.run(format!("/stacks/{id}/down?remove_volumes=true")));
                        } else {
                            out.run(format!("/stacks/{id}/{action}"));
                        }
                    }>{move || label(i18n.get_locale())}</button>
                };
                let s2 = s.clone();
                let delete = delete.clone();
                view! {
                    <h1>{s.name.clone()}" "{badge(state_label(s.state))}{locked.then(|| view! { " " <span class="badge" id="stack-locked">{t!(i18n, stacks.stack.locked_badge)}</span> })}</h1>
                    <p class="muted" id="stack-summary">
                        <a href=format!("/endpoints/{}/stacks", s.endpoint_id)>{t!(i18n, stacks.stack.back)}</a>
                        " · "
                        {t_string!(
                            i18n,
                            stacks.stack.summary,
                            source = source_label(i18n.get_locale(), s.source),
                            running = s.running,
                            total = s.containers,
                            status = s.status,
                            when = s.last_deployed_at.as_ref().map(when).unwrap_or_else(|| t_string!(i18n, stacks.stack.never).into())
                        ).to_string()}
                    </p>
                    {s.state_error.clone().or(s.last_error.clone()).map(|e| view! { <p class="error">{e}</p> })}
                    <div class="card">
                        <div class="inline" id="stack-actions">
                            {can_deploy.then(|| view! {
                                {act(|l| td_string!(l, stacks.stack.deploy), "deploy")}
                                {act(|l| td_string!(l, stacks.stack.pull_redeploy), "pull-redeploy")}
                                {act(|l| td_string!(l, stacks.stack.start), "start")}
                                {act(|l| td_string!(l, stacks.stack.stop), "stop")}
                                {act(|l| td_string!(l, stacks.stack.restart), "restart")}
                                {act(|l| td_string!(l, stacks.stack.down), "down")}
                                <label><input type="checkbox" bind:checked=remove_volumes />" "{t!(i18n, stacks.stack.remove_volumes)}</label>
                            })}
                            <span class="spacer"></span>
                            {can_update.then(|| view! {
                                <button class="secondary" id="stack-lock" on:click=move |_| simple(format!("/stacks/{id}/{}", if locked { "unlock" } else { "lock" }))>
                                    {move || if locked { t_string!(i18n, stacks.stack.unlock) } else { t_string!(i18n, stacks.stack.lock) }}
                                </button>
                            })}
                            {c.can("stacks:delete").then(|| view! { <button class="danger" disabled=locked on:click=move |_| delete(s2.clone())>{t!(i18n, common.delete)}</button> })}
                        </div>
                        {locked.then(|| view! { <p class="muted">{t!(i18n, stacks.stack.locked_note)}</p> })}
                    </div>
                    <h2>{t!(i18n, stacks.stack.compose_file)}</h2>
                    {move || rollback_notice(i18n.get_locale(), deployments).map(|text| view! { <p class="card info-note" id="stack-rollback-notice" role="status">{text}</p> })}
                    <div class="card">
                        {match s.source {
                            StackSource::Internal => view! {
                                <ComposeEditor endpoint=s.endpoint_id content=content vars=vars />
                                {can_update.then(|| view! { <p><button id="compose-save" disabled=locked on:click=move |_| save(id)>{t!(i18n, stacks.stack.save_compose)}</button><Show when=move || dirty.get()>" "<span class="badge" id="stack-unsaved" role="status">{t!(i18n, stacks.stack.unsaved)}</span></Show></p> })}
                            }.into_any(),
                            StackSource::Git => view! {
                                <p id="stack-git">
                                {t!(i18n, stacks.stack.git_repository)}" "<a href=format!("/projects/{}/git", s.project_id)>{s.repository_id.as_ref().map(short).unwrap_or_default()}</a>
                                    " · "{t!(i18n, stacks.stack.git_file)}" "<code>{s.compose_path.clone().unwrap_or_default()}</code>
                                    {s.env_path.clone().map(|p| view! { " · "{t!(i18n, stacks.stack.git_env_file)}" " <code>{p}</code> })}
                                    " · "{t!(i18n, stacks.stack.git_commit)}" "<code>{s.deployed_commit.as_deref().map(short_sha).unwrap_or_else(|| t_string!(i18n, stacks.stack.git_none).into())}</code>
                                </p>
                                <pre class="logs">{s.compose_content.clone().unwrap_or_else(|| t_string!(i18n, stacks.stack.not_synced).into())}</pre>
                            }.into_any(),
                        }}
                    </div>
                    <StackContainers endpoint=s.endpoint_id name=s.name.clone() />
                    {can_update.then(|| view! {
                        <h2>{t!(i18n, stacks.stack.variables)}</h2>
                        <div class="card">
                            <Variables vars=vars />
                            <div class="inline">
                                <button class="secondary" id="var-add" on:click=move |_| vars.update(|v| v.push(var(StackVariable { key: String::new(), value: None, is_secret: false })))>{t!(i18n, stacks.stack.add_variable)}</button>
                                <button id="vars-save" disabled=locked on:click=move |_| save_vars(id)>{t!(i18n, stacks.stack.save_variables)}</button>
                            </div>
                        </div>
                    })}
                }.into_any()
            }
        })}
        <div hidden=move || out.status.get().is_empty()>
            <h2>{t!(i18n, stacks.stack.output)}</h2>
            <div class="card">
                <strong id="stack-output-status">{move || out.status.get()}</strong>
                <pre class="logs" id="stack-output">{move || out.lines.get().join("\n")}</pre>
            </div>
        </div>
        {move || sid().map(|id| view! {
            <StackLogs id=id />
            <Deployments id=id out=out list=deployments />
        })}
    }
}

/// Containers of the stack (label `com.docker.compose.project`).
#[component]
fn StackContainers(endpoint: Uuid, name: String) -> impl IntoView {
    let path = format!(
        "/endpoints/{endpoint}/containers?all=true&label=com.docker.compose.project%3D{name}"
    );
    let list = api::resource(move || Some(path.clone()));
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, stacks.containers.title)}</h2>
        {move || api::read::<Vec<ContainerSummary>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) if items.is_empty() => view! { <p class="muted">{t!(i18n, stacks.containers.empty)}</p> }.into_any(),
            Ok(items) => view! {
                <table id="stack-containers">
                    <thead><tr>
                        <th>{t!(i18n, stacks.containers.name)}</th>
                        <th>{t!(i18n, stacks.containers.service)}</th>
                        <th>{t!(i18n, stacks.containers.image)}</th>
                        <th>{t!(i18n, stacks.containers.state)}</th>
                        <th>{t!(i18n, stacks.containers.status)}</th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|x| view! {
                            <tr data-name=x.name.clone()>
                                <td><a href=format!("/containers/{endpoint}/{}", x.id)>{x.name.clone()}</a></td>
                                <td>{x.labels.get("com.docker.compose.service").cloned().unwrap_or_default()}</td>
                                <td><code>{x.image}</code></td>
                                <td>{badge(x.state)}</td>
                                <td class="muted">{x.status}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
    }
}

/// Logs of all services, prefixed with the service name.
#[component]
fn StackLogs(id: Uuid) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    let logs = api::resource(move || {
        tick.get();
        c.version.get();
        Some(format!("/stacks/{id}/logs?tail=200"))
    });
    view! {
        <h2>{t!(i18n, stacks.logs.title)}</h2>
        <div class="card">
            <button class="secondary small" id="logs-refresh" on:click=move |_| tick.update(|t| *t += 1)>{t!(i18n, common.refresh)}</button>
            <pre class="logs" id="stack-logs">
                {move || api::read::<Vec<StackLogLine>>(logs).map(|r| match r {
                    Err(e) => view! { <div class="error">{e}</div> }.into_any(),
                    Ok(lines) => lines.into_iter().map(|l| view! {
                        <div class=if l.stream == "stderr" { "error" } else { "" }>{format!("{} | {}", l.service, l.text)}</div>
                    }).collect_view().into_any(),
                })}
            </pre>
        </div>
    }
}

/// The deployment timeline, newest first: expand one for its steps and logs; roll back to a
/// completed one that recorded its images.
#[component]
fn Deployments(id: Uuid, out: Output, list: LocalResource<api::Raw>) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let open = RwSignal::new(None::<Uuid>);
    let details = api::resource(move || open.get().map(|d| format!("/deployments/{d}")));
    view! {
        <h2>{t!(i18n, stacks.deployments.title)}</h2>
        {move || api::read::<Page<Deployment>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(page) => {
                let can = c.can("stacks:deploy");
                let all = page.items.clone();
                view! {
                    <table id="deployments-table">
                        <thead><tr>
                            <th>{t!(i18n, stacks.deployments.started)}</th>
                            <th>{t!(i18n, stacks.deployments.trigger)}</th>
                            <th>{t!(i18n, stacks.deployments.status)}</th>
                            <th>{t!(i18n, stacks.deployments.duration)}</th>
                            <th>{t!(i18n, stacks.deployments.kind)}</th>
                            <th>{t!(i18n, stacks.deployments.images)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().enumerate().map(|(i, d)| {
                                let did = d.id;
                                let dname = StoredValue::new(t_string!(i18n, stacks.deployments.object, when = when(&d.run.started_at)).to_string());
                                // A rollback names the deployment it went back to (review D14).
                                let back_to = d.parent_id.filter(|_| d.kind == DeploymentKind::Rollback).map(|p| td_string!(i18n.get_locale_untracked(), stacks.deployments.rolled_back_to, target = deployment_label(i18n.get_locale_untracked(), &all, p)).to_string());
                                let rollback = can && i > 0 && d.run.status == windflow_api::runs::RunStatus::Succeeded && !d.image_digests.is_empty();
                                view! {
                                    <tr data-id=did.to_string()>
                                        {run_cells(&d.run)}
                                        <td><span class="badge">{d.kind.as_str()}</span>{d.git_commit.as_deref().map(|g| format!(" @ {}", short_sha(g)))}{back_to.map(|t| view! { " "<span class="muted rollback-of">{t}</span> })}</td>
                                        <td>{d.image_digests.iter().map(|(k, v)| view! { <div><code>{format!("{k}: {}", v.rsplit('@').next().unwrap_or(v).chars().take(19).collect::<String>())}</code></div> }).collect_view()}</td>
                                        <td>
                                            <button class="secondary small" on:click=move |_| open.update(|o| *o = if *o == Some(did) { None } else { Some(did) })>{t!(i18n, stacks.deployments.details)}</button>
                                            {rollback.then(|| view! { <button class="small rollback" disabled=move || out.busy.get() on:click=move |_| c.confirm(t_string!(i18n, stacks.deployments.rollback_title), &dname.get_value(), t_string!(i18n, stacks.deployments.rollback_detail), t_string!(i18n, stacks.deployments.rollback_action), move || out.run(format!("/stacks/{id}/deployments/{did}/rollback")))>{t!(i18n, stacks.deployments.rollback)}</button> })}
                                        </td>
                                    </tr>
                                    {move || (open.get() == Some(did)).then(|| view! {
                                        <tr class="details"><td colspan="7">
                                            {move || api::read::<DeploymentDetails>(details).map(|r| match r {
                                                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                                                Ok(x) => view! {
                                                    <ul>{x.events.into_iter().map(|e| view! { <li>{format!("{} {}: {}", when(&e.created_at), e.kind, e.message)}</li> }).collect_view()}</ul>
                                                    <pre class="logs">{x.logs}</pre>
                                                    <details><summary>{t!(i18n, stacks.deployments.compose_deployed)}</summary><pre class="logs">{x.compose_content}</pre></details>
                                                }.into_any(),
                                            })}
                                        </td></tr>
                                    })}
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}

/// Names deployment `id` for the user: "the deployment of <when>" when it is in `items`, else by
/// its short id.
fn deployment_label(l: Locale, items: &[Deployment], id: Uuid) -> String {
    match items.iter().find(|d| d.id == id) {
        Some(d) => {
            td_string!(l, stacks.deployments.object, when = when(&d.run.started_at)).to_string()
        }
        None => td_string!(l, stacks.deployments.object_id, id = short(&id)).to_string(),
    }
}

/// After a rollback (the newest deployment is one, running or succeeded), what runs is the
/// earlier deployment's compose file, not the stack's saved file that the editor shows: says so
/// (review D14).
fn rollback_notice(l: Locale, list: LocalResource<api::Raw>) -> Option<String> {
    let page = api::read::<Page<Deployment>>(list)?.ok()?;
    let newest = page.items.first()?;
    let live = matches!(
        newest.run.status,
        windflow_api::runs::RunStatus::Running | windflow_api::runs::RunStatus::Succeeded
    );
    let parent = newest
        .parent_id
        .filter(|_| live && newest.kind == DeploymentKind::Rollback)?;
    Some(
        td_string!(
            l,
            stacks.stack.rolled_back,
            target = deployment_label(l, &page.items, parent)
        )
        .to_string(),
    )
}
