//! The title and tabs of an endpoint's pages, and the endpoint id of the current route.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use windflow_api::docker::Endpoint;

use crate::api;
use crate::i18n::*;

/// The endpoint id of the current route (`/endpoints/:id/...`).
pub(crate) fn endpoint_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.read().get("id").and_then(|s| s.parse().ok())
}

/// Title and tabs shared by an endpoint's pages.
#[component]
pub(crate) fn EndpointTabs(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let ep = api::resource(move || Some(format!("/endpoints/{id}")));
    // Breadcrumbs: … › Endpoints › <endpoint>.
    let c = crate::state::ctx();
    Effect::new(move |_| {
        if let Some(Ok(e)) = api::read::<Endpoint>(ep) {
            c.trail.set(vec![
                (
                    t_string!(i18n, common.nav.endpoints).into(),
                    Some("/endpoints".into()),
                ),
                (e.name, None),
            ]);
        }
    });
    let tab = move |path: &'static str, label: fn(Locale) -> &'static str| {
        view! { <a href=format!("/endpoints/{id}{path}")>{move || label(i18n.get_locale())}</a> }
    };
    view! {
        <h1>{move || api::read::<Endpoint>(ep).and_then(Result::ok).map(|e| e.name).unwrap_or_else(|| t_string!(i18n, common.titles.endpoint).into())}</h1>
        <nav class="tabs">
            {tab("", |l| td_string!(l, docker.tabs.dashboard))}
            {tab("/stacks", |l| td_string!(l, docker.tabs.stacks))}
            {tab("/images", |l| td_string!(l, docker.tabs.images))}
            {tab("/volumes", |l| td_string!(l, docker.tabs.volumes))}
            {tab("/networks", |l| td_string!(l, docker.tabs.networks))}
        </nav>
    }
}
