//! WindFlow web console: a Leptos 0.8 client-side app over the typed `windflow-client`.
//! It shows what the API says and what the API refuses; it holds no business rule beyond hiding
//! buttons the session's permissions would not allow.
mod api;
mod components;
mod pages;
mod routes;
mod shell;
mod state;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};
use routes::*;

#[component]
fn App() -> impl IntoView {
    state::provide();
    view! {
        <Router>
            <Routes fallback=|| view! {
                <div class="content" id="not-found">
                    <h1>"Page not found"</h1>
                    <p class="muted">"Nothing lives at this address. It may have been mistyped, or the object was deleted."</p>
                    <p><a href="/">"Back to WindFlow"</a></p>
                </div>
            }>
                <Route path=path!("/login") view=pages::login::Login />
                <Route path=path!("/setup") view=pages::login::Setup />
                <ParentRoute path=path!("") view=shell::Shell>
                    <Route path=path!("") view={Lazy::<HomePage>::new()} />
                    <Route path=path!("/organizations") view={Lazy::<OrganizationsPage>::new()} />
                    <Route path=path!("/projects") view={Lazy::<ProjectsPage>::new()} />
                    <Route path=path!("/environments") view={Lazy::<EnvironmentsPage>::new()} />
                    <Route path=path!("/members") view={Lazy::<MembersPage>::new()} />
                    <Route path=path!("/groups") view={Lazy::<GroupsPage>::new()} />
                    <Route path=path!("/roles") view={Lazy::<RolesPage>::new()} />
                    <Route path=path!("/users") view={Lazy::<UsersPage>::new()} />
                    <Route path=path!("/sessions") view={Lazy::<SessionsPage>::new()} />
                    <Route path=path!("/audit") view={Lazy::<AuditPage>::new()} />
                    <Route path=path!("/account") view={Lazy::<AccountPage>::new()} />
                    <Route path=path!("/settings") view={Lazy::<SettingsPage>::new()} />
                    <Route path=path!("/registries") view={Lazy::<RegistriesPage>::new()} />
                    <Route path=path!("/endpoints") view={Lazy::<EndpointsPage>::new()} />
                    <Route path=path!("/containers") view={Lazy::<ContainersPage>::new()} />
                    <Route path=path!("/containers/new") view={Lazy::<ContainerNewPage>::new()} />
                    <Route path=path!("/containers/:endpoint/:cid") view={Lazy::<ContainerPage>::new()} />
                    <Route path=path!("/endpoints/:id/:tab?") view={Lazy::<EndpointPage>::new()} />
                    <Route path=path!("/stacks/:id") view={Lazy::<StackPage>::new()} />
                    <Route path=path!("/projects/:id/git") view={Lazy::<GitPage>::new()} />
                </ParentRoute>
            </Routes>
            <components::Toasts />
            <components::ConfirmDialog />
        </Router>
    }
}

fn main() {
    // Panic messages in the browser console for debug builds; release builds abort silently
    // (the hook's formatting costs wasm size).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    mount_to_body(App);
    // The loading indicator of index.html has done its job.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
}
