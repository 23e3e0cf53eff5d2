//! One endpoint's engine: dashboard (engine facts, CPU/memory chart from the collected host
//! metrics, live events feed), images (with a pull dialog showing per-layer progress), volumes
//! and networks. Everything is read live through the API; nothing here decides permissions beyond
//! hiding buttons.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use windflow_api::docker::{
    ContainerEvent, CreateNetwork, CreateVolume, Endpoint, HostMetric, ImageSummary,
    NetworkSummary, PullImage, PullProgress, VolumeSummary,
};

use crate::api;
use crate::components::when;
use crate::pages::docker::fmt_bytes;
use crate::state::ctx;

/// The endpoint id of the current route (`/endpoints/:id/...`).
pub(crate) fn endpoint_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.read().get("id").and_then(|s| s.parse().ok())
}

/// A list read from `/endpoints/{id}{suffix}`, refetched when the app's version changes (read
/// it with `api::read`).
pub(crate) fn live_list(
    id: impl Fn() -> Option<Uuid> + Copy + 'static,
    suffix: &'static str,
) -> LocalResource<api::Raw> {
    let c = ctx();
    api::resource(move || {
        c.version.get();
        id().map(|ep| format!("/endpoints/{ep}{suffix}"))
    })
}

/// Runs a mutation, then refreshes the page (or shows the API's error).
pub(crate) fn mutate<
    F: std::future::Future<Output = Result<(), windflow_client::ClientError>> + 'static,
>(
    f: F,
) {
    let c = ctx();
    leptos::task::spawn_local(async move {
        match f.await {
            Ok(()) => c.version.update(|v| *v += 1),
            Err(e) => c.error(&e),
        }
    });
}

/// Title and tabs shared by an endpoint's pages.
#[component]
pub(crate) fn EndpointTabs(id: Uuid) -> impl IntoView {
    let ep = api::resource(move || Some(format!("/endpoints/{id}")));
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

/// `/endpoints/:id/:tab?`: one route for the endpoint's pages (each route adds router code to
/// the wasm), the tab picks the page.
#[component]
pub fn EndpointPage() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("tab").as_deref() {
        Some("stacks") => view! { <crate::pages::stacks::Stacks /> }.into_any(),
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
    let id = endpoint_id();
    let ep = api::resource(move || {
        c.version.get();
        id().map(|ep| format!("/endpoints/{ep}"))
    });
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
    // Live events: the collector's SSE feed, newest first, the last 100.
    let events = RwSignal::new(Vec::<ContainerEvent>::new());
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
                    events.update(|l| {
                        l.insert(0, e);
                        l.truncate(100);
                    });
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
        {move || api::read::<Endpoint>(ep).and_then(Result::ok).map(|e| {
            let info = e.engine.clone();
            view! {
                <div class="card" id="endpoint-info">
                    <span class=if e.status == windflow_api::docker::EndpointStatus::Up { "badge ok" } else { "badge danger" }>
                        {format!("{:?}", e.status).to_lowercase()}
                    </span>" "
                    {info.map(|i| format!(
                        "Docker {} · API {} · {} {} · {} CPU · {} · {} running, {} stopped",
                        i.engine_version, i.api_version, i.os, i.architecture, i.cpus,
                        fmt_bytes(i.memory_bytes), i.containers_running, i.containers_stopped,
                    ))}
                    {e.last_error.map(|m| view! { <p class="error">{m}</p> })}
                </div>
            }
        })}
        <h2>"CPU and memory (last hour)"</h2>
        <div class="card">
            {move || api::read::<Vec<HostMetric>>(metrics).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(m) if m.is_empty() => view! { <p class="muted" id="metrics-empty">"No samples yet: the metrics collector samples this endpoint at its interval when collect_metrics is on."</p> }.into_any(),
                Ok(m) => {
                    let top = m.iter().map(|s| s.cpu_percent as i64).max().unwrap_or(0).max(100);
                    let cpu: Vec<i64> = m.iter().map(|s| s.cpu_percent as i64 * 100 / top).collect();
                    let mem: Vec<i64> = m.iter().map(|s| s.memory_used_bytes * 100 / s.memory_total_bytes.max(1)).collect();
                    let last = m.last().cloned();
                    view! {
                        <svg id="metrics-chart" class="chart" viewBox="0 0 1000 100" preserveAspectRatio="none">
                            <polyline class="cpu" points=points(&cpu) />
                            <polyline class="mem" points=points(&mem) />
                        </svg>
                        {last.map(|s| view! {
                            <p class="muted">{format!(
                                "{} samples · now: CPU {}% (scale {}%) · memory {} of {} · {} running",
                                m.len(), s.cpu_percent as i64, top, fmt_bytes(s.memory_used_bytes), fmt_bytes(s.memory_total_bytes), s.containers_running,
                            )}</p>
                        })}
                    }.into_any()
                }
            })}
        </div>
        <h2>"Live events"</h2>
        <div class="card feed" id="events-feed">
            {move || if events.with(Vec::is_empty) {
                view! { <p class="muted">"Waiting for engine events (the activity collector must be on)."</p> }.into_any()
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
        </div>
    }
}

/// Per-layer state of a running pull: (layer, status, current, total).
type Layer = (String, String, i64, i64);

/// Streams `POST /endpoints/{id}/images/pull` and applies each progress event to `layers`.
async fn pull(
    ep: Uuid,
    req: PullImage,
    layers: RwSignal<Vec<Layer>>,
    status: RwSignal<String>,
) -> Result<(), String> {
    let body = serde_json::to_string(&req).map_err(|e| e.to_string())?;
    api::stream_post(
        &format!("/endpoints/{ep}/images/pull"),
        Some(body),
        |data| {
            let Ok(p) = serde_json::from_str::<PullProgress>(data) else {
                return Ok(());
            };
            if let Some(e) = p.error {
                return Err(e);
            }
            match p.layer {
                Some(l) => layers.update(|all| {
                    let row = (
                        l.clone(),
                        p.status.clone(),
                        p.current.unwrap_or(0),
                        p.total.unwrap_or(0),
                    );
                    match all.iter_mut().find(|x| x.0 == l) {
                        // "complete" events carry no byte counts: keep the bar full.
                        Some(x) if p.total.is_none() && x.3 > 0 => {
                            x.1 = row.1;
                            x.2 = x.3;
                        }
                        Some(x) => *x = row,
                        None => all.push(row),
                    }
                }),
                // The stream's last event: `completed`, or `failed` (with `error`, above).
                None if p.status == "completed" => status.set("Done".into()),
                None => status.set(p.status),
            }
            Ok(())
        },
    )
    .await
}

#[component]
pub fn Images() -> impl IntoView {
    let c = ctx();
    let id = endpoint_id();
    let list = live_list(id, "/images");
    let image = RwSignal::new(String::new());
    let tag = RwSignal::new("latest".to_owned());
    let layers = RwSignal::new(Vec::<Layer>::new());
    let status = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let start_pull = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(ep) = id() else { return };
        let req = PullImage {
            image: image.get_untracked(),
            tag: Some(tag.get_untracked()).filter(|t| !t.is_empty()),
            registry_id: None,
        };
        layers.set(vec![]);
        status.set("Pulling…".into());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match pull(ep, req, layers, status).await {
                Ok(()) => {
                    if status.get_untracked() == "Pulling…" {
                        status.set("Done".into());
                    }
                    c.version.update(|v| *v += 1);
                }
                Err(e) => {
                    status.set(format!("Failed: {e}"));
                    c.toast(e, true);
                }
            }
            busy.set(false);
        });
    };
    let remove = move |name: String| {
        let Some(ep) = id() else { return };
        mutate(async move {
            api::client()
                .delete(&format!(
                    "/endpoints/{ep}/images/{}?force=true",
                    js_sys::encode_uri_component(&name)
                ))
                .await
        });
    };
    let prune = move |_| {
        let Some(ep) = id() else { return };
        mutate(async move {
            api::client()
                .post::<_, serde_json::Value>(&format!("/endpoints/{ep}/images/prune"), &())
                .await
                .map(|_| ())
        });
    };
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        <Show when=move || c.can("images:pull")>
            <div class="card">
                <form class="inline" on:submit=start_pull>
                    <input id="pull-image" placeholder="Image, e.g. 127.0.0.1:5000/app" bind:value=image required size="36" />
                    <input id="pull-tag" placeholder="Tag" bind:value=tag size="10" />
                    <button id="pull-start" type="submit" disabled=move || busy.get()>"Pull"</button>
                    <span id="pull-status" class="muted">{move || status.get()}</span>
                </form>
                <Show when=move || !layers.with(Vec::is_empty)>
                    <table id="pull-layers">
                        <tbody>
                            {move || layers.get().into_iter().map(|(l, s, cur, total)| {
                                let pct = if total > 0 { cur * 100 / total } else if s.contains("complete") || s.contains("exists") { 100 } else { 0 };
                                view! {
                                    <tr data-layer=l.clone()>
                                        <td><code>{l.clone()}</code></td>
                                        <td class="muted">{s}</td>
                                        <td><div class="bar" role="progressbar" aria-valuenow=pct.to_string()><div style=format!("width: {pct}%")></div></div></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </Show>
            </div>
        </Show>
        <Show when=move || c.can("images:delete")>
            <p><button class="secondary small" on:click=prune>"Prune dangling images"</button></p>
        </Show>
        {move || api::read::<Vec<ImageSummary>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => {
                let can_delete = c.can("images:delete");
                view! {
                    <table id="images-table">
                        <thead><tr><th>"Tags"</th><th>"Id"</th><th>"Size"</th><th>"Containers"</th><th></th></tr></thead>
                        <tbody>
                            {items.into_iter().map(|i| {
                                let name = i.repo_tags.first().cloned().unwrap_or_else(|| i.id.clone());
                                view! {
                                    <tr>
                                        <td>{i.repo_tags.join(", ")}</td>
                                        <td><code>{i.id.trim_start_matches("sha256:").chars().take(12).collect::<String>()}</code></td>
                                        <td>{fmt_bytes(i.size)}</td>
                                        <td>{i.containers.max(0)}</td>
                                        <td>{can_delete.then(|| view! { <button class="danger small" on:click=move |_| remove(name.clone())>"Remove"</button> })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}

#[component]
pub fn Volumes() -> impl IntoView {
    let c = ctx();
    let id = endpoint_id();
    let list = live_list(id, "/volumes");
    let name = RwSignal::new(String::new());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(ep) = id() else { return };
        let req = CreateVolume {
            name: name.get_untracked(),
            driver: None,
            labels: Default::default(),
        };
        name.set(String::new());
        mutate(async move {
            api::client()
                .post::<_, VolumeSummary>(&format!("/endpoints/{ep}/volumes"), &req)
                .await
                .map(|_| ())
        });
    };
    let remove = move |n: String| {
        let Some(ep) = id() else { return };
        mutate(async move {
            api::client()
                .delete(&format!("/endpoints/{ep}/volumes/{n}"))
                .await
        });
    };
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        <Show when=move || c.can("volumes:create")>
            <div class="card">
                <form class="inline" on:submit=create>
                    <input id="volume-name" placeholder="Volume name" bind:value=name required />
                    <button id="volume-create" type="submit">"Create volume"</button>
                </form>
            </div>
        </Show>
        {move || api::read::<Vec<VolumeSummary>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => {
                let can_delete = c.can("volumes:delete");
                view! {
                    <table id="volumes-table">
                        <thead><tr><th>"Name"</th><th>"Driver"</th><th>"Mount point"</th><th></th></tr></thead>
                        <tbody>
                            {items.into_iter().map(|v| {
                                let n = v.name.clone();
                                view! {
                                    <tr data-name=v.name.clone()>
                                        <td>{v.name.clone()}</td>
                                        <td>{v.driver}</td>
                                        <td class="muted"><code>{v.mountpoint}</code></td>
                                        <td>{can_delete.then(|| view! { <button class="danger small" on:click=move |_| remove(n.clone())>"Remove"</button> })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}

#[component]
pub fn Networks() -> impl IntoView {
    let c = ctx();
    let id = endpoint_id();
    let list = live_list(id, "/networks");
    let name = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(ep) = id() else { return };
        let req = CreateNetwork {
            name: name.get_untracked(),
            driver: None,
            internal: internal.get_untracked(),
            labels: Default::default(),
        };
        name.set(String::new());
        mutate(async move {
            api::client()
                .post::<_, serde_json::Value>(&format!("/endpoints/{ep}/networks"), &req)
                .await
                .map(|_| ())
        });
    };
    let remove = move |n: String| {
        let Some(ep) = id() else { return };
        mutate(async move {
            api::client()
                .delete(&format!("/endpoints/{ep}/networks/{n}"))
                .await
        });
    };
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        <Show when=move || c.can("networks:create")>
            <div class="card">
                <form class="inline" on:submit=create>
                    <input id="network-name" placeholder="Network name" bind:value=name required />
                    <label><input type="checkbox" bind:checked=internal />" internal"</label>
                    <button id="network-create" type="submit">"Create network"</button>
                </form>
            </div>
        </Show>
        {move || api::read::<Vec<NetworkSummary>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => {
                let can_delete = c.can("networks:delete");
                view! {
                    <table id="networks-table">
                        <thead><tr><th>"Name"</th><th>"Driver"</th><th>"Scope"</th><th>"Internal"</th><th></th></tr></thead>
                        <tbody>
                            {items.into_iter().map(|n| {
                                // The engine's own networks cannot be removed.
                                let builtin = matches!(n.name.as_str(), "bridge" | "host" | "none");
                                let key = n.id.clone();
                                view! {
                                    <tr data-name=n.name.clone()>
                                        <td>{n.name.clone()}</td>
                                        <td>{n.driver}</td>
                                        <td>{n.scope}</td>
                                        <td>{if n.internal { "yes" } else { "" }}</td>
                                        <td>{(can_delete && !builtin).then(|| view! { <button class="danger small" on:click=move |_| remove(key.clone())>"Remove"</button> })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}
