//! Platform and authentication settings (superadmins): `GET/PUT /settings/platform` and
//! `GET/PUT /settings/auth`. Issue 13, "pages that are missing for APIs that exist". The
//! server holds the ranges (422 with field errors, shown next to each field).
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::auth::AuthSettings;
use windflow_api::git::PlatformSettings;

use crate::api;
use crate::components::{FieldError, FormError, Refusal};
use crate::i18n::*;
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

/// Each field's label and unit in the chosen language, in the order of [`AUTH_NAMES`].
fn auth_labels(l: Locale) -> [(&'static str, &'static str); 6] {
    [
        (
            td_string!(l, settings.session_timeout),
            td_string!(l, settings.session_timeout_unit),
        ),
        (
            td_string!(l, settings.per_user),
            td_string!(l, settings.per_user_unit),
        ),
        (
            td_string!(l, settings.per_ip),
            td_string!(l, settings.per_ip_unit),
        ),
        (
            td_string!(l, settings.window),
            td_string!(l, settings.window_unit),
        ),
        (
            td_string!(l, settings.min_length),
            td_string!(l, settings.min_length_unit),
        ),
        (
            td_string!(l, settings.max_length),
            td_string!(l, settings.max_length_unit),
        ),
    ]
}

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
    let i18n = use_i18n();
    let auth = RwSignal::new(AUTH_NAMES.map(|_| String::new()));
    let (local_git, local_endpoints) = (RwSignal::new(false), RwSignal::new(false));
    let (auth_refusal, platform_refusal): (Refusal, Refusal) =
        (RwSignal::new(None), RwSignal::new(None));
    let loaded = RwSignal::new(None::<Result<(), windflow_client::ClientError>>);
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
            (Err(e), _) | (_, Err(e)) => loaded.set(Some(Err(e))),
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
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), settings.auth_saved),
                        false,
                    );
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
                Ok(_) => c.toast(
                    td_string!(i18n.get_locale_untracked(), settings.platform_saved),
                    false,
                ),
                Err(e) => platform_refusal.set(Some(e)),
            }
        });
    };
    view! {
        <h1>{t!(i18n, common.titles.settings)}</h1>
        {move || match loaded.get() {
            None => view! { <p class="muted">{t!(i18n, common.loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{crate::components::format::problem(&e)}</p> }.into_any(),
            Some(Ok(())) => view! {
                <div class="card">
                    <h2>{t!(i18n, settings.authentication)}</h2>
                    <form class="stack-form" id="auth-settings" on:submit=save_auth>
                        {AUTH_NAMES.iter().zip(auth_labels(i18n.get_locale())).enumerate().map(|(i, (field, (label, unit)))| view! {
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
                        <button id="auth-settings-save" type="submit">{t!(i18n, common.save)}</button>
                    </form>
                </div>
                <div class="card">
                    <h2>{t!(i18n, settings.platform)}</h2>
                    <form class="stack-form" id="platform-settings" on:submit=save_platform>
                        <label><input id="setting-allow_local_git_urls" type="checkbox" bind:checked=local_git />
                            " "{t!(i18n, settings.local_git)}</label>
                        <label><input id="setting-allow_local_endpoints" type="checkbox" bind:checked=local_endpoints />
                            " "{t!(i18n, settings.local_endpoints)}</label>
                        <FormError refusal=platform_refusal fields=&[] />
                        <button id="platform-settings-save" type="submit">{t!(i18n, common.save)}</button>
                    </form>
                </div>
            }.into_any(),
        }}
    }
}
