//! Git of a project (`/projects/:id/git`): credentials (secrets write-only), repositories (sync,
//! webhook secret shown once, the schedule-executions history with logs) and, for superadmins,
//! the platform setting that allows local Git URLs.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use windflow_api::Page;
use windflow_api::git::{
    CreateGitCredential, GitCredential, GitCredentialKind, GitProvider, GitRepository,
    GitRepositoryCreated, GitRepositoryInput, GitSyncStatus, PlatformSettings, ScheduleExecution,
    UpdateGitCredential, WebhookSecret,
};

use crate::api;
use crate::components::{badge, copy, mutate, run_cells, short_sha, when};
use crate::i18n::*;
use crate::state::ctx;

type Creds = LocalResource<api::Raw>;

/// Lower-case name of a unit enum variant (`Https` → `https`).
fn name_of(v: impl std::fmt::Debug) -> String {
    format!("{v:?}").to_lowercase()
}

fn opt(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked()).filter(|v| !v.trim().is_empty())
}

/// `/projects/:id/git`.
#[component]
pub fn GitPage() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let params = use_params_map();
    let pid = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    view! {
        <h1>{t!(i18n, common.titles.git)}</h1>
        {move || pid().map(|p| {
            let creds = api::resource(move || {
                c.version.get();
                Some(format!("/projects/{p}/git-credentials"))
            });
            view! { <Repositories project=p creds=creds /> <Credentials project=p creds=creds /> }
        })}
        {c.is_superadmin().then(|| view! { <PlatformToggle /> })}
    }
}

/// Credentials: list, create (none / https / ssh), edit, delete. Secrets are write-only.
#[component]
fn Credentials(project: Uuid, creds: Creds) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let editing = RwSignal::new(None::<Uuid>);
    let [name, kind, username, token, key, passphrase] =
        ["", "https", "", "", "", ""].map(|v| RwSignal::new(v.to_owned()));
    let reset = move || {
        editing.set(None);
        for s in [name, username, token, key, passphrase] {
            s.set(String::new());
        }
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let edit = editing.get_untracked();
        let (u, t, k, p) = (opt(username), opt(token), opt(key), opt(passphrase));
        let kind = match kind.get_untracked().as_str() {
            "https" => GitCredentialKind::Https,
            "ssh" => GitCredentialKind::Ssh,
            _ => GitCredentialKind::None,
        };
        leptos::task::spawn_local(async move {
            let r = match edit {
                Some(id) => {
                    let req = UpdateGitCredential {
                        name: opt(name),
                        username: u,
                        token: t,
                        private_key: k,
                        passphrase: p,
                    };
                    api::client()
                        .patch::<_, GitCredential>(&format!("/git-credentials/{id}"), &req)
                        .await
                }
                None => {
                    let req = CreateGitCredential {
                        name: name.get_untracked(),
                        kind,
                        username: u,
                        token: t,
                        private_key: k,
                        passphrase: p,
                    };
                    api::client()
                        .post::<_, GitCredential>(
                            &format!("/projects/{project}/git-credentials"),
                            &req,
                        )
                        .await
                }
            };
            match r {
                Ok(x) => {
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            git.credentials.saved,
                            name = x.name
                        )
                        .to_string(),
                        false,
                    );
                    reset();
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let edit = move |x: GitCredential| {
        editing.set(Some(x.id));
        name.set(x.name);
        kind.set(name_of(x.kind));
        username.set(x.username.unwrap_or_default());
    };
    view! {
        <h2>{t!(i18n, git.credentials.title)}</h2>
        {(c.can("git:create") || c.can("git:update")).then(|| view! {
            <div class="card">
                <form class="stack" on:submit=save>
                    <div class="inline">
                        <input id="cred-name" placeholder=move || t_string!(i18n, git.credentials.name) bind:value=name required />
                        <select aria-label=move || t_string!(i18n, git.credentials.kind) id="cred-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev)) prop:disabled=move || editing.get().is_some()>
                            <option value="none">{t!(i18n, git.credentials.kind_none)}</option>
                            <option value="https">{t!(i18n, git.credentials.kind_https)}</option>
                            <option value="ssh">{t!(i18n, git.credentials.kind_ssh)}</option>
                        </select>
                            <input id="cred-username" hidden=move || kind.get() == "none" placeholder=move || if kind.get() == "ssh" { t_string!(i18n, git.credentials.ssh_user) } else { t_string!(i18n, git.credentials.username) } bind:value=username />
                            <input id="cred-token" hidden=move || kind.get() != "https" type="password" autocomplete="new-password" placeholder=move || if editing.get().is_some() { t_string!(i18n, git.credentials.token_keep) } else { t_string!(i18n, git.credentials.token) } bind:value=token />
                        <button id="cred-save" type="submit">{move || if editing.get().is_some() { t_string!(i18n, git.credentials.save) } else { t_string!(i18n, git.credentials.add) }}</button>
                            <button class="secondary" type="button" hidden=move || editing.get().is_none() on:click=move |_| reset()>{t!(i18n, common.cancel)}</button>
                    </div>
                        <div class="inline tls" hidden=move || kind.get() != "ssh">
                            <textarea id="cred-key" rows="3" placeholder=move || if editing.get().is_some() { t_string!(i18n, git.credentials.key_keep) } else { t_string!(i18n, git.credentials.key) } bind:value=key></textarea>
                            <input id="cred-passphrase" type="password" autocomplete="new-password" placeholder=move || t_string!(i18n, git.credentials.passphrase) bind:value=passphrase />
                        </div>
                    <p class="muted">{t!(i18n, git.credentials.note)}</p>
                </form>
            </div>
        })}
        {move || api::read::<Page<GitCredential>>(creds).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(page) => {
                let (can_edit, can_delete) = (c.can("git:update"), c.can("git:delete"));
                view! {
                    <table id="creds-table">
                        <thead><tr>
                            <th>{t!(i18n, git.credentials.col_name)}</th>
                            <th>{t!(i18n, git.credentials.col_kind)}</th>
                            <th>{t!(i18n, git.credentials.col_username)}</th>
                            <th>{t!(i18n, git.credentials.col_secrets)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|x| {
                                let id = x.id;
                                let secrets = match (x.has_secret, x.has_passphrase, x.kind) {
                                    (false, _, _) => t_string!(i18n, common.none),
                                    (true, true, _) => t_string!(i18n, git.credentials.key_and_passphrase_stored),
                                    (true, false, GitCredentialKind::Ssh) => t_string!(i18n, git.credentials.key_stored),
                                    (true, false, _) => t_string!(i18n, git.credentials.token_stored),
                                };
                                let x2 = x.clone();
                                let cname = StoredValue::new(x.name.clone());
                                view! {
                                    <tr>
                                        <td>{x.name.clone()}</td>
                                        <td><span class="badge">{name_of(x.kind)}</span></td>
                                        <td>{x.username.clone().unwrap_or_default()}</td>
                                        <td class="muted">{secrets}{x.bound_host.clone().map(|h| view! { <div class="cred-host">{t_string!(i18n, git.credentials.bound_to, host = h).to_string()}</div> })}</td>
                                        <td>
                                            {can_edit.then(|| view! { <button class="secondary small" on:click=move |_| edit(x2.clone())>{t!(i18n, common.edit)}</button> })}
                                            {can_delete.then(|| view! { <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, git.credentials.delete_title), &cname.get_value(), t_string!(i18n, git.credentials.delete_detail), t_string!(i18n, common.delete), move || mutate(async move { api::client().delete(&format!("/git-credentials/{id}")).await }))>{t!(i18n, common.delete)}</button> })}
                                        </td>
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

const PROVIDERS: [(&str, GitProvider); 4] = [
    ("github", GitProvider::Github),
    ("gitlab", GitProvider::Gitlab),
    ("gitea", GitProvider::Gitea),
    ("other", GitProvider::Other),
];

/// Repositories: list, create/edit, sync now, rotate the webhook secret, history.
#[component]
fn Repositories(project: Uuid, creds: Creds) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        Some(format!("/projects/{project}/git-repositories"))
    });
    let editing = RwSignal::new(None::<Uuid>);
    let [name, provider, url, branch, path, cred, cron] =
        ["", "github", "", "main", "docker-compose.yml", "", ""]
            .map(|v| RwSignal::new(v.to_owned()));
    let secret = RwSignal::new(None::<WebhookSecret>);
    let history = RwSignal::new(None::<Uuid>);
    let redeploy = RwSignal::new(false);
    let reset = move || {
        editing.set(None);
        for (s, v) in [
            (name, ""),
            (url, ""),
            (branch, "main"),
            (path, "docker-compose.yml"),
            (cred, ""),
            (cron, ""),
        ] {
            s.set(v.into());
        }
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let req = GitRepositoryInput {
            name: name.get_untracked(),
            provider: PROVIDERS
                .iter()
                .find(|(k, _)| *k == provider.get_untracked())
                .map_or(GitProvider::Other, |p| p.1),
            url: url.get_untracked(),
            branch: opt(branch).unwrap_or_else(|| "main".into()),
            compose_path: opt(path).unwrap_or_else(|| "docker-compose.yml".into()),
            credential_id: cred.get_untracked().parse().ok(),
            sync_cron: opt(cron),
        };
        let edit = editing.get_untracked();
        leptos::task::spawn_local(async move {
            let r = match edit {
                Some(id) => api::client()
                    .put::<_, GitRepository>(&format!("/git-repositories/{id}"), &req)
                    .await
                    .map(|_| ()),
                None => api::client()
                    .post::<_, GitRepositoryCreated>(
                        &format!("/projects/{project}/git-repositories"),
                        &req,
                    )
                    .await
                    .map(|x| secret.set(Some(x.webhook))),
            };
            match r {
                Ok(()) => {
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), git.repos.saved),
                        false,
                    );
                    reset();
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let edit = move |r: GitRepository| {
        editing.set(Some(r.id));
        name.set(r.name);
        provider.set(name_of(r.provider));
        url.set(r.url);
        branch.set(r.branch);
        path.set(r.compose_path);
        cred.set(r.credential_id.map(|c| c.to_string()).unwrap_or_default());
        cron.set(r.sync_cron.unwrap_or_default());
    };
    let sync = move |id: Uuid| {
        let q = redeploy.get_untracked();
        leptos::task::spawn_local(async move {
            match api::client()
                .post::<_, ScheduleExecution>(
                    &format!("/git-repositories/{id}/sync?redeploy={q}"),
                    &(),
                )
                .await
            {
                // Reported even when the user has left the page meanwhile (issue 13).
                Ok(x) => c.notify(
                    {
                        let l = i18n.get_locale_untracked();
                        let status = x.run.status.to_string();
                        match x.error {
                            Some(error) => {
                                td_string!(l, git.repos.sync_error, status = status, error = error)
                                    .to_string()
                            }
                            None => td_string!(l, git.repos.sync_done, status = status).to_string(),
                        }
                    },
                    x.run.status == windflow_api::runs::RunStatus::Succeeded,
                    Some(format!("/projects/{project}/git")),
                ),
                Err(e) => c.error(&e),
            }
            history.set(Some(id));
            c.version.update(|v| *v += 1);
        });
    };
    let rotate = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            match api::client()
                .post::<_, WebhookSecret>(&format!("/git-repositories/{id}/webhook-secret"), &())
                .await
            {
                Ok(w) => secret.set(Some(w)),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h2>{t!(i18n, git.repos.title)}</h2>
        {(c.can("git:create") || c.can("git:update")).then(|| view! {
            <div class="card">
                <form class="inline" on:submit=save>
                    <input id="repo-name" placeholder=move || t_string!(i18n, git.repos.name) bind:value=name required />
                    <select aria-label=move || t_string!(i18n, git.repos.provider) id="repo-provider" prop:value=move || provider.get() on:change=move |ev| provider.set(event_target_value(&ev))>
                        {PROVIDERS.iter().map(|(k, _)| view! { <option value=*k>{*k}</option> }).collect_view()}
                    </select>
                    <input id="repo-url" placeholder=move || t_string!(i18n, git.repos.url) bind:value=url required size="40" />
                    <input id="repo-branch" placeholder=move || t_string!(i18n, git.repos.branch) bind:value=branch size="10" />
                    <input id="repo-path" placeholder=move || t_string!(i18n, git.repos.compose_path) bind:value=path />
                    <select aria-label=move || t_string!(i18n, git.repos.credential) id="repo-cred" prop:value=move || cred.get() on:change=move |ev| cred.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, git.repos.anonymous)}</option>
                        {move || api::read::<Page<GitCredential>>(creds).and_then(Result::ok).map(|p| p.items.into_iter().map(|x| view! {
                            <option value=x.id.to_string()>{x.name}</option>
                        }).collect_view())}
                    </select>
                    <input id="repo-cron" placeholder=move || t_string!(i18n, git.repos.cron) bind:value=cron size="24" />
                    <button id="repo-save" type="submit">{move || if editing.get().is_some() { t_string!(i18n, git.repos.save) } else { t_string!(i18n, git.repos.add) }}</button>
                        <button class="secondary" type="button" hidden=move || editing.get().is_none() on:click=move |_| reset()>{t!(i18n, common.cancel)}</button>
                </form>
            </div>
        })}
        {move || secret.get().map(|w| {
            let full = format!("{}/api/v1{}", web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default(), w.webhook_path);
            let (u2, s2) = (full.clone(), w.webhook_secret.clone());
            view! {
                <div class="card notice" id="webhook-panel">
                    <strong>{t!(i18n, git.webhook.title)}</strong>
                    <p>{t!(i18n, git.webhook.payload_url)}" "<code id="webhook-url">{full}</code>" "<button class="secondary small" on:click=move |_| copy(&u2)>{t!(i18n, git.webhook.copy)}</button></p>
                    <p>{t!(i18n, git.webhook.secret)}" "<code id="webhook-secret">{w.webhook_secret}</code>" "<button class="secondary small" on:click=move |_| copy(&s2)>{t!(i18n, git.webhook.copy)}</button></p>
                    <p class="muted">{t!(i18n, git.webhook.note)}</p>
                    <button class="small" on:click=move |_| secret.set(None)>{t!(i18n, git.webhook.done)}</button>
                </div>
            }
        })}
        <label><input type="checkbox" bind:checked=redeploy />" "{t!(i18n, git.repos.redeploy)}</label>
        {move || api::read::<Page<GitRepository>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(page) => {
                let (can_sync, can_edit, can_delete) = (c.can("git:sync"), c.can("git:update"), c.can("git:delete"));
                view! {
                    <table id="repos-table">
                        <thead><tr>
                            <th>{t!(i18n, git.repos.col_name)}</th>
                            <th>{t!(i18n, git.repos.col_remote)}</th>
                            <th>{t!(i18n, git.repos.col_sync)}</th>
                            <th>{t!(i18n, git.repos.col_commit)}</th>
                            <th>{t!(i18n, git.repos.col_last_next)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|r| {
                                let id = r.id;
                                let status = match r.sync_status {
                                    GitSyncStatus::Never => "never",
                                    GitSyncStatus::Syncing => "syncing",
                                    GitSyncStatus::Synced => "synced",
                                    GitSyncStatus::Error => "error",
                                };
                                let r2 = r.clone();
                                let rname = StoredValue::new(r.name.clone());
                                view! {
                                    <tr data-name=r.name.clone()>
                                        <td><strong>{r.name.clone()}</strong><div class="muted">{name_of(r.provider)}</div></td>
                                        <td><code>{r.url.clone()}</code><div class="muted">{format!("{} · {}", r.branch, r.compose_path)}</div>
                                            {r.ssh_host_key.clone().map(|k| view! { <div class="muted repo-host-key" title=move || t_string!(i18n, git.repos.host_key_title)>{t_string!(i18n, git.repos.host_key, key = k).to_string()}</div> })}</td>
                                        <td title=r.sync_error.clone().unwrap_or_default()>{badge(status.into())}</td>
                                        <td><code>{r.last_commit.as_deref().map(short_sha).unwrap_or_default()}</code></td>
                                        <td class="muted">
                                            {r.last_synced_at.as_ref().map(when).unwrap_or_else(|| t_string!(i18n, common.none).into())}
                                            <div>{r.next_sync_at.as_ref().map(|t| t_string!(i18n, git.repos.next, when = when(t)).to_string()).unwrap_or_else(|| r.sync_cron.clone().map_or(t_string!(i18n, git.repos.no_schedule).into(), |c| t_string!(i18n, git.repos.cron_of, cron = c).to_string()))}</div>
                                        </td>
                                        <td>
                                            {can_sync.then(|| view! { <button class="small repo-sync" on:click=move |_| sync(id)>{t!(i18n, git.repos.sync_now)}</button> })}
                                            <button class="secondary small" on:click=move |_| history.set(Some(id))>{t!(i18n, git.repos.history)}</button>
                                            {can_edit.then(|| view! {
                                                <button class="secondary small" on:click=move |_| edit(r2.clone())>{t!(i18n, common.edit)}</button>
                                                <button class="secondary small" on:click=move |_| c.confirm(t_string!(i18n, git.repos.rotate_title), &rname.get_value(), t_string!(i18n, git.repos.rotate_detail), t_string!(i18n, git.repos.rotate_action), move || rotate(id))>{t!(i18n, git.repos.rotate)}</button>
                                            })}
                                            {can_delete.then(|| view! { <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, git.repos.delete_title), &rname.get_value(), t_string!(i18n, git.repos.delete_detail), t_string!(i18n, common.delete), move || mutate(async move { api::client().delete(&format!("/git-repositories/{id}")).await }))>{t!(i18n, common.delete)}</button> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
        {move || history.get().map(|id| view! { <Executions repo=id /> })}
    }
}

/// The sync history (schedule executions) of one repository; one execution's logs on demand.
#[component]
fn Executions(repo: Uuid) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        Some(format!("/git-repositories/{repo}/executions"))
    });
    let open = RwSignal::new(None::<Uuid>);
    let detail = api::resource(move || open.get().map(|id| format!("/schedule-executions/{id}")));
    view! {
        <h2>{t!(i18n, git.executions.title)}</h2>
        {move || api::read::<Page<ScheduleExecution>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(page) => view! {
                <table id="executions-table">
                    <thead><tr>
                        <th>{t!(i18n, git.executions.started)}</th>
                        <th>{t!(i18n, git.executions.trigger)}</th>
                        <th>{t!(i18n, git.executions.status)}</th>
                        <th>{t!(i18n, git.executions.duration)}</th>
                        <th>{t!(i18n, git.executions.commit)}</th>
                        <th>{t!(i18n, git.executions.error)}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|x| {
                            let id = x.id;
                            view! {
                                <tr>
                                    {run_cells(&x.run)}
                                    <td><code>{x.commit.as_deref().map(short_sha).unwrap_or_default()}</code></td>
                                    <td class="error">{x.error.unwrap_or_default()}</td>
                                    <td><button class="secondary small" on:click=move |_| open.set(Some(id))>{t!(i18n, git.executions.logs)}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
        {move || api::read::<ScheduleExecution>(detail).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(x) => view! { <pre class="logs" id="execution-logs">{x.logs.unwrap_or_default()}</pre> }.into_any(),
        })}
    }
}

/// `allow_local_git_urls` (superadmins): `file://` and loopback Git URLs. The other setting is
/// sent back as read.
#[component]
fn PlatformToggle() -> impl IntoView {
    let i18n = use_i18n();
    let settings = api::resource(|| Some("/settings/platform".into()));
    let set = move |on: bool| {
        mutate(async move {
            let c = api::client();
            let cur = c
                .get::<PlatformSettings>("/settings/platform")
                .await
                .map(|s| s.allow_local_endpoints)
                .unwrap_or(false);
            c.put::<_, PlatformSettings>(
                "/settings/platform",
                &PlatformSettings {
                    allow_local_git_urls: on,
                    allow_local_endpoints: cur,
                },
            )
            .await
            .map(|_| ())
        });
    };
    view! {
        <h2>{t!(i18n, git.platform.title)}</h2>
        <div class="card">
            {move || api::read::<PlatformSettings>(settings).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(s) => view! {
                    <label><input id="allow-local-git" type="checkbox" prop:checked=s.allow_local_git_urls on:change=move |ev| set(event_target_checked(&ev)) />
                        " "{t!(i18n, git.platform.allow_local)}</label>
                }.into_any(),
            })}
        </div>
    }
}
