//! CRUD of organizations, members, groups, projects, environments and users, with keyset
//! paging, filters, sorting and validation.
//!
//! Through the typed client, except where the wire is the point: values outside the contract's
//! types (unknown enum values, unknown fields, a bad sort direction) and the absence of a field.
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use windflow_api::tenancy::{
    AddGroupMember, AddMember, CreateEnvironment, CreateGroup, CreateOrganization, CreateProject,
    EnvironmentType, MembershipRole, Project, ProjectStatus, UpdateEnvironment, UpdateGroup,
    UpdateMember, UpdateOrganization, UpdateProject,
};
use windflow_api::users::{CreateUser, UpdateUser};
use windflow_api::{ErrorCode, Page, PageQuery, SortDir};
use windflow_client::ClientError;
use windflow_tests::{Refused, spawn_app};

fn names(page: Page<Project>) -> Vec<String> {
    page.items.into_iter().map(|p| p.name).collect()
}

fn project(name: &str) -> CreateProject {
    CreateProject {
        name: name.into(),
        description: None,
        color: None,
        status: None,
        owner_id: None,
    }
}

#[tokio::test]
async fn organization_crud_and_owner_rules() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let c = app.typed(&root);
    let named = |name: &str| CreateOrganization {
        name: name.into(),
        description: None,
        settings: None,
    };
    assert_eq!(
        c.create_organization(&named("Acme")).await.refused(),
        ErrorCode::Conflict,
        "names are unique"
    );
    let short = c.create_organization(&named("A")).await;
    assert_eq!(short.field_codes()[0], "too_short");
    let bad_settings = CreateOrganization {
        settings: Some(json!([1])),
        ..named("Beta")
    };
    let refused = c.create_organization(&bad_settings).await;
    assert_eq!(refused.fields()[0], "settings");
    let rename = UpdateOrganization {
        description: Some("Widgets".into()),
        name: Some("Acme Corp".into()),
        ..UpdateOrganization::default()
    };
    let o = c.update_organization(org, &rename).await.unwrap();
    assert_eq!(
        (o.name.as_str(), o.description.as_deref()),
        ("Acme Corp", Some("Widgets"))
    );
    assert_eq!(c.organization(org).await.unwrap().name, "Acme Corp");
    // Members: the creator is owner; the last owner cannot leave or be demoted.
    let members = c.members(org).await.unwrap();
    assert_eq!(members.items[0].role, MembershipRole::Owner);
    let role = |role| UpdateMember { role };
    let demote = c
        .update_member(org, root.user_id, &role(MembershipRole::Admin))
        .await;
    assert_eq!(demote.refused(), ErrorCode::Conflict);
    let leave = c.remove_member(org, root.user_id).await;
    assert_eq!(leave.refused(), ErrorCode::Conflict);
    // An admin member cannot grant owner nor delete the organization.
    let ann = app.user(&root, "ann").await;
    let ben = app.user(&root, "ben").await;
    app.add_member(&root, org, &ann, "admin").await;
    let as_ann = app.typed(&ann);
    let add = |username: &str, role| AddMember {
        user_id: None,
        username: Some(username.into()),
        role,
    };
    let refused = as_ann
        .add_member(org, &add("ben", MembershipRole::Owner))
        .await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let member = add("ben", MembershipRole::Member);
    let m = as_ann.add_member(org, &member).await.unwrap();
    assert_eq!(m.username, "ben");
    assert_eq!(
        as_ann.add_member(org, &member).await.refused(),
        ErrorCode::Conflict,
        "already a member"
    );
    let nobody = add("nobody", MembershipRole::Member);
    assert_eq!(
        as_ann.add_member(org, &nobody).await.fields()[0],
        "username"
    );
    let viewer = role(MembershipRole::Viewer);
    as_ann
        .update_member(org, ben.user_id, &viewer)
        .await
        .unwrap();
    assert_eq!(
        as_ann.delete_organization(org).await.refused(),
        ErrorCode::Forbidden,
        "owners only"
    );
    as_ann.remove_member(org, ben.user_id).await.unwrap();
    // Ben sees no organization now; ann sees one.
    let list = app.typed(&ben).organizations("").await.unwrap();
    assert_eq!(list.items.len(), 0);
    let list = as_ann.organizations("").await.unwrap();
    let seen: Vec<_> = list.items.into_iter().map(|o| o.name).collect();
    assert_eq!(seen, ["Acme Corp"]);
    // The owner deletes it, with everything inside.
    let p = app.project(&root, org, "web").await;
    c.delete_organization(org).await.unwrap();
    assert_eq!(c.organization(org).await.refused(), ErrorCode::NotFound);
    assert_eq!(c.project(p).await.refused(), ErrorCode::NotFound);
}

#[tokio::test]
async fn projects_and_environments_crud() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let c = app.typed(&root);
    let shop = CreateProject {
        color: Some("#FF0000".into()),
        status: Some(ProjectStatus::Paused),
        ..project("shop")
    };
    let p = c.create_project(org, &shop).await.unwrap();
    assert_eq!(
        (p.color.as_str(), p.status),
        ("#ff0000", ProjectStatus::Paused)
    );
    assert_eq!(p.owner_id, Some(root.user_id));
    let pid = p.id;
    let invalid = CreateProject {
        color: Some("red".into()),
        ..project("x")
    };
    let fields = c.create_project(org, &invalid).await.fields();
    assert_eq!(fields.len(), 2, "both fields reported: {fields:?}");
    let unknown_owner = CreateProject {
        owner_id: Some(Uuid::now_v7()),
        ..project("other")
    };
    let refused = c.create_project(org, &unknown_owner).await;
    assert_eq!(refused.fields()[0], "owner_id");
    let refused = c.create_project(org, &project("shop")).await;
    assert_eq!(refused.refused(), ErrorCode::Conflict);
    let archive = UpdateProject {
        status: Some(ProjectStatus::Archived),
        name: Some("shop2".into()),
        ..UpdateProject::default()
    };
    let p = c.update_project(pid, &archive).await.unwrap();
    assert_eq!(
        (p.status, p.name.as_str()),
        (ProjectStatus::Archived, "shop2")
    );

    // Environments: wire names, problems and paging are the contract's.
    let env = |name: &str, env_type| CreateEnvironment {
        name: name.into(),
        env_type,
        description: None,
    };
    let e = c
        .create_environment(pid, &env("prod", EnvironmentType::Production))
        .await
        .unwrap();
    assert_eq!(e.env_type, EnvironmentType::Production);
    let err = c
        .create_environment(pid, &env("prod", EnvironmentType::Staging))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(ErrorCode::Conflict),
        "environment names are unique per project"
    );
    let p2 = app.project(&root, org, "blog").await;
    c.create_environment(p2, &env("prod", EnvironmentType::Production))
        .await
        .expect("the same name in another project is fine");
    // A type outside the vocabulary cannot be sent typed: raw JSON.
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &format!("/projects/{pid}/environments"),
            Some(json!({"name": "qa", "type": "galaxy"})),
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"))
    );
    for t in [
        EnvironmentType::Development,
        EnvironmentType::Testing,
        EnvironmentType::Staging,
        EnvironmentType::DisasterRecovery,
        EnvironmentType::Other,
    ] {
        let made = c
            .create_environment(pid, &env(&format!("env-{t}"), t))
            .await
            .unwrap();
        assert_eq!(made.env_type, t);
    }
    let e = c
        .update_environment(
            e.id,
            &UpdateEnvironment {
                name: None,
                env_type: Some(EnvironmentType::DisasterRecovery),
                description: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(e.env_type, EnvironmentType::DisasterRecovery);
    let sorted = c
        .list_environments(
            pid,
            &PageQuery {
                sort: Some("name".into()),
                ..PageQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sorted.items.len(), 6);
    let names: Vec<_> = sorted.items.iter().map(|e| e.name.as_str()).collect();
    assert!(names.is_sorted(), "{names:?}");
    assert_eq!(c.environment(e.id).await.unwrap().id, e.id);
    c.delete_environment(e.id).await.unwrap();
    assert_eq!(c.environment(e.id).await.refused(), ErrorCode::NotFound);
    c.delete_project(pid).await.unwrap();
    assert_eq!(c.environments(pid).await.refused(), ErrorCode::NotFound);
}

#[tokio::test]
async fn keyset_paging_filter_and_sort() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    for n in ["delta", "alpha", "echo", "charlie", "bravo"] {
        app.project(&root, org, n).await;
    }
    // Creation order in pages of 2, following the cursor.
    let c = app.typed(&root);
    let mut seen = vec![];
    let mut q = PageQuery {
        limit: Some(2),
        ..PageQuery::default()
    };
    loop {
        let page = c.list_projects(org, &q).await.unwrap();
        assert!(page.items.len() <= 2);
        q.cursor = page.next_cursor.clone();
        seen.extend(names(page));
        if q.cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["delta", "alpha", "echo", "charlie", "bravo"]);
    // By name, descending, paged.
    let mut by_name = PageQuery {
        sort: Some("name".into()),
        dir: Some(SortDir::Desc),
        limit: Some(3),
        ..PageQuery::default()
    };
    let p1 = c.list_projects(org, &by_name).await.unwrap();
    let cursor = p1.next_cursor.clone().unwrap();
    assert_eq!(names(p1), ["echo", "delta", "charlie"]);
    by_name.cursor = Some(cursor.clone());
    let p2 = c.list_projects(org, &by_name).await.unwrap();
    assert!(p2.next_cursor.is_none());
    assert_eq!(names(p2), ["bravo", "alpha"]);
    // Case-insensitive substring filter.
    let filter = PageQuery {
        q: Some("HA".into()),
        sort: Some("name".into()),
        ..PageQuery::default()
    };
    let f = c.list_projects(org, &filter).await.unwrap();
    assert_eq!(names(f), ["alpha", "charlie"]);
    // Bad paging input: 422. Raw: a direction outside the vocabulary cannot be sent typed.    // Bad paging input: 422.
    for q in [
        "limit=0",
        "limit=201",
        "sort=color",
        "cursor=bm9wZQ",
        "dir=sideways",
    ] {
        let (st, body) = app
            .call(
                &root,
                Method::GET,
                &format!("/organizations/{org}/projects?{q}"),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {body}");
    }
    // A name cursor is not a creation cursor.
    let by_creation = PageQuery {
        cursor: Some(cursor),
        ..PageQuery::default()
    };
    assert_eq!(
        c.list_projects(org, &by_creation).await.refused(),
        ErrorCode::ValidationFailed
    );
}

#[tokio::test]
async fn groups_crud_and_members() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let gus = app.user(&root, "gus").await;
    let outsider = app.user(&root, "outsider").await;
    app.add_member(&root, org, &gus, "member").await;
    // Through the typed client (the web app's), as root and as gus.
    let (c, as_gus) = (app.typed(&root), app.typed(&gus));
    let group = |name: &str| CreateGroup {
        name: name.into(),
        description: Some("Operators".into()),
    };
    let g = c.create_group(org, &group("ops")).await.unwrap();
    assert_eq!(
        c.create_group(org, &group("ops")).await.refused(),
        ErrorCode::Conflict
    );
    let m = c
        .add_group_member(
            g.id,
            &AddGroupMember {
                user_id: gus.user_id,
            },
        )
        .await
        .unwrap();
    assert_eq!(m.username, "gus");
    let err = c
        .add_group_member(
            g.id,
            &AddGroupMember {
                user_id: outsider.user_id,
            },
        )
        .await
        .unwrap_err();
    let field_codes = |e: &ClientError| match e {
        ClientError::Problem(p) => p
            .errors
            .iter()
            .flatten()
            .map(|f| f.code.clone())
            .collect::<Vec<_>>(),
        _ => vec![],
    };
    assert_eq!(field_codes(&err), ["not_a_member"], "{err}");
    assert_eq!(c.group(g.id).await.unwrap().member_count, 1);
    assert_eq!(c.group_members(g.id).await.unwrap()[0].username, "gus");
    let g = c
        .update_group(
            g.id,
            &UpdateGroup {
                name: Some("sre".into()),
                description: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(g.name, "sre");
    let seen: Vec<_> = as_gus
        .groups(org)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(seen, ["sre"]);
    assert_eq!(
        as_gus.delete_group(g.id).await.refused(),
        ErrorCode::Forbidden
    );
    c.remove_group_member(g.id, gus.user_id).await.unwrap();
    assert_eq!(
        c.remove_group_member(g.id, gus.user_id).await.refused(),
        ErrorCode::NotFound
    );
    c.delete_group(g.id).await.unwrap();
    assert_eq!(c.group(g.id).await.refused(), ErrorCode::NotFound);
}

#[tokio::test]
async fn users_administration() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let hal = app.user(&root, "hal").await;
    let (c, as_hal) = (app.typed(&root), app.typed(&hal));
    let user = |username: &str, email: &str, password: &str| CreateUser {
        username: username.into(),
        email: email.into(),
        password: password.into(),
        display_name: None,
        is_superadmin: false,
    };
    let taken = user("hal", "other@example.org", "long enough password");
    assert_eq!(c.create_user(&taken).await.refused(), ErrorCode::Conflict);
    let invalid = c.create_user(&user("x y", "bad", "p")).await;
    assert_eq!(invalid.fields().len(), 3);
    // Raw: an unknown field cannot be sent typed.
    let (st, body) = app.call(&root, Method::POST, "/users", Some(json!({"username": "ivy", "email": "ivy@example.org", "password": "long enough password", "role": "x"}))).await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role")),
        "unknown fields are refused"
    );
    // Users see and edit themselves, not others.
    assert_eq!(
        as_hal.user(root.user_id).await.refused(),
        ErrorCode::NotFound
    );
    // Raw: the answer has no password hash.
    let (st, me) = app
        .call(
            &hal,
            Method::PATCH,
            &format!("/users/{}", hal.user_id),
            Some(json!({"theme": "dark", "display_name": "Hal 9000"})),
        )
        .await;
    assert_eq!(
        (st, me["theme"].as_str(), me["display_name"].as_str()),
        (StatusCode::OK, Some("dark"), Some("Hal 9000"))
    );
    assert!(me.get("password_hash").is_none());
    let promote = UpdateUser {
        is_superadmin: Some(true),
        ..UpdateUser::default()
    };
    let refused = as_hal.update_user(hal.user_id, &promote).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let all = PageQuery::default();
    assert_eq!(
        as_hal.list_users(&all).await.refused(),
        ErrorCode::Forbidden
    );
    let deactivate = UpdateUser {
        is_active: Some(false),
        ..UpdateUser::default()
    };
    let refused = c.update_user(root.user_id, &deactivate).await;
    assert_eq!(refused.refused(), ErrorCode::ValidationFailed);
    let by_name = PageQuery {
        sort: Some("name".into()),
        ..PageQuery::default()
    };
    let list = c.list_users(&by_name).await.unwrap();
    let usernames: Vec<&str> = list.items.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(usernames, ["hal", "root"]);
    // Deactivation revokes live sessions; deletion removes the user.
    c.update_user(hal.user_id, &deactivate).await.unwrap();
    assert_eq!(as_hal.session().await.refused(), ErrorCode::Unauthenticated);
    assert_eq!(
        c.delete_user(root.user_id).await.refused(),
        ErrorCode::Conflict
    );
    c.delete_user(hal.user_id).await.unwrap();
    assert_eq!(c.user(hal.user_id).await.refused(), ErrorCode::NotFound);
}
