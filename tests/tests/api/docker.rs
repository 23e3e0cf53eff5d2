//! Docker endpoints and containers against a real Docker engine (tests/infra/docker-up.sh;
//! `WF_TEST_DOCKER_SOCKET` names its socket). Without the variable these tests say so and
//! pass only outside CI: `scripts/test.sh` always starts the engine and sets it.
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_tests::{Session, TestApp, id, spawn_app};

pub(super) fn socket() -> Option<String> {
    match std::env::var("WF_TEST_DOCKER_SOCKET") {
        Ok(s) => Some(s),
        Err(_) if std::env::var("CI").is_ok() || std::env::var("WF_REQUIRE_DOCKER").is_ok() => {
            panic!("WF_TEST_DOCKER_SOCKET is required (scripts/test.sh starts the engine)")
        }
        Err(_) => {
            eprintln!("no WF_TEST_DOCKER_SOCKET: Docker tests not run");
            None
        }
    }
}

pub(super) struct Setup {
    pub(super) org: Uuid,
    pub(super) env_a: Uuid,
    pub(super) env_b: Uuid,
    pub(super) endpoint: Uuid,
}

pub(super) async fn setup(app: &TestApp, root: &Session, sock: &str) -> Setup {
    let org = app.org(root, "Acme").await;
    let p = app.project(root, org, "shop").await;
    let env_a = app.environment(root, p, "prod").await;
    let env_b = app.environment(root, p, "qa").await;
    let (st, e) = app
        .call(
            root,
            Method::POST,
            &format!("/environments/{env_a}/endpoints"),
            Some(json!({"name": "local", "connection_type": "socket", "socket_path": sock, "bind_allowlist": ["/srv/allowed"], "labels": {"site": "lab"}})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    Setup {
        org,
        env_a,
        env_b,
        endpoint: id(&e),
    }
}

pub(super) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", &Uuid::new_v4().simple().to_string()[..10])
}

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

pub(super) async fn sse_events(
    app: &TestApp,
    s: &Session,
    method: Method,
    path: &str,
    body: Option<Value>,
    until: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    use futures_util::StreamExt;
    let mut r = app.req(s, method, path);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let res = r.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut events = vec![];
    let mut buf = String::new();
    let mut stream = res.bytes_stream();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    while !until(&events) {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("events in time");
        let Some(chunk) = chunk else { break };
        buf.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        while let Some(i) = buf.find("\n\n") {
            let frame: String = buf.drain(..i + 2).collect();
            if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                events.push(serde_json::from_str(data).unwrap());
            }
        }
    }
    events
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
async fn images_pull_with_progress_tag_and_remove() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let ep = format!("/endpoints/{}", s.endpoint);
    let tag = unique("t");
    // A fresh copy in the local registry under a unique tag, so that the pull really transfers.
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("{ep}/images/local%2Fbusybox:1/tag"),
            Some(json!({"repo": "127.0.0.1:5000/wf/busybox", "tag": tag})),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let pushed = std::process::Command::new("docker")
        .args([
            "-H",
            &format!("unix://{sock}"),
            "push",
            &format!("127.0.0.1:5000/wf/busybox:{tag}"),
        ])
        .output()
        .unwrap();
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let (st, _) = app
        .call(
            &root,
            Method::DELETE,
            &format!("{ep}/images/127.0.0.1:5000%2Fwf%2Fbusybox:{tag}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let events = sse_events(
        &app,
        &root,
        Method::POST,
        &format!("{ep}/images/pull"),
        Some(json!({"image": "127.0.0.1:5000/wf/busybox", "tag": tag})),
        |ev| {
            ev.iter().any(|e| {
                e["status"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Status:")
            })
        },
    )
    .await;
    assert!(events.iter().all(|e| e["error"].is_null()), "{events:?}");
    assert!(
        events.iter().all(|e| !e["status"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Pulling from")
            || e["layer"].is_null()),
        "the repository line is not a layer: {events:?}"
    );
    // A layer the engine lacks (docker-up.sh pushed 4 MiB of random data as wf/payload:1):
    // per-layer events with byte counts.
    let _ = app
        .call(
            &root,
            Method::DELETE,
            &format!("{ep}/images/127.0.0.1:5000%2Fwf%2Fpayload:1?force=true"),
            None,
        )
        .await;
    let events = sse_events(
        &app,
        &root,
        Method::POST,
        &format!("{ep}/images/pull"),
        Some(json!({"image": "127.0.0.1:5000/wf/payload", "tag": "1"})),
        |ev| {
            ev.iter().any(|e| {
                e["status"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Status:")
            })
        },
    )
    .await;
    assert!(events.iter().all(|e| e["error"].is_null()), "{events:?}");
    let layers: Vec<&Value> = events.iter().filter(|e| e["layer"].is_string()).collect();
    assert!(!layers.is_empty(), "per-layer events: {events:?}");
    assert!(
        layers
            .iter()
            .any(|e| e["status"] == "Downloading" && e["total"].as_i64().unwrap_or(0) > 0),
        "download progress with byte counts: {events:?}"
    );
    assert!(
        layers.iter().any(|e| e["status"] == "Pull complete"),
        "{events:?}"
    );
    // Leave the engine without it: the browser test pulls it again.
    let (st, _) = app
        .call(
            &root,
            Method::DELETE,
            &format!("{ep}/images/127.0.0.1:5000%2Fwf%2Fpayload:1?force=true"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, images) = app
        .call(&root, Method::GET, &format!("{ep}/images"), None)
        .await;
    let wanted = format!("127.0.0.1:5000/wf/busybox:{tag}");
    let img = images
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["repo_tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == wanted.as_str())
        })
        .cloned();
    assert!(img.is_some(), "pulled image listed: {images}");
    let (st, doc) = app
        .call(
            &root,
            Method::GET,
            &format!("{ep}/images/{}", wanted.replace('/', "%2F")),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{doc}");
    assert!(doc["RepoTags"].as_array().unwrap().contains(&json!(wanted)));
    let (st, hist) = app
        .call(
            &root,
            Method::GET,
            &format!("{ep}/images/{}/history", wanted.replace('/', "%2F")),
            None,
        )
        .await;
    assert_eq!(
        (st, hist.as_array().map(|h| !h.is_empty())),
        (StatusCode::OK, Some(true))
    );
    // A pull of something that does not exist reports the engine's error in the stream.
    let events = sse_events(
        &app,
        &root,
        Method::POST,
        &format!("{ep}/images/pull"),
        Some(json!({"image": "127.0.0.1:5000/wf/none", "tag": "x"})),
        |_| false,
    )
    .await;
    assert!(events.iter().any(|e| !e["error"].is_null()), "{events:?}");
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &format!("{ep}/images/pull"),
            Some(json!({"image": "bad image!"})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("image"))
    );
    let (st, _) = app
        .call(
            &root,
            Method::DELETE,
            &format!("{ep}/images/{}", wanted.replace('/', "%2F")),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, p) = app
        .call(&root, Method::POST, &format!("{ep}/images/prune"), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    for a in ["image.tag", "image.delete", "image.pull", "image.prune"] {
        assert!(!app.audit(&root, a).await.is_empty(), "{a}");
    }
}

#[tokio::test]
async fn volumes_networks_and_system() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let ep = format!("/endpoints/{}", s.endpoint);
    let vol = unique("wf-vol");
    let (st, v) = app
        .call(
            &root,
            Method::POST,
            &format!("{ep}/volumes"),
            Some(json!({"name": vol, "labels": {"wf": "1"}})),
        )
        .await;
    assert_eq!(
        (st, v["name"].as_str()),
        (StatusCode::CREATED, Some(vol.as_str()))
    );
    let (_, list) = app
        .call(&root, Method::GET, &format!("{ep}/volumes"), None)
        .await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == vol.as_str())
    );
    let (st, doc) = app
        .call(&root, Method::GET, &format!("{ep}/volumes/{vol}"), None)
        .await;
    assert_eq!(
        (st, doc["Labels"]["wf"].as_str()),
        (StatusCode::OK, Some("1"))
    );
    assert_eq!(
        app.call(&root, Method::DELETE, &format!("{ep}/volumes/{vol}"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call(&root, Method::GET, &format!("{ep}/volumes/{vol}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(&root, Method::POST, &format!("{ep}/volumes/prune"), None)
            .await
            .0,
        StatusCode::OK
    );

    let net = unique("wf-net");
    let (st, n) = app
        .call(
            &root,
            Method::POST,
            &format!("{ep}/networks"),
            Some(json!({"name": net, "internal": true})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let (_, c) = app.call(&root, Method::POST, &format!("{ep}/containers"), Some(json!({"name": unique("wf-net-c"), "image": "local/busybox:1", "command": ["sleep", "60"]}))).await;
    let cid = c["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &format!("{ep}/networks/{net}/connect"),
            Some(json!({"container": cid}))
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, doc) = app
        .call(&root, Method::GET, &format!("{ep}/networks/{net}"), None)
        .await;
    assert_eq!(doc["Internal"], true);
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &format!("{ep}/networks/{net}/disconnect"),
            Some(json!({"container": cid}))
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, list) = app
        .call(&root, Method::GET, &format!("{ep}/networks"), None)
        .await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == net.as_str() && x["internal"] == true)
    );
    assert_eq!(
        app.call(&root, Method::DELETE, &format!("{ep}/networks/{net}"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call(&root, Method::POST, &format!("{ep}/networks/prune"), None)
            .await
            .0,
        StatusCode::OK
    );
    app.call(
        &root,
        Method::DELETE,
        &format!("{ep}/containers/{cid}?force=true"),
        None,
    )
    .await;

    for what in ["info", "version", "df"] {
        let (st, doc) = app
            .call(&root, Method::GET, &format!("{ep}/system/{what}"), None)
            .await;
        assert_eq!(st, StatusCode::OK, "{what}");
        assert!(doc.is_object());
    }
    assert_eq!(
        app.call(&root, Method::GET, &format!("{ep}/system/secrets"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A viewer reads, but cannot create or delete.
    let viewer = app.user(&root, "viewer").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    assert_eq!(
        app.call(&viewer, Method::GET, &format!("{ep}/volumes"), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(&viewer, Method::GET, &format!("{ep}/system/df"), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            &viewer,
            Method::POST,
            &format!("{ep}/volumes"),
            Some(json!({"name": unique("v")}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(&viewer, Method::POST, &format!("{ep}/networks/prune"), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &viewer,
            Method::POST,
            &format!("{ep}/images/pull"),
            Some(json!({"image": "x"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn registry_credentials_are_encrypted_write_only_and_tenant_scoped() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let regs = format!("/organizations/{}/registries", s.org);
    let (st, r) = app
        .call(&root, Method::POST, &regs, Some(json!({"name": "lab", "server": "127.0.0.1:5000", "username": "ci", "password": "s3cret-registry-pw"})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    assert!(
        !r.to_string().contains("s3cret-registry-pw"),
        "never returned"
    );
    let (_, list) = app.call(&root, Method::GET, &regs, None).await;
    assert!(!list.to_string().contains("s3cret") && list["items"][0]["username"] == "ci");
    // Encrypted at rest.
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT password_enc FROM registry_credentials",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get("", "password_enc").unwrap();
    assert!(
        stored.starts_with("v1:") && !stored.contains("s3cret"),
        "{stored}"
    );
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &regs,
            Some(json!({"name": "bad", "server": "https://x", "username": "u", "password": ""})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A pull that names the credential uses it (the loopback registry accepts any).
    let ep = format!("/endpoints/{}", s.endpoint);
    let res = app
        .req(&root, Method::POST, &format!("{ep}/images/pull"))
        .json(&json!({"image": "127.0.0.1:5000/wf/busybox", "tag": "1", "registry_id": id(&r)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Status:") && !body.contains("s3cret"),
        "{body}"
    );
    // Another organization's credential cannot be used or seen.
    let other = app.org(&root, "Other").await;
    let (_, foreign) = app
        .call(&root, Method::POST, &format!("/organizations/{other}/registries"), Some(json!({"name": "theirs", "server": "r.example.org", "username": "u", "password": "p"})))
        .await;
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            &format!("{ep}/images/pull"),
            Some(json!({"image": "127.0.0.1:5000/wf/busybox", "registry_id": id(&foreign)})),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("registry_id"))
    );
    let eve = app.user(&root, "eve").await;
    app.add_member(&root, other, &eve, "owner").await;
    assert_eq!(
        app.call(
            &eve,
            Method::PATCH,
            &format!("/registries/{}", id(&r)),
            Some(json!({"password": "x"}))
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(&eve, Method::GET, &regs, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (st, upd) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/registries/{}", id(&r)),
            Some(json!({"password": "rotated-pw", "username": "ci2"})),
        )
        .await;
    assert_eq!(
        (st, upd["username"].as_str()),
        (StatusCode::OK, Some("ci2"))
    );
    assert_eq!(
        app.call(
            &root,
            Method::DELETE,
            &format!("/registries/{}", id(&r)),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let audit = app.audit(&root, "registry.").await;
    assert_eq!(audit.len(), 4);
    assert!(
        !serde_json::to_string(&audit).unwrap().contains("pw"),
        "no secret in the audit log"
    );
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

#[tokio::test]
async fn console_over_an_authenticated_websocket() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let (_, c) = app.call(&root, Method::POST, &base, Some(json!({"name": unique("wf-exec"), "image": "local/busybox:1", "command": ["sleep", "300"]}))).await;
    let cid = c["id"].as_str().unwrap().to_owned();
    app.call(&root, Method::POST, &format!("{base}/{cid}/start"), None)
        .await;
    let ws_url = format!(
        "{}/api/v1{base}/{cid}/exec?cmd=sh&tty=false",
        app.base.replacen("http", "ws", 1)
    );
    let connect = |token: Option<&str>, origin: Option<&str>| {
        let mut req = ws_url.clone().into_client_request().unwrap();
        if let Some(t) = token {
            req.headers_mut()
                .insert("authorization", format!("Bearer {t}").parse().unwrap());
        }
        if let Some(o) = origin {
            req.headers_mut().insert("origin", o.parse().unwrap());
        }
        tokio_tungstenite::connect_async(req)
    };
    // Unauthenticated, or without the permission: refused before any upgrade.
    assert!(connect(None, None).await.is_err());
    let viewer = app.user(&root, "viewer").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    match connect(Some(&viewer.access), None).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
    let (mut ws, _) = connect(Some(&root.access), None)
        .await
        .expect("console opens");
    ws.send(Message::Binary(
        b"echo hello-from-$((40+2)); exit 3\n".to_vec().into(),
    ))
    .await
    .unwrap();
    let mut out = String::new();
    let mut exit = None;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while exit.is_none() {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("console output in time");
        match msg {
            Some(Ok(Message::Binary(b))) => out.push_str(&String::from_utf8_lossy(&b)),
            Some(Ok(Message::Text(t))) => {
                exit = serde_json::from_str::<Value>(&t)
                    .ok()
                    .filter(|v| v["type"] == "exit")
            }
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    assert!(out.contains("hello-from-42"), "{out}");
    assert_eq!(exit.expect("exit frame")["code"], 3);
    assert_eq!(app.audit(&root, "container.exec").await.len(), 1);
    // A browser (cookie) from another origin is refused; from the app's own origin it opens.
    let cookie = |origin: &str| {
        let mut req = ws_url.clone().into_client_request().unwrap();
        req.headers_mut().insert(
            "cookie",
            format!("wf_access={}", root.access).parse().unwrap(),
        );
        req.headers_mut().insert("origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    match cookie("http://evil.example").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
    let (ws2, _) = cookie(&app.base).await.expect("same-origin console");
    drop(ws2);
    app.call(
        &root,
        Method::DELETE,
        &format!("{base}/{cid}?force=true"),
        None,
    )
    .await;
}

/// The TLS material docker-up.sh made for the engine's `--tlsverify` listener on
/// 127.0.0.1:2376 (next to its socket): (CA, client certificate, client key).
fn tls_material(sock: &str) -> (String, String, String) {
    let dir = std::path::Path::new(sock).parent().unwrap().join("tls");
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()))
    };
    (read("ca.pem"), read("cert.pem"), read("key.pem"))
}

#[tokio::test]
async fn https_endpoints_with_tls_material() {
    let Some(sock) = socket() else { return };
    let (ca, cert, key) = tls_material(&sock);
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let create = |name: &str, extra: Value| {
        let mut body = json!({"name": name, "connection_type": "direct", "host": "127.0.0.1", "port": 2376, "protocol": "https"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let post = |body: Value| {
        let app = &app;
        let root = &root;
        async move {
            app.call(
                root,
                Method::POST,
                &format!("/environments/{}/endpoints", s.env_b),
                Some(body),
            )
            .await
        }
    };
    let test = |id: Uuid| {
        let app = &app;
        let root = &root;
        async move {
            app.call(root, Method::POST, &format!("/endpoints/{id}/test"), None)
                .await
        }
    };
    // Full material: verified server, client certificate presented.
    let (st, e) = post(create(
        "tls",
        json!({"tls_ca": ca, "tls_cert": cert, "tls_key": key}),
    ))
    .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    assert_eq!(
        (
            &e["protocol"],
            &e["tls_ca_set"],
            &e["tls_client_cert_set"],
            &e["tls_skip_verify"]
        ),
        (&json!("https"), &json!(true), &json!(true), &json!(false))
    );
    assert!(!e.to_string().contains("BEGIN"), "no PEM in responses: {e}");
    let tls = id(&e);
    let (st, t) = test(tls).await;
    assert_eq!(
        (st, t["status"].as_str()),
        (StatusCode::OK, Some("up")),
        "{t}"
    );
    assert_eq!(t["engine"]["api_version"], "1.41");
    let (st, list) = app
        .call(
            &root,
            Method::GET,
            &format!("/endpoints/{tls}/containers?all=true"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let (_, page) = app
        .call(
            &root,
            Method::GET,
            &format!("/environments/{}/endpoints", s.env_b),
            None,
        )
        .await;
    assert!(!page.to_string().contains("BEGIN"));
    // At rest: encrypted, nothing in clear.
    let row = windflow_entity::endpoints::Entity::find_by_id(tls)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    for v in [&row.tls_ca_enc, &row.tls_cert_enc, &row.tls_key_enc] {
        let v = v.as_deref().unwrap();
        assert!(
            !v.contains("BEGIN") && !v.contains("PRIVATE"),
            "encrypted: {v}"
        );
    }
    // The engine demands a client certificate: without one the handshake fails, and says so.
    let (_, e) = post(create("no-client-cert", json!({"tls_ca": ca}))).await;
    let (_, t) = test(id(&e)).await;
    assert_eq!(t["status"], "down", "{t}");
    // No CA: the public roots do not know the test CA.
    let (_, e) = post(create("no-ca", json!({"tls_cert": cert, "tls_key": key}))).await;
    let no_ca = id(&e);
    let (_, t) = test(no_ca).await;
    assert_eq!(t["status"], "down", "{t}");
    assert!(
        t["last_error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("certificate"),
        "the error names the certificate problem: {t}"
    );
    let (st, body) = app
        .call(
            &root,
            Method::GET,
            &format!("/endpoints/{no_ca}/containers"),
            None,
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("engine_unavailable"))
    );
    // ...unless verification is skipped (then the client certificate still gets it in).
    let (st, e) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/endpoints/{no_ca}"),
            Some(json!({"tls_skip_verify": true})),
        )
        .await;
    assert_eq!(
        (st, &e["tls_skip_verify"]),
        (StatusCode::OK, &json!(true)),
        "{e}"
    );
    assert_eq!(
        e["tls_client_cert_set"], true,
        "the stored certificate is kept"
    );
    let (_, t) = test(no_ca).await;
    assert_eq!(t["status"], "up", "{t}");
    // Removing the client certificate (empty string) locks it out again.
    let (st, e) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/endpoints/{tls}"),
            Some(json!({"tls_cert": "", "tls_key": ""})),
        )
        .await;
    assert_eq!(
        (st, &e["tls_client_cert_set"], &e["tls_ca_set"]),
        (StatusCode::OK, &json!(false), &json!(true))
    );
    let (_, t) = test(tls).await;
    assert_eq!(
        t["status"], "down",
        "a changed endpoint gets a new client: {t}"
    );
    // Invalid material: 422 with the field, nothing stored.
    let before = app.audit(&root, "endpoint.create").await.len();
    for (bad, field) in [
        (
            create("bad1", json!({"tls_ca": "not a certificate"})),
            "tls_ca",
        ),
        (create("bad2", json!({"tls_cert": cert})), "tls_key"),
        (create("bad3", json!({"tls_key": key})), "tls_cert"),
        (
            create(
                "bad4",
                json!({"tls_cert": cert, "tls_key": "-----BEGIN JUNK-----"}),
            ),
            "tls_key",
        ),
        (
            create("bad5", json!({"protocol": "http", "tls_ca": ca})),
            "protocol",
        ),
        (create("bad6", json!({"protocol": "ftp"})), "protocol"),
        (
            json!({"name": "bad7", "connection_type": "socket", "socket_path": "/x.sock", "tls_skip_verify": true}),
            "protocol",
        ),
    ] {
        let (st, body) = post(bad.clone()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(
            body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{field}: {body}"
        );
    }
    assert_eq!(app.audit(&root, "endpoint.create").await.len(), before);
}
