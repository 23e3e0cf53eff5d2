//! The title and tabs of an endpoint's pages, and the endpoint id of the current route.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use windflow_api::docker::Endpoint;

use crate::api;

/// The endpoint id of the current route (`/endpoints/:id/...`).
pub(crate) fn endpoint_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.read().get("id").and_then(|s| s.parse().ok())
}

/// Title and tabs shared by an endpoint's pages.
#[component]
pub(crate) fn EndpointTabs(id: Uuid) -> impl IntoView {
    let ep = api::resource(move || Some(format!("/endpoints/{id}")));
    // Breadcrumbs: … › Endpoints › <endpoint>.
    let c = crate::state::ctx();
    Effect::new(move |_| {
        if let Some(Ok(e)) = api::read::<Endpoint>(ep) {
            c.trail.set(vec![
                ("Endpoints".into(), Some("/endpoints".into())),
                (e.name, None),
            ]);
        }
    });
    let tab = move |path: &'static str, label: &'static str| {
        view! { <a href=format!("/endpoints/{id}{path}")>{label}</a> }
    };
    view! {
        <h1>{move || api::read::<Endpoint>(ep).and_then(Result::ok).map(|e| e.name).unwrap_or_else(|| "Endpoint".into())}</h1>
        <nav class="tabs">
            {tab("", "Dashboard")}
            {tab("/stacks", "Stacks")}
            {tab("/images", "Images")}
            {tab("/volumes", "Volumes")}
            {tab("/networks", "Networks")}
        </nav>
    }
}
