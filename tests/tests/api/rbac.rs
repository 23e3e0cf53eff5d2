//! The RBAC matrix (each membership role, which implies a system role, against each route),
//! scoped role bindings, groups, hierarchy, escalation refusal and cross-tenant 404.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_api::access::{SYSTEM_ROLE_ADMIN, SYSTEM_ROLE_VIEWER};
use windflow_tests::{Session, TestApp, id, spawn_app};

struct World {
    org: Uuid,
    group: Uuid,
    project: Uuid,
    env: Uuid,
    role: Uuid,
}

async fn world(app: &TestApp, root: &Session) -> World {
    let org = app.org(root, "Acme").await;
    let project = app.project(root, org, "shop").await;
    let env = app.environment(root, project, "prod").await;
    let (_, g) = app
        .call(
            root,
            Method::POST,
            &format!("/organizations/{org}/groups"),
            Some(json!({"name": "ops"})),
        )
        .await;
    let (_, r) = app
        .call(
            root,
            Method::POST,
            &format!("/organizations/{org}/roles"),
            Some(json!({"name": "auditor", "permissions": ["audit:read"]})),
        )
        .await;
    World {
        org,
        group: id(&g),
        project,
        env,
        role: id(&r),
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Need {
    Read,
    Write,
    Audit,
    Owner,
    Superadmin,
}

/// Expected status for a membership role (None = outsider) and a route's need.
fn expected(role: Option<&str>, need: Need, ok: StatusCode) -> StatusCode {
    match (role, need) {
        (_, Need::Superadmin) => StatusCode::FORBIDDEN,
        (None, _) => StatusCode::NOT_FOUND,
        (Some("admin"), Need::Owner) => StatusCode::FORBIDDEN,
        (Some("admin"), _) => ok,
        (Some("viewer"), Need::Read | Need::Audit) => ok,
        (Some("member"), Need::Read) => ok,
        _ => StatusCode::FORBIDDEN,
    }
}

#[tokio::test]
async fn membership_roles_against_every_route() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let w = world(&app, &root).await;
    let other_org = app.org(&root, "Other").await;
    let mut people: Vec<(Option<&str>, Session)> = vec![];
    for role in ["admin", "member", "viewer"] {
        let s = app.user(&root, role).await;
        app.add_member(&root, w.org, &s, role).await;
        people.push((Some(role), s));
    }
    let outsider = app.user(&root, "outsider").await;
    app.add_member(&root, other_org, &outsider, "owner").await;
    people.push((None, outsider));

    for (role, s) in &people {
        let tag = role.unwrap_or("outsider");
        // Throwaway objects for the delete routes, made by root.
        let del_project = app.project(&root, w.org, &format!("del-{tag}")).await;
        let del_env = app
            .environment(&root, w.project, &format!("del-{tag}"))
            .await;
        let (_, g) = app
            .call(
                &root,
                Method::POST,
                &format!("/organizations/{}/groups", w.org),
                Some(json!({"name": format!("del-{tag}")})),
            )
            .await;
        let (_, r) = app
            .call(
                &root,
                Method::POST,
                &format!("/organizations/{}/roles", w.org),
                Some(json!({"name": format!("del-{tag}"), "permissions": []})),
            )
            .await;
        let (_, b) = app
            .call(
                &root,
                Method::POST,
                &format!("/organizations/{}/role-bindings", w.org),
                Some(json!({"role_id": SYSTEM_ROLE_VIEWER, "subject_type": "group", "subject_id": w.group, "scope_type": "environment", "scope_id": del_env})),
            )
            .await;
        let viewer_id = people[2].1.user_id;
        let (o, p, e, gr, ro) = (w.org, w.project, w.env, w.group, w.role);
        let routes: Vec<(Method, String, Option<Value>, Need, StatusCode)> = vec![
            (
                Method::GET,
                format!("/organizations/{o}"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/organizations/{o}/members"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/organizations/{o}/groups"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/groups/{gr}"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/groups/{gr}/members"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/organizations/{o}/projects"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/projects/{p}"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/projects/{p}/environments"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/environments/{e}"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/organizations/{o}/roles"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/roles/{ro}"),
                None,
                Need::Read,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/organizations/{o}/role-bindings"),
                None,
                Need::Audit,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/audit?organization_id={o}"),
                None,
                Need::Audit,
                StatusCode::OK,
            ),
            (
                Method::GET,
                format!("/audit/export?organization_id={o}&format=csv"),
                None,
                Need::Write,
                StatusCode::OK,
            ),
            (
                Method::PATCH,
                format!("/organizations/{o}"),
                Some(json!({"description": tag})),
                Need::Write,
                StatusCode::OK,
            ),
            (
                Method::POST,
                format!("/organizations/{o}/groups"),
                Some(json!({"name": format!("g-{tag}")})),
                Need::Write,
                StatusCode::CREATED,
            ),
            (
                Method::PATCH,
                format!("/groups/{gr}"),
                Some(json!({"description": tag})),
                Need::Write,
                StatusCode::OK,
            ),
            (
                Method::POST,
                format!("/groups/{gr}/members"),
                Some(json!({"user_id": viewer_id})),
                Need::Write,
                StatusCode::CREATED,
            ),
            (
                Method::DELETE,
                format!("/groups/{gr}/members/{viewer_id}"),
                None,
                Need::Write,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::POST,
                format!("/organizations/{o}/projects"),
                Some(json!({"name": format!("p-{tag}")})),
                Need::Write,
                StatusCode::CREATED,
            ),
            (
                Method::PATCH,
                format!("/projects/{p}"),
                Some(json!({"description": tag})),
                Need::Write,
                StatusCode::OK,
            ),
            (
                Method::POST,
                format!("/projects/{p}/environments"),
                Some(json!({"name": format!("e-{tag}"), "type": "other"})),
                Need::Write,
                StatusCode::CREATED,
            ),
            (
                Method::PATCH,
                format!("/environments/{e}"),
                Some(json!({"description": tag})),
                Need::Write,
                StatusCode::OK,
            ),
            (
                Method::POST,
                format!("/organizations/{o}/roles"),
                Some(json!({"name": format!("r-{tag}"), "permissions": ["projects:read"]})),
                Need::Write,
                StatusCode::CREATED,
            ),
            (
                Method::PATCH,
                format!("/roles/{ro}"),
                Some(json!({"description": tag})),
                Need::Write,
                StatusCode::OK,
            ),
            (
                Method::POST,
                format!("/organizations/{o}/role-bindings"),
                Some(
                    json!({"role_id": ro, "subject_type": "user", "subject_id": viewer_id, "scope_type": "project", "scope_id": del_project}),
                ),
                Need::Write,
                StatusCode::CREATED,
            ),
            (
                Method::DELETE,
                format!("/role-bindings/{}", id(&b)),
                None,
                Need::Write,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::DELETE,
                format!("/environments/{del_env}"),
                None,
                Need::Write,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::DELETE,
                format!("/projects/{del_project}"),
                None,
                Need::Write,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::DELETE,
                format!("/groups/{}", id(&g)),
                None,
                Need::Write,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::DELETE,
                format!("/roles/{}", id(&r)),
                None,
                Need::Write,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::DELETE,
                format!("/organizations/{o}"),
                None,
                Need::Owner,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::GET,
                "/users".into(),
                None,
                Need::Superadmin,
                StatusCode::OK,
            ),
            (
                Method::POST,
                "/organizations".into(),
                Some(json!({"name": format!("org-{tag}")})),
                Need::Superadmin,
                StatusCode::CREATED,
            ),
            (
                Method::GET,
                "/settings/auth".into(),
                None,
                Need::Superadmin,
                StatusCode::OK,
            ),
            (
                Method::GET,
                "/audit".into(),
                None,
                Need::Superadmin,
                StatusCode::OK,
            ),
        ];
        for (m, path, body, need, ok) in routes {
            let want = expected(*role, need, ok);
            let (st, res) = app.call(s, m.clone(), &path, body).await;
            assert_eq!(st, want, "{tag} {m} {path}: {res}");
        }
    }
    // Every route also answers for the superadmin (org deletion included).
    assert_eq!(
        app.call(
            &root,
            Method::DELETE,
            &format!("/organizations/{}", w.org),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn bindings_apply_at_their_scope_and_below_only() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let w = world(&app, &root).await;
    let p2 = app.project(&root, w.org, "blog").await;
    let e2 = app.environment(&root, p2, "prod").await;
    let u = app.user(&root, "uma").await;
    app.add_member(&root, w.org, &u, "viewer").await;
    let (st, deployer) = app
        .call(&root, Method::POST, &format!("/organizations/{}/roles", w.org), Some(json!({"name": "deployer", "permissions": ["environments:create", "environments:update"]})))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let bind = |subject_type: &str, subject: Uuid, role: Uuid, scope_type: &str, scope: Uuid| json!({"role_id": role, "subject_type": subject_type, "subject_id": subject, "scope_type": scope_type, "scope_id": scope});
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(bind("user", u.user_id, id(&deployer), "project", w.project)),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let env_body = json!({"name": "qa", "type": "testing"});
    assert_eq!(
        app.call(
            &u,
            Method::POST,
            &format!("/projects/{}/environments", w.project),
            Some(env_body.clone())
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(
        app.call(
            &u,
            Method::POST,
            &format!("/projects/{p2}/environments"),
            Some(env_body)
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &u,
            Method::PATCH,
            &format!("/environments/{}", w.env),
            Some(json!({"description": "x"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            &u,
            Method::PATCH,
            &format!("/environments/{e2}"),
            Some(json!({"description": "x"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &u,
            Method::PATCH,
            &format!("/projects/{}", w.project),
            Some(json!({"description": "x"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );

    // Through a group: admin at environment e2 only.
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &format!("/groups/{}/members", w.group),
            Some(json!({"user_id": u.user_id}))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(bind("group", w.group, SYSTEM_ROLE_ADMIN, "environment", e2)),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(
        app.call(
            &u,
            Method::PATCH,
            &format!("/environments/{e2}"),
            Some(json!({"description": "y"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(&u, Method::DELETE, &format!("/projects/{p2}"), None)
            .await
            .0,
        StatusCode::FORBIDDEN,
        "not upwards"
    );

    // Effective permissions per scope.
    let (a, uu) = (&app, &u);
    let perms = move |scope: String| {
        let path = format!("/users/{}/permissions?scope={scope}", uu.user_id);
        async move { a.call(uu, Method::GET, &path, None).await }
    };
    let (st, at_p1) = perms(format!("project:{}", w.project)).await;
    assert_eq!(st, StatusCode::OK);
    let list = |v: &Value| {
        v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        list(&at_p1),
        ["*:read", "environments:create", "environments:update"]
    );
    let (_, at_p2) = perms(format!("project:{p2}")).await;
    assert_eq!(list(&at_p2), ["*:read"]);
    let (_, at_e2) = perms(format!("environment:{e2}")).await;
    assert_eq!(list(&at_e2), ["*", "*:read"]);
    let (st, _) = perms("planet:1".into()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, global) = app
        .call(
            &root,
            Method::GET,
            &format!("/users/{}/permissions", root.user_id),
            None,
        )
        .await;
    assert_eq!(list(&global), ["*"]);

    // Hierarchy: a role inheriting `deployer` grants its permissions too.
    let (st, lead) = app
        .call(&root, Method::POST, &format!("/organizations/{}/roles", w.org), Some(json!({"name": "lead", "permissions": ["projects:update"], "parent_ids": [id(&deployer)]})))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let v = app.user(&root, "vic").await;
    app.add_member(&root, w.org, &v, "member").await;
    app.call(
        &root,
        Method::POST,
        &format!("/organizations/{}/role-bindings", w.org),
        Some(bind("user", v.user_id, id(&lead), "project", p2)),
    )
    .await;
    assert_eq!(
        app.call(
            &v,
            Method::PATCH,
            &format!("/environments/{e2}"),
            Some(json!({"description": "z"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            &v,
            Method::PATCH,
            &format!("/projects/{p2}"),
            Some(json!({"description": "z"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    // Cycles and foreign parents are refused.
    let (st, body) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/roles/{}", id(&deployer)),
            Some(json!({"parent_ids": [id(&lead)]})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cycle"))
    );
    let other = app.org(&root, "Other").await;
    let (_, foreign) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{other}/roles"),
            Some(json!({"name": "xx", "permissions": []})),
        )
        .await;
    let (st, body) = app
        .call(&root, Method::POST, &format!("/organizations/{}/roles", w.org), Some(json!({"name": "yy", "permissions": ["nope:read", "projects:*"], "parent_ids": [id(&foreign)]})))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["permissions[0]", "parent_ids[0]"]);
    assert_eq!(
        app.call(
            &root,
            Method::PATCH,
            &format!("/roles/{SYSTEM_ROLE_ADMIN}"),
            Some(json!({"description": "x"}))
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    let (st, sys) = app
        .call(
            &u,
            Method::GET,
            &format!("/roles/{SYSTEM_ROLE_VIEWER}"),
            None,
        )
        .await;
    assert_eq!(
        (st, sys["permissions"][0].as_str()),
        (StatusCode::OK, Some("*:read"))
    );
}

#[tokio::test]
async fn role_binders_cannot_grant_more_than_they_hold() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let w = world(&app, &root).await;
    let binder = app.user(&root, "binder").await;
    let target = app.user(&root, "target").await;
    app.add_member(&root, w.org, &binder, "member").await;
    app.add_member(&root, w.org, &target, "viewer").await;
    let (_, granter) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/roles", w.org),
            Some(json!({"name": "granter", "permissions": ["role_bindings:create", "audit:read"]})),
        )
        .await;
    let b = |role: Uuid, subject: Uuid| json!({"role_id": role, "subject_type": "user", "subject_id": subject, "scope_type": "organization", "scope_id": w.org});
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(b(id(&granter), binder.user_id))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let (st, body) = app
        .call(
            &binder,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(b(SYSTEM_ROLE_ADMIN, target.user_id)),
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{body}"
    );
    let (st, _) = app
        .call(
            &binder,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(b(w.role, target.user_id)),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::CREATED,
        "auditor only grants audit:read, which the binder holds"
    );
    // Subjects and scopes must belong to the organization.
    let stranger = app.user(&root, "stranger").await;
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(b(w.role, stranger.user_id)),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("subject_id"))
    );
    let other = app.org(&root, "Other").await;
    let foreign_project = app.project(&root, other, "xx").await;
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(json!({"role_id": w.role, "subject_type": "user", "subject_id": target.user_id, "scope_type": "project", "scope_id": foreign_project})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("scope_id"))
    );
}

#[tokio::test]
async fn another_tenants_objects_are_404() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let w = world(&app, &root).await;
    let other = app.org(&root, "Other").await;
    let mallory = app.user(&root, "mallory").await;
    app.add_member(&root, other, &mallory, "owner").await;
    let (_, bindings) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", w.org),
            Some(json!({"role_id": w.role, "subject_type": "group", "subject_id": w.group, "scope_type": "organization", "scope_id": w.org})),
        )
        .await;
    let (o, p, e, g, r) = (w.org, w.project, w.env, w.group, w.role);
    for (m, path) in [
        (Method::GET, format!("/organizations/{o}")),
        (Method::GET, format!("/projects/{p}")),
        (Method::PATCH, format!("/projects/{p}")),
        (Method::DELETE, format!("/projects/{p}")),
        (Method::GET, format!("/environments/{e}")),
        (Method::DELETE, format!("/environments/{e}")),
        (Method::GET, format!("/groups/{g}")),
        (Method::DELETE, format!("/groups/{g}")),
        (Method::GET, format!("/roles/{r}")),
        (Method::DELETE, format!("/roles/{r}")),
        (Method::DELETE, format!("/role-bindings/{}", id(&bindings))),
        (Method::GET, format!("/audit?organization_id={o}")),
        (
            Method::GET,
            format!(
                "/users/{}/permissions?scope=organization:{o}",
                mallory.user_id
            ),
        ),
        (Method::GET, format!("/projects/{}", Uuid::now_v7())),
    ] {
        let body = if m == Method::PATCH {
            Some(json!({"description": "pwned"}))
        } else {
            None
        };
        let (st, res) = app.call(&mallory, m.clone(), &path, body).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{m} {path}: {res}");
        assert_eq!(res["code"], "not_found");
    }
    let (_, list) = app
        .call(&mallory, Method::GET, "/organizations", None)
        .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only her own organization is listed"
    );
}

#[tokio::test]
async fn escalation_through_roles_memberships_and_groups_is_refused() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let w = world(&app, &root).await;
    let carol = app.user(&root, "carol").await;
    let dan = app.user(&root, "dan").await;
    let stranger = app.user(&root, "stranger").await;
    app.add_member(&root, w.org, &carol, "member").await;
    app.add_member(&root, w.org, &dan, "viewer").await;
    let org_bind = |role: Uuid, subject_type: &str, subject: Uuid| json!({"role_id": role, "subject_type": subject_type, "subject_id": subject, "scope_type": "organization", "scope_id": w.org});
    let (_, manager) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/roles", w.org),
            Some(json!({"name": "manager", "permissions": ["roles:create", "roles:update", "role_bindings:create", "members:create", "members:update", "groups:update"]})),
        )
        .await;
    let bindings = format!("/organizations/{}/role-bindings", w.org);
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &bindings,
            Some(org_bind(id(&manager), "user", carol.user_id))
        )
        .await
        .0,
        StatusCode::CREATED
    );

    // A role carol may bind, then widen: refused unless she holds the result.
    let (st, x) = app
        .call(
            &carol,
            Method::POST,
            &format!("/organizations/{}/roles", w.org),
            Some(json!({"name": "tiny", "permissions": ["roles:read"]})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(
        app.call(
            &carol,
            Method::POST,
            &bindings,
            Some(org_bind(id(&x), "user", carol.user_id))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let role = format!("/roles/{}", id(&x));
    assert_eq!(
        app.call(
            &carol,
            Method::PATCH,
            &role,
            Some(json!({"permissions": ["*"]}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &carol,
            Method::PATCH,
            &role,
            Some(json!({"parent_ids": [SYSTEM_ROLE_ADMIN]}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &carol,
            Method::PATCH,
            &role,
            Some(json!({"permissions": ["roles:read", "groups:read"]}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (_, me) = app
        .call(
            &carol,
            Method::GET,
            &format!(
                "/users/{}/permissions?scope=organization:{}",
                carol.user_id, w.org
            ),
            None,
        )
        .await;
    assert!(
        !me["permissions"].as_array().unwrap().contains(&json!("*")),
        "{me}"
    );

    // Membership roles imply system roles: no self-promotion to admin, no admin recruits.
    let members = format!("/organizations/{}/members", w.org);
    assert_eq!(
        app.call(
            &carol,
            Method::PATCH,
            &format!("{members}/{}", carol.user_id),
            Some(json!({"role": "admin"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &carol,
            Method::POST,
            &members,
            Some(json!({"user_id": stranger.user_id, "role": "admin"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &carol,
            Method::POST,
            &members,
            Some(json!({"user_id": stranger.user_id, "role": "member"}))
        )
        .await
        .0,
        StatusCode::CREATED
    );

    // Joining a group inherits its bindings: refused when the group grants more than carol holds.
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &bindings,
            Some(org_bind(SYSTEM_ROLE_ADMIN, "group", w.group))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let join = format!("/groups/{}/members", w.group);
    assert_eq!(
        app.call(
            &carol,
            Method::POST,
            &join,
            Some(json!({"user_id": carol.user_id}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &carol,
            Method::POST,
            &join,
            Some(json!({"user_id": dan.user_id}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &join,
            Some(json!({"user_id": dan.user_id}))
        )
        .await
        .0,
        StatusCode::CREATED
    );

    // Effective permissions of users outside the organization cannot be probed.
    let outsider = app.user(&root, "outsider").await;
    let (st, _) = app
        .call(
            &carol,
            Method::GET,
            &format!(
                "/users/{}/permissions?scope=organization:{}",
                outsider.user_id, w.org
            ),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = app
        .call(
            &carol,
            Method::GET,
            &format!(
                "/users/{}/permissions?scope=organization:{}",
                dan.user_id, w.org
            ),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
}
