//! Pages loaded on navigation (issue 13, code splitting). Each page group (home, access, Docker,
//! stacks, Git, audit) is one wasm module, split off the main module at build time by
//! `wasm-split-cli` (frontend/tools) and fetched the first time one of its routes matches; the
//! login and setup pages and the shell stay in the main module, which is all a first visit
//! downloads. Code shared by several groups goes into `chunk_*.wasm` modules fetched with them.
//!
//! Each route is a `leptos_router::LazyRoute` whose view calls a `#[wasm_split(<group>)]`
//! function (every function with the same group name lands in the same module). The split is
//! `fallible`: a module that cannot be fetched (the connection dropped, or the server was
//! upgraded since this tab opened and the old module is gone) shows a page that offers a
//! reload, where Leptos's own `#[lazy]` would panic and stop the app.
use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use leptos_router::LazyRoute;

use crate::i18n::*;
use crate::pages;

/// A page group's module could not be fetched.
pub struct PageLoadError;

impl From<SplitLoaderError> for PageLoadError {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

fn load_failed() -> AnyView {
    let i18n = use_i18n();
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! {
        <div class="content" role="alert">
            <h1>{t!(i18n, common.load_failed.title)}</h1>
            <p class="muted">{t!(i18n, common.load_failed.text)}</p>
            <button id="page-reload" on:click=reload>{t!(i18n, common.load_failed.reload)}</button>
        </div>
    }
    .into_any()
}

/// `group { Route / split_fn / title_key => view; … }`: a `LazyRoute` per page, its view in the
/// group's module; `title_key` names the page's title in the catalogue (`common.titles`).
macro_rules! page_groups {
    ($($group:ident { $($route:ident / $split:ident / $title:ident => $view:expr;)* })*) => {$($(
        #[wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $split() -> Result<AnyView, PageLoadError> {
            Ok($view.into_any())
        }

        #[doc = concat!("The `", stringify!($group), "` page `", stringify!($route), "`.")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                fn title(l: Locale) -> &'static str {
                    td_string!(l, common.titles.$title)
                }
                // Each page names itself in the tab and the history (review D29; `state`
                // keeps `document.title` in the chosen language); the breadcrumbs end with the
                // page's title until the page sets its own trail.
                if let Some(c) = use_context::<crate::state::AppCtx>() {
                    c.page_title.set(Some(title));
                    c.trail.set(vec![]);
                }
                $split().await.unwrap_or_else(|_| load_failed())
            }
        }
    )*)*};
}

page_groups! {
    home {
        HomePage / home_view / home => view! { <pages::home::Home /> };
    }
    access {
        OrganizationsPage / organizations_view / organizations => view! { <pages::orgs::Organizations /> };
        ProjectsPage / projects_view / projects => view! { <pages::projects::Projects /> };
        EnvironmentsPage / environments_view / environments => view! { <pages::projects::Environments /> };
        MembersPage / members_view / members => view! { <pages::members::Members /> };
        GroupsPage / groups_view / groups => view! { <pages::members::Groups /> };
        RolesPage / roles_view / roles => view! { <pages::roles::Roles /> };
        UsersPage / users_view / users => view! { <pages::users::Users /> };
        SessionsPage / sessions_view / sessions => view! { <pages::users::Sessions /> };
        AccountPage / account_view / account => view! { <pages::account::Account /> };
    }
    audit {
        AuditPage / audit_view / audit => view! { <pages::audit::Audit /> };
    }
    settings {
        SettingsPage / settings_view / settings => view! { <pages::settings::Settings /> };
    }
    docker {
        EndpointsPage / endpoints_view / endpoints => view! { <pages::docker::endpoints::Endpoints /> };
        ContainersPage / containers_view / containers => view! { <pages::docker::containers::Containers /> };
        ContainerNewPage / container_new_view / container_new => view! { <pages::docker::container_new::ContainerNew /> };
        ContainerPage / container_view / container => view! { <pages::docker::container::ContainerPage /> };
        RegistriesPage / registries_view / registries => view! { <pages::docker::registries::Registries /> };
        EndpointPage / endpoint_view / endpoint => view! { <pages::docker::endpoint::EndpointPage stacks=pages::stacks::Stacks /> };
    }
    stacks {
        StackPage / stack_view / stack => view! { <pages::stack::StackPage /> };
    }
    git {
        GitPage / git_view / git => view! { <pages::git::GitPage /> };
    }
}
