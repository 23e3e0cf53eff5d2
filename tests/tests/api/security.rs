//! Issue 11: regression tests for the security review of 2026-12-02, against the real server and
//! the real Docker engine. Every case runs as `dev`, a member holding `containers:create`,
//! `stacks:*` and the other everyday permissions at one environment but **not**
//! `containers:create_privileged`. Each asserts the refusal, that nothing was created in the
//! engine, and that no server file content came back.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use windflow_tests::{Session, TestApp, id, spawn_app};

use super::docker::{Setup, setup, socket, unique};

/// Everything a developer gets, but not `containers:create_privileged`.
const DEV_PERMISSIONS: &[&str] = &[
    "containers:read",
    "containers:create",
    "containers:start",
    "containers:stop",
    "containers:delete",
    "containers:update",
    "images:read",
    "images:delete",
    "images:update",
    "networks:read",
    "networks:delete",
    "volumes:read",
    "volumes:delete",
    "endpoints:read",
    "endpoints:create",
    "endpoints:update",
    "stacks:*",
];

/// `dev`: organization `viewer` plus [`DEV_PERMISSIONS`] bound at `s.env_a`.
async fn dev(app: &TestApp, root: &Session, s: &Setup) -> Session {
    let dev = app.user(root, "dev").await;
    app.add_member(root, s.org, &dev, "viewer").await;
    let (st, role) = app
        .call(
            root,
            Method::POST,
            &format!("/organizations/{}/roles", s.org),
            Some(json!({"name": "developer", "permissions": DEV_PERMISSIONS})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{role}");
    let (st, b) = app
        .call(
            root,
            Method::POST,
            &format!("/organizations/{}/role-bindings", s.org),
            Some(json!({"role_id": id(&role), "subject_type": "user", "subject_id": dev.user_id, "scope_type": "environment", "scope_id": s.env_a})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    dev
}

/// Names of the engine's containers (all states), read straight from the engine.
fn engine_containers(sock: &str) -> Vec<String> {
    let o = std::process::Command::new("docker")
        .args([
            "-H",
            &format!("unix://{sock}"),
            "ps",
            "-a",
            "--format",
            "{{.Names}}",
        ])
        .output()
        .expect("docker CLI");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn engine_images(sock: &str) -> String {
    let o = std::process::Command::new("docker")
        .args([
            "-H",
            &format!("unix://{sock}"),
            "images",
            "--format",
            "{{.Repository}}:{{.Tag}}",
        ])
        .output()
        .expect("docker CLI");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// No server file content in an answer: the SQLite header, the master key, `/etc/passwd`.
fn no_file_content(app: &TestApp, body: &Value) {
    let text = body.to_string();
    assert!(
        !text.contains("SQLite format"),
        "database content leaked: {text}"
    );
    assert!(!text.contains("root:x:0:0"), "/etc/passwd leaked: {text}");
    if let Ok(key) = std::fs::read_to_string(app.config.data_dir.join("master.key")) {
        let key = key.trim();
        assert!(key.len() < 8 || !text.contains(key), "master key leaked");
    }
}

#[tokio::test]
async fn container_api_is_typed_and_fails_closed() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    let base = format!("/endpoints/{}/containers", s.endpoint);

    // 1. Mount kinds: anything but bind|volume|tmpfs is a 422 (C1: `BIND` used to bind `/`).
    for kind in ["BIND", "Bind", "x", ""] {
        let name = unique("wf-sec1");
        let (st, e) = app
            .call(&dev, Method::POST, &base, Some(json!({"name": name, "image": "local/busybox:1", "mounts": [{"kind": kind, "source": "/", "target": "/host"}]})))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {e}");
        assert_eq!(e["code"], "validation_failed", "{e}");
    }
    // Namespaces: host and container:<x>; capabilities in any spelling; normalised binds.
    let cases = [
        (
            "network_mode=container:",
            json!({"network_mode": "container:abc"}),
        ),
        ("pid_mode=container:", json!({"pid_mode": "container:abc"})),
        ("ipc_mode=container:", json!({"ipc_mode": "container:abc"})),
        ("ipc_mode=host", json!({"ipc_mode": "host"})),
        ("uts_mode=host", json!({"uts_mode": "host"})),
        ("network_mode=Host", json!({"network_mode": "Host"})),
        ("cap_add:all", json!({"cap_add": ["all"]})),
        ("cap_add:ALL", json!({"cap_add": ["ALL"]})),
        (
            "cap_add:cap_sys_admin",
            json!({"cap_add": ["cap_sys_admin"]}),
        ),
        ("binds:/./etc", json!({"binds": ["/./etc:/h"]})),
        ("binds://etc", json!({"binds": ["//etc:/h"]})),
        (
            "binds:/srv/allowed/../etc",
            json!({"binds": ["/srv/allowed/../etc:/h"]}),
        ),
        ("binds:./x", json!({"binds": ["./x:/h"]})),
        (
            "mounts:/srv/allowed/x/../../../etc",
            json!({"mounts": [{"kind": "bind", "source": "/srv/allowed/x/../../../etc", "target": "/h"}]}),
        ),
        (
            "mounts:/.",
            json!({"mounts": [{"kind": "bind", "source": "/.", "target": "/h"}]}),
        ),
    ];
    for (option, extra) in cases {
        let mut spec = json!({"name": unique("wf-sec1"), "image": "local/busybox:1"});
        spec.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (st, e) = app.call(&dev, Method::POST, &base, Some(spec)).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{option}: {e}");
        assert!(
            e["detail"].as_str().unwrap().contains(option),
            "{option}: {e}"
        );
    }
    assert!(
        !engine_containers(&sock)
            .iter()
            .any(|n| n.starts_with("wf-sec1-")),
        "the engine was never asked"
    );
    // A capability of Docker's default set, in any spelling, is not privileged.
    let (st, c) = app
        .call(&dev, Method::POST, &base, Some(json!({"name": unique("wf-cap"), "image": "local/busybox:1", "cap_add": ["cap_chown", "kill"]})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_str().unwrap().to_owned();

    // The allow-list: `/`, `/.` and `..` are refused; changing it needs create_privileged.
    for bad in ["/", "/.", "//", "/srv/../etc"] {
        let (st, e) = app
            .call(
                &root,
                Method::PATCH,
                &format!("/endpoints/{}", s.endpoint),
                Some(json!({"bind_allowlist": [bad]})),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
    }
    let (st, e) = app
        .call(
            &dev,
            Method::PATCH,
            &format!("/endpoints/{}", s.endpoint),
            Some(json!({"bind_allowlist": ["/etc"]})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    let (_, ep) = app
        .call(
            &root,
            Method::GET,
            &format!("/endpoints/{}", s.endpoint),
            None,
        )
        .await;
    assert_eq!(ep["bind_allowlist"], json!(["/srv/allowed"]), "unchanged");
    // Other fields stay editable with endpoints:update alone.
    let (st, e) = app
        .call(
            &dev,
            Method::PATCH,
            &format!("/endpoints/{}", s.endpoint),
            Some(json!({"name": "renamed", "bind_allowlist": ["/srv/allowed"]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");

    // Ids from paths never reach another Engine API route (H1).
    let ep = s.endpoint;
    for (m, path) in [
        (
            Method::POST,
            format!(
                "/endpoints/{ep}/containers/..%2Fimages%2Fcreate%3FfromImage%3D127.0.0.1%3A5000%252Fwf%252Fpayload%26tag%3D1%26x%3D/start"
            ),
        ),
        (
            Method::POST,
            format!("/endpoints/{ep}/containers/..%2F..%2Fvolumes%2Fprune%3F/stop"),
        ),
        (
            Method::DELETE,
            format!("/endpoints/{ep}/networks/..%2Fcontainers%2F{cid}%3Fforce%3D1%26v%3D1"),
        ),
        (
            Method::DELETE,
            format!("/endpoints/{ep}/images/..%2Fcontainers%2F{cid}%3Fforce%3D1"),
        ),
        (
            Method::POST,
            format!("/endpoints/{ep}/images/..%2Fcontainers%2F{cid}%2Fstop%3F/tag"),
        ),
        (
            Method::POST,
            format!(
                "/endpoints/{ep}/images/local%2Fbusybox:1%2F..%2F..%2Fimages%2Flocal%2Fbusybox:1/tag"
            ),
        ),
        (Method::GET, format!("/endpoints/{ep}/volumes/..%2Finfo")),
        (
            Method::DELETE,
            format!("/endpoints/{ep}/containers/{cid}%3Fforce%3D1"),
        ),
    ] {
        let (st, e) = app
            .call(
                &dev,
                m.clone(),
                &path,
                Some(json!({"repo": "secprobe", "tag": "y"})),
            )
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{m} {path}: {e}");
    }
    assert!(!engine_images(&sock).contains("secprobe"), "nothing tagged");
    let inspect = std::process::Command::new("docker")
        .args(["-H", &format!("unix://{sock}"), "inspect", &cid])
        .output()
        .unwrap();
    assert!(inspect.status.success(), "the container is still there");
    app.call(
        &root,
        Method::DELETE,
        &format!("{base}/{cid}?force=true"),
        None,
    )
    .await;
}

fn svc(extra: &str) -> String {
    format!(
        "services:\n  app:\n    image: local/busybox:1\n    command: [\"sleep\", \"60\"]\n{extra}"
    )
}

#[tokio::test]
async fn compose_guard_is_an_allow_list() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    let base = format!("/endpoints/{}/stacks", s.endpoint);
    // Each key of review C2 needs containers:create_privileged.
    let privileged = [
        (
            "secret s: file:/",
            format!(
                "{}    secrets: [s]\nsecrets:\n  s: {{file: {sock}}}\n",
                svc("")
            ),
        ),
        (
            "volumes_from",
            svc("    volumes_from: [\"container:windflow\"]\n"),
        ),
        (
            "device_cgroup_rules",
            svc("    device_cgroup_rules: ['b *:* rwm']\n"),
        ),
        (
            "network default: name=host",
            format!(
                "{}networks:\n  default: {{name: host, external: true}}\n",
                svc("")
            ),
        ),
        (
            "volume ext: external",
            format!(
                "{}    volumes: [\"ext:/d\"]\nvolumes:\n  ext: {{external: true, name: other_data}}\n",
                svc("")
            ),
        ),
        (
            "network_mode=container:",
            svc("    network_mode: \"container:windflow\"\n"),
        ),
        ("pid=container:", svc("    pid: \"container:windflow\"\n")),
        ("cgroup_parent", svc("    cgroup_parent: /x\n")),
        ("runtime", svc("    runtime: runc\n")),
        ("oom_kill_disable", svc("    oom_kill_disable: true\n")),
        ("oom_score_adj", svc("    oom_score_adj: -1000\n")),
        (
            "cap_add:cap_sys_admin",
            svc("    cap_add: [cap_sys_admin]\n"),
        ),
    ];
    for (want, content) in &privileged {
        for (path, body) in [
            (
                base.clone(),
                json!({"name": unique("secguard").replace('-', ""), "compose_content": content}),
            ),
            (
                "/stacks/validate".to_owned(),
                json!({"endpoint_id": s.endpoint, "compose_content": content}),
            ),
        ] {
            let (st, e) = app.call(&dev, Method::POST, &path, Some(body)).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{want}: {e}");
            assert!(
                e["detail"].as_str().unwrap_or_default().contains(want),
                "{want}: {e}"
            );
            no_file_content(&app, &e);
        }
    }
    // Files compose would read on the server: refused for everyone, before compose runs.
    let outside = [
        svc("    env_file: ../../windflow.db\n"),
        svc("    env_file: ../../master.key\n"),
        svc("    env_file: /etc/passwd\n"),
        svc("    label_file: ../../windflow.db\n"),
        svc("    extends: {file: ../../x.yml, service: a}\n"),
        svc("    build: ../../\n"),
        format!("include: [../../x.yml]\n{}", svc("")),
    ];
    for content in &outside {
        for who in [&dev, &root] {
            let (st, e) = app
                .call(
                    who,
                    Method::POST,
                    "/stacks/validate",
                    Some(json!({"endpoint_id": s.endpoint, "compose_content": content})),
                )
                .await;
            assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{content}: {e}");
            assert_eq!(e["errors"][0]["code"], "outside_project", "{e}");
            no_file_content(&app, &e);
        }
    }
    // YAML alias amplification is refused before expansion (M6).
    let bomb = format!(
        "x-a: &a \"{}\"\nx-b: [{}]\n{}",
        "x".repeat(100_000),
        vec!["*a"; 2000].join(","),
        svc("")
    );
    let (st, e) = app
        .call(
            &dev,
            Method::POST,
            "/stacks/validate",
            Some(json!({"endpoint_id": s.endpoint, "compose_content": bomb})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("aliases"), "{e}");
    let (_, list) = app.call(&root, Method::GET, &base, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "no stack saved");
    assert!(
        !engine_containers(&sock)
            .iter()
            .any(|n| n.starts_with("secguard")),
        "nothing created in the engine"
    );

    // validate needs stacks:create (a viewer has stacks:read only) (C5).
    let viewer = app.user(&root, "viewer1").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    let (st, e) = app
        .call(&viewer, Method::POST, "/stacks/validate", Some(json!({"endpoint_id": s.endpoint, "compose_content": svc("    env_file: ../../windflow.db\n")})))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    no_file_content(&app, &e);

    // Symlinks in the stack's own directory (planted by a container with `./:/w`) are not
    // "inside" (C3): the bind is privileged.
    let (st, stack) = app
        .call(
            &dev,
            Method::POST,
            &base,
            Some(json!({"name": "own", "compose_content": svc("    volumes: [\"./data:/d\"]\n")})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{stack}");
    let dir = app
        .config
        .data_dir
        .join("stacks")
        .join(stack["id"].as_str().unwrap());
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/", dir.join("root")).unwrap();
    let (st, e) = app
        .call(
            &dev,
            Method::PATCH,
            &format!("/stacks/{}", id(&stack)),
            Some(json!({"compose_content": svc("    volumes: [\"./root/etc:/host\"]\n")})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("binds:"), "{e}");
    let (st, e) = app
        .call(
            &dev,
            Method::PATCH,
            &format!("/stacks/{}", id(&stack)),
            Some(json!({"compose_content": svc("    env_file: root/etc/passwd\n")})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    no_file_content(&app, &e);
}

#[tokio::test]
async fn compose_process_is_not_steerable() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    let base = format!("/endpoints/{}/stacks", s.endpoint);
    // Reserved names are a 422 on create, on PUT variables and on validate (C4).
    for key in [
        "DOCKER_HOST",
        "docker_config",
        "COMPOSE_FILE",
        "LD_PRELOAD",
        "PATH",
        "HOME",
        "PYTHONWARNINGS",
        "BROWSER",
        "BUILDKIT_HOST",
    ] {
        let vars =
            json!([{"key": key, "value": "unix:///var/run/docker.sock", "is_secret": false}]);
        let (st, e) = app
            .call(
                &dev,
                Method::POST,
                &base,
                Some(json!({"name": "x", "compose_content": svc(""), "variables": vars})),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{key}: {e}");
        assert_eq!(e["errors"][0]["code"], "reserved", "{e}");
        let (st, _) = app
            .call(&dev, Method::POST, "/stacks/validate", Some(json!({"endpoint_id": s.endpoint, "compose_content": svc(""), "variables": vars})))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
    }
    // Variables still interpolate (through the generated env file), quotes and `$$` intact.
    let (st, stack) = app
        .call(&dev, Method::POST, &base, Some(json!({"name": "interp", "compose_content": "services:\n  app:\n    image: local/busybox:1\n    command: [\"sleep\", \"60\"]\n    labels:\n      wf.v: \"${V}\"\n",
            "variables": [{"key": "V", "value": "it's a \"value\"", "is_secret": false}]})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{stack}");
    let (st, check) = app
        .call(&dev, Method::POST, "/stacks/validate", Some(json!({"endpoint_id": s.endpoint, "stack_id": id(&stack),
            "compose_content": "services:\n  app:\n    image: \"local/busybox:${TAG}\"\n", "variables": [{"key": "TAG", "value": "1"}]})))
        .await;
    assert_eq!(st, StatusCode::OK, "{check}");
    let ev = super::docker::sse_events(
        &app,
        &dev,
        Method::POST,
        &format!("/stacks/{}/deploy", id(&stack)),
        None,
        |e| e.last().is_some_and(|x| x["kind"] == "done"),
    )
    .await;
    assert_eq!(ev.last().unwrap()["status"], "completed", "{ev:?}");
    let o = std::process::Command::new("docker")
        .args([
            "-H",
            &format!("unix://{sock}"),
            "ps",
            "--filter",
            "label=com.docker.compose.project=interp",
            "--format",
            "{{.Label \"wf.v\"}}",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "it's a \"value\""
    );
    let _ = super::docker::sse_events(
        &app,
        &dev,
        Method::POST,
        &format!("/stacks/{}/down", id(&stack)),
        None,
        |e| e.last().is_some_and(|x| x["kind"] == "done"),
    )
    .await;
}

#[tokio::test]
async fn local_engine_targets_need_a_superadmin_or_the_platform_setting() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    let path = format!("/environments/{}/endpoints", s.env_a);
    for body in [
        json!({"name": "sock", "connection_type": "socket", "socket_path": "/var/run/docker.sock"}),
        json!({"name": "loop", "connection_type": "direct", "host": "127.0.0.1", "port": 2375}),
        json!({"name": "loop6", "connection_type": "direct", "host": "::1", "port": 2375}),
        json!({"name": "lhost", "connection_type": "direct", "host": "localhost", "port": 2375}),
        json!({"name": "meta", "connection_type": "direct", "host": "169.254.169.254", "port": 80}),
        json!({"name": "zero", "connection_type": "direct", "host": "0.0.0.0", "port": 2375}),
    ] {
        let (st, e) = app
            .call(&dev, Method::POST, &path, Some(body.clone()))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{body}: {e}");
    }
    // Moving an existing endpoint to a local target is refused the same way.
    let (st, e) = app
        .call(&dev, Method::POST, &path, Some(json!({"name": "lan", "connection_type": "direct", "host": "10.20.30.40", "port": 2375})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "a remote engine on the LAN: {e}");
    let (st, e) = app
        .call(
            &dev,
            Method::PATCH,
            &format!("/endpoints/{}", id(&e)),
            Some(json!({"host": "127.0.0.1"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    // A superadmin may; with the platform setting on, so may the developer.
    let (st, e) = app
        .call(
            &root,
            Method::PUT,
            "/settings/platform",
            Some(json!({"allow_local_git_urls": false, "allow_local_endpoints": true})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let (st, e) = app
        .call(
            &dev,
            Method::POST,
            &path,
            Some(json!({"name": "sock2", "connection_type": "socket", "socket_path": sock})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
}

#[tokio::test]
async fn login_lockout_holds_under_concurrency() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let _victim = app.user(&root, "victim").await;
    let max = 5; // auth_settings.lockout_max_attempts_per_user default
    let mut tasks = vec![];
    for i in 0..200 {
        let c = app.client.clone();
        let url = app.url("/auth/login");
        tasks.push(tokio::spawn(async move {
            c.post(url)
                .json(&json!({"login": "victim", "password": format!("wrong guess number {i}")}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut checked = 0;
    let mut locked = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => locked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        checked <= max,
        "{checked} password checks for {max} allowed"
    );
    assert_eq!(checked + locked, 200);
    assert!(checked >= 1, "the first attempts are checked");
    let (_, rows) = (
        (),
        sea_orm::ConnectionTrait::query_all_raw(
            &app.db,
            sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT outcome FROM login_attempts",
            ),
        )
        .await
        .unwrap(),
    );
    let failures = rows
        .iter()
        .filter(|r| r.try_get::<String>("", "outcome").unwrap() == "failure")
        .count();
    assert_eq!(failures, checked, "one recorded failure per password check");
    assert!(
        rows.iter()
            .all(|r| r.try_get::<String>("", "outcome").unwrap() != "pending"),
        "every reservation is settled"
    );
}

#[tokio::test]
async fn username_and_email_share_one_lockout_bucket() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let _u = app.user(&root, "alice").await;
    let mut statuses = vec![];
    for i in 0..6 {
        let login = if i % 2 == 0 {
            "alice"
        } else {
            "ALICE@example.org"
        };
        let st = app
            .client
            .post(app.url("/auth/login"))
            .json(&json!({"login": login, "password": format!("wrong password {i}")}))
            .send()
            .await
            .unwrap()
            .status();
        statuses.push(st.as_u16());
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429], "{statuses:?}");
}
