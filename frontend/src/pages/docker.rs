//! Docker: endpoints of the selected environment, containers of every endpoint the user may see,
//! and a container page with live logs (server-sent events) and stats.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use windflow_api::Page;
use windflow_api::docker::{
    AllContainers, ConnectionType, ContainerDetails, CreateEndpoint, EndpointStatus, LogLine,
    StatsSnapshot, UpdateEndpoint,
};

use crate::api;
use crate::state::ctx;

/// Bytes as MiB or GiB with one decimal, in integer arithmetic (float formatting would add
/// tens of KB to the wasm).
pub fn fmt_bytes(b: i64) -> String {
    const MIB: i64 = 1024 * 1024;
    const GIB: i64 = 1024 * MIB;
    if b >= GIB {
        let tenths = b * 10 / GIB;
        format!("{}.{} GiB", tenths / 10, tenths % 10)
    } else {
        format!("{} MiB", b / MIB)
    }
}

/// Indented JSON through the browser's `JSON.stringify` (serde_json's serializer would add its
/// float formatting to the wasm).
fn pretty(v: &serde_json::Value) -> String {
    let text = v.to_string();
    js_sys::JSON::parse(&text)
        .ok()
        .and_then(|v| {
            js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &2.into()).ok()
        })
        .and_then(|s| s.as_string())
        .unwrap_or(text)
}

#[component]
pub fn Endpoints() -> impl IntoView {
    let c = ctx();
    let list = api::resource(move || {
        c.version.get();
        c.env
            .get()
            .map(|e| format!("/environments/{e}/endpoints?limit=200&sort=name"))
    });
    let name = RwSignal::new(String::new());
    let socket = RwSignal::new("/var/run/docker.sock".to_owned());
    let direct = RwSignal::new(false);
    let host = RwSignal::new(String::new());
    let port = RwSignal::new("2376".to_owned());
    let https = RwSignal::new(true);
    let (ca, cert, key) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let skip_verify = RwSignal::new(false);
    // The endpoint being edited (the form then PATCHes it); `None` adds a new one.
    let editing = RwSignal::new(None::<Uuid>);
    let opt = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(env) = c.env.get_untracked() else {
            return;
        };
        let is_direct = direct.get_untracked();
        let tls = is_direct && https.get_untracked();
        let protocol = is_direct.then(|| if tls { "https" } else { "http" }.to_owned());
        let (host_v, port_v) = if is_direct {
            (opt(host), port.get_untracked().trim().parse::<i32>().ok())
        } else {
            (None, None)
        };
        let socket_v = (!is_direct).then(|| socket.get_untracked());
        let (ca_v, cert_v, key_v) = if tls {
            (opt(ca), opt(cert), opt(key))
        } else {
            (None, None, None)
        };
        let skip = tls && skip_verify.get_untracked();
        leptos::task::spawn_local(async move {
            let done = |e: windflow_api::docker::Endpoint, verb: &str| {
                c.toast(format!("Endpoint {} {verb}", e.name), false);
                name.set(String::new());
                editing.set(None);
                for s in [ca, cert, key] {
                    s.set(String::new());
                }
                c.version.update(|v| *v += 1);
            };
            if let Some(id) = editing.get_untracked() {
                let req = UpdateEndpoint {
                    name: opt(name),
                    socket_path: socket_v,
                    host: host_v,
                    port: port_v,
                    protocol,
                    tls_ca: ca_v,
                    tls_cert: cert_v,
                    tls_key: key_v,
                    tls_skip_verify: is_direct.then_some(skip),
                    ..Default::default()
                };
                match api::client()
                    .patch::<_, windflow_api::docker::Endpoint>(&format!("/endpoints/{id}"), &req)
                    .await
                {
                    Ok(e) => done(e, "saved"),
                    Err(e) => c.error(&e),
                }
                return;
            }
            let req = CreateEndpoint {
                name: name.get_untracked(),
                connection_type: if is_direct {
                    ConnectionType::Direct
                } else {
                    ConnectionType::Socket
                },
                socket_path: socket_v,
                host: host_v,
                port: port_v,
                protocol,
                tls_ca: ca_v,
                tls_cert: cert_v,
                tls_key: key_v,
                tls_skip_verify: skip,
                icon: None,
                labels: Default::default(),
                collect_activity: true,
                collect_metrics: true,
                highlight_changes: false,
                bind_allowlist: vec![],
            };
            match api::client().create_endpoint(env, &req).await {
                Ok(e) => {
                    let _ = api::client().test_endpoint(e.id).await;
                    done(e, "added");
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let edit = move |e: windflow_api::docker::Endpoint| {
        editing.set(Some(e.id));
        name.set(e.name);
        direct.set(e.connection_type == ConnectionType::Direct);
        socket.set(e.socket_path.unwrap_or_default());
        host.set(e.host.unwrap_or_default());
        port.set(e.port.map(|p| p.to_string()).unwrap_or_default());
        https.set(e.protocol.as_deref() == Some("https"));
        skip_verify.set(e.tls_skip_verify);
    };
    let remove = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().delete(&format!("/endpoints/{id}")).await {
                Ok(()) => c.version.update(|v| *v += 1),
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
                    <form class="stack" on:submit=create>
                        <div class="inline">
                            <input id="endpoint-name" placeholder="Endpoint name" bind:value=name required=move || editing.get().is_none() />
                            <select id="endpoint-kind" prop:value=move || if direct.get() { "direct" } else { "socket" } on:change=move |ev| direct.set(event_target_value(&ev) == "direct") prop:disabled=move || editing.get().is_some()>
                                <option value="socket">"Unix socket"</option>
                                <option value="direct">"TCP (direct)"</option>
                            </select>
                            <Show when=move || !direct.get()>
                                <input id="endpoint-socket" placeholder="Socket path" bind:value=socket size="34" />
                            </Show>
                            <Show when=move || direct.get()>
                                <input id="endpoint-host" placeholder="Host or IP" bind:value=host />
                                <input id="endpoint-port" placeholder="Port" bind:value=port size="6" />
                                <label><input id="endpoint-https" type="checkbox" bind:checked=https />" TLS (https)"</label>
                            </Show>
                            <button id="endpoint-create" type="submit">{move || if editing.get().is_some() { "Save endpoint" } else { "Add endpoint" }}</button>
                            <Show when=move || editing.get().is_some()>
                                <button class="secondary" type="button" on:click=move |_| { editing.set(None); name.set(String::new()); }>"Cancel"</button>
                            </Show>
                        </div>
                        <Show when=move || direct.get() && https.get()>
                            <div class="inline tls">
                                <textarea id="endpoint-ca" placeholder="CA certificate (PEM)" bind:value=ca rows="3"></textarea>
                                <textarea id="endpoint-cert" placeholder="Client certificate (PEM)" bind:value=cert rows="3"></textarea>
                                <textarea id="endpoint-key" placeholder="Client key (PEM, stored encrypted)" bind:value=key rows="3"></textarea>
                                <label><input type="checkbox" bind:checked=skip_verify />" skip certificate verification"</label>
                            </div>
                            <p class="muted">"Certificates and keys are write-only: leave them empty to keep the stored ones."</p>
                        </Show>
                    </form>
                </div>
            </Show>
            {move || api::read::<Page<windflow_api::docker::Endpoint>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
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
                                let (can_edit, can_delete) = (c.can("endpoints:update"), c.can("endpoints:delete"));
                                let e2 = e.clone();
                                view! {
                                    <tr>
                                        <td><a href=format!("/endpoints/{id}")>{e.name.clone()}</a></td>
                                        <td class="muted">{e.socket_path.clone().unwrap_or_else(|| format!("{}://{}:{}", e.protocol.clone().unwrap_or_default(), e.host.clone().unwrap_or_default(), e.port.unwrap_or_default()))}</td>
                                        <td><span class=cls title=e.last_error.clone().unwrap_or_default()>{label}</span></td>
                                        <td class="muted">{engine.as_ref().map(|i| format!("Docker {} · API {} · {} CPU · {}", i.engine_version, i.api_version, i.cpus, fmt_bytes(i.memory_bytes))).unwrap_or_default()}</td>
                                        <td>{engine.as_ref().map(|i| format!("{} running, {} stopped", i.containers_running, i.containers_stopped)).unwrap_or_default()}</td>
                                        <td>
                                            <button class="secondary small" on:click=move |_| test(id)>"Test"</button>
                                            {can_edit.then(|| view! { <button class="secondary small" on:click=move |_| edit(e2.clone())>"Edit"</button> })}
                                            {can_delete.then(|| view! { <button class="danger small" on:click=move |_| remove(id)>"Delete"</button> })}
                                        </td>
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
    let list = api::resource(move || {
        c.version.get();
        Some(format!("/containers?all={}", show_all.get()))
    });
    // Selected rows for the bulk actions: (endpoint, container id).
    let selected = RwSignal::new(Vec::<(Uuid, String)>::new());
    let run = |ep: Uuid, id: String, action: &'static str| async move {
        if action == "remove" {
            api::client()
                .delete(&format!("/endpoints/{ep}/containers/{id}?force=true"))
                .await
        } else {
            api::client().container_action(ep, &id, action).await
        }
    };
    let act = move |ep: Uuid, id: String, action: &'static str| {
        leptos::task::spawn_local(async move {
            match run(ep, id, action).await {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    // One call per selected container; every failure is shown, the rest still run.
    let bulk = move |action: &'static str| {
        let rows = selected.get_untracked();
        leptos::task::spawn_local(async move {
            let mut ok = 0;
            for (ep, id) in rows {
                match run(ep, id, action).await {
                    Ok(()) => ok += 1,
                    Err(e) => c.error(&e),
                }
            }
            c.toast(format!("{action}: {ok} container(s)"), false);
            selected.set(vec![]);
            c.version.update(|v| *v += 1);
        });
    };
    view! {
        <h1>"Containers"</h1>
        <div class="card">
            <form class="inline" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                <input id="container-filter" placeholder="Filter by name or image" bind:value=filter />
                <label><input type="checkbox" bind:checked=show_all />" include stopped"</label>
                <button class="secondary" type="button" on:click=move |_| c.version.update(|v| *v += 1)>"Refresh"</button>
                <span class="muted" id="bulk-count">{move || format!("{} selected", selected.get().len())}</span>
                <button class="small" id="bulk-start" type="button" disabled=move || selected.get().is_empty() on:click=move |_| bulk("start")>"Start"</button>
                <button class="secondary small" id="bulk-stop" type="button" disabled=move || selected.get().is_empty() on:click=move |_| bulk("stop")>"Stop"</button>
                <button class="danger small" id="bulk-remove" type="button" disabled=move || selected.get().is_empty() on:click=move |_| bulk("remove")>"Remove"</button>
            </form>
        </div>
        {move || api::read::<AllContainers>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
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
                        <thead><tr><th></th><th>"Name"</th><th>"Endpoint"</th><th>"Image"</th><th>"State"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
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
                                let key = (ep, id.clone());
                                let key2 = key.clone();
                                view! {
                                    <tr data-name=x.container.name.clone()>
                                        <td><input type="checkbox" class="select" prop:checked=move || selected.with(|s| s.contains(&key)) on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| { s.retain(|k| *k != key2); if on { s.push(key2.clone()); } });
                                        } /></td>
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
    let details = api::resource(move || {
        c.version.get();
        endpoint().map(|ep| format!("/endpoints/{ep}/containers/{}", cid()))
    });
    let stats = api::resource(move || {
        c.version.get();
        endpoint().map(|ep| format!("/endpoints/{ep}/containers/{}/stats", cid()))
    });
    let lines = RwSignal::new(Vec::<LogLine>::new());
    let console = RwSignal::new(false);
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
        {move || api::read::<ContainerDetails>(details).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(d) => view! {
                <div class="card" id="container-summary">
                    <strong>{d.name.clone()}</strong>" "
                    <span class=if d.running { "badge ok" } else { "badge" }>{d.state.clone()}</span>
                    <p class="muted"><code>{d.image.clone()}</code>" · created "{d.created.clone()}</p>
                    {move || api::read::<StatsSnapshot>(stats).and_then(Result::ok).map(|s| view! {
                        <p id="container-stats">{format!("memory {} of {} · {} processes · net rx {} B / tx {} B", fmt_bytes(s.memory_usage_bytes as i64), fmt_bytes(s.memory_limit_bytes as i64), s.pids, s.network_rx_bytes, s.network_tx_bytes)}</p>
                    })}
                </div>
            }.into_any(),
        })}
        <details class="card" id="container-inspect">
            <summary>"Inspect"</summary>
            {move || api::read::<ContainerDetails>(details).and_then(Result::ok).map(|d| view! {
                <pre class="logs">{pretty(&d.raw)}</pre>
            })}
        </details>
        <Show when=move || c.can("containers:exec")>
            <h2>"Console"</h2>
            <div class="card">
                <Show
                    when=move || console.get()
                    fallback=move || view! { <button id="console-open" class="secondary" on:click=move |_| console.set(true)>"Open a shell (sh)"</button> }
                >
                    {move || endpoint().map(|ep| view! { <crate::pages::console::Console endpoint=ep container=cid() /> })}
                </Show>
            </div>
        </Show>
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
