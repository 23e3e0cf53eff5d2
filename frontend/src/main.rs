//! WindFlow web console: a Leptos 0.8 client-side app over the typed `windflow-client`.
//! It shows what the API says and what the API refuses; it holds no business rule beyond hiding
//! buttons the session's permissions would not allow.
mod api;
mod components;
mod pages;
mod shell;
mod state;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

#[component]
fn App() -> impl IntoView {
    state::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <div class="content"><h1>"Not found"</h1></div> }>
                <Route path=path!("/login") view=pages::login::Login />
                <Route path=path!("/setup") view=pages::login::Setup />
                <ParentRoute path=path!("") view=shell::Shell>
                    <Route path=path!("") view=pages::orgs::Organizations />
                    <Route path=path!("/organizations") view=pages::orgs::Organizations />
                    <Route path=path!("/projects") view=pages::projects::Projects />
                    <Route path=path!("/environments") view=pages::projects::Environments />
                    <Route path=path!("/members") view=pages::members::Members />
                    <Route path=path!("/groups") view=pages::members::Groups />
                    <Route path=path!("/roles") view=pages::roles::Roles />
                    <Route path=path!("/users") view=pages::users::Users />
                    <Route path=path!("/sessions") view=pages::users::Sessions />
                    <Route path=path!("/audit") view=pages::audit::Audit />
                    <Route path=path!("/endpoints") view=pages::docker::endpoints::Endpoints />
                    <Route path=path!("/containers") view=pages::docker::containers::Containers />
                    <Route path=path!("/containers/:endpoint/:cid") view=pages::docker::container::ContainerPage />
                    <Route path=path!("/endpoints/:id/:tab?") view=|| view! { <pages::docker::endpoint::EndpointPage stacks=pages::stacks::Stacks /> } />
                    <Route path=path!("/stacks/:id") view=pages::stack::StackPage />
                    <Route path=path!("/projects/:id/git") view=pages::git::GitPage />
                </ParentRoute>
            </Routes>
            <components::Toasts />
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
