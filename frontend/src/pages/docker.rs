//! Docker: endpoints of the selected environment, containers of every endpoint the user may see,
//! and a container page with live logs (server-sent events) and stats.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use windflow_api::docker::{ConnectionType, CreateEndpoint, EndpointStatus, LogLine};

use crate::api;
use crate::state::ctx;

/// Bytes as MiB or GiB with one decimal, in integer arithmetic (float formatting would add
/// tens of KB to the wasm).
fn fmt_bytes(b: i64) -> String {
    const MIB: i64 = 1024 * 1024;
    const GIB: i64 = 1024 * MIB;
    if b >= GIB {
        let tenths = b * 10 / GIB;
        format!("{}.{} GiB", tenths / 10, tenths % 10)
    } else {
        format!("{} MiB", b / MIB)
    }
}

#[component]
pub fn Endpoints() -> impl IntoView {
    let c = ctx();
    let list = LocalResource::new(move || {
        c.version.get();
        let env = c.env.get();
        async move {
            match env {
                Some(e) => Some(api::client().endpoints(e).await),
                None => None,
            }
        }
    });
    let name = RwSignal::new(String::new());
    let socket = RwSignal::new("/var/run/docker.sock".to_owned());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(env) = c.env.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let req = CreateEndpoint {
                name: name.get_untracked(),
                connection_type: ConnectionType::Socket,
                socket_path: Some(socket.get_untracked()),
                host: None,
                port: None,
                icon: None,
                labels: Default::default(),
                collect_activity: true,
                collect_metrics: true,
                highlight_changes: false,
                bind_allowlist: vec![],
            };
            match api::client().create_endpoint(env, &req).await {
                Ok(e) => {
                    c.toast(format!("Endpoint {} added", e.name), false);
                    name.set(String::new());
                    let _ = api::client().test_endpoint(e.id).await;
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let test = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().test_endpoint(id).await {
                Ok(e) => {
                    c.toast(
                        format!(
                            "{}: {}",
                            e.name,
                            if e.status == EndpointStatus::Up {
                                "up"
                            } else {
                                "down"
                            }
                        ),
                        e.status != EndpointStatus::Up,
                    );
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>"Endpoints"</h1>
        <Show when=move || c.env.get().is_some() fallback=|| view! { <div class="card muted">"Select an environment in the top bar first."</div> }>
            <Show when=move || c.can("endpoints:create")>
                <div class="card">
                    <form class="inline" on:submit=create>
                        <input id="endpoint-name" placeholder="Endpoint name" bind:value=name required />
                        <input id="endpoint-socket" placeholder="Socket path" bind:value=socket required size="34" />
                        <button id="endpoint-create" type="submit">"Add endpoint"</button>
                    </form>
                </div>
            </Show>
            {move || list.get().flatten().map(|r| match r {
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="endpoints-table">
                        <thead><tr><th>"Name"</th><th>"Connection"</th><th>"Status"</th><th>"Engine"</th><th>"Containers"</th><th></th></tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|e| {
                                let id = e.id;
                                let (cls, label) = match e.status {
                                    EndpointStatus::Up => ("badge ok", "up"),
                                    EndpointStatus::Down => ("badge danger", "down"),
                                    EndpointStatus::Unknown => ("badge", "unknown"),
                                };
                                let engine = e.engine.clone();
                                view! {
                                    <tr>
                                        <td>{e.name.clone()}</td>
                                        <td class="muted">{e.socket_path.clone().or_else(|| e.host.clone()).unwrap_or_default()}</td>
                                        <td><span class=cls title=e.last_error.clone().unwrap_or_default()>{label}</span></td>
                                        <td class="muted">{engine.as_ref().map(|i| format!("Docker {} · API {} · {} CPU · {}", i.engine_version, i.api_version, i.cpus, fmt_bytes(i.memory_bytes))).unwrap_or_default()}</td>
                                        <td>{engine.as_ref().map(|i| format!("{} running, {} stopped", i.containers_running, i.containers_stopped)).unwrap_or_default()}</td>
                                        <td><button class="secondary small" on:click=move |_| test(id)>"Test"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Show>
    }
}

#[component]
pub fn Containers() -> impl IntoView {
    let c = ctx();
    let show_all = RwSignal::new(true);
    let filter = RwSignal::new(String::new());
    let list = LocalResource::new(move || {
        c.version.get();
        let all = show_all.get();
        async move { api::client().all_containers(&format!("?all={all}")).await }
    });
    let act = move |ep: Uuid, id: String, action: &'static str| {
        leptos::task::spawn_local(async move {
            let r = if action == "remove" {
                api::client()
                    .delete(&format!("/endpoints/{ep}/containers/{id}?force=true"))
                    .await
            } else {
                api::client().container_action(ep, &id, action).await
            };
            match r {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>"Containers"</h1>
        <div class="card">
            <form class="inline" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                <input id="container-filter" placeholder="Filter by name or image" bind:value=filter />
                <label><input type="checkbox" bind:checked=show_all />" include stopped"</label>
                <button class="secondary" type="button" on:click=move |_| c.version.update(|v| *v += 1)>"Refresh"</button>
            </form>
        </div>
        {move || list.get().map(|r| match r {
            Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
            Ok(all) => {
                let f = filter.get().to_lowercase();
                // Permissions once per render: plain branches keep the wasm small.
                let (can_start, can_stop, can_restart, can_delete) =
                    (c.can("containers:start"), c.can("containers:stop"), c.can("containers:restart"), c.can("containers:delete"));
                let button = move |class: &'static str, label: &'static str, ep: Uuid, id: String, action: &'static str| {
                    view! { <button class=class on:click=move |_| act(ep, id.clone(), action)>{label}</button> }
                };
                view! {
                    {all.errors.into_iter().map(|e| view! { <p class="error">{format!("{}: {}", e.endpoint_name, e.error)}</p> }).collect_view()}
                    <table id="containers-table">
                        <thead><tr><th>"Name"</th><th>"Endpoint"</th><th>"Image"</th><th>"State"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
                        <tbody>
                            {all.items.into_iter().filter(|x| f.is_empty() || x.container.name.to_lowercase().contains(&f) || x.container.image.to_lowercase().contains(&f)).map(|x| {
                                let ep = x.endpoint_id;
                                let id = x.container.id.clone();
                                let running = x.container.state == "running";
                                let cls = if running { "badge ok" } else { "badge" };
                                let mut actions = vec![];
                                if running && can_stop {
                                    actions.push(button("secondary small action-stop", "Stop", ep, id.clone(), "stop"));
                                }
                                if running && can_restart {
                                    actions.push(button("secondary small", "Restart", ep, id.clone(), "restart"));
                                }
                                if !running && can_start {
                                    actions.push(button("small action-start", "Start", ep, id.clone(), "start"));
                                }
                                if can_delete {
                                    actions.push(button("danger small", "Remove", ep, id.clone(), "remove"));
                                }
                                view! {
                                    <tr data-name=x.container.name.clone()>
                                        <td><a href=format!("/containers/{ep}/{id}")>{x.container.name.clone()}</a></td>
                                        <td class="muted">{x.endpoint_name.clone()}</td>
                                        <td><code>{x.container.image.clone()}</code></td>
                                        <td><span class=cls>{x.container.state.clone()}</span></td>
                                        <td class="muted">{x.container.status.clone()}</td>
                                        <td>{actions}</td>
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
pub fn ContainerPage() -> impl IntoView {
    let c = ctx();
    let params = use_params_map();
    let endpoint = move || {
        params
            .read()
            .get("endpoint")
            .and_then(|s| s.parse::<Uuid>().ok())
    };
    let cid = move || params.read().get("cid").unwrap_or_default();
    let details = LocalResource::new(move || {
        c.version.get();
        let (ep, id) = (endpoint(), cid());
        async move {
            match ep {
                Some(ep) => Some(api::client().inspect_container(ep, &id).await),
                None => None,
            }
        }
    });
    let stats = LocalResource::new(move || {
        c.version.get();
        let (ep, id) = (endpoint(), cid());
        async move {
            match ep {
                Some(ep) => api::client().container_stats(ep, &id).await.ok(),
                None => None,
            }
        }
    });
    let lines = RwSignal::new(Vec::<LogLine>::new());
    let search = RwSignal::new(String::new());
    // Live logs: an EventSource on the SSE route (same-origin cookies authenticate it).
    let source = StoredValue::new_local(None::<web_sys::EventSource>);
    Effect::new(move |_| {
        let (Some(ep), id) = (endpoint(), cid()) else {
            return;
        };
        lines.set(vec![]);
        if let Some(old) = source.get_value() {
            old.close();
        }
        let Ok(es) = web_sys::EventSource::new(&format!(
            "/api/v1/endpoints/{ep}/containers/{id}/logs/stream?tail=200"
        )) else {
            return;
        };
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
                if let Some(line) = m
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<LogLine>(&d).ok())
                {
                    lines.update(|l| {
                        l.push(line);
                        let extra = l.len().saturating_sub(2000);
                        l.drain(..extra);
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
    let download = move |_| {
        let text: String = lines
            .get_untracked()
            .iter()
            .map(|l| format!("{}\n", l.text))
            .collect();
        let href = format!(
            "data:text/plain;charset=utf-8,{}",
            String::from(js_sys::encode_uri_component(&text))
        );
        if let Some(doc) = web_sys::window().and_then(|w| w.document())
            && let Ok(a) = doc.create_element("a")
        {
            let _ = a.set_attribute("href", &href);
            let _ = a.set_attribute("download", &format!("{}.log", cid()));
            if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                a.click();
            }
        }
    };
    view! {
        <h1>"Container"</h1>
        {move || details.get().flatten().map(|r| match r {
            Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
            Ok(d) => view! {
                <div class="card" id="container-summary">
                    <strong>{d.name.clone()}</strong>" "
                    <span class=if d.running { "badge ok" } else { "badge" }>{d.state.clone()}</span>
                    <p class="muted"><code>{d.image.clone()}</code>" · created "{d.created.clone()}</p>
                    {move || stats.get().flatten().map(|s| view! {
                        <p id="container-stats">{format!("memory {} of {} · {} processes · net rx {} B / tx {} B", fmt_bytes(s.memory_usage_bytes as i64), fmt_bytes(s.memory_limit_bytes as i64), s.pids, s.network_rx_bytes, s.network_tx_bytes)}</p>
                    })}
                </div>
            }.into_any(),
        })}
        <h2>"Logs"</h2>
        <div class="card">
            <form class="inline" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                <input id="log-search" placeholder="Search the logs" bind:value=search />
                <button class="secondary" type="button" on:click=download>"Download"</button>
            </form>
            <pre id="logs" class="logs">
                {move || {
                    let q = search.get().to_lowercase();
                    lines.get().into_iter().filter(|l| q.is_empty() || l.text.to_lowercase().contains(&q)).map(|l| {
                        let cls = if l.stream == "stderr" { "error" } else { "" };
                        view! { <div class=cls>{l.text}</div> }
                    }).collect_view()
                }}
            </pre>
        </div>
    }
}
