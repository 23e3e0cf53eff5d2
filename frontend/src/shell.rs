//! The app shell: authentication gate, navigation, organization → project → environment
//! switcher, theme toggle and logout.
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::users::{Theme, UpdateUser};

use crate::api;
use crate::components::{LanguageSelect, SearchDialog};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Shell() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let ready = RwSignal::new(false);
    let searching = RwSignal::new(false);
    // Narrow screens (review D31): the sidebar folds away behind the topbar's Menu button and
    // closes again when a link is followed.
    let nav_open = RwSignal::new(false);
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
        <Show when=move || ready.get() fallback=move || view! { <div class="auth muted">{t!(i18n, common.loading)}</div> }>
            <div class="layout" class:nav-open=move || nav_open.get()>
                <nav class="sidebar" id="sidebar" aria-label=move || t_string!(i18n, common.nav.main) on:click=move |ev| {
                    use wasm_bindgen::JsCast;
                    let on_link = ev.target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|e| e.closest("a").ok().flatten())
                        .is_some();
                    if on_link {
                        nav_open.set(false);
                    }
                }>
                    <div class="brand">"WindFlow"</div>
                    <A href="/" exact=true>{t!(i18n, common.nav.home)}</A>
                    <div class="section">{t!(i18n, common.nav.tenancy)}</div>
                    <A href="/organizations">{t!(i18n, common.nav.organizations)}</A>
                    <A href="/projects" exact=true>{t!(i18n, common.nav.projects)}</A>
                    <A href="/environments">{t!(i18n, common.nav.environments)}</A>
                    <div class="section">{t!(i18n, common.nav.docker)}</div>
                    <A href="/endpoints">{t!(i18n, common.nav.endpoints)}</A>
                    <A href="/containers">{t!(i18n, common.nav.containers)}</A>
                    <A href="/registries">{t!(i18n, common.nav.registries)}</A>
                    {move || c.project.get().map(|p| view! { <A href=format!("/projects/{p}/git")>{t!(i18n, common.nav.git)}</A> })}
                    <div class="section">{t!(i18n, common.nav.access)}</div>
                    <A href="/members">{t!(i18n, common.nav.members)}</A>
                    <A href="/groups">{t!(i18n, common.nav.groups)}</A>
                    <A href="/roles">{t!(i18n, common.nav.roles)}</A>
                    <Show when=move || c.is_superadmin()>
                        <A href="/users">{t!(i18n, common.nav.users)}</A>
                    </Show>
                    <div class="section">{t!(i18n, common.nav.account)}</div>
                    <A href="/account">{t!(i18n, common.nav.my_account)}</A>
                    <A href="/sessions">{t!(i18n, common.nav.my_sessions)}</A>
                    <A href="/audit">{t!(i18n, common.nav.audit)}</A>
                    <Show when=move || c.is_superadmin()>
                        <div class="section">{t!(i18n, common.nav.administration)}</div>
                        <A href="/settings">{t!(i18n, common.nav.settings)}</A>
                    </Show>
                </nav>
                <div class="main">
                    <Topbar searching=searching nav_open=nav_open />
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
fn Topbar(searching: RwSignal<bool>, nav_open: RwSignal<bool>) -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
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
            <button
                class="secondary small"
                id="nav-toggle"
                aria-controls="sidebar"
                aria-expanded=move || nav_open.get().to_string()
                on:click=move |_| nav_open.update(|o| *o = !*o)
            >
                {t!(i18n, common.topbar.menu)}
            </button>
            <label>
                {t!(i18n, common.topbar.organization)}
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
                {t!(i18n, common.topbar.project)}
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
                {t!(i18n, common.topbar.environment)}
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
                {t!(i18n, common.topbar.search)} " " <kbd>"Ctrl K"</kbd>
            </button>
            <Notices />
            <LanguageSelect />
            <button class="secondary small" id="theme-toggle" on:click=toggle_theme>
                {move || if c.theme.get() == "dark" { t_string!(i18n, common.topbar.light_theme) } else { t_string!(i18n, common.topbar.dark_theme) }}
            </button>
            <span class="muted" id="whoami">{move || c.session.get().map(|s| s.user.username).unwrap_or_default()}</span>
            <button class="secondary small" id="logout" on:click=logout>{t!(i18n, common.topbar.logout)}</button>
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
    let i18n = use_i18n();
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
            if let Some(title) = c.page_title.get() {
                crumbs.push((title(i18n.get_locale()).to_owned(), None));
            }
        } else {
            crumbs.extend(trail);
        }
        crumbs
    };
    view! {
        <nav class="crumbs" id="breadcrumbs" aria-label=move || t_string!(i18n, common.topbar.breadcrumb)>
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
    let i18n = use_i18n();
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
                {t!(i18n, common.notices.title)}
                <Show when=move || { unread() > 0 }>
                    " " <span class="count" id="notices-unread">{unread}</span>
                </Show>
            </button>
            <div class="notices-panel card" id="notices-list" hidden=move || !open.get()>
                <Show
                    when=move || c.notices.with(|n| !n.is_empty())
                    fallback=move || view! { <p class="muted">{t!(i18n, common.notices.empty)}</p> }
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
