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

use crate::pages;

/// A page group's module could not be fetched.
pub struct PageLoadError;

impl From<SplitLoaderError> for PageLoadError {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

fn load_failed() -> AnyView {
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! {
        <div class="content" role="alert">
            <h1>"This page could not load"</h1>
            <p class="muted">"The connection may have dropped, or WindFlow was updated since this tab opened."</p>
            <button id="page-reload" on:click=reload>"Reload"</button>
        </div>
    }
    .into_any()
}

/// `group { Route / split_fn / "Tab title" => view; … }`: a `LazyRoute` per page, its view in the group's
/// module.
macro_rules! page_groups {
    ($($group:ident { $($route:ident / $split:ident / $title:literal => $view:expr;)* })*) => {$($(
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
                // Each page names itself in the tab and the history (review D29).
                document().set_title(concat!($title, " · WindFlow"));
                // The breadcrumbs end with the page's title until the page sets its own trail.
                if let Some(c) = use_context::<crate::state::AppCtx>() {
                    c.page_title.set($title);
                    c.trail.set(vec![]);
                }
                $split().await.unwrap_or_else(|_| load_failed())
            }
        }
    )*)*};
}

page_groups! {
    home {
        HomePage / home_view / "Home" => view! { <pages::home::Home /> };
    }
    access {
        OrganizationsPage / organizations_view / "Organizations" => view! { <pages::orgs::Organizations /> };
        ProjectsPage / projects_view / "Projects" => view! { <pages::projects::Projects /> };
        EnvironmentsPage / environments_view / "Environments" => view! { <pages::projects::Environments /> };
        MembersPage / members_view / "Members" => view! { <pages::members::Members /> };
        GroupsPage / groups_view / "Groups" => view! { <pages::members::Groups /> };
        RolesPage / roles_view / "Roles & bindings" => view! { <pages::roles::Roles /> };
        UsersPage / users_view / "Users" => view! { <pages::users::Users /> };
        SessionsPage / sessions_view / "My sessions" => view! { <pages::users::Sessions /> };
        AccountPage / account_view / "My account" => view! { <pages::account::Account /> };
    }
    audit {
        AuditPage / audit_view / "Audit log" => view! { <pages::audit::Audit /> };
    }
    settings {
        SettingsPage / settings_view / "Settings" => view! { <pages::settings::Settings /> };
    }
    docker {
        EndpointsPage / endpoints_view / "Endpoints" => view! { <pages::docker::endpoints::Endpoints /> };
        ContainersPage / containers_view / "Containers" => view! { <pages::docker::containers::Containers /> };
        ContainerNewPage / container_new_view / "New container" => view! { <pages::docker::container_new::ContainerNew /> };
        ContainerPage / container_view / "Container" => view! { <pages::docker::container::ContainerPage /> };
        RegistriesPage / registries_view / "Registries" => view! { <pages::docker::registries::Registries /> };
        EndpointPage / endpoint_view / "Endpoint" => view! { <pages::docker::endpoint::EndpointPage stacks=pages::stacks::Stacks /> };
    }
    stacks {
        StackPage / stack_view / "Stack" => view! { <pages::stack::StackPage /> };
    }
    git {
        GitPage / git_view / "Git" => view! { <pages::git::GitPage /> };
    }
}
