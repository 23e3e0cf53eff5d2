//! Members and groups of the selected organization.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::tenancy::{AddGroupMember, AddMember, CreateGroup, MembershipRole};

use crate::api;
use crate::components::{NeedOrg, when};
use crate::i18n::*;
use crate::state::ctx;

fn role_of(s: &str) -> MembershipRole {
    s.parse().unwrap_or(MembershipRole::Viewer)
}

#[component]
pub fn Members() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/members?limit=200"))
    });
    let username = RwSignal::new(String::new());
    let role = RwSignal::new("member".to_owned());
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let req = AddMember {
                user_id: None,
                username: Some(username.get_untracked()),
                role: role_of(&role.get_untracked()),
            };
            match api::client().add_member(org, &req).await {
                Ok(m) => {
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.members.added,
                            name = m.username.clone(),
                            role = m.role.as_str()
                        )
                        .to_string(),
                        false,
                    );
                    username.set(String::new());
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let remove = move |user: uuid::Uuid| {
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::client()
                .delete(&format!("/organizations/{org}/members/{user}"))
                .await
            {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>{t!(i18n, common.titles.members)}</h1>
        <Show when=move || c.org.get().is_some() fallback=|| view! { <NeedOrg /> }>
            <Show when=move || c.can("members:create")>
                <div class="card">
                    <form class="inline" on:submit=add>
                        <input id="member-username" placeholder=move || t_string!(i18n, access.members.username) bind:value=username required />
                        <select aria-label=move || t_string!(i18n, access.members.org_role) id="member-role" on:change=move |ev| role.set(event_target_value(&ev))>
                            <option value="member" selected>"member"</option>
                            <option value="viewer">"viewer"</option>
                            <option value="admin">"admin"</option>
                            <option value="owner">"owner"</option>
                        </select>
                        <button id="member-add" type="submit">{t!(i18n, access.members.add)}</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Membership>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="members-table">
                        <thead><tr><th>{t!(i18n, access.col.user)}</th><th>{t!(i18n, access.col.email)}</th><th>{t!(i18n, access.col.role)}</th><th>{t!(i18n, access.col.since)}</th><th></th></tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|m| {
                                let uid = m.user_id;
                                let uname = StoredValue::new(m.username.clone());
                                view! {
                                    <tr>
                                        <td>{m.username.clone()}</td>
                                        <td class="muted">{m.email.clone()}</td>
                                        <td><span class="badge">{m.role.as_str()}</span></td>
                                        <td class="muted">{when(&m.created_at)}</td>
                                        <td><Show when=move || c.can("members:delete")>
                                            <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.members.remove_title), &uname.get_value(), t_string!(i18n, access.members.remove_detail), t_string!(i18n, common.remove), move || remove(uid))>{t!(i18n, common.remove)}</button>
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

#[component]
pub fn Groups() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/groups?limit=200&sort=name"))
    });
    let members = api::resource(move || {
        c.org
            .get()
            .map(|o| format!("/organizations/{o}/members?limit=200"))
    });
    let name = RwSignal::new(String::new());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(org) = c.org.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::client()
                .create_group(
                    org,
                    &CreateGroup {
                        name: name.get_untracked(),
                        description: None,
                    },
                )
                .await
            {
                Ok(g) => {
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.groups.created,
                            name = g.name.clone()
                        )
                        .to_string(),
                        false,
                    );
                    name.set(String::new());
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let remove = move |id: uuid::Uuid| {
        leptos::task::spawn_local(async move {
            match api::client().delete(&format!("/groups/{id}")).await {
                Ok(()) => c.version.update(|v| *v += 1),
                Err(e) => c.error(&e),
            }
        });
    };
    view! {
        <h1>{t!(i18n, common.titles.groups)}</h1>
        <Show when=move || c.org.get().is_some() fallback=|| view! { <NeedOrg /> }>
            <Show when=move || c.can("groups:create")>
                <div class="card">
                    <form class="inline" on:submit=create>
                        <input id="group-name" placeholder=move || t_string!(i18n, access.groups.name) bind:value=name required />
                        <button id="group-create" type="submit">{t!(i18n, access.groups.create)}</button>
                    </form>
                </div>
            </Show>
            {move || api::read::<windflow_api::Page<windflow_api::tenancy::Group>>(list).map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(page) => view! {
                    <table id="groups-table">
                        <thead><tr><th>{t!(i18n, access.col.name)}</th><th>{t!(i18n, access.col.members)}</th><th>{t!(i18n, access.groups.add_member)}</th><th></th></tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|g| {
                                let gid = g.id;
                                let gname = StoredValue::new(g.name.clone());
                                view! {
                                    <tr data-group=g.name.clone()>
                                        <td>{g.name.clone()}</td>
                                        <GroupMembers group=gid org_members=members />
                                        <td><Show when=move || c.can("groups:delete")>
                                            <button class="danger small" on:click=move |_| c.confirm(t_string!(i18n, access.groups.delete_title), &gname.get_value(), t_string!(i18n, access.groups.delete_detail), t_string!(i18n, common.delete), move || remove(gid))>{t!(i18n, common.delete)}</button>
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

/// A group's member cells (review D20): the members, each with a Remove button that asks
/// first, and the Add menu listing only the organization's members not yet in the group.
#[component]
fn GroupMembers(group: uuid::Uuid, org_members: LocalResource<api::Raw>) -> impl IntoView {
    use windflow_api::tenancy::{GroupMember, Membership};
    let c = ctx();
    let i18n = use_i18n();
    let list = api::resource(move || {
        c.version.get();
        Some(format!("/groups/{group}/members"))
    });
    let current = move || {
        api::read::<Vec<GroupMember>>(list)
            .and_then(Result::ok)
            .unwrap_or_default()
    };
    let add = move |user: String| {
        let Ok(user_id) = user.parse() else { return };
        leptos::task::spawn_local(async move {
            match api::client()
                .add_group_member(group, &AddGroupMember { user_id })
                .await
            {
                Ok(m) => {
                    c.toast(
                        td_string!(
                            i18n.get_locale_untracked(),
                            access.groups.member_added,
                            name = m.username.clone()
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
    let remove = move |m: GroupMember| {
        let name = m.username.clone();
        c.confirm(
            t_string!(i18n, access.groups.remove_member_title),
            &m.username,
            t_string!(i18n, access.groups.remove_member_detail),
            t_string!(i18n, common.remove),
            move || {
                leptos::task::spawn_local(async move {
                    match api::client().remove_group_member(group, m.user_id).await {
                        Ok(()) => {
                            c.toast(
                                td_string!(
                                    i18n.get_locale_untracked(),
                                    access.groups.member_removed,
                                    name = name
                                )
                                .to_string(),
                                false,
                            );
                            c.version.update(|v| *v += 1);
                        }
                        Err(e) => c.error(&e),
                    }
                });
            },
        );
    };
    view! {
        <td>
            <ul class="group-members">
                {move || {
                    let all = current();
                    if all.is_empty() {
                        return view! { <li class="muted">{t!(i18n, access.groups.no_members)}</li> }.into_any();
                    }
                    all.into_iter().map(|m| {
                        let label = td_string!(i18n.get_locale(), access.groups.remove_member_label, name = m.username.clone()).to_string();
                        let who = m.clone();
                        view! {
                            <li data-user=m.username.clone()>
                                {m.username.clone()}
                                <Show when=move || c.can("groups:update")>
                                    {
                                        let who = who.clone();
                                        let label = label.clone();
                                        view! { " " <button class="secondary small remove-member" aria-label=label on:click=move |_| remove(who.clone())>"×"</button> }
                                    }
                                </Show>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
        </td>
        <td><Show when=move || c.can("groups:update")>
            <select class="add-member" aria-label=move || t_string!(i18n, access.groups.add_member_label) on:change=move |ev| add(event_target_value(&ev))>
                <option value="">{t!(i18n, access.groups.add_option)}</option>
                {move || {
                    let inside: Vec<uuid::Uuid> = current().iter().map(|m| m.user_id).collect();
                    api::items::<Membership>(org_members)
                        .into_iter()
                        .filter(|m| !inside.contains(&m.user_id))
                        .map(|m| view! { <option value=m.user_id.to_string()>{m.username}</option> })
                        .collect_view()
                }}
            </select>
        </Show></td>
    }
}
