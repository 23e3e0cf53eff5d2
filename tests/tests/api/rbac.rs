//! The RBAC matrix (each membership role, which implies a system role, against each route),
//! scoped role bindings, groups, hierarchy, escalation refusal and cross-tenant 404.
//!
//! Through the typed client (the web app's), except the route matrix and the cross-tenant table,
//! which send raw requests on purpose: they check each route's exact status.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::access::{
    CreateRole, CreateRoleBinding, PermissionsQuery, SYSTEM_ROLE_ADMIN, SYSTEM_ROLE_VIEWER,
    ScopeType, SubjectType, UpdateRole,
};
use windflow_api::tenancy::{
    AddGroupMember, AddMember, CreateEnvironment, CreateGroup, EnvironmentType, MembershipRole,
    UpdateEnvironment, UpdateMember, UpdateProject,
};
use windflow_tests::{Refused, Session, TestApp, spawn_app};

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
    let c = app.typed(root);
    let group = c.create_group(org, &group("ops")).await.unwrap().id;
    let auditor = new_role("auditor", &["audit:read"], &[]);
    let role = c.create_role(org, &auditor).await.unwrap().id;
    World {
        org,
        group,
        project,
        env,
        role,
    }
}

fn group(name: &str) -> CreateGroup {
    CreateGroup {
        name: name.into(),
        description: None,
    }
}

fn new_role(name: &str, permissions: &[&str], parent_ids: &[Uuid]) -> CreateRole {
    CreateRole {
        name: name.into(),
        description: None,
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        parent_ids: parent_ids.to_vec(),
    }
}

fn bind(
    role_id: Uuid,
    subject_type: SubjectType,
    subject_id: Uuid,
    scope_type: ScopeType,
    scope_id: Uuid,
) -> CreateRoleBinding {
    CreateRoleBinding {
        role_id,
        subject_type,
        subject_id,
        scope_type,
        scope_id,
    }
}

fn permissions(list: &[&str]) -> UpdateRole {
    UpdateRole {
        permissions: Some(list.iter().map(|p| (*p).to_owned()).collect()),
        ..UpdateRole::default()
    }
}

fn describe_env(description: &str) -> UpdateEnvironment {
    UpdateEnvironment {
        description: Some(description.into()),
        ..UpdateEnvironment::default()
    }
}

fn describe_project(description: &str) -> UpdateProject {
    UpdateProject {
        description: Some(description.into()),
        ..UpdateProject::default()
    }
}

fn at(scope: String) -> PermissionsQuery {
    PermissionsQuery { scope: Some(scope) }
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

    let c = app.typed(&root);
    for (role, s) in &people {
        let tag = role.unwrap_or("outsider");
        // Throwaway objects for the delete routes, made by root.
        let del_project = app.project(&root, w.org, &format!("del-{tag}")).await;
        let del_env = app
            .environment(&root, w.project, &format!("del-{tag}"))
            .await;
        let del = format!("del-{tag}");
        let g = c.create_group(w.org, &group(&del)).await.unwrap().id;
        let r = c
            .create_role(w.org, &new_role(&del, &[], &[]))
            .await
            .unwrap()
            .id;
        let b = bind(
            SYSTEM_ROLE_VIEWER,
            SubjectType::Group,
            w.group,
            ScopeType::Environment,
            del_env,
        );
        let b = c.create_role_binding(w.org, &b).await.unwrap().id;
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
                format!("/role-bindings/{b}"),
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
                format!("/groups/{g}"),
                None,
                Need::Write,
                StatusCode::NO_CONTENT,
            ),
            (
                Method::DELETE,
                format!("/roles/{r}"),
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
    c.delete_organization(w.org).await.unwrap();
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
    let (c, as_u) = (app.typed(&root), app.typed(&u));
    let deployer = new_role(
        "deployer",
        &["environments:create", "environments:update"],
        &[],
    );
    let deployer = c.create_role(w.org, &deployer).await.unwrap().id;
    let user = SubjectType::User;
    let b = bind(deployer, user, u.user_id, ScopeType::Project, w.project);
    c.create_role_binding(w.org, &b).await.unwrap();
    let qa = CreateEnvironment {
        name: "qa".into(),
        env_type: EnvironmentType::Testing,
        description: None,
    };
    as_u.create_environment(w.project, &qa).await.unwrap();
    let refused = as_u.create_environment(p2, &qa).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    as_u.update_environment(w.env, &describe_env("x"))
        .await
        .unwrap();
    let refused = as_u.update_environment(e2, &describe_env("x")).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let refused = as_u.update_project(w.project, &describe_project("x")).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);

    // Through a group: admin at environment e2 only.
    let join = AddGroupMember { user_id: u.user_id };
    c.add_group_member(w.group, &join).await.unwrap();
    let b = bind(
        SYSTEM_ROLE_ADMIN,
        SubjectType::Group,
        w.group,
        ScopeType::Environment,
        e2,
    );
    c.create_role_binding(w.org, &b).await.unwrap();
    as_u.update_environment(e2, &describe_env("y"))
        .await
        .unwrap();
    assert_eq!(
        as_u.delete_project(p2).await.refused(),
        ErrorCode::Forbidden,
        "not upwards"
    );

    // Effective permissions per scope.
    let perms = async |scope: String| as_u.user_permissions(u.user_id, &at(scope)).await;
    let at_p1 = perms(format!("project:{}", w.project)).await.unwrap();
    assert_eq!(
        at_p1.permissions,
        ["*:read", "environments:create", "environments:update"]
    );
    let at_p2 = perms(format!("project:{p2}")).await.unwrap();
    assert_eq!(at_p2.permissions, ["*:read"]);
    let at_e2 = perms(format!("environment:{e2}")).await.unwrap();
    assert_eq!(at_e2.permissions, ["*", "*:read"]);
    assert_eq!(
        perms("planet:1".into()).await.refused(),
        ErrorCode::ValidationFailed
    );
    let global = PermissionsQuery { scope: None };
    let global = c.user_permissions(root.user_id, &global).await.unwrap();
    assert_eq!(global.permissions, ["*"]);

    // Hierarchy: a role inheriting `deployer` grants its permissions too.
    let lead = new_role("lead", &["projects:update"], &[deployer]);
    let lead = c.create_role(w.org, &lead).await.unwrap().id;
    let v = app.user(&root, "vic").await;
    app.add_member(&root, w.org, &v, "member").await;
    let b = bind(lead, user, v.user_id, ScopeType::Project, p2);
    c.create_role_binding(w.org, &b).await.unwrap();
    let as_v = app.typed(&v);
    as_v.update_environment(e2, &describe_env("z"))
        .await
        .unwrap();
    as_v.update_project(p2, &describe_project("z"))
        .await
        .unwrap();
    // Cycles and foreign parents are refused.
    let cycle = UpdateRole {
        parent_ids: Some(vec![lead]),
        ..UpdateRole::default()
    };
    let refused = c.update_role(deployer, &cycle).await;
    assert_eq!(refused.field_codes()[0], "cycle");
    let other = app.org(&root, "Other").await;
    let foreign = c.create_role(other, &new_role("xx", &[], &[])).await;
    let yy = new_role("yy", &["nope:read", "projects:*"], &[foreign.unwrap().id]);
    assert_eq!(
        c.create_role(w.org, &yy).await.fields(),
        ["permissions[0]", "parent_ids[0]"]
    );
    let describe = UpdateRole {
        description: Some("x".into()),
        ..UpdateRole::default()
    };
    assert_eq!(
        c.update_role(SYSTEM_ROLE_ADMIN, &describe).await.refused(),
        ErrorCode::Conflict
    );
    let sys = as_u.role(SYSTEM_ROLE_VIEWER).await.unwrap();
    assert_eq!(sys.permissions[0], "*:read");
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
    let (c, as_binder) = (app.typed(&root), app.typed(&binder));
    let granter = new_role("granter", &["role_bindings:create", "audit:read"], &[]);
    let granter = c.create_role(w.org, &granter).await.unwrap().id;
    let b = |role: Uuid, subject: &Session| {
        let (user, org) = (SubjectType::User, ScopeType::Organization);
        bind(role, user, subject.user_id, org, w.org)
    };
    c.create_role_binding(w.org, &b(granter, &binder))
        .await
        .unwrap();
    let admin = b(SYSTEM_ROLE_ADMIN, &target);
    let refused = as_binder.create_role_binding(w.org, &admin).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    as_binder
        .create_role_binding(w.org, &b(w.role, &target))
        .await
        .expect("auditor only grants audit:read, which the binder holds");
    // Subjects and scopes must belong to the organization.
    let stranger = app.user(&root, "stranger").await;
    let refused = c.create_role_binding(w.org, &b(w.role, &stranger)).await;
    assert_eq!(refused.fields()[0], "subject_id");
    let other = app.org(&root, "Other").await;
    let foreign_project = app.project(&root, other, "xx").await;
    let (user, project) = (SubjectType::User, ScopeType::Project);
    let foreign = bind(w.role, user, target.user_id, project, foreign_project);
    let refused = c.create_role_binding(w.org, &foreign).await;
    assert_eq!(refused.fields()[0], "scope_id");
}

#[tokio::test]
async fn another_tenants_objects_are_404() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let w = world(&app, &root).await;
    let other = app.org(&root, "Other").await;
    let mallory = app.user(&root, "mallory").await;
    app.add_member(&root, other, &mallory, "owner").await;
    let c = app.typed(&root);
    let (group, org) = (SubjectType::Group, ScopeType::Organization);
    let b = bind(w.role, group, w.group, org, w.org);
    let binding = c.create_role_binding(w.org, &b).await.unwrap().id;
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
        (Method::DELETE, format!("/role-bindings/{binding}")),
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
    let list = app.typed(&mallory).organizations("").await.unwrap();
    assert_eq!(list.items.len(), 1, "only her own organization is listed");
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
    let (c, as_carol) = (app.typed(&root), app.typed(&carol));
    let org_bind = |role: Uuid, subject_type, subject: Uuid| {
        bind(role, subject_type, subject, ScopeType::Organization, w.org)
    };
    let user = SubjectType::User;
    let manager = new_role(
        "manager",
        &[
            "roles:create",
            "roles:update",
            "role_bindings:create",
            "members:create",
            "members:update",
            "groups:update",
        ],
        &[],
    );
    let manager = c.create_role(w.org, &manager).await.unwrap().id;
    let b = org_bind(manager, user, carol.user_id);
    c.create_role_binding(w.org, &b).await.unwrap();

    // A role carol may bind, then widen: refused unless she holds the result.
    let tiny = new_role("tiny", &["roles:read"], &[]);
    let x = as_carol.create_role(w.org, &tiny).await.unwrap().id;
    let b = org_bind(x, user, carol.user_id);
    as_carol.create_role_binding(w.org, &b).await.unwrap();
    let refused = as_carol.update_role(x, &permissions(&["*"])).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let admin_parent = UpdateRole {
        parent_ids: Some(vec![SYSTEM_ROLE_ADMIN]),
        ..UpdateRole::default()
    };
    let refused = as_carol.update_role(x, &admin_parent).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let narrow = permissions(&["roles:read", "groups:read"]);
    as_carol.update_role(x, &narrow).await.unwrap();
    let in_org = at(format!("organization:{}", w.org));
    let me = as_carol.user_permissions(carol.user_id, &in_org).await;
    let me = me.unwrap().permissions;
    assert!(!me.contains(&"*".to_owned()), "{me:?}");

    // Membership roles imply system roles: no self-promotion to admin, no admin recruits.
    let admin = UpdateMember {
        role: MembershipRole::Admin,
    };
    let refused = as_carol.update_member(w.org, carol.user_id, &admin).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let recruit = |role| AddMember {
        user_id: Some(stranger.user_id),
        username: None,
        role,
    };
    let refused = as_carol
        .add_member(w.org, &recruit(MembershipRole::Admin))
        .await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    as_carol
        .add_member(w.org, &recruit(MembershipRole::Member))
        .await
        .unwrap();

    // Joining a group inherits its bindings: refused when the group grants more than carol holds.
    let b = org_bind(SYSTEM_ROLE_ADMIN, SubjectType::Group, w.group);
    c.create_role_binding(w.org, &b).await.unwrap();
    let join = |s: &Session| AddGroupMember { user_id: s.user_id };
    let refused = as_carol.add_group_member(w.group, &join(&carol)).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let refused = as_carol.add_group_member(w.group, &join(&dan)).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    c.add_group_member(w.group, &join(&dan)).await.unwrap();

    // Effective permissions of users outside the organization cannot be probed.
    let outsider = app.user(&root, "outsider").await;
    let refused = as_carol.user_permissions(outsider.user_id, &in_org).await;
    assert_eq!(refused.refused(), ErrorCode::NotFound);
    as_carol
        .user_permissions(dan.user_id, &in_org)
        .await
        .unwrap();
}
