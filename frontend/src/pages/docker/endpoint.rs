//! One endpoint (`/endpoints/:id/:tab?`): the dashboard (engine facts, CPU/memory chart from the
//! collected host metrics, the engine's event history followed live) and the tabs that pick the
//! other pages.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use windflow_api::Page;
use windflow_api::docker::{ContainerEvent, Endpoint, HostMetric};

use super::images::Images;
use super::networks::Networks;
use super::size;
use super::volumes::Volumes;
use crate::api;
use crate::components::{EndpointTabs, endpoint_id, when};
use crate::i18n::*;
use crate::state::ctx;

/// `/endpoints/:id/:tab?`: one route for the endpoint's pages (each route adds router code to
/// the wasm), the tab picks the page. The stacks tab is another area's page, so the router
/// passes it in (pages do not import each other).
#[component]
pub fn EndpointPage(
    /// The `stacks` tab.
    #[prop(into)]
    stacks: ViewFn,
) -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("tab").as_deref() {
        Some("stacks") => stacks.run(),
        Some("images") => view! { <Images /> }.into_any(),
        Some("volumes") => view! { <Volumes /> }.into_any(),
        Some("networks") => view! { <Networks /> }.into_any(),
        _ => view! { <EndpointDashboard /> }.into_any(),
    }
}

/// SVG polyline points for values in 0..=100 (integer maths: float formatting costs wasm size).
fn points(values: &[i64]) -> String {
    let n = values.len().max(2) as i64 - 1;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{} ", i as i64 * 1000 / n, 100 - v.clamp(&0, &100)))
        .collect()
}

#[component]
pub fn EndpointDashboard() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let id = endpoint_id();
    let ep = api::resource(move || {
        c.version.get();
        id().map(|ep| format!("/endpoints/{ep}"))
    });
    // Fresh facts (review D11): the stored facts date from the endpoint's last check, so the
    // dashboard checks the engine when it opens and every 30 s while it is shown
    // (`POST /endpoints/{id}/test`: version, container counts, status, `last_seen_at`).
    let fresh = RwSignal::new(None::<Endpoint>);
    // The endpoint being shown, for answers that arrive after the page changed or closed
    // (every access is `try_`: the page's signals may be gone by then).
    let shown = RwSignal::new(None::<uuid::Uuid>);
    let probe = move |ep: uuid::Uuid| {
        leptos::task::spawn_local(async move {
            if let Ok(e) = api::client().test_endpoint(ep).await
                && shown.try_get_untracked().flatten() == Some(ep)
            {
                fresh.try_set(Some(e));
            }
        });
    };
    Effect::new(move |_| {
        let ep = id();
        shown.set(ep);
        fresh.set(None);
        if let Some(ep) = ep {
            probe(ep);
        }
    });
    if let Ok(h) = set_interval_with_handle(
        move || {
            if let Some(ep) = shown.try_get_untracked().flatten() {
                probe(ep);
            }
        },
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || h.clear());
    }
    // Samples come in at the collector's interval: refetch the chart every 5 s.
    let tick = RwSignal::new(0u32);
    if let Ok(h) = set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_secs(5),
    ) {
        on_cleanup(move || h.clear());
    }
    let metrics = api::resource(move || {
        tick.get();
        id().map(|ep| format!("/endpoints/{ep}/metrics"))
    });
    // Events: the recorded history (`GET /events`, newest first, 50 a page, "Older events" for
    // more), then the collector's SSE feed on top of it (issue 13 "endpoint event history",
    // review D33: the feed no longer starts empty).
    let events = RwSignal::new(Vec::<ContainerEvent>::new());
    let older = RwSignal::new(None::<String>);
    let merge = move |batch: Vec<ContainerEvent>| {
        events.update(|l| {
            for e in batch {
                if !l.iter().any(|x| x.id == e.id) {
                    l.push(e);
                }
            }
            // UUIDv7 ids sort by time.
            l.sort_by_key(|e| std::cmp::Reverse(e.id));
        });
    };
    let load_history = move |cursor: Option<String>| {
        let Some(ep) = id() else { return };
        leptos::task::spawn_local(async move {
            let mut path = format!("/api/v1/endpoints/{ep}/events?limit=50");
            if let Some(c) = cursor {
                path.push_str(&format!("&cursor={}", js_sys::encode_uri_component(&c)));
            }
            let Ok(res) = gloo_net::http::Request::get(&path).send().await else {
                return;
            };
            let text = res.text().await.unwrap_or_default();
            if let Ok(page) = serde_json::from_str::<Page<ContainerEvent>>(&text) {
                older.set(page.next_cursor);
                merge(page.items);
            }
        });
    };
    Effect::new(move |_| {
        if id().is_some() {
            events.set(vec![]);
            load_history(None);
        }
    });
    let source = StoredValue::new_local(None::<web_sys::EventSource>);
    Effect::new(move |_| {
        let Some(ep) = id() else { return };
        if let Some(old) = source.get_value() {
            old.close();
        }
        let Ok(es) = web_sys::EventSource::new(&format!("/api/v1/endpoints/{ep}/events/stream"))
        else {
            return;
        };
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
                if let Some(e) = m
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<ContainerEvent>(&d).ok())
                {
                    merge(vec![e]);
                }
            });
        es.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        source.set_value(Some(es));
    });
    on_cleanup(move || {
        if let Some(es) = source.get_value() {
            es.close();
        }
    });
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        {move || fresh.get().or_else(|| api::read::<Endpoint>(ep).and_then(Result::ok)).map(|e| {
            let info = e.engine.clone();
            let running = info.as_ref().map(|i| i.containers_running.to_string()).unwrap_or_default();
            view! {
                <div class="card" id="endpoint-info" data-running=running>
                    <span class=if e.status == windflow_api::docker::EndpointStatus::Up { "badge ok" } else { "badge danger" }>
                        {format!("{:?}", e.status).to_lowercase()}
                    </span>" "
                    {info.map(|i| t!(
                        i18n,
                        docker.dashboard.info,
                        engine = i.engine_version.clone(),
                        api = i.api_version.clone(),
                        os = i.os.clone(),
                        arch = i.architecture.clone(),
                        cpus = i.cpus,
                        memory = move || size(i.memory_bytes),
                        running = i.containers_running,
                        stopped = i.containers_stopped,
                    ))}
                    {e.last_error.map(|m| view! { <p class="error">{m}</p> })}
                </div>
            }
        })}
        <h2>{t!(i18n, docker.dashboard.chart_title)}</h2>
        <div class="card">
            {move || api::read::<Vec<HostMetric>>(metrics).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(m) if m.is_empty() => view! { <p class="muted" id="metrics-empty">{t!(i18n, docker.dashboard.no_samples)}</p> }.into_any(),
                Ok(m) => {
                    let top = m.iter().map(|s| s.cpu_percent as i64).max().unwrap_or(0).max(100);
                    let cpu: Vec<i64> = m.iter().map(|s| s.cpu_percent as i64 * 100 / top).collect();
                    let mem: Vec<i64> = m.iter().map(|s| s.memory_used_bytes * 100 / s.memory_total_bytes.max(1)).collect();
                    let last = m.last().cloned();
                    view! {
                        // Legend, axis and units (review D33): CPU is a percentage of one core (a
                        // 4-core host can reach 400 %), memory a percentage of the host's total.
                        <p class="legend" id="metrics-legend">
                            <span class="key cpu"></span>" "{t!(i18n, docker.dashboard.legend_cpu)}" "
                            <span class="key mem"></span>" "{t!(i18n, docker.dashboard.legend_mem)}
                        </p>
                        <div class="chart-wrap">
                            <div class="axis" aria-hidden="true"><span>{format!("{top} %")}</span><span>{format!("{} %", top / 2)}</span><span>"0 %"</span></div>
                            <svg id="metrics-chart" class="chart" viewBox="0 0 1000 100" preserveAspectRatio="none" role="img" aria-label=move || t_string!(i18n, docker.dashboard.chart_label)>
                                <polyline class="cpu" points=points(&cpu) />
                                <polyline class="mem" points=points(&mem) />
                            </svg>
                        </div>
                        {last.map(|s| view! {
                            <p class="muted" id="metrics-now">{t!(
                                i18n,
                                docker.dashboard.now,
                                count = m.len(),
                                cpu = s.cpu_percent as i64,
                                used = move || size(s.memory_used_bytes),
                                total = move || size(s.memory_total_bytes),
                                running = s.containers_running,
                            )}</p>
                        })}
                    }.into_any()
                }
            })}
        </div>
        <h2>{t!(i18n, docker.dashboard.events)}</h2>
        <div class="card feed" id="events-feed">
            {move || if events.with(Vec::is_empty) {
                view! { <p class="muted">{t!(i18n, docker.dashboard.no_events)}</p> }.into_any()
            } else {
                view! {
                    <table>
                        <tbody>
                            {events.get().into_iter().map(|e| view! {
                                <tr>
                                    <td class="muted">{when(&e.occurred_at)}</td>
                                    <td>{e.kind}</td>
                                    <td><strong>{e.action}</strong></td>
                                    <td>{e.actor_name.or(e.actor_id).unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <Show when=move || older.with(Option::is_some)>
                <button class="secondary small" id="events-older" on:click=move |_| load_history(older.get_untracked())>{t!(i18n, docker.dashboard.older)}</button>
            </Show>
        </div>
    }
}
