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
use super::fmt_bytes;
use super::logs::LiveLogs;
use crate::api;
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
                .to_locale_time_string("en-GB")
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
                    c.toast(format!("Container: {action} done"), false);
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
            "Remove container",
            &object,
            "the container is stopped and deleted.",
            "Remove",
            move || {
                leptos::task::spawn_local(async move {
                    let opts = RemoveQuery {
                        force: Some(true),
                        volumes: None,
                    };
                    match api::client().remove_container(ep, &id, &opts).await {
                        Ok(()) => {
                            c.toast(format!("Container {name} removed"), false);
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
                    c.toast(format!("Container renamed to {}", req.name), false);
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
                           label: &'static str,
                           class: &'static str,
                           action: &'static str| {
            view! { <button id=id class=class on:click=move |_| act(action)>{label}</button> }
        };
        let mut v = vec![];
        if !d.running && c.can("containers:start") {
            v.push(button("ctr-start", "Start", "small", "start"));
        }
        if running && c.can("containers:stop") {
            v.push(button("ctr-stop", "Stop", "secondary small", "stop"));
        }
        if running && c.can("containers:restart") {
            v.push(button(
                "ctr-restart",
                "Restart",
                "secondary small",
                "restart",
            ));
        }
        if running && c.can("containers:stop") {
            v.push(button("ctr-pause", "Pause", "secondary small", "pause"));
        }
        if paused && c.can("containers:start") {
            v.push(button("ctr-unpause", "Unpause", "small", "unpause"));
        }
        if d.running && c.can("containers:kill") {
            v.push(button("ctr-kill", "Kill", "secondary small", "kill"));
        }
        let name = d.name.clone();
        view! {
            <div class="actions" id="container-actions">
                {v}
                {c.can("containers:update").then(|| view! {
                    <button id="ctr-rename" class="secondary small" on:click=move |_| { new_name.set(name.clone()); renaming.set(true); }>"Rename"</button>
                })}
                {c.can("containers:delete").then(|| {
                    let name = d.name.clone();
                    let remove = remove.clone();
                    view! { <button id="ctr-remove" class="danger small" on:click=move |_| remove(name.clone())>"Remove"</button> }
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
            (Some(false), _) => view! { <p class="muted" id="container-stats">"Not running: no CPU or memory use."</p> }.into_any(),
            (_, Some(Err(e))) => view! { <p class="error" id="container-stats">{format!("Stats: {e}")}</p> }.into_any(),
            (_, None) => view! { <p class="muted" id="container-stats">"Sampling the stats…"</p> }.into_any(),
            (_, Some(Ok(s))) => {
                let cpu = cpu
                    .get()
                    .map(|t| format!("CPU {}.{} %", t / 10, t % 10))
                    .unwrap_or_else(|| "CPU … (needs a second sample)".into());
                view! {
                    <p id="container-stats">
                        {format!("{cpu} of one CPU ({} online) · memory {} of {} · {} processes · net rx {} / tx {}", s.online_cpus, fmt_bytes(s.memory_usage_bytes as i64), fmt_bytes(s.memory_limit_bytes as i64), s.pids, fmt_bytes(s.network_rx_bytes as i64), fmt_bytes(s.network_tx_bytes as i64))}
                        " "<span class="muted">{move || format!("updated {}", sampled.get())}</span>
                    </p>
                }.into_any()
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
                    <span class=if d.running && d.state != "paused" { "badge ok" } else { "badge" }>{d.state.clone()}</span>
                    <p class="muted"><code class="cut" title=d.image.clone()>{d.image.clone()}</code>" · created "{d.created.clone()}</p>
                    {actions(&d)}
                </div>
            }.into_any(),
        })}
        <Show when=move || renaming.get()>
            <form class="card inline" id="ctr-rename-form" on:submit=rename>
                <label for="ctr-new-name">"New name"</label>
                <input id="ctr-new-name" bind:value=new_name required />
                <button id="ctr-rename-save" type="submit">"Rename"</button>
                <button class="secondary" type="button" on:click=move |_| renaming.set(false)>"Cancel"</button>
            </form>
        </Show>
        <div class="card">{stats_line}</div>
        <details class="card" id="container-inspect">
            <summary>"Inspect"</summary>
            {move || api::read::<ContainerDetails>(details).and_then(Result::ok).map(|d| view! {
                <pre class="logs">{pretty(&d.raw)}</pre>
            })}
        </details>
        <Show when=move || c.can("containers:exec")>
            <h2>"Console"</h2>
            <div class="card">
                {move || endpoint().map(|ep| view! { <ConsolePanel endpoint=ep container=cid() /> })}
            </div>
        </Show>
        <h2>"Logs"</h2>
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
