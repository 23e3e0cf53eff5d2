//! Users administration (superadmins) and my sessions.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::users::{CreateUser, UpdateUser};

use crate::api;
use crate::components::when;
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Users() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
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
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.users.created,
                            name = u.username.clone()
                        )
                        .to_string(),
                        false,
                    );
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
        <h1>{t!(i18n, common.titles.users)}</h1>
        <div class="card">
            <form class="inline" on:submit=create>
                <input id="user-username" placeholder=move || t_string!(i18n, access.col.username) bind:value=username required />
                <input id="user-email" type="email" placeholder=move || t_string!(i18n, access.col.email) bind:value=email required />
                <input id="user-password" type="password" placeholder=move || t_string!(i18n, access.users.password) bind:value=password required />
                <button id="user-create" type="submit">{t!(i18n, access.users.create)}</button>
            </form>
        </div>
        <p><input placeholder=move || t_string!(i18n, access.users.filter) bind:value=q /></p>
        {move || api::read::<windflow_api::Page<windflow_api::users::User>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(page) => view! {
                <table id="users-table">
                    <thead><tr><th>{t!(i18n, access.col.username)}</th><th>{t!(i18n, access.col.email)}</th><th>{t!(i18n, access.col.kind)}</th><th>{t!(i18n, access.col.status)}</th><th>{t!(i18n, access.col.last_login)}</th><th></th></tr></thead>
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
                                    <td>{move || if u.is_superadmin { t_string!(i18n, access.users.superadmin) } else { t_string!(i18n, access.users.user) }}</td>
                                    <td>{if active { view! { <span class="badge ok">{t!(i18n, access.active)}</span> }.into_any() } else { view! { <span class="badge danger">{t!(i18n, access.inactive)}</span> }.into_any() }}</td>
                                    <td class="muted">{let last = u.last_login_at; move || last.as_ref().map(when).unwrap_or_else(|| t_string!(i18n, access.users.never).into())}</td>
                                    <td>{(!me).then(|| view! { <button class="secondary small" on:click=move |_| set_active(id, !active)>{move || if active { t_string!(i18n, access.users.deactivate) } else { t_string!(i18n, access.users.activate) }}</button> })}</td>
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
    let i18n = use_i18n();
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
        <h1>{t!(i18n, common.titles.sessions)}</h1>
        {move || api::read::<Vec<windflow_api::auth::SessionView>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => view! {
                <table id="sessions-table">
                    <thead><tr><th>{t!(i18n, access.col.started)}</th><th>{t!(i18n, access.col.last_seen)}</th><th>{t!(i18n, access.col.ip)}</th><th>{t!(i18n, access.col.browser)}</th><th></th></tr></thead>
                    <tbody>
                        {items.into_iter().map(|s| {
                            let id = s.id;
                            let (started, ip) = (s.created_at, s.ip.clone());
                            let sname = move || {
                                let l = i18n.get_locale_untracked();
                                match ip.as_deref() {
                                    Some(ip) => td_string!(l, access.sessions.name_from, when = when(&started), ip = ip).to_string(),
                                    None => td_string!(l, access.sessions.name, when = when(&started)).to_string(),
                                }
                            };
                            view! {
                                <tr>
                                    <td>{when(&s.created_at)}{s.current.then(|| view! { <span class="badge ok">" "{t!(i18n, access.sessions.this_session)}</span> })}</td>
                                    <td class="muted">{when(&s.last_seen_at)}</td>
                                    <td>{s.ip.clone().unwrap_or_default()}</td>
                                    <td class="muted session-client" title=s.user_agent.clone().unwrap_or_default()>{crate::components::user_agent_label(s.user_agent.as_deref().unwrap_or_default())}</td>
                                    <td>{(!s.current).then(|| view! { <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.sessions.revoke_title), &sname(), t_string!(i18n, access.sessions.revoke_detail), t_string!(i18n, access.sessions.revoke), move || revoke(id))>{t!(i18n, access.sessions.revoke)}</button> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
    }
}
