//! `/`: the home dashboard of the selected organization (`GET /organizations/{id}/overview`,
//! issue 13 "Home and navigation"): endpoints up and down, containers by state, stacks by
//! state, recent deployments and failures, recent audit rows and what needs attention, each a
//! link to where it can be dealt with. Refreshed every 15 seconds while shown. A section the
//! user may not read (the API answers `null`) is left out.
use leptos::prelude::*;
use windflow_api::overview::{AttentionItem, AttentionKind, Overview};

use crate::api;
use crate::components::{badge, run_cells, when};
use crate::i18n::*;
use crate::state::ctx;

/// Seconds between refreshes of the dashboard.
const REFRESH_SECS: u64 = 15;

/// Where an attention item is dealt with.
fn attention_link(i: &AttentionItem) -> String {
    match i.kind {
        AttentionKind::EndpointDown => format!("/endpoints/{}", i.id),
        AttentionKind::StackError | AttentionKind::DeploymentRunning => {
            format!("/stacks/{}", i.id)
        }
        AttentionKind::GitSyncFailed => format!("/projects/{}/git", i.project_id),
    }
}

fn attention_label(l: Locale, k: AttentionKind) -> &'static str {
    match k {
        AttentionKind::EndpointDown => td_string!(l, home.attention.endpoint_down),
        AttentionKind::StackError => td_string!(l, home.attention.stack_error),
        AttentionKind::DeploymentRunning => td_string!(l, home.attention.deployment_running),
        AttentionKind::GitSyncFailed => td_string!(l, home.attention.git_sync_failed),
    }
}

/// One figure of a card: a number and what it counts, the whole a link.
fn figure(
    id: &'static str,
    n: u64,
    label: &'static str,
    href: &'static str,
    bad: bool,
) -> impl IntoView {
    let class = if bad && n > 0 { "figure bad" } else { "figure" };
    view! {
        <a class=class id=id href=href>
            <span class="n">{n}</span>
            <span class="muted">{label}</span>
        </a>
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let tick = RwSignal::new(0u64);
    if let Ok(h) = set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_secs(REFRESH_SECS),
    ) {
        on_cleanup(move || h.clear());
    }
    let overview = api::resource(move || {
        c.version.get();
        tick.get();
        c.org.get().map(|o| format!("/organizations/{o}/overview"))
    });
    let body = move || {
        let l = i18n.get_locale();
        let o = match api::read::<Overview>(overview) {
            None => return view! { <p class="muted">{t!(i18n, common.loading)}</p> }.into_any(),
            Some(Err(e)) => return view! { <p class="error">{e}</p> }.into_any(),
            Some(Ok(o)) => o,
        };
        let endpoints = o.endpoints.map(|e| {
            view! {
                <div class="card stat" id="home-endpoints">
                    <h2><a href="/endpoints">{t!(i18n, common.nav.endpoints)}</a></h2>
                    <div class="figures">
                        {figure("home-endpoints-up", e.up, td_string!(l, home.endpoints.up), "/endpoints", false)}
                        {figure("home-endpoints-down", e.down, td_string!(l, home.endpoints.down), "/endpoints", true)}
                        {figure("home-endpoints-unknown", e.unknown, td_string!(l, home.endpoints.unknown), "/endpoints", false)}
                    </div>
                </div>
            }
        });
        let containers = o.containers.map(|n| {
            let unreachable = (!n.unreachable.is_empty()).then(|| {
                let names = n
                    .unreachable
                    .iter()
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                view! { <p class="muted small">{td_string!(l, home.containers.unreachable, names = names).to_string()}</p> }
            });
            view! {
                <div class="card stat" id="home-containers">
                    <h2><a href="/containers">{t!(i18n, common.nav.containers)}</a></h2>
                    <div class="figures">
                        {figure("home-containers-running", n.running, td_string!(l, home.containers.running), "/containers", false)}
                        {figure("home-containers-stopped", n.stopped, td_string!(l, home.containers.stopped), "/containers", false)}
                        {figure("home-containers-unhealthy", n.unhealthy, td_string!(l, home.containers.unhealthy), "/containers", true)}
                    </div>
                    {unreachable}
                </div>
            }
        });
        let stacks = o.stacks.map(|s| {
            view! {
                <div class="card stat" id="home-stacks">
                    <h2><a href="/endpoints">{t!(i18n, home.stacks.title)}</a></h2>
                    <div class="figures">
                        {figure("home-stacks-deployed", s.deployed, td_string!(l, home.stacks.deployed), "/endpoints", false)}
                        {figure("home-stacks-error", s.error, td_string!(l, home.stacks.failed), "/endpoints", true)}
                        {figure("home-stacks-draft", s.draft, td_string!(l, home.stacks.draft), "/endpoints", false)}
                        {figure("home-stacks-down", s.down, td_string!(l, home.stacks.down), "/endpoints", false)}
                    </div>
                    <p class="muted small" id="home-failed-24h">
                        {td_string!(l, home.stacks.failed_24h, count = o.failed_deployments_24h).to_string()}
                    </p>
                </div>
            }
        });
        let attention = if o.attention.is_empty() {
            view! { <p class="muted" id="home-attention-empty">{t!(i18n, home.nothing)}</p> }
                .into_any()
        } else {
            view! {
                <ul class="attention" id="home-attention">
                    {o.attention.iter().map(|i| {
                        let detail = i.detail.clone().map(|d| view! { <span class="muted">" — " {d}</span> });
                        view! {
                            <li data-kind=i.kind.as_str()>
                                <span class=if i.kind == AttentionKind::DeploymentRunning { "badge" } else { "badge danger" }>{attention_label(l, i.kind)}</span>
                                " "
                                <a href=attention_link(i)>{i.name.clone()}</a>
                                {detail}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        };
        let deployments = if o.recent_deployments.is_empty() {
            view! { <p class="muted">{t!(i18n, home.no_deployment)}</p> }.into_any()
        } else {
            view! {
                <table id="home-deployments">
                    <thead><tr><th>{t!(i18n, home.col.stack)}</th><th>{t!(i18n, home.col.started)}</th><th>{t!(i18n, home.col.trigger)}</th><th>{t!(i18n, home.col.status)}</th><th>{t!(i18n, home.col.duration)}</th></tr></thead>
                    <tbody>
                        {o.recent_deployments.iter().map(|d| view! {
                            <tr>
                                <td><a href=format!("/stacks/{}", d.stack_id)>{d.stack_name.clone()}</a></td>
                                {run_cells(&d.run)}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        };
        let audit = o.recent_audit.map(|rows| {
            view! {
                <h2><a href="/audit">{t!(i18n, home.recent_activity)}</a></h2>
                <table id="home-audit">
                    <thead><tr><th>{t!(i18n, home.col.when)}</th><th>{t!(i18n, home.col.who)}</th><th>{t!(i18n, home.col.action)}</th><th>{t!(i18n, home.col.object)}</th><th>{t!(i18n, home.col.outcome)}</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|e| view! {
                            <tr>
                                <td class="muted">{when(&e.occurred_at)}</td>
                                <td>{e.actor_name.unwrap_or_default()}</td>
                                <td><code>{e.action}</code></td>
                                <td>{e.resource_name.or(e.resource_id).map(|n| format!("{} {n}", e.resource_type)).unwrap_or(e.resource_type)}</td>
                                <td>{badge(e.outcome.to_string())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        });
        view! {
            <div class="stats">{endpoints}{containers}{stacks}</div>
            <h2>{t!(i18n, home.needs_attention)}</h2>
            {attention}
            <h2>{t!(i18n, home.recent_deployments)}</h2>
            {deployments}
            {audit}
        }
        .into_any()
    };
    view! {
        <h1>{t!(i18n, common.titles.home)}</h1>
        <Show
            when=move || c.org.get().is_some()
            fallback=move || view! {
                <div class="card" id="home-welcome">
                    <p>{t!(i18n, home.welcome, <a> = |children: ChildrenFn| view! { <a href="/organizations">{children()}</a> })}</p>
                </div>
            }
        >
            {body}
        </Show>
    }
}
