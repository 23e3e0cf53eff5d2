//! `/containers/new`: the form of `POST /endpoints/{id}/containers` (issue 13, "pages that are
//! missing for APIs that exist"). The Containers page lists every endpoint of the environment,
//! so the form has an endpoint select (the endpoints of the selected environment) and shows the
//! chosen endpoint's bind allow-list.
//!
//! Text areas take one entry per line (blank lines are skipped):
//! - command: one argument per line, taken verbatim (no shell-like splitting or quoting:
//!   `sh` / `-c` / `echo "a b"` is three arguments);
//! - environment and labels: `KEY=value` (the value is everything after the first `=`);
//! - ports: `[host-ip:][host-port:]container-port[/tcp|udp]`; an empty or missing host port
//!   publishes on a random one (`127.0.0.1::8080`);
//! - mounts: `source:target[:ro]`, a bind when the source is an absolute host path, a named
//!   volume otherwise;
//! - devices, capabilities and security options: one per line; sysctls: `KEY=value`.
//!
//! The privileged options are offered only to holders of `containers:create_privileged`; the
//! API checks them (and binds outside the allow-list) anyway. Lines the form cannot read are
//! reported at the form's foot before anything is sent; the API's refusals are shown next to
//! the field they name, the rest at the foot. On success (and the start, when asked) the page
//! goes to the new container's page.
use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use windflow_api::docker::{ContainerSpec, Endpoint, MountKind, MountSpec, PortMapping};

use crate::api;
use crate::components::{FieldError, FormError, Refusal};
use crate::i18n::*;
use crate::state::ctx;

/// The fields the API's refusals may name that have an input here.
const FIELDS: &[&str] = &["name", "image"];

/// Non-blank, trimmed lines.
fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// `KEY=value` lines as a map; `what` names the field in the error.
fn pairs(loc: Locale, s: &str, what: &str) -> Result<HashMap<String, String>, String> {
    lines(s)
        .map(|l| match l.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
            _ => Err(td_string!(loc, docker.form.bad_pair, field = what, line = l).to_string()),
        })
        .collect()
}

/// `[host-ip:][host-port:]container-port[/protocol]` lines.
fn ports(loc: Locale, s: &str) -> Result<Vec<PortMapping>, String> {
    lines(s)
        .map(|l| {
            let bad = || td_string!(loc, docker.form.bad_port, line = l).to_string();
            let (addr, protocol) = l.split_once('/').unwrap_or((l, "tcp"));
            let port = |p: &str| p.parse::<u16>().map_err(|_| bad());
            let parts: Vec<&str> = addr.split(':').collect();
            let (host_ip, host, container) = match parts.as_slice() {
                [c] => (None, "", *c),
                [h, c] => (None, *h, *c),
                [ip, h, c] => (Some((*ip).to_owned()), *h, *c),
                _ => return Err(bad()),
            };
            Ok(PortMapping {
                container_port: port(container)?,
                host_port: if host.is_empty() {
                    None
                } else {
                    Some(port(host)?)
                },
                host_ip,
                protocol: protocol.to_owned(),
            })
        })
        .collect()
}

/// `source:target[:ro]` lines: a bind for an absolute source, a named volume otherwise.
fn mounts(loc: Locale, s: &str) -> Result<Vec<MountSpec>, String> {
    lines(s)
        .map(|l| {
            let parts: Vec<&str> = l.split(':').collect();
            let (source, target, read_only) = match parts.as_slice() {
                [s, t] => (*s, *t, false),
                [s, t, "ro"] => (*s, *t, true),
                [s, t, "rw"] => (*s, *t, false),
                _ => return Err(td_string!(loc, docker.form.bad_mount, line = l).to_string()),
            };
            Ok(MountSpec {
                kind: if source.starts_with('/') {
                    MountKind::Bind
                } else {
                    MountKind::Volume
                },
                source: source.to_owned(),
                target: target.to_owned(),
                read_only,
            })
        })
        .collect()
}

/// A decimal number of CPUs (`0.5`, `2`) as nano-CPUs, in integer arithmetic (float parsing
/// would add to the wasm).
fn nano_cpus(loc: Locale, s: &str) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || td_string!(loc, docker.form.bad_cpus, value = s).to_string();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| bad())?
    };
    let frac: i64 = format!("{frac:0<9}").parse().map_err(|_| bad())?;
    Ok(Some(int.saturating_mul(1_000_000_000).saturating_add(frac)))
}

/// Memory in MiB as bytes.
fn memory(loc: Locale, s: &str) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .map(|m| Some(m.saturating_mul(1024 * 1024)))
        .map_err(|_| td_string!(loc, docker.form.bad_memory, value = s).to_string())
}

fn opt(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn list(s: &str) -> Vec<String> {
    lines(s).map(str::to_owned).collect()
}

#[component]
pub fn ContainerNew() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let endpoints = api::resource(move || {
        c.env
            .get()
            .map(|e| format!("/environments/{e}/endpoints?limit=200&sort=name"))
    });
    let endpoint = RwSignal::new(String::new());
    let text = || RwSignal::new(String::new());
    let (name, image, command, env, labels) = (text(), text(), text(), text(), text());
    let (port_lines, mount_lines, restart, cpus, mem) = (text(), text(), text(), text(), text());
    let network = text();
    let start = RwSignal::new(true);
    let init = RwSignal::new(true);
    // Privileged options.
    let privileged = RwSignal::new(false);
    let (pid_mode, ipc_mode, uts_mode) = (text(), text(), text());
    let (devices, cap_add, sysctls, security_opt) = (text(), text(), text(), text());
    let refusal: Refusal = RwSignal::new(None);
    let local = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // The chosen endpoint (the first one until the user picks another).
    let chosen = move || {
        let all = api::items::<Endpoint>(endpoints);
        let want = endpoint.get();
        all.iter()
            .find(|e| e.id.to_string() == want)
            .or(all.first())
            .cloned()
    };

    let spec = move || -> Result<ContainerSpec, String> {
        let g = |s: RwSignal<String>| s.get_untracked();
        let may = c.can("containers:create_privileged");
        let l = i18n.get_locale_untracked();
        Ok(ContainerSpec {
            name: opt(g(name)),
            image: g(image).trim().to_owned(),
            command: command.with_untracked(|s| {
                s.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            env: pairs(l, &g(env), td_string!(l, docker.form.field_env))?,
            labels: pairs(l, &g(labels), td_string!(l, docker.form.field_labels))?,
            ports: ports(l, &g(port_lines))?,
            binds: vec![],
            mounts: mounts(l, &g(mount_lines))?,
            restart_policy: opt(g(restart)),
            memory_bytes: memory(l, &g(mem))?,
            nano_cpus: nano_cpus(l, &g(cpus))?,
            network_mode: opt(g(network)),
            init: init.get_untracked(),
            privileged: may && privileged.get_untracked(),
            pid_mode: if may { opt(g(pid_mode)) } else { None },
            ipc_mode: if may { opt(g(ipc_mode)) } else { None },
            uts_mode: if may { opt(g(uts_mode)) } else { None },
            devices: if may { list(&g(devices)) } else { vec![] },
            cap_add: if may { list(&g(cap_add)) } else { vec![] },
            sysctls: if may {
                pairs(l, &g(sysctls), td_string!(l, docker.form.field_sysctls))?
            } else {
                HashMap::new()
            },
            security_opt: if may { list(&g(security_opt)) } else { vec![] },
        })
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        refusal.set(None);
        local.set(None);
        let Some(ep) = chosen().map(|e| e.id) else {
            local.set(Some(t_string!(i18n, docker.form.choose_endpoint).into()));
            return;
        };
        let spec = match spec() {
            Ok(s) => s,
            Err(e) => {
                local.set(Some(e));
                return;
            }
        };
        let then_start = start.get_untracked();
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let client = api::client();
            let l = i18n.get_locale_untracked();
            match client.create_container(ep, &spec).await {
                Ok(made) => {
                    let label = spec
                        .name
                        .clone()
                        .unwrap_or_else(|| made.id.chars().take(12).collect());
                    if then_start {
                        match client.container_action(ep, &made.id, "start").await {
                            Ok(()) => c.toast(
                                td_string!(l, docker.form.created_started, name = label)
                                    .to_string(),
                                false,
                            ),
                            Err(e) => {
                                c.toast(
                                    td_string!(l, docker.form.created, name = label).to_string(),
                                    false,
                                );
                                c.error(&e);
                            }
                        }
                    } else {
                        c.toast(
                            td_string!(l, docker.form.created, name = label).to_string(),
                            false,
                        );
                    }
                    busy.set(false);
                    navigate(&format!("/containers/{ep}/{}", made.id), Default::default());
                }
                Err(e) => {
                    busy.set(false);
                    refusal.set(Some(e));
                }
            }
        });
    };

    view! {
        <h1>{t!(i18n, common.titles.container_new)}</h1>
        <Show when=move || c.env.get().is_some() fallback=move || view! { <div class="card muted">{t!(i18n, docker.need_env)}</div> }>
            <form class="card stack-form" id="container-new-form" on:submit=submit.clone()>
                <label>{t!(i18n, docker.form.endpoint)}<br />
                    <select id="cn-endpoint" on:change=move |ev| endpoint.set(event_target_value(&ev))>
                        {move || {
                            let sel = chosen().map(|e| e.id);
                            api::items::<Endpoint>(endpoints).into_iter().map(|e| {
                                let id: Uuid = e.id;
                                view! { <option value=id.to_string() selected={sel == Some(id)}>{e.name.clone()}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label>{t!(i18n, docker.form.name)}<br /><input id="cn-name" bind:value=name aria-describedby="name-error" /><FieldError refusal field="name" /></label>
                <label>{t!(i18n, docker.form.image)}<br /><input id="cn-image" placeholder="nginx:1.27" bind:value=image required aria-describedby="image-error" /><FieldError refusal field="image" /></label>
                <label>{t!(i18n, docker.form.command)}<br /><textarea id="cn-command" rows="3" bind:value=command></textarea></label>
                <label>{t!(i18n, docker.form.env)}<br /><textarea id="cn-env" rows="3" bind:value=env></textarea></label>
                <label>{t!(i18n, docker.form.labels)}<br /><textarea id="cn-labels" rows="2" bind:value=labels></textarea></label>
                <label>{t!(i18n, docker.form.ports)}<br /><textarea id="cn-ports" rows="2" placeholder="8080:80" bind:value=port_lines></textarea></label>
                <label>{t!(i18n, docker.form.mounts)}<br /><textarea id="cn-mounts" rows="2" placeholder="data:/var/lib/data" bind:value=mount_lines></textarea></label>
                <p class="muted" id="cn-allowlist">{move || match chosen() {
                    None => String::new(),
                    Some(e) if e.bind_allowlist.is_empty() => t_string!(i18n, docker.form.allow_none, name = e.name).to_string(),
                    Some(e) => t_string!(i18n, docker.form.allow_some, name = e.name, paths = e.bind_allowlist.join(", ")).to_string(),
                }}</p>
                <label>{t!(i18n, docker.form.restart)}<br />
                    <select id="cn-restart" bind:value=restart>
                        <option value="">{t!(i18n, docker.form.restart_default)}</option>
                        <option value="no">"no"</option>
                        <option value="always">"always"</option>
                        <option value="unless-stopped">"unless-stopped"</option>
                        <option value="on-failure">"on-failure"</option>
                    </select>
                </label>
                <label>{t!(i18n, docker.form.network)}<br /><input id="cn-network" bind:value=network /></label>
                <label>{t!(i18n, docker.form.cpus)}<br /><input id="cn-cpus" inputmode="decimal" bind:value=cpus /></label>
                <label>{t!(i18n, docker.form.memory)}<br /><input id="cn-memory" inputmode="numeric" bind:value=mem /></label>
                <label><input type="checkbox" id="cn-init" bind:checked=init />" "{t!(i18n, docker.form.init)}</label>
                <label><input type="checkbox" id="cn-start" bind:checked=start />" "{t!(i18n, docker.form.start)}</label>
                <Show when=move || c.can("containers:create_privileged")>
                    <fieldset id="cn-privileged-options">
                        <legend>{t!(i18n, docker.form.privileged_options)}</legend>
                        <p class="muted">{t!(i18n, docker.form.privileged_note)}</p>
                        <label><input type="checkbox" id="cn-privileged" bind:checked=privileged />" "{t!(i18n, docker.form.privileged)}</label>
                        <label>{t!(i18n, docker.form.pid)}<br /><input id="cn-pid" bind:value=pid_mode /></label>
                        <label>{t!(i18n, docker.form.ipc)}<br /><input id="cn-ipc" bind:value=ipc_mode /></label>
                        <label>{t!(i18n, docker.form.uts)}<br /><input id="cn-uts" bind:value=uts_mode /></label>
                        <label>{t!(i18n, docker.form.devices)}<br /><textarea id="cn-devices" rows="2" bind:value=devices></textarea></label>
                        <label>{t!(i18n, docker.form.caps)}<br /><textarea id="cn-caps" rows="2" bind:value=cap_add></textarea></label>
                        <label>{t!(i18n, docker.form.sysctls)}<br /><textarea id="cn-sysctls" rows="2" bind:value=sysctls></textarea></label>
                        <label>{t!(i18n, docker.form.security)}<br /><textarea id="cn-secopt" rows="2" bind:value=security_opt></textarea></label>
                    </fieldset>
                </Show>
                <p class="error" id="cn-local-error" role="alert" hidden=move || local.get().is_none()>{move || local.get().unwrap_or_default()}</p>
                <FormError refusal fields=FIELDS />
                <button id="cn-submit" type="submit" disabled=move || busy.get()>{t!(i18n, common.create)}</button>
            </form>
        </Show>
    }
}
