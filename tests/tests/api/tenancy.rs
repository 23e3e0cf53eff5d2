//! CRUD of organizations, members, groups, projects, environments and users, with keyset
//! paging, filters, sorting and validation.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_api::tenancy::{
    AddGroupMember, CreateEnvironment, CreateGroup, EnvironmentType, UpdateEnvironment, UpdateGroup,
};
use windflow_api::{ErrorCode, PageQuery};
use windflow_client::ClientError;
use windflow_tests::{id, spawn_app};

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn organization_crud_and_owner_rules() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            "/organizations",
            Some(json!({"name": "Acme"})),
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict")),
        "names are unique"
    );
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            "/organizations",
            Some(json!({"name": "A"})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_short"))
    );
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            "/organizations",
            Some(json!({"name": "Beta", "settings": [1]})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("settings"))
    );
    let (st, body) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/organizations/{org}"),
            Some(json!({"description": "Widgets", "name": "Acme Corp"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (body["name"].as_str(), body["description"].as_str()),
        (Some("Acme Corp"), Some("Widgets"))
    );
    let (st, body) = app
        .call(&root, Method::GET, &format!("/organizations/{org}"), None)
        .await;
    assert_eq!(
        (st, body["name"].as_str()),
        (StatusCode::OK, Some("Acme Corp"))
    );
    // Members: the creator is owner; the last owner cannot leave or be demoted.
    let (st, members) = app
        .call(
            &root,
            Method::GET,
            &format!("/organizations/{org}/members"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(members["items"][0]["role"], "owner");
    let (st, _) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/organizations/{org}/members/{}", root.user_id),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = app
        .call(
            &root,
            Method::DELETE,
            &format!("/organizations/{org}/members/{}", root.user_id),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    // An admin member cannot grant owner nor delete the organization.
    let ann = app.user(&root, "ann").await;
    let ben = app.user(&root, "ben").await;
    app.add_member(&root, org, &ann, "admin").await;
    let (st, _) = app
        .call(
            &ann,
            Method::POST,
            &format!("/organizations/{org}/members"),
            Some(json!({"username": "ben", "role": "owner"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, m) = app
        .call(
            &ann,
            Method::POST,
            &format!("/organizations/{org}/members"),
            Some(json!({"username": "ben", "role": "member"})),
        )
        .await;
    assert_eq!(
        (st, m["username"].as_str()),
        (StatusCode::CREATED, Some("ben"))
    );
    let (st, _) = app
        .call(
            &ann,
            Method::POST,
            &format!("/organizations/{org}/members"),
            Some(json!({"username": "ben", "role": "member"})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "already a member");
    let (st, body) = app
        .call(
            &ann,
            Method::POST,
            &format!("/organizations/{org}/members"),
            Some(json!({"username": "nobody", "role": "member"})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("username"))
    );
    let (st, _) = app
        .call(
            &ann,
            Method::PATCH,
            &format!("/organizations/{org}/members/{}", ben.user_id),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(&ann, Method::DELETE, &format!("/organizations/{org}"), None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "owners only");
    let (st, _) = app
        .call(
            &ann,
            Method::DELETE,
            &format!("/organizations/{org}/members/{}", ben.user_id),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    // Ben sees no organization now; ann sees one.
    let (_, list) = app.call(&ben, Method::GET, "/organizations", None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let (_, list) = app.call(&ann, Method::GET, "/organizations", None).await;
    assert_eq!(names(&list), ["Acme Corp"]);
    // The owner deletes it, with everything inside.
    let p = app.project(&root, org, "web").await;
    let (st, _) = app
        .call(
            &root,
            Method::DELETE,
            &format!("/organizations/{org}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(
        app.call(&root, Method::GET, &format!("/organizations/{org}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(&root, Method::GET, &format!("/projects/{p}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn projects_and_environments_crud() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let (st, p) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{org}/projects"),
            Some(json!({"name": "shop", "color": "#FF0000", "status": "paused"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(
        (p["color"].as_str(), p["status"].as_str()),
        (Some("#ff0000"), Some("paused"))
    );
    assert_eq!(p["owner_id"].as_str().unwrap(), root.user_id.to_string());
    let pid = id(&p);
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{org}/projects"),
            Some(json!({"name": "x", "color": "red"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"].as_array().unwrap().len(),
        2,
        "both fields reported: {body}"
    );
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{org}/projects"),
            Some(json!({"name": "other", "owner_id": Uuid::now_v7()})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("owner_id"))
    );
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{org}/projects"),
            Some(json!({"name": "shop"})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, body) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/projects/{pid}"),
            Some(json!({"status": "archived", "name": "shop2"})),
        )
        .await;
    assert_eq!(
        (st, body["status"].as_str(), body["name"].as_str()),
        (StatusCode::OK, Some("archived"), Some("shop2"))
    );

    // Environments through the typed client (the web app's): wire names, problems and paging
    // are the contract's.
    let c = app.typed(&root);
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
    let code = |e: ClientError| e.code();
    assert_eq!(
        c.environment(e.id).await.map_err(code).err(),
        Some(Some(ErrorCode::NotFound))
    );
    c.delete_project(pid).await.unwrap();
    assert_eq!(
        c.environments(pid).await.map_err(code).err(),
        Some(Some(ErrorCode::NotFound))
    );
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
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".into(),
        };
        let (st, page) = app
            .call(
                &root,
                Method::GET,
                &format!("/organizations/{org}/projects{q}"),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK);
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["delta", "alpha", "echo", "charlie", "bravo"]);
    // By name, descending, paged.
    let (_, p1) = app
        .call(
            &root,
            Method::GET,
            &format!("/organizations/{org}/projects?sort=name&dir=desc&limit=3"),
            None,
        )
        .await;
    assert_eq!(names(&p1), ["echo", "delta", "charlie"]);
    let c = p1["next_cursor"].as_str().unwrap();
    let (_, p2) = app
        .call(
            &root,
            Method::GET,
            &format!("/organizations/{org}/projects?sort=name&dir=desc&limit=3&cursor={c}"),
            None,
        )
        .await;
    assert_eq!(names(&p2), ["bravo", "alpha"]);
    assert!(p2["next_cursor"].is_null());
    // Case-insensitive substring filter.
    let (_, f) = app
        .call(
            &root,
            Method::GET,
            &format!("/organizations/{org}/projects?q=HA&sort=name"),
            None,
        )
        .await;
    assert_eq!(names(&f), ["alpha", "charlie"]);
    // Bad paging input: 422.
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
    let (st, _) = app
        .call(
            &root,
            Method::GET,
            &format!("/organizations/{org}/projects?cursor={c}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
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
    let code = |e: ClientError| e.code();
    let group = |name: &str| CreateGroup {
        name: name.into(),
        description: Some("Operators".into()),
    };
    let g = c.create_group(org, &group("ops")).await.unwrap();
    assert_eq!(
        c.create_group(org, &group("ops")).await.map_err(code).err(),
        Some(Some(ErrorCode::Conflict))
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
        as_gus.delete_group(g.id).await.map_err(code).err(),
        Some(Some(ErrorCode::Forbidden))
    );
    c.remove_group_member(g.id, gus.user_id).await.unwrap();
    assert_eq!(
        c.remove_group_member(g.id, gus.user_id)
            .await
            .map_err(code)
            .err(),
        Some(Some(ErrorCode::NotFound))
    );
    c.delete_group(g.id).await.unwrap();
    assert_eq!(
        c.group(g.id).await.map_err(code).err(),
        Some(Some(ErrorCode::NotFound))
    );
}

#[tokio::test]
async fn users_administration() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let hal = app.user(&root, "hal").await;
    let (st, body) = app.call(&root, Method::POST, "/users", Some(json!({"username": "hal", "email": "other@example.org", "password": "long enough password"}))).await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            "/users",
            Some(json!({"username": "x y", "email": "bad", "password": "p"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"].as_array().unwrap().len(), 3);
    let (st, body) = app.call(&root, Method::POST, "/users", Some(json!({"username": "ivy", "email": "ivy@example.org", "password": "long enough password", "role": "x"}))).await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role")),
        "unknown fields are refused"
    );
    // Users see and edit themselves, not others.
    assert_eq!(
        app.call(&hal, Method::GET, &format!("/users/{}", root.user_id), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
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
    assert_eq!(
        app.call(
            &hal,
            Method::PATCH,
            &format!("/users/{}", hal.user_id),
            Some(json!({"is_superadmin": true}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(&hal, Method::GET, "/users", None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &root,
            Method::PATCH,
            &format!("/users/{}", root.user_id),
            Some(json!({"is_active": false}))
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, list) = app.call(&root, Method::GET, "/users?sort=name", None).await;
    let usernames: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(usernames, ["hal", "root"]);
    // Deactivation revokes live sessions; deletion removes the user.
    assert_eq!(
        app.call(
            &root,
            Method::PATCH,
            &format!("/users/{}", hal.user_id),
            Some(json!({"is_active": false}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(&hal, Method::GET, "/auth/session", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call(
            &root,
            Method::DELETE,
            &format!("/users/{}", root.user_id),
            None
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.call(
            &root,
            Method::DELETE,
            &format!("/users/{}", hal.user_id),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call(&root, Method::GET, &format!("/users/{}", hal.user_id), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}
