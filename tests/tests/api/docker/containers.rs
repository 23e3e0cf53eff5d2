//! Containers through WindFlow: lifecycle, the privileged-options guard, logs (and their live
//! stream), stats, processes, and recreate with an edited configuration.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_tests::{id, spawn_app};

use super::{setup, socket, sse_events, unique};

#[tokio::test]
async fn container_lifecycle_through_windflow() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let name = unique("wf-life");
    let (st, c) = app
        .call(&root, Method::POST, &base, Some(json!({"name": name, "image": "local/busybox:1", "command": ["sleep", "300"], "labels": {"wf.test": "life"}, "env": {"A": "1"}})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_str().unwrap().to_owned();
    let path = |suffix: &str| format!("{base}/{cid}{suffix}");
    let state = |v: &Value| v["state"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        app.call(&root, Method::POST, &path("/start"), None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, d) = app.call(&root, Method::GET, &path(""), None).await;
    assert_eq!(
        (state(&d), d["running"].as_bool(), d["name"].as_str()),
        ("running".into(), Some(true), Some(name.as_str()))
    );
    assert!(
        d["raw"]["Config"]["Env"]
            .as_array()
            .unwrap()
            .contains(&json!("A=1"))
    );
    let (_, list) = app
        .call(
            &root,
            Method::GET,
            &format!("{base}?label=wf.test=life&status=running"),
            None,
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["name"], name.as_str());
    let (_, all) = app
        .call(
            &root,
            Method::GET,
            &format!("/containers?name={name}"),
            None,
        )
        .await;
    assert_eq!(all["items"][0]["endpoint_name"], "local");
    for (action, expect) in [
        ("pause", "paused"),
        ("unpause", "running"),
        ("restart", "running"),
        ("stop", "exited"),
        ("start", "running"),
        ("kill", "exited"),
    ] {
        let (st, body) = app
            .call(&root, Method::POST, &path(&format!("/{action}")), None)
            .await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{action}: {body}");
        let (_, d) = app.call(&root, Method::GET, &path(""), None).await;
        assert_eq!(state(&d), expect, "after {action}");
    }
    let (st, _) = app.call(&root, Method::POST, &path("/explode"), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let new_name = unique("wf-renamed");
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &path("/rename"),
            Some(json!({"name": new_name}))
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, d) = app.call(&root, Method::GET, &path(""), None).await;
    assert_eq!(d["name"], new_name.as_str());
    assert_eq!(
        app.call(&root, Method::DELETE, &path("?force=true"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (st, body) = app.call(&root, Method::GET, &path(""), None).await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
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
    let (st, body) = app
        .call(&root, Method::POST, &base, Some(json!({"image": ""})))
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("image"))
    );
}

#[tokio::test]
async fn privileged_options_need_their_permission_before_the_engine_is_asked() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let ops = app.user(&root, "ops").await;
    app.add_member(&root, s.org, &ops, "viewer").await;
    let (_, role) = app
        .call(&root, Method::POST, &format!("/organizations/{}/roles", s.org), Some(json!({"name": "runner", "permissions": ["containers:create", "containers:delete"]})))
        .await;
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", s.org),
            Some(json!({"role_id": id(&role), "subject_type": "user", "subject_id": ops.user_id, "scope_type": "environment", "scope_id": s.env_a})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let cases = [
        ("privileged", json!({"privileged": true})),
        ("pid_mode=host", json!({"pid_mode": "host"})),
        ("ipc_mode=host", json!({"ipc_mode": "host"})),
        ("network_mode=host", json!({"network_mode": "host"})),
        ("uts_mode=host", json!({"uts_mode": "host"})),
        ("devices", json!({"devices": ["/dev/null"]})),
        ("cap_add", json!({"cap_add": ["NET_ADMIN"]})),
        ("sysctls", json!({"sysctls": {"net.ipv4.ip_forward": "1"}})),
        (
            "security_opt",
            json!({"security_opt": ["no-new-privileges"]}),
        ),
        ("binds:/etc", json!({"binds": ["/etc:/host-etc:ro"]})),
        (
            "mounts:/var/run",
            json!({"mounts": [{"kind": "bind", "source": "/var/run", "target": "/r"}]}),
        ),
    ];
    for (option, extra) in cases {
        let name = unique("wf-guard");
        let mut spec = json!({"name": name, "image": "local/busybox:1", "command": ["true"]});
        spec.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (st, body) = app.call(&ops, Method::POST, &base, Some(spec)).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{option}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains(option),
            "{option}: {body}"
        );
        let (_, found) = app
            .call(
                &root,
                Method::GET,
                &format!("{base}?all=true&name={name}"),
                None,
            )
            .await;
        assert!(
            found.as_array().unwrap().is_empty(),
            "{option}: the engine was never asked"
        );
    }
    // Allowed binds and plain specs pass; and an org admin (who holds everything) may use a
    // privileged option the engine accepts here.
    let (st, c) = app
        .call(&ops, Method::POST, &base, Some(json!({"name": unique("wf-ok"), "image": "local/busybox:1", "binds": ["/srv/allowed/data:/data", "named-vol:/v"]})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    assert_eq!(
        app.call(
            &ops,
            Method::DELETE,
            &format!(
                "{base}/{}?force=true&volumes=true",
                c["id"].as_str().unwrap()
            ),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let boss = app.user(&root, "boss").await;
    app.add_member(&root, s.org, &boss, "admin").await;
    let (st, c) = app.call(&boss, Method::POST, &base, Some(json!({"name": unique("wf-priv"), "image": "local/busybox:1", "binds": ["/tmp:/host-tmp"]}))).await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    app.call(
        &boss,
        Method::DELETE,
        &format!("{base}/{}?force=true", c["id"].as_str().unwrap()),
        None,
    )
    .await;
}

#[tokio::test]
async fn logs_stats_top_and_live_log_stream() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let script =
        "echo first; echo oops >&2; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done";
    let (_, c) = app.call(&root, Method::POST, &base, Some(json!({"name": unique("wf-logs"), "image": "local/busybox:1", "command": ["sh", "-c", script]}))).await;
    let cid = c["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.call(&root, Method::POST, &format!("{base}/{cid}/start"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    // The live stream sees new lines as they are written.
    let events = sse_events(
        &app,
        &root,
        Method::GET,
        &format!("{base}/{cid}/logs/stream?tail=all"),
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
    let (st, lines) = app
        .call(
            &root,
            Method::GET,
            &format!("{base}/{cid}/logs?tail=2&stderr=false"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert!(
        lines
            .iter()
            .all(|l| l["stream"] == "stdout" && l["text"].as_str().unwrap().starts_with("tick"))
    );
    let (_, stamped) = app
        .call(
            &root,
            Method::GET,
            &format!("{base}/{cid}/logs?tail=1&timestamps=true"),
            None,
        )
        .await;
    assert!(
        stamped[0]["text"].as_str().unwrap().starts_with("20"),
        "{stamped}"
    );
    let (st, stats) = app
        .call(&root, Method::GET, &format!("{base}/{cid}/stats"), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{stats}");
    assert!(
        stats["memory_usage_bytes"].as_u64().unwrap() > 0 && stats["pids"].as_u64().unwrap() >= 2,
        "{stats}"
    );
    let (st, top) = app
        .call(&root, Method::GET, &format!("{base}/{cid}/top"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        top["processes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.to_string().contains("sh -c")),
        "{top}"
    );
    let (st, _) = app
        .call(
            &root,
            Method::GET,
            &format!("{base}/nope-{}/logs", Uuid::new_v4()),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    app.call(
        &root,
        Method::DELETE,
        &format!("{base}/{cid}?force=true"),
        None,
    )
    .await;
}

#[tokio::test]
async fn recreate_with_an_edited_configuration() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let name = unique("wf-recreate");
    let (_, c) = app.call(&root, Method::POST, &base, Some(json!({"name": name, "image": "local/busybox:1", "command": ["sleep", "300"], "env": {"V": "1"}}))).await;
    let old = c["id"].as_str().unwrap().to_owned();
    app.call(&root, Method::POST, &format!("{base}/{old}/start"), None)
        .await;
    let (st, r) = app
        .call(
            &root,
            Method::POST,
            &format!("{base}/{old}/recreate"),
            Some(
                json!({"image": "local/busybox:1", "command": ["sleep", "300"], "env": {"V": "2"}}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let new = r["id"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    let (_, d) = app
        .call(&root, Method::GET, &format!("{base}/{new}"), None)
        .await;
    assert_eq!(
        (d["name"].as_str(), d["running"].as_bool()),
        (Some(name.as_str()), Some(true)),
        "same name, running again"
    );
    assert!(
        d["raw"]["Config"]["Env"]
            .as_array()
            .unwrap()
            .contains(&json!("V=2"))
    );
    assert_eq!(
        app.call(&root, Method::GET, &format!("{base}/{old}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // The guard applies before anything is removed.
    let (_, role) = app
        .call(&root, Method::POST, &format!("/organizations/{}/roles", s.org), Some(json!({"name": "rebuilder", "permissions": ["containers:create", "containers:delete", "containers:read"]})))
        .await;
    let limited = app.user(&root, "limited").await;
    app.add_member(&root, s.org, &limited, "viewer").await;
    app.call(
        &root,
        Method::POST,
        &format!("/organizations/{}/role-bindings", s.org),
        Some(json!({"role_id": id(&role), "subject_type": "user", "subject_id": limited.user_id, "scope_type": "environment", "scope_id": s.env_a})),
    )
    .await;
    let (st, _) = app
        .call(
            &limited,
            Method::POST,
            &format!("{base}/{new}/recreate"),
            Some(json!({"image": "local/busybox:1", "privileged": true})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(
        app.call(&root, Method::GET, &format!("{base}/{new}"), None)
            .await
            .0,
        StatusCode::OK,
        "untouched"
    );
    assert_eq!(app.audit(&root, "container.recreate").await.len(), 1);
    app.call(
        &root,
        Method::DELETE,
        &format!("{base}/{new}?force=true"),
        None,
    )
    .await;
}
