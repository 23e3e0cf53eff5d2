//! Roles (permissions picked from the catalog) and role bindings of the selected organization.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::access::{CreateRole, CreateRoleBinding, ScopeType, SubjectType, UpdateRole};

use crate::api;
use crate::components::{NeedOrg, short};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Roles() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
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

    // New role, or the custom role being edited (review D19: roles can be edited, and a role
    // must grant at least one permission).
    let role_name = RwSignal::new(String::new());
    let picked = RwSignal::new(Vec::<String>::new());
    let editing = RwSignal::new(None::<(Uuid, String)>);
    let create_role = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        if let Some((id, _)) = editing.get_untracked() {
            leptos::task::spawn_local(async move {
                let req = UpdateRole {
                    name: Some(role_name.get_untracked()),
                    permissions: Some(picked.get_untracked()),
                    ..Default::default()
                };
                match api::client().update_role(id, &req).await {
                    Ok(r) => {
                        c.toast(
                            td_string!(
                                i18n.get_locale_untracked(),
                                access.roles.saved,
                                name = r.name.clone()
                            )
                            .to_string(),
                            false,
                        );
                        editing.set(None);
                        role_name.set(String::new());
                        picked.set(vec![]);
                        c.version.update(|v| *v += 1);
                    }
                    Err(e) => c.error(&e),
                }
            });
            return;
        }
        leptos::task::spawn_local(async move {
            let req = CreateRole {
                name: role_name.get_untracked(),
                description: None,
                permissions: picked.get_untracked(),
                parent_ids: vec![],
            };
            match api::client().create_role(org, &req).await {
                Ok(r) => {
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.roles.created,
                            name = r.name.clone()
                        )
                        .to_string(),
                        false,
                    );
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
            c.toast(t_string!(i18n, access.roles.pick), true);
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
            c.toast(t_string!(i18n, access.roles.select_scope), true);
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
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.roles.bound,
                            name = b.role_name.clone()
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
                .map(|g| {
                    td_string!(i18n.get_locale(), access.roles.group_subject, name = g.name)
                        .to_string()
                })
                .unwrap_or_else(|| short(&id)),
        }
    };

    view! {
        <h1>{t!(i18n, common.titles.roles)}</h1>
        <Show when=move || c.org.get().is_some() fallback=|| view! { <NeedOrg /> }>
            <h2>{t!(i18n, access.roles.roles)}</h2>
            <table id="roles-table">
                <thead><tr><th>{t!(i18n, access.col.name)}</th><th>{t!(i18n, access.col.kind)}</th><th>{t!(i18n, access.col.permissions)}</th><th></th></tr></thead>
                <tbody>
                    {move || api::items::<windflow_api::access::Role>(roles).into_iter().map(|r| {
                        let id = r.id;
                        let system = r.is_system;
                        let rname = StoredValue::new(r.name.clone());
                        view! {
                            <tr>
                                <td>{r.name.clone()}</td>
                                <td><span class="badge">{move || if system { t_string!(i18n, access.roles.system) } else { t_string!(i18n, access.roles.custom) }}</span></td>
                                <td><code>{r.permissions.join(", ")}</code></td>
                                <td><Show when=move || !system && c.can("roles:update")>
                                    {
                                        let perms = r.permissions.clone();
                                        view! {
                                            <button class="secondary small role-edit" on:click=move |_| {
                                                editing.set(Some((id, rname.get_value())));
                                                role_name.set(rname.get_value());
                                                picked.set(perms.clone());
                                                if let Some(e) = document().get_element_by_id("role-name") {
                                                    use wasm_bindgen::JsCast;
                                                    if let Ok(e) = e.dyn_into::<web_sys::HtmlElement>() {
                                                        let _ = e.focus();
                                                    }
                                                }
                                            }>{t!(i18n, common.edit)}</button>
                                            " "
                                        }
                                    }
                                </Show><Show when=move || !system && c.can("roles:delete")>
                                    <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.roles.delete_title), &rname.get_value(), t_string!(i18n, access.roles.delete_detail), t_string!(i18n, common.delete), move || delete_role(id))>{t!(i18n, common.delete)}</button>
                                </Show></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || c.can("roles:create") || editing.with(Option::is_some)>
                <div class="card" style="margin-top:16px">
                    <form class="stack" id="role-form" on:submit=create_role>
                        <strong id="role-form-title">{move || match editing.get() {
                            Some((_, name)) => td_string!(i18n.get_locale(), access.roles.edit_title, name = name).to_string(),
                            None => t_string!(i18n, access.roles.new_role).to_owned(),
                        }}</strong>
                        <input id="role-name" placeholder=move || t_string!(i18n, access.roles.role_name) bind:value=role_name required />
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
                        <div>
                            <button id="role-create" type="submit" disabled=move || picked.with(Vec::is_empty) aria-describedby="role-perm-hint">
                                {move || if editing.with(Option::is_some) { t_string!(i18n, common.save) } else { t_string!(i18n, access.roles.create) }}
                            </button>
                            <Show when=move || editing.with(Option::is_some)>
                                " " <button class="secondary" type="button" id="role-edit-cancel" on:click=move |_| {
                                    editing.set(None);
                                    role_name.set(String::new());
                                    picked.set(vec![]);
                                }>{t!(i18n, common.cancel)}</button>
                            </Show>
                            " " <span class="muted small" id="role-perm-hint" hidden=move || !picked.with(Vec::is_empty)>{t!(i18n, access.roles.pick_permission)}</span>
                        </div>
                    </form>
                </div>
            </Show>

            <h2>{t!(i18n, access.roles.bindings)}</h2>
            <Show when=move || c.can("role_bindings:create")>
                <div class="card">
                    <form class="inline" on:submit=create_binding>
                        <select aria-label=move || t_string!(i18n, access.col.role) id="binding-role" on:change=move |ev| b_role.set(event_target_value(&ev))>
                            <option value="">{t!(i18n, access.roles.role_option)}</option>
                            {move || api::items::<windflow_api::access::Role>(roles).into_iter().map(|r| view! { <option value=r.id.to_string()>{r.name}</option> }).collect_view()}
                        </select>
                        <select aria-label=move || t_string!(i18n, access.roles.subject_label) id="binding-subject" on:change=move |ev| b_subject.set(event_target_value(&ev))>
                            <option value="">{t!(i18n, access.roles.subject_option)}</option>
                            {move || api::items::<windflow_api::tenancy::Membership>(members).into_iter().map(|m| view! { <option value=format!("user:{}", m.user_id)>{m.username}</option> }).collect_view()}
                            {move || api::items::<windflow_api::tenancy::Group>(groups).into_iter().map(|g| view! { <option value=format!("group:{}", g.id)>{td_string!(i18n.get_locale(), access.roles.group_subject, name = g.name).to_string()}</option> }).collect_view()}
                        </select>
                        <select aria-label=move || t_string!(i18n, access.col.scope) id="binding-scope" on:change=move |ev| b_scope.set(event_target_value(&ev))>
                            <option value="organization">{t!(i18n, access.roles.scope_org)}</option>
                            <option value="project">{t!(i18n, access.roles.scope_project)}</option>
                            <option value="environment">{t!(i18n, access.roles.scope_env)}</option>
                        </select>
                        <button id="binding-create" type="submit">{t!(i18n, access.roles.bind)}</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::access::RoleBinding>>(bindings).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="bindings-table">
                        <thead><tr><th>{t!(i18n, access.col.role)}</th><th>{t!(i18n, access.col.subject)}</th><th>{t!(i18n, access.col.scope)}</th><th></th></tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|b| {
                                let id = b.id;
                                let bname = StoredValue::new(b.role_name.clone());
                                let scope_type = b.scope_type;
                                let scope_id = b.scope_id;
                                view! {
                                    <tr>
                                        <td>{b.role_name.clone()}</td>
                                        <td>{move || subject_name(b.subject_type, b.subject_id)}</td>
                                        <td class="muted binding-scope"><ScopeName scope_type=scope_type scope_id=scope_id /></td>
                                        <td><Show when=move || c.can("role_bindings:delete")>
                                            <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.roles.unbind_title), &bname.get_value(), t_string!(i18n, access.roles.unbind_detail), t_string!(i18n, common.remove), move || unbind(id))>{t!(i18n, common.remove)}</button>
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

/// A binding's scope by name (review D19: never a raw id): its type as the API spells it and the
/// organization, project or environment it names, read from the API.
#[component]
fn ScopeName(scope_type: ScopeType, scope_id: Uuid) -> impl IntoView {
    let kind = serde_json::to_value(scope_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let path = match scope_type {
        ScopeType::Organization => format!("/organizations/{scope_id}"),
        ScopeType::Project => format!("/projects/{scope_id}"),
        ScopeType::Environment => format!("/environments/{scope_id}"),
    };
    let one = api::resource(move || Some(path.clone()));
    let name = move || {
        api::read::<serde_json::Value>(one)
            .and_then(Result::ok)
            .and_then(|v| v["name"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    view! { {kind} " " <strong>{name}</strong> }
}
