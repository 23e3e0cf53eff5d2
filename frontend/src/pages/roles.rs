//! Roles (permissions picked from the catalog) and role bindings of the selected organization.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::access::{CreateRole, CreateRoleBinding, ScopeType, SubjectType};

use crate::api;
use crate::components::{NeedOrg, short};
use crate::state::ctx;

#[component]
pub fn Roles() -> impl IntoView {
    let c = ctx();
    let catalog = api::resource(|| Some("/permissions".into()));
    let roles = api::resource(move || {
        c.version.get();
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/roles?limit=200&sort=name"))
    });
    let bindings = api::resource(move || {
        c.version.get();
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/role-bindings?limit=200"))
    });
    let members = api::resource(move || {
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/members?limit=200"))
    });
    let groups = api::resource(move || {
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/groups?limit=200&sort=name"))
    });

    // New role.
    let role_name = RwSignal::new(String::new());
    let picked = RwSignal::new(Vec::<String>::new());
    let create_role = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let req = CreateRole {
                name: role_name.get_untracked(),
                description: None,
                permissions: picked.get_untracked(),
                parent_ids: vec![],
            };
            match api::client().create_role(org, &req).await {
                Ok(r) => {
                    c.toast(format!("Role {} created", r.name), false);
                    role_name.set(String::new());
                    picked.set(vec![]);
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };

    // New binding.
    let b_role = RwSignal::new(String::new());
    let b_subject = RwSignal::new(String::new());
    let b_scope = RwSignal::new("organization".to_owned());
    let create_binding = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        let (Ok(role_id), Some((kind, id))) = (
            b_role.get_untracked().parse::<Uuid>(),
            b_subject
                .get_untracked()
                .split_once(':')
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        ) else {
            c.toast("Pick a role and a subject", true);
            return;
        };
        let Ok(subject_id) = id.parse::<Uuid>() else {
            return;
        };
        let subject_type = if kind == "group" {
            SubjectType::Group
        } else {
            SubjectType::User
        };
        let (scope_type, scope_id) = match b_scope.get_untracked().as_str() {
            "project" => (ScopeType::Project, c.project.get_untracked()),
            "environment" => (ScopeType::Environment, c.env.get_untracked()),
            _ => (ScopeType::Organization, Some(org)),
        };
        let Some(scope_id) = scope_id else {
            c.toast(
                "Select that project or environment in the top bar first",
                true,
            );
            return;
        };
        leptos::task::spawn_local(async move {
            match api::client()
                .create_role_binding(
                    org,
                    &CreateRoleBinding {
                        role_id,
                        subject_type,
                        subject_id,
                        scope_type,
                        scope_id,
                    },
                )
                .await
            {
                Ok(b) => {
                    c.toast(format!("Role {} bound", b.role_name), false);
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let unbind = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().delete(&format!("/role-bindings/{id}")).await {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    let delete_role = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().delete(&format!("/roles/{id}")).await {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    let subject_name = move |t: SubjectType, id: Uuid| -> String {
        match t {
            SubjectType::User => api::items::<windflow_api::tenancy::Membership>(members)
                .into_iter()
                .find(|m| m.user_id == id)
                .map(|m| m.username)
                .unwrap_or_else(|| short(&id)),
            SubjectType::Group => api::items::<windflow_api::tenancy::Group>(groups)
                .into_iter()
                .find(|g| g.id == id)
                .map(|g| format!("group {}", g.name))
                .unwrap_or_else(|| short(&id)),
        }
    };

    view! {
        <h1>"Roles & bindings"</h1>
        <Show when=move || c.org.get().is_some() fallback=|| view! { <NeedOrg /> }>
            <h2>"Roles"</h2>
            <table id="roles-table">
                <thead><tr><th>"Name"</th><th>"Kind"</th><th>"Permissions"</th><th></th></tr></thead>
                <tbody>
                    {move || api::items::<windflow_api::access::Role>(roles).into_iter().map(|r| {
                        let id = r.id;
                        let system = r.is_system;
                        let rname = StoredValue::new(r.name.clone());
                        view! {
                            <tr>
                                <td>{r.name.clone()}</td>
                                <td><span class="badge">{if system { "system" } else { "custom" }}</span></td>
                                <td><code>{r.permissions.join(", ")}</code></td>
                                <td><Show when=move || !system && c.can("roles:delete")>
                                    <button class="danger small" on:click=move |_| c.confirm("Delete role", &rname.get_value(), "every binding of this role is removed with it.", "Delete", move || delete_role(id))>"Delete"</button>
                                </Show></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || c.can("roles:create")>
                <div class="card" style="margin-top:16px">
                    <form class="stack" on:submit=create_role>
                        <strong>"New role"</strong>
                        <input id="role-name" placeholder="Role name" bind:value=role_name required />
                        <div class="perm-grid" id="perm-picker">
                            {move || api::read::<Vec<windflow_api::access::PermissionInfo>>(catalog).and_then(Result::ok).unwrap_or_default().into_iter().map(|p| {
                                let name = p.name.clone();
                                let n2 = name.clone();
                                let checked = move || picked.with(|v| v.contains(&n2));
                                view! {
                                    <label title=p.description.clone()>
                                        <input type="checkbox" value=name.clone() prop:checked=checked on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let name = name.clone();
                                            picked.update(|v| { v.retain(|x| *x != name); if on { v.push(name); } });
                                        } />
                                        {p.name.clone()}
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <div><button id="role-create" type="submit">"Create role"</button></div>
                    </form>
                </div>
            </Show>

            <h2>"Bindings"</h2>
            <Show when=move || c.can("role_bindings:create")>
                <div class="card">
                    <form class="inline" on:submit=create_binding>
                        <select aria-label="Role" id="binding-role" on:change=move |ev| b_role.set(event_target_value(&ev))>
                            <option value="">"Role…"</option>
                            {move || api::items::<windflow_api::access::Role>(roles).into_iter().map(|r| view! { <option value=r.id.to_string()>{r.name}</option> }).collect_view()}
                        </select>
                        <select aria-label="Subject (user or group)" id="binding-subject" on:change=move |ev| b_subject.set(event_target_value(&ev))>
                            <option value="">"Subject…"</option>
                            {move || api::items::<windflow_api::tenancy::Membership>(members).into_iter().map(|m| view! { <option value=format!("user:{}", m.user_id)>{m.username}</option> }).collect_view()}
                            {move || api::items::<windflow_api::tenancy::Group>(groups).into_iter().map(|g| view! { <option value=format!("group:{}", g.id)>{format!("group {}", g.name)}</option> }).collect_view()}
                        </select>
                        <select aria-label="Scope" id="binding-scope" on:change=move |ev| b_scope.set(event_target_value(&ev))>
                            <option value="organization">"whole organization"</option>
                            <option value="project">"selected project"</option>
                            <option value="environment">"selected environment"</option>
                        </select>
                        <button id="binding-create" type="submit">"Bind role"</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::access::RoleBinding>>(bindings).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="bindings-table">
                        <thead><tr><th>"Role"</th><th>"Subject"</th><th>"Scope"</th><th></th></tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|b| {
                                let id = b.id;
                                let bname = StoredValue::new(b.role_name.clone());
                                let scope = format!("{} {}", serde_json::to_value(b.scope_type).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(), short(&b.scope_id));
                                view! {
                                    <tr>
                                        <td>{b.role_name.clone()}</td>
                                        <td>{move || subject_name(b.subject_type, b.subject_id)}</td>
                                        <td class="muted">{scope}</td>
                                        <td><Show when=move || c.can("role_bindings:delete")>
                                            <button class="danger small" on:click=move |_| c.confirm("Remove role binding", &bname.get_value(), "the subject loses this role at this scope.", "Remove", move || unbind(id))>"Remove"</button>
                                        </Show></td>
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
