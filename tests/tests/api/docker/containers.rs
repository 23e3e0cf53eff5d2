//! Containers through WindFlow: lifecycle, the privileged-options guard, logs (and their live
//! stream), stats, processes, and recreate with an edited configuration.
//!
//! Through the typed client, except an action outside the contract and the live log stream,
//! read while it runs.
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::access::{CreateRole, CreateRoleBinding, ScopeType, SubjectType};
use windflow_api::docker::{
    ContainerQuery, ContainerSpec, LogQuery, MountKind, MountSpec, RemoveQuery, RenameContainer,
};
use windflow_client::Client;
use windflow_tests::{Refused, container, spawn_app};

use super::{setup, socket, sse_events, unique};

/// One change to a container spec.
type Edit = fn(&mut ContainerSpec);

/// `?force=true`.
fn force() -> RemoveQuery {
    RemoveQuery {
        force: Some(true),
        volumes: None,
    }
}

/// Gives `user` a new role `name` with `permissions`, bound in environment `env` of `org`.
async fn bind_role(c: &Client, org: Uuid, name: &str, permissions: &[&str], user: Uuid, env: Uuid) {
    let role = CreateRole {
        name: name.into(),
        description: None,
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        parent_ids: vec![],
    };
    let role_id = c.create_role(org, &role).await.unwrap().id;
    let binding = CreateRoleBinding {
        role_id,
        subject_type: SubjectType::User,
        subject_id: user,
        scope_type: ScopeType::Environment,
        scope_id: env,
    };
    c.create_role_binding(org, &binding).await.unwrap();
}

#[tokio::test]
async fn container_lifecycle_through_windflow() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let (c, ep) = (app.typed(&root), s.endpoint);
    let name = unique("wf-life");
    let spec = ContainerSpec {
        labels: [("wf.test".into(), "life".into())].into(),
        env: [("A".into(), "1".into())].into(),
        ..container(&name, "local/busybox:1", &["sleep", "300"])
    };
    let cid = c.create_container(ep, &spec).await.unwrap().id;
    c.container_action(ep, &cid, "start").await.unwrap();
    let d = c.inspect_container(ep, &cid).await.unwrap();
    assert_eq!(
        (d.state.as_str(), d.running, d.name.as_str()),
        ("running", true, name.as_str())
    );
    assert!(
        d.raw["Config"]["Env"]
            .as_array()
            .unwrap()
            .contains(&json!("A=1"))
    );
    let running = ContainerQuery {
        label: Some("wf.test=life".into()),
        status: Some("running".into()),
        ..ContainerQuery::default()
    };
    let list = c.list_containers(ep, &running).await.unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].name, name);
    let named = ContainerQuery {
        name: Some(name.clone()),
        ..ContainerQuery::default()
    };
    let all = c.list_all_containers(&named).await.unwrap();
    assert_eq!(all.items[0].endpoint_name, "local");
    for (action, expect) in [
        ("pause", "paused"),
        ("unpause", "running"),
        ("restart", "running"),
        ("stop", "exited"),
        ("start", "running"),
        ("kill", "exited"),
    ] {
        c.container_action(ep, &cid, action).await.expect(action);
        let d = c.inspect_container(ep, &cid).await.unwrap();
        assert_eq!(d.state, expect, "after {action}");
    }
    // Raw: an action outside the contract.
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/endpoints/{ep}/containers/{cid}/explode"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let new_name = unique("wf-renamed");
    let rename = RenameContainer {
        name: new_name.clone(),
    };
    c.rename_container(ep, &cid, &rename).await.unwrap();
    let d = c.inspect_container(ep, &cid).await.unwrap();
    assert_eq!(d.name, new_name);
    c.remove_container(ep, &cid, &force()).await.unwrap();
    assert_eq!(
        c.inspect_container(ep, &cid).await.refused(),
        ErrorCode::NotFound
    );
    let actions: Vec<String> = app
        .audit(&root, "container.")
        .await
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect();
    for a in [
        "container.create",
        "container.start",
        "container.pause",
        "container.kill",
        "container.rename",
        "container.delete",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    let no_image = ContainerSpec {
        init: true,
        ..ContainerSpec::default()
    };
    let refused = c.create_container(ep, &no_image).await;
    assert_eq!(refused.fields()[0], "image");
}

#[tokio::test]
async fn privileged_options_need_their_permission_before_the_engine_is_asked() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let ops = app.user(&root, "ops").await;
    app.add_member(&root, s.org, &ops, "viewer").await;
    let (c, ep) = (app.typed(&root), s.endpoint);
    let runner = ["containers:create", "containers:delete"];
    bind_role(&c, s.org, "runner", &runner, ops.user_id, s.env_a).await;
    let as_ops = app.typed(&ops);
    let cases: [(&str, Edit); 11] = [
        ("privileged", |x| x.privileged = true),
        ("pid_mode=host", |x| x.pid_mode = Some("host".into())),
        ("ipc_mode=host", |x| x.ipc_mode = Some("host".into())),
        ("network_mode=host", |x| {
            x.network_mode = Some("host".into())
        }),
        ("uts_mode=host", |x| x.uts_mode = Some("host".into())),
        ("devices", |x| x.devices = vec!["/dev/null".into()]),
        ("cap_add", |x| x.cap_add = vec!["NET_ADMIN".into()]),
        ("sysctls", |x| {
            x.sysctls = [("net.ipv4.ip_forward".into(), "1".into())].into()
        }),
        ("security_opt", |x| {
            x.security_opt = vec!["no-new-privileges".into()]
        }),
        ("binds:/etc", |x| x.binds = vec!["/etc:/host-etc:ro".into()]),
        ("mounts:/var/run", |x| {
            x.mounts = vec![MountSpec {
                kind: MountKind::Bind,
                source: "/var/run".into(),
                target: "/r".into(),
                read_only: false,
            }]
        }),
    ];
    for (option, extra) in cases {
        let name = unique("wf-guard");
        let mut spec = container(&name, "local/busybox:1", &["true"]);
        extra(&mut spec);
        let p = as_ops.create_container(ep, &spec).await.problem();
        assert_eq!(p.code, ErrorCode::Forbidden, "{option}: {p:?}");
        assert!(
            p.detail.as_deref().unwrap().contains(option),
            "{option}: {p:?}"
        );
        let q = ContainerQuery {
            all: Some(true),
            name: Some(name),
            ..ContainerQuery::default()
        };
        let found = c.list_containers(ep, &q).await.unwrap();
        assert!(found.is_empty(), "{option}: the engine was never asked");
    }
    // Allowed binds and plain specs pass; and an org admin (who holds everything) may use a
    // privileged option the engine accepts here.
    let allowed = ContainerSpec {
        binds: vec!["/srv/allowed/data:/data".into(), "named-vol:/v".into()],
        ..container(&unique("wf-ok"), "local/busybox:1", &[])
    };
    let id = as_ops.create_container(ep, &allowed).await.unwrap().id;
    let with_volumes = RemoveQuery {
        force: Some(true),
        volumes: Some(true),
    };
    as_ops
        .remove_container(ep, &id, &with_volumes)
        .await
        .unwrap();
    let boss = app.user(&root, "boss").await;
    app.add_member(&root, s.org, &boss, "admin").await;
    let as_boss = app.typed(&boss);
    let privileged = ContainerSpec {
        binds: vec!["/tmp:/host-tmp".into()],
        ..container(&unique("wf-priv"), "local/busybox:1", &[])
    };
    let id = as_boss.create_container(ep, &privileged).await.unwrap().id;
    let _ = as_boss.remove_container(ep, &id, &force()).await;
}

#[tokio::test]
async fn logs_stats_top_and_live_log_stream() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let (c, ep) = (app.typed(&root), s.endpoint);
    let script =
        "echo first; echo oops >&2; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done";
    let spec = container(&unique("wf-logs"), "local/busybox:1", &["sh", "-c", script]);
    let cid = c.create_container(ep, &spec).await.unwrap().id;
    c.container_action(ep, &cid, "start").await.unwrap();
    // The live stream sees new lines as they are written.
    // Raw: the server-sent events are read while the stream runs.
    let events = sse_events(
        &app,
        &root,
        Method::GET,
        &format!("/endpoints/{ep}/containers/{cid}/logs/stream?tail=all"),
        None,
        |ev| ev.iter().any(|e| e["text"] == "tick 3"),
    )
    .await;
    // stdout and stderr are separate pipes: their relative order is not guaranteed.
    assert!(
        events.contains(&json!({"stream": "stdout", "text": "first"})),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["stream"] == "stderr" && e["text"] == "oops")
    );
    // Tail, stream selection and timestamps.
    let stdout_tail = LogQuery {
        tail: Some("2".into()),
        stderr: Some(false),
        ..LogQuery::default()
    };
    let lines = c.container_logs_with(ep, &cid, &stdout_tail).await.unwrap();
    assert_eq!(lines.len(), 2);
    assert!(
        lines
            .iter()
            .all(|l| l.stream == "stdout" && l.text.starts_with("tick"))
    );
    let stamped_tail = LogQuery {
        tail: Some("1".into()),
        timestamps: Some(true),
        ..LogQuery::default()
    };
    let stamped = c
        .container_logs_with(ep, &cid, &stamped_tail)
        .await
        .unwrap();
    assert!(stamped[0].text.starts_with("20"), "{stamped:?}");
    let stats = c.container_stats(ep, &cid).await.unwrap();
    assert!(stats.memory_usage_bytes > 0 && stats.pids >= 2, "{stats:?}");
    let top = c.container_top(ep, &cid).await.unwrap();
    assert!(
        top.processes
            .iter()
            .any(|p| p.iter().any(|col| col.contains("sh -c"))),
        "{top:?}"
    );
    let missing = format!("nope-{}", Uuid::new_v4());
    assert_eq!(
        c.container_logs_with(ep, &missing, &LogQuery::default())
            .await
            .refused(),
        ErrorCode::NotFound
    );
    let _ = c.remove_container(ep, &cid, &force()).await;
}

#[tokio::test]
async fn recreate_with_an_edited_configuration() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let (c, ep) = (app.typed(&root), s.endpoint);
    let name = unique("wf-recreate");
    let spec = ContainerSpec {
        env: [("V".into(), "1".into())].into(),
        ..container(&name, "local/busybox:1", &["sleep", "300"])
    };
    let old = c.create_container(ep, &spec).await.unwrap().id;
    let _ = c.container_action(ep, &old, "start").await;
    let edited = ContainerSpec {
        name: None,
        env: [("V".into(), "2".into())].into(),
        ..container("", "local/busybox:1", &["sleep", "300"])
    };
    let new = c.recreate_container(ep, &old, &edited).await.unwrap().id;
    assert_ne!(new, old);
    let d = c.inspect_container(ep, &new).await.unwrap();
    assert_eq!(
        (d.name.as_str(), d.running),
        (name.as_str(), true),
        "same name, running again"
    );
    assert!(
        d.raw["Config"]["Env"]
            .as_array()
            .unwrap()
            .contains(&json!("V=2"))
    );
    assert_eq!(
        c.inspect_container(ep, &old).await.refused(),
        ErrorCode::NotFound
    );
    // The guard applies before anything is removed.
    let limited = app.user(&root, "limited").await;
    app.add_member(&root, s.org, &limited, "viewer").await;
    let rebuilder = ["containers:create", "containers:delete", "containers:read"];
    bind_role(&c, s.org, "rebuilder", &rebuilder, limited.user_id, s.env_a).await;
    let privileged = ContainerSpec {
        name: None,
        privileged: true,
        ..container("", "local/busybox:1", &[])
    };
    assert_eq!(
        app.typed(&limited)
            .recreate_container(ep, &new, &privileged)
            .await
            .refused(),
        ErrorCode::Forbidden
    );
    c.inspect_container(ep, &new).await.expect("untouched");
    assert_eq!(app.audit(&root, "container.recreate").await.len(), 1);
    let _ = c.remove_container(ep, &new, &force()).await;
}
