//! `/containers/:endpoint/:cid`: one container, with its lifecycle actions (review D9), stats
//! refreshed every few seconds with CPU %, live logs ([`super::logs`]), its inspect document and
//! the console ([`super::console`]).
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use windflow_api::docker::{ContainerDetails, RemoveQuery, RenameContainer, StatsSnapshot};

use super::console::ConsolePanel;
use super::logs::LiveLogs;
use super::size;
use crate::api;
use crate::i18n::*;
use crate::state::ctx;

/// Seconds between two stats samples.
const STATS_EVERY: u64 = 3;

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

/// CPU use between two samples, in tenths of a percent of one CPU (as `docker stats`: 200 % is
/// two busy CPUs): CPU nanoseconds used over wall-clock nanoseconds elapsed.
pub fn cpu_tenths(prev: (u64, f64), now: (u64, f64)) -> Option<u64> {
    let used_ns = now.0.checked_sub(prev.0)?;
    let wall_ms = (now.1 - prev.1) as u64;
    (wall_ms > 0).then(|| (used_ns + wall_ms * 500) / (wall_ms * 1000))
}

#[component]
pub fn ContainerPage() -> impl IntoView {
    use leptos_i18n::Locale as _;
    let c = ctx();
    let i18n = use_i18n();
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
    // Stats: one sample every few seconds; CPU % needs two of them.
    let tick = RwSignal::new(0u32);
    if let Ok(h) = set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_secs(STATS_EVERY),
    ) {
        on_cleanup(move || h.clear());
    }
    let stats = api::resource(move || {
        c.version.get();
        tick.get();
        endpoint().map(|ep| format!("/endpoints/{ep}/containers/{}/stats", cid()))
    });
    // (CPU ns, time in ms) of the previous sample, and the CPU % since it.
    let prev = StoredValue::new(None::<(u64, f64)>);
    let cpu = RwSignal::new(None::<u64>);
    let sampled = RwSignal::new(String::new());
    Effect::new(move |_| {
        let Some(Ok(s)) = api::read::<StatsSnapshot>(stats) else {
            return;
        };
        let now = (s.cpu_total_usage_ns, js_sys::Date::now());
        cpu.set(prev.get_value().and_then(|p| cpu_tenths(p, now)));
        prev.set_value(Some(now));
        sampled.set(
            js_sys::Date::new_0()
                .to_locale_time_string(i18n.get_locale_untracked().as_str())
                .as_string()
                .unwrap_or_default(),
        );
    });

    // Lifecycle actions: each one reloads the page's data and says what happened.
    let act = move |action: &'static str| {
        let Some(ep) = endpoint() else { return };
        let id = cid();
        leptos::task::spawn_local(async move {
            match api::client().container_action(ep, &id, action).await {
                Ok(()) => {
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), docker.container.done, action)
                            .to_string(),
                        false,
                    );
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let navigate = use_navigate();
    let remove = move |name: String| {
        let Some(ep) = endpoint() else { return };
        let id = cid();
        let navigate = navigate.clone();
        let object = name.clone();
        c.confirm(
            t_string!(i18n, docker.containers.remove_title),
            &object,
            t_string!(i18n, docker.containers.remove_detail),
            t_string!(i18n, common.remove),
            move || {
                leptos::task::spawn_local(async move {
                    let opts = RemoveQuery {
                        force: Some(true),
                        volumes: None,
                    };
                    match api::client().remove_container(ep, &id, &opts).await {
                        Ok(()) => {
                            c.toast(
                                td_string!(
                                    i18n.get_locale_untracked(),
                                    docker.container.removed,
                                    name
                                )
                                .to_string(),
                                false,
                            );
                            navigate("/containers", Default::default());
                        }
                        Err(e) => c.error(&e),
                    }
                });
            },
        );
    };
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(String::new());
    let rename = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(ep) = endpoint() else { return };
        let id = cid();
        let req = RenameContainer {
            name: new_name.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::client().rename_container(ep, &id, &req).await {
                Ok(()) => {
                    renaming.set(false);
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            docker.container.renamed,
                            name = req.name.clone()
                        )
                        .to_string(),
                        false,
                    );
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    // The buttons that fit the container's state (and the user's permissions).
    let actions = move |d: &ContainerDetails| {
        let (paused, running) = (d.state == "paused", d.running && d.state != "paused");
        let button = move |id: &'static str,
                           label: fn(Locale) -> &'static str,
                           class: &'static str,
                           action: &'static str| {
            view! { <button id=id class=class on:click=move |_| act(action)>{move || label(i18n.get_locale())}</button> }
        };
        let mut v = vec![];
        if !d.running && c.can("containers:start") {
            v.push(button(
                "ctr-start",
                |l| td_string!(l, docker.actions.start),
                "small",
                "start",
            ));
        }
        if running && c.can("containers:stop") {
            v.push(button(
                "ctr-stop",
                |l| td_string!(l, docker.actions.stop),
                "secondary small",
                "stop",
            ));
        }
        if running && c.can("containers:restart") {
            v.push(button(
                "ctr-restart",
                |l| td_string!(l, docker.actions.restart),
                "secondary small",
                "restart",
            ));
        }
        if running && c.can("containers:stop") {
            v.push(button(
                "ctr-pause",
                |l| td_string!(l, docker.actions.pause),
                "secondary small",
                "pause",
            ));
        }
        if paused && c.can("containers:start") {
            v.push(button(
                "ctr-unpause",
                |l| td_string!(l, docker.actions.unpause),
                "small",
                "unpause",
            ));
        }
        if d.running && c.can("containers:kill") {
            v.push(button(
                "ctr-kill",
                |l| td_string!(l, docker.actions.kill),
                "secondary small",
                "kill",
            ));
        }
        let name = d.name.clone();
        view! {
            <div class="actions" id="container-actions">
                {v}
                {c.can("containers:update").then(|| view! {
                    <button id="ctr-rename" class="secondary small" on:click=move |_| { new_name.set(name.clone()); renaming.set(true); }>{t!(i18n, docker.actions.rename)}</button>
                })}
                {c.can("containers:delete").then(|| {
                    let name = d.name.clone();
                    let remove = remove.clone();
                    view! { <button id="ctr-remove" class="danger small" on:click=move |_| remove(name.clone())>{t!(i18n, common.remove)}</button> }
                })}
            </div>
        }
    };
    // A stopped container has no usage to show; until the first sample comes, say so.
    let stats_line = move || {
        let running = api::read::<ContainerDetails>(details)
            .and_then(Result::ok)
            .map(|d| d.running);
        match (running, api::read::<StatsSnapshot>(stats)) {
            (Some(false), _) => view! { <p class="muted" id="container-stats">{t!(i18n, docker.container.not_running)}</p> }.into_any(),
            (_, Some(Err(e))) => view! { <p class="error" id="container-stats">{t!(i18n, docker.container.stats_error, error = e.clone())}</p> }.into_any(),
            (_, None) => view! { <p class="muted" id="container-stats">{t!(i18n, docker.container.sampling)}</p> }.into_any(),
            (_, Some(Ok(s))) => {
                let cpu = cpu
                    .get()
                    .map(|t| {
                        t_string!(
                            i18n,
                            docker.container.cpu,
                            value = crate::components::format::number(t as f64 / 10.0, 1)
                        )
                        .to_string()
                    })
                    .unwrap_or_else(|| t_string!(i18n, docker.container.cpu_wait).into());
                view! {
                    <p id="container-stats">
                        {t_string!(i18n, docker.container.stats, cpu, online = s.online_cpus, used = size(s.memory_usage_bytes as i64), limit = size(s.memory_limit_bytes as i64), pids = s.pids, rx = size(s.network_rx_bytes as i64), tx = size(s.network_tx_bytes as i64)).to_string()}
                        " "<span class="muted">{t!(i18n, docker.container.updated, time = move || sampled.get())}</span>
                    </p>
                }.into_any()
            }
        }
    };
    view! {
        <h1>{t!(i18n, common.titles.container)}</h1>
        {move || api::read::<ContainerDetails>(details).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(d) => view! {
                <div class="card" id="container-summary">
                    <strong>{d.name.clone()}</strong>" "
                    <span class=if d.running && d.state != "paused" { "badge ok" } else { "badge" }>{d.state.clone()}</span>
                    <p class="muted"><code class="cut" title=d.image.clone()>{d.image.clone()}</code>" · "{t!(i18n, docker.container.created)}" "{d.created.clone()}</p>
                    {actions(&d)}
                </div>
            }.into_any(),
        })}
        <Show when=move || renaming.get()>
            <form class="card inline" id="ctr-rename-form" on:submit=rename>
                <label for="ctr-new-name">{t!(i18n, docker.container.new_name)}</label>
                <input id="ctr-new-name" bind:value=new_name required />
                <button id="ctr-rename-save" type="submit">{t!(i18n, docker.actions.rename)}</button>
                <button class="secondary" type="button" on:click=move |_| renaming.set(false)>{t!(i18n, common.cancel)}</button>
            </form>
        </Show>
        <div class="card">{stats_line}</div>
        <details class="card" id="container-inspect">
            <summary>{t!(i18n, docker.container.inspect)}</summary>
            {move || api::read::<ContainerDetails>(details).and_then(Result::ok).map(|d| view! {
                <pre class="logs">{pretty(&d.raw)}</pre>
            })}
        </details>
        <Show when=move || c.can("containers:exec")>
            <h2>{t!(i18n, docker.container.console)}</h2>
            <div class="card">
                {move || endpoint().map(|ep| view! { <ConsolePanel endpoint=ep container=cid() /> })}
            </div>
        </Show>
        <h2>{t!(i18n, docker.container.logs)}</h2>
        <div class="card">
            {move || endpoint().map(|ep| view! { <LiveLogs endpoint=ep container=cid() /> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::cpu_tenths;

    #[test]
    fn cpu_percent_of_one_cpu_in_tenths() {
        // 1.5 s of CPU in 3 s: 50.0 %.
        assert_eq!(cpu_tenths((0, 0.0), (1_500_000_000, 3000.0)), Some(500));
        // Two busy CPUs: 200.0 %.
        assert_eq!(
            cpu_tenths((10, 1000.0), (6_000_000_010, 4000.0)),
            Some(2000)
        );
        // Rounded to the nearest tenth: 0.04 % -> 0.0, 0.06 % -> 0.1.
        assert_eq!(cpu_tenths((0, 0.0), (1_200_000, 3000.0)), Some(0));
        assert_eq!(cpu_tenths((0, 0.0), (1_800_000, 3000.0)), Some(1));
        // A restarted container (the counter went back) or no time elapsed: unknown.
        assert_eq!(cpu_tenths((5_000, 0.0), (10, 3000.0)), None);
        assert_eq!(cpu_tenths((0, 10.0), (10, 10.0)), None);
    }
}
