//! Login and first-run setup.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use windflow_api::auth::{LoginRequest, SetupRequest};

use crate::api;
use crate::state::ctx;

#[component]
pub fn Login() -> impl IntoView {
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
                    navigate("/organizations", Default::default());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="auth">
            <div class="card">
                <h1>"WindFlow"</h1>
                <form class="stack" on:submit=submit>
                    <label>"Username or email"<br /><input id="login" autocomplete="username" bind:value=login required /></label>
                    <label>"Password"<br /><input id="password" type="password" autocomplete="current-password" bind:value=password required /></label>
                    <button id="login-submit" type="submit" disabled=move || busy.get()>"Log in"</button>
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
    let c = ctx();
    let navigate = use_navigate();
    let token = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
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
                    c.toast("Administrator created", false);
                    navigate("/organizations", Default::default());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="auth">
            <div class="card">
                <h1>"Welcome to WindFlow"</h1>
                <p class="muted">"Create the first administrator with the one-time setup token printed in the server log (" <code>"setup_token"</code> ")."</p>
                <form class="stack" on:submit=submit>
                    <label>"Setup token"<br /><input id="setup-token" bind:value=token required /></label>
                    <label>"Username"<br /><input id="setup-username" bind:value=username required /></label>
                    <label>"Email"<br /><input id="setup-email" type="email" bind:value=email required /></label>
                    <label>"Password (12+ characters)"<br /><input id="setup-password" type="password" bind:value=password required /></label>
                    <button id="setup-submit" type="submit">"Create administrator"</button>
                    <Show when=move || error.get().is_some()>
                        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </form>
            </div>
        </div>
    }
}
