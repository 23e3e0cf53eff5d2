//! Endpoint CRUD, connection test and validation, and environment-scoped bindings and other
//! tenants on the Docker routes.
//!
//! Through the typed client, except invalid bodies (one is outside the contract's types) and the
//! cross-tenant route table, which check statuses raw.
use reqwest::{Method, StatusCode};
use serde_json::json;
use windflow_api::ErrorCode;
use windflow_api::access::{CreateRole, CreateRoleBinding, ScopeType, SubjectType};
use windflow_api::docker::{ContainerSpec, EndpointStatus, RemoveQuery, UpdateEndpoint};
use windflow_tests::{Refused, container, socket_endpoint, spawn_app};

use super::{setup, socket, unique};

#[tokio::test]
async fn endpoint_crud_test_and_validation() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let c = app.typed(&root);
    let e = c.test_endpoint(s.endpoint).await.unwrap();
    assert_eq!(e.status, EndpointStatus::Up);
    let engine = e.engine.unwrap();
    assert_eq!(
        engine.api_version, "1.41",
        "negotiated down to the engine's version"
    );
    assert!(engine.cpus > 0);
    assert!(engine.memory_bytes > 0);
    assert!(e.last_seen_at.is_some());
    assert_eq!(c.endpoints(s.env_a).await.unwrap().items.len(), 1);
    let update = UpdateEndpoint {
        name: Some("lab".into()),
        collect_activity: Some(true),
        ..UpdateEndpoint::default()
    };
    let e = c.update_endpoint(s.endpoint, &update).await.unwrap();
    assert_eq!((e.name.as_str(), e.collect_activity), ("lab", true));
    // Raw: `agent` is not a connection type of the contract.
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
    let lab = socket_endpoint("lab", "/x.sock");
    assert_eq!(
        c.create_endpoint(s.env_a, &lab).await.refused(),
        ErrorCode::Conflict,
        "names are unique per environment"
    );
    // An engine that is down: a clear 502 and a recorded status.
    let gone = socket_endpoint("gone", "/tmp/no-such-engine.sock");
    let down = c.create_endpoint(s.env_b, &gone).await.unwrap().id;
    let refused = c.list_containers(down, &Default::default()).await;
    assert_eq!(refused.refused(), ErrorCode::EngineUnavailable);
    let e = c.test_endpoint(down).await.unwrap();
    assert_eq!(e.status, EndpointStatus::Down);
    let error = e.last_error.unwrap();
    assert!(error.contains("no-such-engine"), "{error}");
    // The all-endpoints list reports the dead one instead of failing.
    let all = c.all_containers("?all=true").await.unwrap();
    assert_eq!(all.errors.len(), 1);
    assert_eq!(all.errors[0].endpoint_name, "gone");
    c.delete_endpoint(down).await.unwrap();
    assert_eq!(
        app.audit(&root, "endpoint.").await.len(),
        4,
        "create, update, create, delete"
    );
    // 401 without credentials.
    assert_eq!(
        app.anon().endpoint(s.endpoint).await.refused(),
        ErrorCode::Unauthenticated
    );
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
    let c = app.typed(&root);
    let starter = CreateRole {
        name: "starter".into(),
        description: None,
        permissions: ["containers:start", "containers:stop", "containers:create"]
            .map(String::from)
            .to_vec(),
        parent_ids: vec![],
    };
    let role = c.create_role(s.org, &starter).await.unwrap();
    let binding = CreateRoleBinding {
        role_id: role.id,
        subject_type: SubjectType::User,
        subject_id: op.user_id,
        scope_type: ScopeType::Environment,
        scope_id: s.env_b,
    };
    c.create_role_binding(s.org, &binding).await.unwrap();
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let spec = container(&unique("wf-scope"), "local/busybox:1", &["sleep", "60"]);
    let cid = c.create_container(s.endpoint, &spec).await.unwrap().id;
    let as_op = app.typed(&op);
    as_op
        .list_containers(s.endpoint, &Default::default())
        .await
        .expect("viewers read containers");
    let refused = as_op.container_action(s.endpoint, &cid, "start").await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let anonymous = ContainerSpec {
        image: "local/busybox:1".into(),
        init: true,
        ..ContainerSpec::default()
    };
    let refused = as_op.create_container(s.endpoint, &anonymous).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let rename = UpdateEndpoint {
        name: Some("mine".into()),
        ..UpdateEndpoint::default()
    };
    let refused = as_op.update_endpoint(s.endpoint, &rename).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
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
    let all = app.typed(&eve).all_containers("?all=true").await.unwrap();
    assert!(
        all.items.iter().all(|c| c.container.id != cid),
        "not in another tenant's list"
    );
    let force = RemoveQuery {
        force: Some(true),
        volumes: None,
    };
    c.remove_container(s.endpoint, &cid, &force).await.unwrap();
}
