//! Users administration (superadmins) and my sessions.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::users::{CreateUser, UpdateUser};

use crate::api;
use crate::components::when;
use crate::state::ctx;

#[component]
pub fn Users() -> impl IntoView {
    let c = ctx();
    let q = RwSignal::new(String::new());
    let list = api::resource(move || {
        c.version.get();
        Some(format!(
            "/users?limit=200&sort=name&q={}",
            q.get().replace(['&', '#', '?'], "")
        ))
    });
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let req = CreateUser {
                username: username.get_untracked(),
                email: email.get_untracked(),
                password: password.get_untracked(),
                display_name: None,
                is_superadmin: false,
            };
            match api::client().create_user(&req).await {
                Ok(u) => {
                    c.toast(format!("User {} created", u.username), false);
                    for s in [username, email, password] {
                        s.set(String::new());
                    }
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let set_active = move |id: uuid::Uuid, active: bool| {
        leptos::task::spawn_local(async move {
            match api::client()
                .update_user(
                    id,
                    &UpdateUser {
                        is_active: Some(active),
                        ..Default::default()
                    },
                )
                .await
            {
                Ok(_) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>"Users"</h1>
        <div class="card">
            <form class="inline" on:submit=create>
                <input id="user-username" placeholder="Username" bind:value=username required />
                <input id="user-email" type="email" placeholder="Email" bind:value=email required />
                <input id="user-password" type="password" placeholder="Initial password (12+)" bind:value=password required />
                <button id="user-create" type="submit">"Create user"</button>
            </form>
        </div>
        <p><input placeholder="Filter by username" bind:value=q /></p>
        {move || api::read::<windflow_api::Page<windflow_api::users::User>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(page) => view! {
                <table id="users-table">
                    <thead><tr><th>"Username"</th><th>"Email"</th><th>"Kind"</th><th>"Status"</th><th>"Last login"</th><th></th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|u| {
                            let id = u.id;
                            let active = u.is_active;
                            // The API refuses to deactivate yourself (422): no button for it (review D23).
                            let me = c.session.with_untracked(|s| s.as_ref().map(|s| s.user.id)) == Some(id);
                            view! {
                                <tr>
                                    <td>{u.username.clone()}</td>
                                    <td class="muted">{u.email.clone()}</td>
                                    <td>{if u.is_superadmin { "superadmin" } else { "user" }}</td>
                                    <td>{if active { view! { <span class="badge ok">"active"</span> } } else { view! { <span class="badge danger">"inactive"</span> } }}</td>
                                    <td class="muted">{u.last_login_at.as_ref().map(when).unwrap_or_else(|| "never".into())}</td>
                                    <td>{(!me).then(|| view! { <button class="secondary small" on:click=move |_| set_active(id, !active)>{if active { "Deactivate" } else { "Activate" }}</button> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
    }
}

#[component]
pub fn Sessions() -> impl IntoView {
    let c = ctx();
    let list = api::resource(move || {
        c.version.get();
        Some("/users/me/sessions".into())
    });
    let revoke = move |id: uuid::Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().revoke_session(id).await {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>"My sessions"</h1>
        {move || api::read::<Vec<windflow_api::auth::SessionView>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => view! {
                <table id="sessions-table">
                    <thead><tr><th>"Started"</th><th>"Last seen"</th><th>"IP"</th><th>"Browser"</th><th></th></tr></thead>
                    <tbody>
                        {items.into_iter().map(|s| {
                            let id = s.id;
                            let sname = StoredValue::new(format!("session started {}{}", when(&s.created_at), s.ip.as_deref().map(|ip| format!(" from {ip}")).unwrap_or_default()));
                            view! {
                                <tr>
                                    <td>{when(&s.created_at)}{s.current.then(|| view! { <span class="badge ok">" this session"</span> })}</td>
                                    <td class="muted">{when(&s.last_seen_at)}</td>
                                    <td>{s.ip.clone().unwrap_or_default()}</td>
                                    <td class="muted">{s.user_agent.clone().unwrap_or_default().chars().take(60).collect::<String>()}</td>
                                    <td>{(!s.current).then(|| view! { <button class="danger small" on:click=move |_| c.confirm("Revoke session", &sname.get_value(), "that browser or client is signed out at once.", "Revoke", move || revoke(id))>"Revoke"</button> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
    }
}
