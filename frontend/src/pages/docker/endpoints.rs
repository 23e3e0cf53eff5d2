//! `/endpoints`: the endpoints of the selected environment, with the add and edit form.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::Page;
use windflow_api::docker::{ConnectionType, CreateEndpoint, EndpointStatus, UpdateEndpoint};

use super::size;
use crate::api;
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Endpoints() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
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
            let l = i18n.get_locale_untracked();
            let done = |text: String| {
                c.toast(text, false);
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
                    Ok(e) => done(td_string!(l, docker.endpoints.saved, name = e.name).to_string()),
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
                            td_string!(
                                l,
                                docker.endpoints.added_down,
                                name = t.name.clone(),
                                error = t.last_error.clone().unwrap_or_default()
                            )
                            .to_string(),
                            true,
                        );
                        done(td_string!(l, docker.endpoints.added, name = t.name).to_string());
                    }
                    _ => done(td_string!(l, docker.endpoints.added, name = e.name).to_string()),
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
                    let l = i18n.get_locale_untracked();
                    let name = e.name.clone();
                    let text = match (e.status, e.last_error) {
                        (EndpointStatus::Up, _) => {
                            td_string!(l, docker.endpoints.test_up, name).to_string()
                        }
                        (_, Some(why)) => {
                            td_string!(l, docker.endpoints.test_down_why, name, error = why)
                                .to_string()
                        }
                        (_, None) => td_string!(l, docker.endpoints.test_down, name).to_string(),
                    };
                    c.toast(text, e.status != EndpointStatus::Up);
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>{t!(i18n, common.titles.endpoints)}</h1>
        <Show when=move || c.env.get().is_some() fallback=move || view! { <div class="card muted">{t!(i18n, docker.need_env)}</div> }>
            <Show when=move || c.can("endpoints:create")>
                <div class="card">
                    <form class="stack" on:submit=create>
                        <div class="inline">
                            <input id="endpoint-name" placeholder=move || t_string!(i18n, docker.endpoints.name) bind:value=name required=move || editing.get().is_none() />
                            <select aria-label=move || t_string!(i18n, docker.endpoints.connection_type) id="endpoint-kind" prop:value=move || if direct.get() { "direct" } else { "socket" } on:change=move |ev| direct.set(event_target_value(&ev) == "direct") prop:disabled=move || editing.get().is_some()>
                                <option value="socket">{t!(i18n, docker.endpoints.unix_socket)}</option>
                                <option value="direct">{t!(i18n, docker.endpoints.tcp_direct)}</option>
                            </select>
                            <Show when=move || !direct.get()>
                                <input id="endpoint-socket" placeholder=move || t_string!(i18n, docker.endpoints.socket_path) bind:value=socket size="34" />
                            </Show>
                            <Show when=move || direct.get()>
                                <input id="endpoint-host" placeholder=move || t_string!(i18n, docker.endpoints.host) bind:value=host />
                                <input id="endpoint-port" placeholder=move || t_string!(i18n, docker.endpoints.port) bind:value=port size="6" />
                                <label><input id="endpoint-https" type="checkbox" bind:checked=https />" "{t!(i18n, docker.endpoints.tls)}</label>
                            </Show>
                            <button id="endpoint-create" type="submit">{move || if editing.get().is_some() { t_string!(i18n, docker.endpoints.save) } else { t_string!(i18n, docker.endpoints.add) }}</button>
                            <Show when=move || editing.get().is_some()>
                                <button class="secondary" type="button" on:click=move |_| { editing.set(None); name.set(String::new()); }>{t!(i18n, common.cancel)}</button>
                            </Show>
                        </div>
                        <Show when=move || direct.get() && https.get()>
                            <div class="inline tls">
                                <textarea id="endpoint-ca" placeholder=move || t_string!(i18n, docker.endpoints.ca) bind:value=ca rows="3"></textarea>
                                <textarea id="endpoint-cert" placeholder=move || t_string!(i18n, docker.endpoints.cert) bind:value=cert rows="3"></textarea>
                                <textarea id="endpoint-key" placeholder=move || t_string!(i18n, docker.endpoints.key) bind:value=key rows="3"></textarea>
                                <label><input type="checkbox" bind:checked=skip_verify />" "{t!(i18n, docker.endpoints.skip_verify)}</label>
                            </div>
                            <p class="muted">{t!(i18n, docker.endpoints.write_only)}</p>
                        </Show>
                    </form>
                </div>
            </Show>
            {move || api::read::<Page<windflow_api::docker::Endpoint>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="endpoints-table">
                        <thead><tr><th>{t!(i18n, docker.cols.name)}</th><th>{t!(i18n, docker.cols.connection)}</th><th>{t!(i18n, docker.cols.status)}</th><th>{t!(i18n, docker.cols.engine)}</th><th>{t!(i18n, docker.cols.containers)}</th><th></th></tr></thead>
                        <tbody>
                            {page.items.is_empty().then(|| view! { <tr class="empty"><td colspan="6">{t!(i18n, docker.endpoints.empty)}</td></tr> })}
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
                                        <td class="muted">{engine.clone().map(|i| t!(i18n, docker.endpoints.engine, engine = i.engine_version.clone(), api = i.api_version.clone(), cpus = i.cpus, memory = move || size(i.memory_bytes)))}</td>
                                        <td>{engine.as_ref().map(|i| t!(i18n, docker.endpoints.counts, running = i.containers_running, stopped = i.containers_stopped))}</td>
                                        <td>
                                            <button class="secondary small" on:click=move |_| test(id)>{t!(i18n, docker.endpoints.test)}</button>
                                            {can_edit.then(|| view! { <button class="secondary small" on:click=move |_| edit(e2.clone())>{t!(i18n, common.edit)}</button> })}
                                            {can_delete.then(|| view! { <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, docker.endpoints.delete_title), &ename.get_value(), t_string!(i18n, docker.endpoints.delete_detail), t_string!(i18n, common.delete), move || remove(id))>{t!(i18n, common.delete)}</button> })}
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
