//! Platform and authentication settings (superadmins): `GET/PUT /settings/platform` and
//! `GET/PUT /settings/auth`. Issue 13, "pages that are missing for APIs that exist". The
//! server holds the ranges (422 with field errors, shown next to each field).
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::auth::AuthSettings;
use windflow_api::git::PlatformSettings;

use crate::api;
use crate::components::{FieldError, FormError, Refusal};
use crate::state::ctx;

/// The auth settings' numeric fields, by JSON name (what a 422 field error names), in the
/// order of [`auth_values`].
const AUTH_NAMES: [&str; 6] = [
    "session_timeout_minutes",
    "lockout_max_attempts_per_user",
    "lockout_max_attempts_per_ip",
    "lockout_window_seconds",
    "password_min_length",
    "password_max_length",
];

/// Each field's label and unit, in the order of [`AUTH_NAMES`].
const AUTH_LABELS: [(&str, &str); 6] = [
    ("Session lifetime", "minutes (5 to 525,600)"),
    ("Failed logins per username before lockout", "1 to 100"),
    ("Failed logins per IP address before lockout", "1 to 10,000"),
    ("Lockout window", "seconds (10 to 86,400)"),
    ("Minimum password length", "characters (12 to 128)"),
    ("Maximum password length", "characters (up to 128)"),
];

fn auth_values(s: &AuthSettings) -> [i64; 6] {
    [
        s.session_timeout_minutes,
        s.lockout_max_attempts_per_user,
        s.lockout_max_attempts_per_ip,
        s.lockout_window_seconds,
        s.password_min_length,
        s.password_max_length,
    ]
}

#[component]
pub fn Settings() -> impl IntoView {
    let c = ctx();
    let auth = RwSignal::new(AUTH_NAMES.map(|_| String::new()));
    let (local_git, local_endpoints) = (RwSignal::new(false), RwSignal::new(false));
    let (auth_refusal, platform_refusal): (Refusal, Refusal) =
        (RwSignal::new(None), RwSignal::new(None));
    let loaded = RwSignal::new(None::<Result<(), String>>);
    leptos::task::spawn_local(async move {
        let client = api::client();
        match (
            client.auth_settings().await,
            client.platform_settings().await,
        ) {
            (Ok(a), Ok(p)) => {
                auth.set(auth_values(&a).map(|v| v.to_string()));
                local_git.set(p.allow_local_git_urls);
                local_endpoints.set(p.allow_local_endpoints);
                loaded.set(Some(Ok(())));
            }
            (Err(e), _) | (_, Err(e)) => loaded.set(Some(Err(e.to_string()))),
        }
    });
    let save_auth = move |ev: SubmitEvent| {
        ev.prevent_default();
        auth_refusal.set(None);
        // A field that is not a whole number is sent as 0: the server's range check names it.
        let v = auth
            .get_untracked()
            .map(|s| s.trim().parse::<i64>().unwrap_or(0));
        let req = AuthSettings {
            session_timeout_minutes: v[0],
            lockout_max_attempts_per_user: v[1],
            lockout_max_attempts_per_ip: v[2],
            lockout_window_seconds: v[3],
            password_min_length: v[4],
            password_max_length: v[5],
        };
        leptos::task::spawn_local(async move {
            match api::client().set_auth_settings(&req).await {
                Ok(a) => {
                    auth.set(auth_values(&a).map(|v| v.to_string()));
                    c.toast("Authentication settings saved", false);
                }
                Err(e) => auth_refusal.set(Some(e)),
            }
        });
    };
    let save_platform = move |ev: SubmitEvent| {
        ev.prevent_default();
        platform_refusal.set(None);
        let req = PlatformSettings {
            allow_local_git_urls: local_git.get_untracked(),
            allow_local_endpoints: local_endpoints.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::client().set_platform_settings(&req).await {
                Ok(_) => c.toast("Platform settings saved", false),
                Err(e) => platform_refusal.set(Some(e)),
            }
        });
    };
    view! {
        <h1>"Settings"</h1>
        {move || match loaded.get() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
            Some(Ok(())) => view! {
                <div class="card">
                    <h2>"Authentication"</h2>
                    <form class="stack-form" id="auth-settings" on:submit=save_auth>
                        {AUTH_NAMES.iter().zip(AUTH_LABELS).enumerate().map(|(i, (field, (label, unit)))| view! {
                            <label>{label}" ("{unit}")"<br />
                                <input
                                    id=format!("setting-{field}")
                                    inputmode="numeric"
                                    aria-describedby=format!("{field}-error")
                                    prop:value=move || auth.with(|a| a[i].clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); auth.update(|a| a[i] = v); }
                                />
                                <FieldError refusal=auth_refusal field=*field />
                            </label>
                        }).collect_view()}
                        <FormError refusal=auth_refusal fields=&AUTH_NAMES />
                        <button id="auth-settings-save" type="submit">"Save"</button>
                    </form>
                </div>
                <div class="card">
                    <h2>"Platform"</h2>
                    <form class="stack-form" id="platform-settings" on:submit=save_platform>
                        <label><input id="setting-allow_local_git_urls" type="checkbox" bind:checked=local_git />
                            " Allow Git URLs on this host (file://, loopback, link-local): off guards against server-side request forgery"</label>
                        <label><input id="setting-allow_local_endpoints" type="checkbox" bind:checked=local_endpoints />
                            " Let organization admins add endpoints on this host (unix sockets, loopback): off keeps tenants away from WindFlow's own engine"</label>
                        <FormError refusal=platform_refusal fields=&[] />
                        <button id="platform-settings-save" type="submit">"Save"</button>
                    </form>
                </div>
            }.into_any(),
        }}
    }
}
