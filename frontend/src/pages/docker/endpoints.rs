//! `/endpoints`: the endpoints of the selected environment, with the add and edit form.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::Page;
use windflow_api::docker::{ConnectionType, CreateEndpoint, EndpointStatus, UpdateEndpoint};

use super::fmt_bytes;
use crate::api;
use crate::state::ctx;

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
                Ok(e) => match api::client().test_endpoint(e.id).await {
                    // Saved either way; an engine that does not answer is said at once with
                    // its reason (review D12).
                    Ok(t) if t.status != EndpointStatus::Up => {
                        c.toast(
                            format!(
                                "Endpoint {} added, but its engine did not answer: {}",
                                t.name,
                                t.last_error.clone().unwrap_or_default()
                            ),
                            true,
                        );
                        done(t, "added");
                    }
                    _ => done(e, "added"),
                },
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
                    // The reason is said, not only hinted in a tooltip (review D12).
                    let text = match (e.status, e.last_error) {
                        (EndpointStatus::Up, _) => format!("{}: up", e.name),
                        (_, Some(why)) => format!("{}: down — {why}", e.name),
                        (_, None) => format!("{}: down", e.name),
                    };
                    c.toast(text, e.status != EndpointStatus::Up);
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
                            <select aria-label="Connection type" id="endpoint-kind" prop:value=move || if direct.get() { "direct" } else { "socket" } on:change=move |ev| direct.set(event_target_value(&ev) == "direct") prop:disabled=move || editing.get().is_some()>
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
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="6">"No endpoint in this environment yet. Add a Docker engine above: a unix socket, or TCP with TLS."</td></tr> })}
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
                                let ename = StoredValue::new(e.name.clone());
                                view! {
                                    <tr>
                                        <td><a href=format!("/endpoints/{id}")>{e.name.clone()}</a></td>
                                        <td class="muted">{e.socket_path.clone().unwrap_or_else(|| format!("{}://{}:{}", e.protocol.clone().unwrap_or_default(), e.host.clone().unwrap_or_default(), e.port.unwrap_or_default()))}</td>
                                        <td>
                                            <span class=cls>{label}</span>
                                            {(e.status == EndpointStatus::Down).then(|| e.last_error.clone()).flatten().map(|m| view! { <div class="error small endpoint-error">{m}</div> })}
                                        </td>
                                        <td class="muted">{engine.as_ref().map(|i| format!("Docker {} · API {} · {} CPU · {}", i.engine_version, i.api_version, i.cpus, fmt_bytes(i.memory_bytes))).unwrap_or_default()}</td>
                                        <td>{engine.as_ref().map(|i| format!("{} running, {} stopped", i.containers_running, i.containers_stopped)).unwrap_or_default()}</td>
                                        <td>
                                            <button class="secondary small" on:click=move |_| test(id)>"Test"</button>
                                            {can_edit.then(|| view! { <button class="secondary small" on:click=move |_| edit(e2.clone())>"Edit"</button> })}
                                            {can_delete.then(|| view! { <button class="danger small" on:click=move |_| c.confirm("Delete endpoint", &ename.get_value(), "WindFlow forgets this engine and its stacks; the containers on it keep running.", "Delete", move || remove(id))>"Delete"</button> })}
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
