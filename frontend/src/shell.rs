//! The app shell: authentication gate, navigation, organization → project → environment
//! switcher, theme toggle and logout.
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::users::{Theme, UpdateUser};

use crate::api;
use crate::components::SearchDialog;
use crate::state::ctx;

#[component]
pub fn Shell() -> impl IntoView {
    let c = ctx();
    let navigate = use_navigate();
    let ready = RwSignal::new(false);
    let searching = RwSignal::new(false);
    // Gate: setup first, then a session.
    leptos::task::spawn_local(async move {
        let client = api::client();
        if client
            .setup_status()
            .await
            .map(|s| s.required)
            .unwrap_or(false)
        {
            navigate("/setup", Default::default());
            return;
        }
        match c.reload_session().await {
            Ok(()) => ready.set(true),
            Err(e) if e.code() == Some(ErrorCode::Unauthenticated) => {
                navigate("/login", Default::default())
            }
            Err(e) => c.error(&e),
        }
    });
    view! {
        <Show when=move || ready.get() fallback=|| view! { <div class="auth muted">"Loading…"</div> }>
            <div class="layout">
                <nav class="sidebar">
                    <div class="brand">"WindFlow"</div>
                    <A href="/" exact=true>"Home"</A>
                    <div class="section">"Tenancy"</div>
                    <A href="/organizations">"Organizations"</A>
                    <A href="/projects" exact=true>"Projects"</A>
                    <A href="/environments">"Environments"</A>
                    <div class="section">"Docker"</div>
                    <A href="/endpoints">"Endpoints"</A>
                    <A href="/containers">"Containers"</A>
                    <A href="/registries">"Registries"</A>
                    {move || c.project.get().map(|p| view! { <A href=format!("/projects/{p}/git")>"Git"</A> })}
                    <div class="section">"Access"</div>
                    <A href="/members">"Members"</A>
                    <A href="/groups">"Groups"</A>
                    <A href="/roles">"Roles & bindings"</A>
                    <Show when=move || c.is_superadmin()>
                        <A href="/users">"Users"</A>
                    </Show>
                    <div class="section">"Account"</div>
                    <A href="/account">"My account"</A>
                    <A href="/sessions">"My sessions"</A>
                    <A href="/audit">"Audit log"</A>
                    <Show when=move || c.is_superadmin()>
                        <div class="section">"Administration"</div>
                        <A href="/settings">"Settings"</A>
                    </Show>
                </nav>
                <div class="main">
                    <Topbar searching=searching />
                    <div class="content">
                        <Outlet />
                    </div>
                </div>
            </div>
            <SearchDialog open=searching />
        </Show>
    }
}

fn parse_opt(v: String) -> Option<Uuid> {
    v.parse().ok()
}

#[component]
fn Topbar(searching: RwSignal<bool>) -> impl IntoView {
    let c = ctx();
    let navigate = use_navigate();
    let orgs = api::resource(move || {
        c.version.get();
        c.session.track();
        Some("/organizations?limit=200&sort=name".into())
    });
    let projects = api::resource(move || {
        c.version.get();
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/projects?limit=200&sort=name"))
    });
    let envs = api::resource(move || {
        c.version.get();
        c.project
            .get()
            .map(|p| format!("/projects/{p}/environments?limit=200&sort=name"))
    });
    // The switchers hold a selection that exists (review D21): a selected project or
    // environment that is gone (deleted, or of another organization) is dropped, and where the
    // level above offers exactly one, that one is selected (a fresh login with one project and
    // one environment lands ready to work). Lists of another parent (a refetch in flight) are
    // ignored.
    Effect::new(move |_| {
        let Some(org) = c.org.get() else { return };
        let Some(Ok(page)) =
            api::read::<windflow_api::Page<windflow_api::tenancy::Project>>(projects)
        else {
            return;
        };
        if page.items.iter().any(|p| p.organization_id != org) {
            return;
        }
        let chosen = c.project.get_untracked();
        if chosen.is_some_and(|p| !page.items.iter().any(|x| x.id == p)) || chosen.is_none() {
            let only = (page.items.len() == 1).then(|| page.items[0].id);
            if only != chosen {
                c.project.set(only);
                c.env.set(None);
            }
        }
    });
    Effect::new(move |_| {
        let Some(project) = c.project.get() else {
            return;
        };
        let Some(Ok(page)) =
            api::read::<windflow_api::Page<windflow_api::tenancy::Environment>>(envs)
        else {
            return;
        };
        if page.items.iter().any(|e| e.project_id != project) {
            return;
        }
        let chosen = c.env.get_untracked();
        if chosen.is_some_and(|e| !page.items.iter().any(|x| x.id == e)) || chosen.is_none() {
            let only = (page.items.len() == 1).then(|| page.items[0].id);
            if only != chosen {
                c.env.set(only);
            }
        }
    });
    let logout = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let _ = api::client().logout().await;
            c.session.set(None);
            navigate("/login", Default::default());
        });
    };
    // The theme is the user's `theme` field: saved through the API, applied at once.
    let toggle_theme = move |_| {
        let dark = c.theme.get_untracked() != "dark";
        let next = if dark { "dark" } else { "light" };
        api::store("wf.theme", Some(next));
        c.theme.set(next.into());
        let Some(me) = c.session.get_untracked().map(|s| s.user.id) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let theme = if dark { Theme::Dark } else { Theme::Light };
            if let Err(e) = api::client()
                .update_user(
                    me,
                    &UpdateUser {
                        theme: Some(theme),
                        ..Default::default()
                    },
                )
                .await
            {
                c.error(&e);
            }
        });
    };
    view! {
        <header class="topbar">
            <label>
                "Organization"
                <select id="org-switch" on:change=move |ev| {
                    c.org.set(parse_opt(event_target_value(&ev)));
                    c.project.set(None);
                    c.env.set(None);
                }>
                    <option value="">"—"</option>
                    {move || api::items::<windflow_api::tenancy::Organization>(orgs).into_iter().map(|o| {
                        let selected = c.org.get() == Some(o.id);
                        view! { <option value=o.id.to_string() selected=selected>{o.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Project"
                <select id="project-switch" on:change=move |ev| {
                    c.project.set(parse_opt(event_target_value(&ev)));
                    c.env.set(None);
                }>
                    <option value="">"—"</option>
                    {move || api::items::<windflow_api::tenancy::Project>(projects).into_iter().map(|p| {
                        let selected = c.project.get() == Some(p.id);
                        view! { <option value=p.id.to_string() selected=selected>{p.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Environment"
                <select id="env-switch" on:change=move |ev| c.env.set(parse_opt(event_target_value(&ev)))>
                    <option value="">"—"</option>
                    {move || api::items::<windflow_api::tenancy::Environment>(envs).into_iter().map(|e| {
                        let selected = c.env.get() == Some(e.id);
                        view! { <option value=e.id.to_string() selected=selected>{e.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <span class="spacer"></span>
            <button class="secondary small" id="search-open" aria-keyshortcuts="Control+K" on:click=move |_| searching.set(true)>
                "Search " <kbd>"Ctrl K"</kbd>
            </button>
            <Notices />
            <button class="secondary small" id="theme-toggle" on:click=toggle_theme>
                {move || if c.theme.get() == "dark" { "Light theme" } else { "Dark theme" }}
            </button>
            <span class="muted" id="whoami">{move || c.session.get().map(|s| s.user.username).unwrap_or_default()}</span>
            <button class="secondary small" id="logout" on:click=logout>"Log out"</button>
        </header>
        <Breadcrumbs orgs=orgs projects=projects envs=envs />
    }
}

/// Where the page is: organization › project › environment (from the scope switchers, each a
/// link to its list) › the page's own trail or its title. `aria-current` marks the page.
#[component]
fn Breadcrumbs(
    orgs: LocalResource<api::Raw>,
    projects: LocalResource<api::Raw>,
    envs: LocalResource<api::Raw>,
) -> impl IntoView {
    use windflow_api::tenancy::{Environment, Organization, Project};
    let c = ctx();
    let scope = move || {
        let mut crumbs: Vec<(String, Option<String>)> = vec![];
        if let Some(o) = c.org.get() {
            let name = api::items::<Organization>(orgs)
                .into_iter()
                .find(|x| x.id == o)
                .map(|x| x.name);
            crumbs.extend(name.map(|n| (n, Some("/".to_owned()))));
        }
        if let Some(p) = c.project.get() {
            let name = api::items::<Project>(projects)
                .into_iter()
                .find(|x| x.id == p)
                .map(|x| x.name);
            crumbs.extend(name.map(|n| (n, Some("/projects".to_owned()))));
        }
        if let Some(e) = c.env.get() {
            let name = api::items::<Environment>(envs)
                .into_iter()
                .find(|x| x.id == e)
                .map(|x| x.name);
            crumbs.extend(name.map(|n| (n, Some("/environments".to_owned()))));
        }
        let trail = c.trail.get();
        if trail.is_empty() {
            let title = c.page_title.get();
            if !title.is_empty() {
                crumbs.push((title.to_owned(), None));
            }
        } else {
            crumbs.extend(trail);
        }
        crumbs
    };
    view! {
        <nav class="crumbs" id="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                {move || {
                    let all = scope();
                    let last = all.len().saturating_sub(1);
                    all.into_iter().enumerate().map(|(i, (label, link))| match link {
                        Some(href) if i < last => view! { <li><a href=href>{label}</a></li> }.into_any(),
                        _ => view! { <li aria-current="page">{label}</li> }.into_any(),
                    }).collect_view()
                }}
            </ol>
        </nav>
    }
}

/// The bell: how many long actions finished unseen, and the list of recent ones (newest
/// first, each a link to where it happened). Opening the list marks them seen.
#[component]
fn Notices() -> impl IntoView {
    let c = ctx();
    let open = RwSignal::new(false);
    let unread = move || c.notices.with(|n| n.iter().filter(|x| x.unread).count());
    let toggle = move |_| {
        let now = !open.get_untracked();
        open.set(now);
        if now {
            c.notices
                .update(|n| n.iter_mut().for_each(|x| x.unread = false));
        }
    };
    view! {
        <div class="notices">
            <button
                class="secondary small"
                id="notices-open"
                aria-expanded=move || open.get().to_string()
                aria-controls="notices-list"
                on:click=toggle
            >
                "Notifications"
                <Show when=move || { unread() > 0 }>
                    " " <span class="count" id="notices-unread">{unread}</span>
                </Show>
            </button>
            <div class="notices-panel card" id="notices-list" hidden=move || !open.get()>
                <Show
                    when=move || c.notices.with(|n| !n.is_empty())
                    fallback=|| view! { <p class="muted">"Deploys, pulls and syncs you start are reported here when they finish."</p> }
                >
                    <ul>
                        {move || c.notices.get().into_iter().map(|n| {
                            let text = n.text.clone();
                            let body = match n.link.clone() {
                                Some(href) => view! { <a href=href on:click=move |_| open.set(false)>{text}</a> }.into_any(),
                                None => view! { <span>{text}</span> }.into_any(),
                            };
                            view! {
                                <li class=if n.ok { "ok" } else { "error" }>
                                    {body}
                                    <span class="muted small">" " {n.at.clone()}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </div>
        </div>
    }
}
