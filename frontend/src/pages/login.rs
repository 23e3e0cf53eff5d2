//! Login and first-run setup.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use windflow_api::auth::{LoginRequest, SetupRequest};

use crate::api;
use crate::components::LanguageSelect;
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!(
            "{} · WindFlow",
            t_string!(i18n, common.titles.login)
        ));
    });
    let c = ctx();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if api::client()
                .setup_status()
                .await
                .map(|s| s.required)
                .unwrap_or(false)
            {
                navigate("/setup", Default::default());
            }
        });
    }
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let req = LoginRequest {
                login: login.get_untracked(),
                password: password.get_untracked(),
            };
            match api::client().login(&req).await {
                Ok(_) => {
                    let _ = c.reload_session().await;
                    navigate("/", Default::default());
                }
                Err(e) => error.set(Some(crate::components::format::problem(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="auth">
            <div class="card">
                <h1>"WindFlow"</h1>
                <LanguageSelect />
                <form class="stack" on:submit=submit>
                    <label>{t!(i18n, common.login.login)}<br /><input id="login" autocomplete="username" bind:value=login required /></label>
                    <label>{t!(i18n, common.login.password)}<br /><input id="password" type="password" autocomplete="current-password" bind:value=password required /></label>
                    <button id="login-submit" type="submit" disabled=move || busy.get()>{t!(i18n, common.login.submit)}</button>
                    <Show when=move || error.get().is_some()>
                        <p class="error" id="login-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn Setup() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!(
            "{} · WindFlow",
            t_string!(i18n, common.titles.setup)
        ));
    });
    let c = ctx();
    let navigate = use_navigate();
    let token = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let local_engine = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        error.set(None);
        leptos::task::spawn_local(async move {
            let req = SetupRequest {
                token: token.get_untracked().trim().to_owned(),
                username: username.get_untracked(),
                email: email.get_untracked(),
                password: password.get_untracked(),
                display_name: None,
            };
            match api::client().setup(&req).await {
                Ok(_) => {
                    let _ = c.reload_session().await;
                    c.toast(t_string!(i18n, common.setup.created), false);
                    if local_engine.get_untracked() {
                        // Local engine targets are for superadmins: the first one may add this
                        // host's socket in the same step.
                        match add_local_engine().await {
                            Ok(ep) => {
                                navigate(&format!("/endpoints/{ep}"), Default::default());
                                return;
                            }
                            Err(e) => c.error(&e),
                        }
                    }
                    navigate("/organizations", Default::default());
                }
                Err(e) => error.set(Some(crate::components::format::problem(&e))),
            }
        });
    };
    view! {
        <div class="auth">
            <div class="card">
                <h1>{t!(i18n, common.setup.welcome)}</h1>
                <LanguageSelect />
                <p class="muted">{t!(i18n, common.setup.intro, <code> = |children: ChildrenFn| view! { <code>{children()}</code> })}</p>
                <form class="stack" on:submit=submit>
                    <label>{t!(i18n, common.setup.token)}<br /><input id="setup-token" bind:value=token required /></label>
                    <label>{t!(i18n, common.setup.username)}<br /><input id="setup-username" bind:value=username required /></label>
                    <label>{t!(i18n, common.setup.email)}<br /><input id="setup-email" type="email" bind:value=email required /></label>
                    <label>{t!(i18n, common.setup.password)}<br /><input id="setup-password" type="password" bind:value=password required /></label>
                    <label><input id="setup-local-engine" type="checkbox" bind:checked=local_engine />" " {t!(i18n, common.setup.local_engine, <code> = |children: ChildrenFn| view! { <code>{children()}</code> })}</label>
                    <button id="setup-submit" type="submit">{t!(i18n, common.setup.submit)}</button>
                    <Show when=move || error.get().is_some()>
                        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </form>
            </div>
        </div>
    }
}

/// Creates the `Default` organization, a `local` project and environment, and an endpoint on
/// this host's Docker socket; returns the endpoint id.
async fn add_local_engine() -> Result<String, windflow_client::ClientError> {
    use serde_json::{Value, json};
    let c = api::client();
    let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
    let org: Value = c
        .post("/organizations", &json!({"name": "Default"}))
        .await?;
    let project: Value = c
        .post(
            &format!("/organizations/{}/projects", id(&org)),
            &json!({"name": "local"}),
        )
        .await?;
    let env: Value = c
        .post(
            &format!("/projects/{}/environments", id(&project)),
            &json!({"name": "local", "type": "production"}),
        )
        .await?;
    let ep: Value = c
        .post(
            &format!("/environments/{}/endpoints", id(&env)),
            &json!({"name": "this host", "connection_type": "socket", "socket_path": "/var/run/docker.sock"}),
        )
        .await?;
    Ok(id(&ep))
}
