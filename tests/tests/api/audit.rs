//! The audit log: rows written with their change in one transaction (and rolled back with it),
//! filters, keyset paging, CSV and NDJSON export.
//!
//! Through the typed client, except where the wire is the point: request headers, the full body
//! of a 500, values the typed query cannot carry, export content types.
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use windflow_api::audit::AuditQuery;
use windflow_api::auth::LoginRequest;
use windflow_api::tenancy::{CreateGroup, CreateOrganization, UpdateProject};
use windflow_api::{ErrorCode, PageQuery};
use windflow_tests::{PASSWORD, Refused, on_postgres, spawn_app};

#[tokio::test]
async fn mutations_and_logins_write_audit_rows() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let p = app.project(&root, org, "shop").await;
    let res = app
        .req(&root, Method::PATCH, &format!("/projects/{p}"))
        .header("X-Request-Id", "trace-me-123")
        .header("User-Agent", "audit-test/1.0")
        .json(&json!({"name": "shop2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-request-id"], "trace-me-123");
    let rows = app.audit(&root, "project.update").await;
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r["actor_name"], "root");
    assert_eq!(r["actor_id"], root.user_id.to_string());
    assert_eq!(r["organization_id"], org.to_string());
    assert_eq!(r["project_id"], p.to_string());
    assert_eq!(r["resource_type"], "project");
    assert_eq!(r["resource_name"], "shop2");
    assert_eq!(r["outcome"], "success");
    assert_eq!(r["request_id"], "trace-me-123");
    assert_eq!(r["user_agent"], "audit-test/1.0");
    assert_eq!(r["ip"], "127.0.0.1");
    // Logins, failures, setup.
    app.login("root", PASSWORD).await;
    let wrong = LoginRequest {
        login: "root".into(),
        password: "wrong password!".into(),
    };
    app.anon().login(&wrong).await.unwrap_err();
    assert_eq!(
        app.audit(&root, "auth.login_failed").await[0]["outcome"],
        "denied"
    );
    assert_eq!(
        app.audit(&root, "auth.login")
            .await
            .iter()
            .filter(|r| r["action"] == "auth.login")
            .count(),
        1
    );
    assert_eq!(app.audit(&root, "setup.complete").await.len(), 1);
    for a in ["organization.create", "project.create"] {
        assert_eq!(app.audit(&root, a).await.len(), 1, "{a}");
    }
}

#[tokio::test]
async fn a_failed_change_leaves_no_audit_row_and_a_failed_audit_write_undoes_the_change() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let p = app.project(&root, org, "shop").await;
    app.project(&root, org, "blog").await;
    // The change fails in the database (unique name): no audit row.
    let c = app.typed(&root);
    let rename = UpdateProject {
        name: Some("blog".into()),
        ..UpdateProject::default()
    };
    assert_eq!(
        c.update_project(p, &rename).await.refused(),
        ErrorCode::Conflict
    );
    assert!(app.audit(&root, "project.update").await.is_empty());
    // The audit write fails (injected with a trigger): the change is rolled back with it.
    let trigger = if on_postgres() {
        vec![
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN IF NEW.action = 'project.update' THEN RAISE EXCEPTION 'audit store down'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ]
    } else {
        vec![
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'project.update' BEGIN SELECT RAISE(ABORT, 'audit store down'); END",
        ]
    };
    for sql in trigger {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    let (st, body) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/projects/{p}"),
            Some(json!({"name": "renamed", "color": "#000000"})),
        )
        .await;
    assert_eq!(st, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["code"], "internal");
    assert!(
        !body.to_string().contains("audit store down"),
        "5xx bodies say nothing internal"
    );
    let project = c.project(p).await.unwrap();
    assert_eq!(
        (project.name.as_str(), project.color.as_str()),
        ("shop", "#3b82f6"),
        "the change was rolled back"
    );
    // Multi-step change: creating an organization writes the org, the owner membership and the
    // audit row together; with the audit failing, none of it exists.
    app.db
        .execute_unprepared(if on_postgres() {
            "CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN IF NEW.action LIKE 'organization.%' THEN RAISE EXCEPTION 'down'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        } else {
            "CREATE TRIGGER refuse_org_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'organization.create' BEGIN SELECT RAISE(ABORT, 'down'); END"
        })
        .await
        .unwrap();
    let ghost = CreateOrganization {
        name: "Ghost".into(),
        description: None,
        settings: None,
    };
    assert_eq!(
        c.create_organization(&ghost).await.refused(),
        ErrorCode::Internal
    );
    let q = PageQuery {
        q: Some("ghost".into()),
        ..PageQuery::default()
    };
    assert!(c.list_organizations(&q).await.unwrap().items.is_empty());
    let orphans = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM memberships",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = orphans.try_get("", "n").unwrap();
    assert_eq!(n, 1, "only Acme's owner membership exists");
}

#[tokio::test]
async fn filters_paging_and_export() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let other = app.org(&root, "Other").await;
    for i in 0..5 {
        app.project(&root, org, &format!("p{i}")).await;
    }
    app.project(&root, other, "elsewhere").await;
    let before = chrono::Utc::now();
    let c = app.typed(&root);
    let ops = CreateGroup {
        name: "ops".into(),
        description: None,
    };
    let g = c.create_group(org, &ops).await.unwrap();
    // Organization filter + action prefix, paged newest first.
    let mut seen: Vec<String> = vec![];
    let mut q = AuditQuery {
        organization_id: Some(org),
        action: Some("project.".into()),
        limit: Some(2),
        ..AuditQuery::default()
    };
    loop {
        let page = c.list_audit(&q).await.unwrap();
        seen.extend(page.items.into_iter().map(|r| r.resource_name.unwrap()));
        match page.next_cursor {
            Some(next) => q.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["p4", "p3", "p2", "p1", "p0"]);
    // Resource, actor and time filters.
    let by_resource = AuditQuery {
        resource_type: Some("group".into()),
        resource_id: Some(g.id.to_string()),
        ..AuditQuery::default()
    };
    assert_eq!(c.list_audit(&by_resource).await.unwrap().items.len(), 1);
    let from = AuditQuery {
        from: Some(before),
        ..AuditQuery::default()
    };
    let r = c.list_audit(&from).await.unwrap();
    let actions: Vec<&str> = r.items.iter().map(|i| i.action.as_str()).collect();
    assert_eq!(actions, ["group.create"]);
    let to = AuditQuery {
        to: Some(before),
        action: Some("group.".into()),
        ..AuditQuery::default()
    };
    assert!(c.list_audit(&to).await.unwrap().items.is_empty());
    let mine_in_other = AuditQuery {
        actor_id: Some(root.user_id),
        organization_id: Some(other),
        ..AuditQuery::default()
    };
    assert_eq!(
        c.list_audit(&mine_in_other).await.unwrap().items.len(),
        2,
        "organization.create + project.create of Other"
    );
    let (st, _) = app
        .call(&root, Method::GET, "/audit?from=yesterday", None)
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    // Exports.
    let res = app
        .req(
            &root,
            Method::GET,
            &format!("/audit/export?organization_id={org}&format=csv"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,occurred_at,actor_type,actor_id,actor_name,organization_id"));
    assert_eq!(
        lines.len(),
        1 + 1 + 5 + 1,
        "header, organization.create, 5 projects, group: {csv}"
    );
    let res = app
        .req(
            &root,
            Method::GET,
            &format!("/audit/export?organization_id={org}&format=ndjson&action=project."),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let rows: Vec<Value> = res
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["organization_id"] == org.to_string()));
    let (st, _) = app
        .call(&root, Method::GET, "/audit/export?format=xml", None)
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
}
