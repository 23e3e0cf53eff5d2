//! Endpoint CRUD, connection test and validation, and environment-scoped bindings and other
//! tenants on the Docker routes.
use reqwest::{Method, StatusCode};
use serde_json::json;
use windflow_tests::{id, spawn_app};

use super::{setup, socket, unique};

#[tokio::test]
async fn endpoint_crud_test_and_validation() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let (st, e) = app
        .call(
            &root,
            Method::POST,
            &format!("/endpoints/{}/test", s.endpoint),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(e["status"], "up");
    assert_eq!(
        e["engine"]["api_version"], "1.41",
        "negotiated down to the engine's version"
    );
    assert!(e["engine"]["cpus"].as_i64().unwrap() > 0);
    assert!(e["engine"]["memory_bytes"].as_i64().unwrap() > 0);
    assert!(e["last_seen_at"].is_string());
    let (_, list) = app
        .call(
            &root,
            Method::GET,
            &format!("/environments/{}/endpoints", s.env_a),
            None,
        )
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (st, e) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/endpoints/{}", s.endpoint),
            Some(json!({"name": "lab", "collect_activity": true})),
        )
        .await;
    assert_eq!(
        (st, e["name"].as_str(), e["collect_activity"].as_bool()),
        (StatusCode::OK, Some("lab"), Some(true))
    );
    for bad in [
        json!({"name": "x1", "connection_type": "socket", "socket_path": "relative.sock"}),
        json!({"name": "x2", "connection_type": "direct", "host": "engine.lan"}),
        json!({"name": "x3", "connection_type": "direct", "host": "http://engine", "port": 2375}),
        json!({"name": "x4", "connection_type": "socket", "socket_path": "/run/d.sock", "bind_allowlist": ["/"]}),
        json!({"name": "x5", "connection_type": "agent"}),
    ] {
        let (st, body) = app
            .call(
                &root,
                Method::POST,
                &format!("/environments/{}/endpoints", s.env_a),
                Some(bad.clone()),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/environments/{}/endpoints", s.env_a),
            Some(json!({"name": "lab", "connection_type": "socket", "socket_path": "/x.sock"})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "names are unique per environment");
    // An engine that is down: a clear 502 and a recorded status.
    let (_, down) = app
        .call(&root, Method::POST, &format!("/environments/{}/endpoints", s.env_b), Some(json!({"name": "gone", "connection_type": "socket", "socket_path": "/tmp/no-such-engine.sock"})))
        .await;
    let (st, body) = app
        .call(
            &root,
            Method::GET,
            &format!("/endpoints/{}/containers", id(&down)),
            None,
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("engine_unavailable")),
        "{body}"
    );
    let (_, e) = app
        .call(
            &root,
            Method::POST,
            &format!("/endpoints/{}/test", id(&down)),
            None,
        )
        .await;
    assert_eq!(e["status"], "down");
    assert!(
        e["last_error"].as_str().unwrap().contains("no-such-engine"),
        "{e}"
    );
    // The all-endpoints list reports the dead one instead of failing.
    let (st, all) = app
        .call(&root, Method::GET, "/containers?all=true", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(all["errors"].as_array().unwrap().len(), 1);
    assert_eq!(all["errors"][0]["endpoint_name"], "gone");
    assert_eq!(
        app.call(
            &root,
            Method::DELETE,
            &format!("/endpoints/{}", id(&down)),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.audit(&root, "endpoint.").await.len(),
        4,
        "create, update, create, delete"
    );
    // 401 without credentials.
    let res = app
        .client
        .get(app.url(&format!("/endpoints/{}", s.endpoint)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let _ = s.org;
}

#[tokio::test]
async fn environment_scoped_bindings_and_other_tenants() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    // An operator bound in environment qa only: 403 on prod's endpoint actions.
    let op = app.user(&root, "operator").await;
    app.add_member(&root, s.org, &op, "viewer").await;
    let (_, role) = app
        .call(&root, Method::POST, &format!("/organizations/{}/roles", s.org), Some(json!({"name": "starter", "permissions": ["containers:start", "containers:stop", "containers:create"]})))
        .await;
    app.call(
        &root,
        Method::POST,
        &format!("/organizations/{}/role-bindings", s.org),
        Some(json!({"role_id": id(&role), "subject_type": "user", "subject_id": op.user_id, "scope_type": "environment", "scope_id": s.env_b})),
    )
    .await;
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let (_, c) = app.call(&root, Method::POST, &base, Some(json!({"name": unique("wf-scope"), "image": "local/busybox:1", "command": ["sleep", "60"]}))).await;
    let cid = c["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.call(&op, Method::GET, &base, None).await.0,
        StatusCode::OK,
        "viewers read containers"
    );
    assert_eq!(
        app.call(&op, Method::POST, &format!("{base}/{cid}/start"), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &op,
            Method::POST,
            &base,
            Some(json!({"image": "local/busybox:1"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &op,
            Method::PATCH,
            &format!("/endpoints/{}", s.endpoint),
            Some(json!({"name": "mine"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // Another tenant sees nothing of it.
    let other = app.org(&root, "Other").await;
    let eve = app.user(&root, "eve").await;
    app.add_member(&root, other, &eve, "owner").await;
    for (m, p) in [
        (Method::GET, format!("/endpoints/{}", s.endpoint)),
        (Method::POST, format!("/endpoints/{}/test", s.endpoint)),
        (Method::GET, base.clone()),
        (Method::GET, format!("{base}/{cid}")),
        (Method::POST, format!("{base}/{cid}/stop")),
        (Method::DELETE, format!("{base}/{cid}?force=true")),
        (Method::GET, format!("/environments/{}/endpoints", s.env_a)),
    ] {
        let (st, body) = app.call(&eve, m.clone(), &p, None).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{m} {p}: {body}");
    }
    let (_, all) = app
        .call(&eve, Method::GET, "/containers?all=true", None)
        .await;
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["container"]["id"] != cid.as_str()),
        "not in another tenant's list"
    );
    assert_eq!(
        app.call(
            &root,
            Method::DELETE,
            &format!("{base}/{cid}?force=true"),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
}
