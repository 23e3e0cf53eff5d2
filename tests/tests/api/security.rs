//! Issue 11: regression tests for the security review of 2026-12-02, against the real server and
//! the real Docker engine. Every case runs as `dev`, a member holding `containers:create`,
//! `stacks:*` and the other everyday permissions at one environment but **not**
//! `containers:create_privileged`. Each asserts the refusal, that nothing was created in the
//! engine, and that no server file content came back.
//!
//! Through the typed client, except where the wire is the point: bodies the contract cannot
//! express (a mount kind outside its enum), raw paths that probe the routing, answers searched
//! whole for file content or a secret, action streams read as they run (`act`), webhook
//! deliveries, live streams and response headers.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::access::{CreateRole, CreateRoleBinding, ScopeType, SubjectType};
use windflow_api::docker::{
    ConnectionType, ContainerQuery, ContainerSpec, CreateEndpoint, CreateRegistryCredential,
    MountKind, MountSpec, PullImage, RemoveQuery, UpdateEndpoint,
};
use windflow_api::git::{
    CreateGitCredential, GitCredentialKind, GitProvider, GitRepositoryInput, PlatformSettings,
    SyncQuery, UpdateGitCredential,
};
use windflow_api::runs::{RunStatus, Trigger};
use windflow_api::stacks::{
    CreateStack, ProjectOutcome, StackSource, StackStatus, UpdateStack, ValidateCompose,
};
use windflow_client::stacks::DeleteStackQuery;
use windflow_tests::{Refused, Session, TestApp, container, socket_endpoint, spawn_app};

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

/// Runs a stack action as `who` and returns its events up to `done`.
async fn act(app: &TestApp, who: &Session, path: &str) -> Vec<Value> {
    super::docker::sse_events(app, who, Method::POST, path, None, |e| {
        e.last().is_some_and(|x| x["kind"] == "done")
    })
    .await
}

/// Gives `user` a new role `name` of `s.org` with `perms`, bound at `scope`.
async fn grant(
    app: &TestApp,
    root: &Session,
    s: &Setup,
    user: &Session,
    (name, perms): (&str, &[&str]),
    (scope_type, scope_id): (ScopeType, Uuid),
) {
    let c = app.typed(root);
    let role = CreateRole {
        name: name.into(),
        description: None,
        permissions: perms.iter().map(|p| (*p).to_owned()).collect(),
        parent_ids: vec![],
    };
    let role_id = c.create_role(s.org, &role).await.unwrap().id;
    let binding = CreateRoleBinding {
        role_id,
        subject_type: SubjectType::User,
        subject_id: user.user_id,
        scope_type,
        scope_id,
    };
    c.create_role_binding(s.org, &binding).await.unwrap();
}

/// `dev`: organization `viewer` plus [`DEV_PERMISSIONS`] bound at `s.env_a`.
async fn dev(app: &TestApp, root: &Session, s: &Setup) -> Session {
    let dev = app.user(root, "dev").await;
    app.add_member(root, s.org, &dev, "viewer").await;
    let role = ("developer", DEV_PERMISSIONS);
    grant(app, root, s, &dev, role, (ScopeType::Environment, s.env_a)).await;
    dev
}

use super::stacks::{stack, var};

/// A validation request for `endpoint` without a stack or variables.
fn check(endpoint: Uuid, compose: &str) -> ValidateCompose {
    ValidateCompose {
        endpoint_id: endpoint,
        stack_id: None,
        compose_content: compose.into(),
        variables: vec![],
    }
}

/// The body of a plain-http `direct` endpoint with every other option at the default.
fn direct(name: &str, host: &str, port: i32) -> CreateEndpoint {
    CreateEndpoint {
        connection_type: ConnectionType::Direct,
        socket_path: None,
        host: Some(host.into()),
        port: Some(port),
        ..socket_endpoint(name, "")
    }
}

/// An endpoint update that changes only the bind allow-list.
fn allowlist(paths: &[&str]) -> UpdateEndpoint {
    UpdateEndpoint {
        bind_allowlist: Some(paths.iter().map(|p| (*p).to_owned()).collect()),
        ..UpdateEndpoint::default()
    }
}

/// `?force=true`.
fn force() -> RemoveQuery {
    RemoveQuery {
        force: Some(true),
        volumes: None,
    }
}

/// One change to a container spec.
type Edit = fn(&mut ContainerSpec);

/// One bind mount of `source` at `/h`.
fn bind(source: &str) -> Vec<MountSpec> {
    vec![MountSpec {
        kind: MountKind::Bind,
        source: source.into(),
        target: "/h".into(),
        read_only: false,
    }]
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
    let (c, d, ep) = (app.typed(&root), app.typed(&dev), s.endpoint);
    let base = format!("/endpoints/{ep}/containers");

    // 1. Mount kinds: anything but bind|volume|tmpfs is a 422 (C1: `BIND` used to bind `/`).
    // Raw: these kinds are outside the contract's enum.
    for kind in ["BIND", "Bind", "x", ""] {
        let name = unique("wf-sec1");
        let (st, e) = app
            .call(&dev, Method::POST, &base, Some(json!({"name": name, "image": "local/busybox:1", "mounts": [{"kind": kind, "source": "/", "target": "/host"}]})))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {e}");
        assert_eq!(e["code"], "validation_failed", "{e}");
    }
    // Namespaces: host and container:<x>; capabilities in any spelling; normalised binds.
    let cases: [(&str, Edit); 15] = [
        ("network_mode=container:", |x| {
            x.network_mode = Some("container:abc".into())
        }),
        ("pid_mode=container:", |x| {
            x.pid_mode = Some("container:abc".into())
        }),
        ("ipc_mode=container:", |x| {
            x.ipc_mode = Some("container:abc".into())
        }),
        ("ipc_mode=host", |x| x.ipc_mode = Some("host".into())),
        ("uts_mode=host", |x| x.uts_mode = Some("host".into())),
        ("network_mode=Host", |x| {
            x.network_mode = Some("Host".into())
        }),
        ("cap_add:all", |x| x.cap_add = vec!["all".into()]),
        ("cap_add:ALL", |x| x.cap_add = vec!["ALL".into()]),
        ("cap_add:cap_sys_admin", |x| {
            x.cap_add = vec!["cap_sys_admin".into()]
        }),
        ("binds:/./etc", |x| x.binds = vec!["/./etc:/h".into()]),
        ("binds://etc", |x| x.binds = vec!["//etc:/h".into()]),
        ("binds:/srv/allowed/../etc", |x| {
            x.binds = vec!["/srv/allowed/../etc:/h".into()]
        }),
        ("binds:./x", |x| x.binds = vec!["./x:/h".into()]),
        ("mounts:/srv/allowed/x/../../../etc", |x| {
            x.mounts = bind("/srv/allowed/x/../../../etc")
        }),
        ("mounts:/.", |x| x.mounts = bind("/.")),
    ];
    for (option, extra) in cases {
        let mut spec = container(&unique("wf-sec1"), "local/busybox:1", &[]);
        extra(&mut spec);
        let p = d.create_container(ep, &spec).await.problem();
        assert_eq!(p.code, ErrorCode::Forbidden, "{option}: {p:?}");
        assert!(
            p.detail.as_deref().unwrap().contains(option),
            "{option}: {p:?}"
        );
    }
    assert!(
        !engine_containers(&sock)
            .iter()
            .any(|n| n.starts_with("wf-sec1-")),
        "the engine was never asked"
    );
    // A capability of Docker's default set, in any spelling, is not privileged.
    let cap = ContainerSpec {
        cap_add: vec!["cap_chown".into(), "kill".into()],
        ..container(&unique("wf-cap"), "local/busybox:1", &[])
    };
    let cid = d.create_container(ep, &cap).await.unwrap().id;

    // The allow-list: `/`, `/.` and `..` are refused; changing it needs create_privileged.
    for bad in ["/", "/.", "//", "/srv/../etc"] {
        let refused = c.update_endpoint(ep, &allowlist(&[bad])).await;
        assert_eq!(refused.refused(), ErrorCode::ValidationFailed, "{bad}");
    }
    let refused = d.update_endpoint(ep, &allowlist(&["/etc"])).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let unchanged = c.endpoint(ep).await.unwrap().bind_allowlist;
    assert_eq!(unchanged, ["/srv/allowed"], "unchanged");
    // Other fields stay editable with endpoints:update alone.
    let rename = UpdateEndpoint {
        name: Some("renamed".into()),
        ..allowlist(&["/srv/allowed"])
    };
    d.update_endpoint(ep, &rename).await.unwrap();

    // Ids from paths never reach another Engine API route (H1).
    // Raw: hand-made paths probe the routing.
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
    let _ = c.remove_container(ep, &cid, &force()).await;
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
    let (c, d) = (app.typed(&root), app.typed(&dev));
    let base = format!("/endpoints/{}/stacks", s.endpoint);
    // Each key of review C2 needs containers:create_privileged.
    // Raw: the answer is searched whole for file content.
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
        // Raw: the answer is searched whole for file content.
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
    let bomb = check(s.endpoint, &bomb);
    let p = d.validate_compose(&bomb).await.problem();
    assert_eq!(p.code, ErrorCode::ValidationFailed, "{p:?}");
    let e = serde_json::to_string(&p).unwrap();
    assert!(e.contains("aliases"), "{e}");
    let list = c.list_stacks(s.endpoint, &Default::default()).await;
    assert_eq!(list.unwrap().items.len(), 0, "no stack saved");
    assert!(
        !engine_containers(&sock)
            .iter()
            .any(|n| n.starts_with("secguard")),
        "nothing created in the engine"
    );

    // validate needs stacks:create (a viewer has stacks:read only) (C5).
    let viewer = app.user(&root, "viewer1").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    // Raw: the answer is searched whole for file content.
    let (st, e) = app
        .call(&viewer, Method::POST, "/stacks/validate", Some(json!({"endpoint_id": s.endpoint, "compose_content": svc("    env_file: ../../windflow.db\n")})))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    no_file_content(&app, &e);

    // Symlinks in the stack's own directory (planted by a container with `./:/w`) are not
    // "inside" (C3): the bind is privileged.
    let own = stack(
        &unique("own").replace('-', ""),
        &svc("    volumes: [\"./data:/d\"]\n"),
    );
    let sid = d.create_stack(s.endpoint, &own).await.unwrap().id;
    let dir = app.config.data_dir.join("stacks").join(sid.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/", dir.join("root")).unwrap();
    let through_link = UpdateStack {
        compose_content: Some(svc("    volumes: [\"./root/etc:/host\"]\n")),
        ..UpdateStack::default()
    };
    let p = d.update_stack(sid, &through_link).await.problem();
    assert_eq!(p.code, ErrorCode::Forbidden, "{p:?}");
    assert!(p.detail.as_deref().unwrap().contains("binds:"), "{p:?}");
    // Raw: the answer is searched whole for file content.
    let (st, e) = app
        .call(
            &dev,
            Method::PATCH,
            &format!("/stacks/{sid}"),
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
    let (c, d, ep) = (app.typed(&root), app.typed(&dev), s.endpoint);
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
        let variables = vec![var(key, "unix:///var/run/docker.sock", false)];
        let create = CreateStack {
            variables: variables.clone(),
            ..stack("x", &svc(""))
        };
        let refused = d.create_stack(ep, &create).await;
        assert_eq!(refused.field_codes()[0], "reserved", "{key}");
        let validate = ValidateCompose {
            variables,
            ..check(ep, &svc(""))
        };
        let refused = d.validate_compose(&validate).await;
        assert_eq!(refused.refused(), ErrorCode::ValidationFailed, "{key}");
    }
    // Variables still interpolate (through the generated env file), quotes intact.
    let interp = unique("interp").replace('-', "");
    let labelled = "services:\n  app:\n    image: local/busybox:1\n    command: [\"sleep\", \"60\"]\n    labels:\n      wf.v: \"${V}\"\n";
    let create = CreateStack {
        variables: vec![var("V", "it's a \"value\"", false)],
        ..stack(&interp, labelled)
    };
    let sid = d.create_stack(ep, &create).await.unwrap().id;
    let tagged = ValidateCompose {
        stack_id: Some(sid),
        variables: vec![var("TAG", "1", false)],
        ..check(
            ep,
            "services:\n  app:\n    image: \"local/busybox:${TAG}\"\n",
        )
    };
    d.validate_compose(&tagged).await.unwrap();
    // With a stack: `stacks:update` on it (a viewer: 403), and on its own endpoint only (404).
    let viewer = app.user(&root, "viewer2").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    let edit = ValidateCompose {
        stack_id: Some(sid),
        ..check(ep, &svc(""))
    };
    let refused = app.typed(&viewer).validate_compose(&edit).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let other = direct("other", "10.9.8.7", 2375);
    let other = c.create_endpoint(s.env_a, &other).await.unwrap().id;
    let elsewhere = ValidateCompose {
        endpoint_id: other,
        ..edit
    };
    let refused = d.validate_compose(&elsewhere).await;
    assert_eq!(refused.refused(), ErrorCode::NotFound);
    let ev = act(&app, &dev, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(ev.last().unwrap()["status"], "succeeded", "{ev:?}");
    let o = std::process::Command::new("docker")
        .args([
            "-H",
            &format!("unix://{sock}"),
            "ps",
            "--filter",
            &format!("label=com.docker.compose.project={interp}"),
            "--format",
            "{{.Label \"wf.v\"}}",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "it's a \"value\""
    );
    let _ = act(&app, &dev, &format!("/stacks/{sid}/down")).await;
}

#[tokio::test]
async fn local_engine_targets_need_a_superadmin_or_the_platform_setting() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    let d = app.typed(&dev);
    for body in [
        socket_endpoint("sock", "/var/run/docker.sock"),
        direct("loop", "127.0.0.1", 2375),
        direct("loop6", "::1", 2375),
        direct("lhost", "localhost", 2375),
        direct("meta", "169.254.169.254", 80),
        direct("zero", "0.0.0.0", 2375),
    ] {
        let refused = d.create_endpoint(s.env_a, &body).await;
        assert_eq!(refused.refused(), ErrorCode::Forbidden, "{body:?}");
    }
    // Moving an existing endpoint to a local target is refused the same way.
    let lan = direct("lan", "10.20.30.40", 2375);
    let lan = d.create_endpoint(s.env_a, &lan).await;
    let lan = lan.expect("a remote engine on the LAN").id;
    let local = UpdateEndpoint {
        host: Some("127.0.0.1".into()),
        ..UpdateEndpoint::default()
    };
    let refused = d.update_endpoint(lan, &local).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    // A superadmin may; with the platform setting on, so may the developer.
    let allow = PlatformSettings {
        allow_local_git_urls: false,
        allow_local_endpoints: true,
    };
    let c = app.typed(&root);
    c.set_platform_settings(&allow).await.unwrap();
    let sock2 = socket_endpoint("sock2", &sock);
    d.create_endpoint(s.env_a, &sock2).await.unwrap();
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

// ----- Git, registries, pulls, project names, delete, masking, headers, streams -------------

use super::git::{Remote, allow_local, finished, project_of_endpoint, repository, sign};

async fn deployments_of(app: &TestApp, root: &Session, sid: Uuid) -> usize {
    let d = app
        .typed(root)
        .list_deployments(sid, &Default::default())
        .await;
    d.unwrap().items.len()
}

#[tokio::test]
async fn git_redeploys_run_with_the_right_permissions() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let project = project_of_endpoint(&app, &root, s.endpoint).await;
    allow_local(&app, &root).await;
    let dev = dev(&app, &root, &s).await;
    let (git, at) = (["git:read", "git:sync"], (ScopeType::Project, project));
    grant(&app, &root, &s, &dev, ("git-dev", &git), at).await;
    let syncer = app.user(&root, "syncer").await;
    app.add_member(&root, s.org, &syncer, "viewer").await;
    grant(&app, &root, &s, &syncer, ("git-syncer", &git), at).await;
    let c = app.typed(&root);
    // A privileged compose file (a bind outside the allow-list), deployed by the superadmin.
    let priv_compose = |rev: &str| {
        format!(
            "services:\n  app:\n    image: local/busybox:1\n    command: [\"sleep\", \"300\"]\n    init: true\n    labels: {{wf.rev: \"{rev}\"}}\n    volumes: [\"/tmp:/host-tmp:ro\"]\n"
        )
    };
    let remote = Remote::new();
    remote.commit(&[("docker-compose.yml", &priv_compose("1"))], "one");
    let repo = GitRepositoryInput {
        provider: GitProvider::Github,
        ..repository("app", &format!("file://{}", remote.bare().display()))
    };
    let created = c.create_git_repository(project, &repo).await.unwrap();
    let (rid, secret) = (created.repository.id, created.webhook.webhook_secret);
    let hook = app.url(&created.webhook.webhook_path);
    let from_git = CreateStack {
        source: StackSource::Git,
        repository_id: Some(rid),
        ..stack(&unique("gitpriv").replace('-', ""), "")
    };
    let sid = c.create_stack(s.endpoint, &from_git).await.unwrap().id;
    let ev = act(&app, &root, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(ev.last().unwrap()["status"], "succeeded", "{ev:?}");
    assert_eq!(deployments_of(&app, &root, sid).await, 1);

    // A manual sync that redeploys uses the syncing user's permissions (H3).
    remote.commit(&[("docker-compose.yml", &priv_compose("2"))], "two");
    for (who, needle) in [
        (&syncer, "stacks:deploy is missing"),
        (&dev, "containers:create_privileged"),
    ] {
        let redeploy = SyncQuery {
            redeploy: Some(true),
        };
        let ex = app.typed(who).sync_git_repository(rid, &redeploy).await;
        let ex = finished(&app, who, &ex.unwrap().id.to_string()).await;
        assert!(
            ex["logs"].as_str().unwrap_or_default().contains(needle),
            "{needle}: {ex}"
        );
        assert_eq!(deployments_of(&app, &root, sid).await, 1, "not redeployed");
    }
    // Automatic redeploys use the creator's permissions without privileged options unless
    // the stack allows them; only a holder of containers:create_privileged may allow them.
    // Raw: deliveries answer 202 or 200, which the typed answer does not tell.
    let push = |delivery: &str| {
        let body = serde_json::to_vec(&json!({"ref": "refs/heads/main"})).unwrap();
        app.client
            .post(&hook)
            .header("X-GitHub-Event", "push")
            .header("X-GitHub-Delivery", delivery)
            .header("X-Hub-Signature-256", sign(&secret, &body))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = push("d-1").await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let acc: Value = r.json().await.unwrap();
    let ex = finished(&app, &root, acc["execution_id"].as_str().unwrap()).await;
    assert!(
        ex["logs"].as_str().unwrap().contains("redeploy refused"),
        "{ex}"
    );
    assert_eq!(deployments_of(&app, &root, sid).await, 1);
    // The same delivery again is ignored (replay).
    let r = push("d-1").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["status"], "ignored", "{again}");
    let allow = UpdateStack {
        privileged_auto_deploy: Some(true),
        ..UpdateStack::default()
    };
    let refused = app.typed(&dev).update_stack(sid, &allow).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let allowed = c.update_stack(sid, &allow).await.unwrap();
    assert!(allowed.privileged_auto_deploy, "{allowed:?}");
    remote.commit(&[("docker-compose.yml", &priv_compose("3"))], "three");
    let r = push("d-2").await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let acc: Value = r.json().await.unwrap();
    let ex = finished(&app, &root, acc["execution_id"].as_str().unwrap()).await;
    assert!(
        ex["logs"].as_str().unwrap().contains("redeploy started"),
        "{ex}"
    );
    for _ in 0..300 {
        let d = c.list_deployments(sid, &Default::default()).await.unwrap();
        if d.items[0].run.status != RunStatus::Running {
            assert_eq!(d.items[0].run.trigger, Trigger::Webhook, "{d:?}");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let _ = act(&app, &root, &format!("/stacks/{sid}/down")).await;
}

#[tokio::test]
async fn credentials_only_go_to_their_own_host() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let project = project_of_endpoint(&app, &root, s.endpoint).await;
    allow_local(&app, &root).await;
    // Git: a credential is bound to the host of the first repository that uses it (M3).
    let c = app.typed(&root);
    let tok = CreateGitCredential {
        name: "tok".into(),
        kind: GitCredentialKind::Https,
        username: Some("u".into()),
        token: Some("s3cr3t-token".into()),
        private_key: None,
        passphrase: None,
    };
    let cid = c.create_git_credential(project, &tok).await.unwrap().id;
    let with_cred = |name: &str, url: &str| GitRepositoryInput {
        credential_id: Some(cid),
        ..repository(name, url)
    };
    let a = with_cred("a", "http://127.0.0.1:9/a.git");
    let a = c.create_git_repository(project, &a).await.unwrap();
    let rid = a.repository.id;
    let list = c.list_git_credentials(project, &Default::default()).await;
    let list = list.unwrap().items;
    assert_eq!(list[0].bound_host.as_deref(), Some("127.0.0.1"), "{list:?}");
    let b = with_cred("b", "http://attacker.localhost:9/b.git");
    let refused = c.create_git_repository(project, &b).await;
    assert_eq!(refused.field_codes()[0], "bound_to_other_host");
    let moved = with_cred("a", "http://localhost:9/a.git");
    let refused = c.update_git_repository(rid, &moved).await;
    assert_eq!(
        refused.refused(),
        ErrorCode::ValidationFailed,
        "changing the host keeps no credential"
    );
    // Giving the secret again releases the binding.
    let again = UpdateGitCredential {
        token: Some("n3w-s3cr3t".into()),
        ..UpdateGitCredential::default()
    };
    c.update_git_credential(cid, &again).await.unwrap();
    let b = with_cred("b", "http://localhost:9/b.git");
    c.create_git_repository(project, &b).await.unwrap();
    // Credentials in URLs are refused.
    // Raw: the whole answer is searched for the token.
    let (st, e) = app
        .call(
            &root,
            Method::POST,
            &format!("/projects/{project}/git-repositories"),
            Some(json!({"name": "c", "url": "https://u:token@example.org/c.git"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(!e.to_string().contains("token@"), "{e}");

    // Registries: a credential is only sent to its own registry host.
    let reg = CreateRegistryCredential {
        name: "local".into(),
        server: "127.0.0.1:5000".into(),
        username: "u".into(),
        password: "registry-pass".into(),
    };
    let reg = c.create_registry(s.org, &reg).await.unwrap().id;
    let pull = PullImage {
        image: "attacker.example/x".into(),
        tag: Some("1".into()),
        registry_id: Some(reg),
    };
    let refused = c.pull_image(s.endpoint, &pull).await;
    assert_eq!(refused.field_codes()[0], "registry_mismatch");
}

#[tokio::test]
async fn a_failed_pull_ends_failed_and_is_audited_as_an_error() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let ev = super::docker::sse_events(
        &app,
        &root,
        Method::POST,
        &format!("/endpoints/{}/images/pull", s.endpoint),
        Some(json!({"image": "127.0.0.1:5000/wf/does-not-exist", "tag": "1"})),
        |e| {
            e.last()
                .is_some_and(|x| x["status"] == "failed" || x["status"] == "completed")
        },
    )
    .await;
    let last = ev.last().unwrap();
    assert_eq!(last["status"], "failed", "{ev:?}");
    assert!(
        last["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{last}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rows = app.audit(&root, "image.pull").await;
    assert_eq!(rows[0]["outcome"], "error", "{rows:?}");
    // A pull that works ends `completed`, audited as a success.
    let ev = super::docker::sse_events(
        &app,
        &root,
        Method::POST,
        &format!("/endpoints/{}/images/pull", s.endpoint),
        Some(json!({"image": "127.0.0.1:5000/wf/busybox", "tag": "1"})),
        |e| {
            e.last()
                .is_some_and(|x| x["status"] == "failed" || x["status"] == "completed")
        },
    )
    .await;
    assert_eq!(ev.last().unwrap()["status"], "completed", "{ev:?}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rows = app.audit(&root, "image.pull").await;
    assert_eq!(rows[0]["outcome"], "success", "{rows:?}");
}

#[tokio::test]
async fn project_names_are_unique_per_engine_and_delete_says_what_it_did() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    // Another endpoint (another environment) on the same engine.
    let (c, d, ep) = (app.typed(&root), app.typed(&dev), s.endpoint);
    let same = socket_endpoint("same-engine", &sock);
    let ep2 = c.create_endpoint(s.env_b, &same).await.unwrap().id;
    let proj = unique("secproj").replace('-', "");
    let first = stack(&proj, &svc("    init: true\n"));
    let sid = d.create_stack(ep, &first).await.unwrap().id;
    let refused = c.create_stack(ep2, &stack(&proj, &svc(""))).await;
    assert_eq!(
        refused.refused(),
        ErrorCode::Conflict,
        "same name on the same engine"
    );
    // A compose project that already runs on the engine (not a stack) cannot be taken over.
    let foreign = unique("secforeign").replace('-', "");
    let spec = ContainerSpec {
        labels: [("com.docker.compose.project".into(), foreign.clone())].into(),
        ..container(&unique("wf-foreign"), "local/busybox:1", &[])
    };
    let cid = c.create_container(ep, &spec).await.unwrap().id;
    let taken = stack(&foreign, &svc(""));
    let p = d.create_stack(ep, &taken).await.problem();
    assert_eq!(p.code, ErrorCode::Conflict, "{p:?}");
    assert!(p.detail.as_deref().unwrap().contains("adopt"), "{p:?}");
    let _ = c.remove_container(ep, &cid, &force()).await;

    // Delete with down: the project goes with the stack, and the answer says so.
    let ev = act(&app, &dev, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(ev.last().unwrap()["status"], "succeeded", "{ev:?}");
    let refused = d.delete_stack(sid, &DeleteStackQuery::default()).await;
    assert_eq!(
        refused.refused(),
        ErrorCode::Conflict,
        "containers and neither down nor force"
    );
    let down = DeleteStackQuery {
        down: Some(true),
        remove_volumes: Some(true),
        force: None,
    };
    let gone = d.delete_stack(sid, &down).await.unwrap();
    assert_eq!(
        (gone.project, gone.volumes_removed),
        (ProjectOutcome::Removed, true)
    );
    let left = std::process::Command::new("docker")
        .args([
            "-H",
            &format!("unix://{sock}"),
            "ps",
            "-aq",
            "--filter",
            &format!("label=com.docker.compose.project={proj}"),
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&left.stdout).trim().is_empty(),
        "no container left"
    );
    // Forgetting leaves it running, and says so.
    let keep = unique("seckeep").replace('-', "");
    let kept = stack(&keep, &svc("    init: true\n"));
    let kid = d.create_stack(ep, &kept).await.unwrap().id;
    act(&app, &dev, &format!("/stacks/{kid}/deploy")).await;
    let forget = DeleteStackQuery {
        force: Some(true),
        ..DeleteStackQuery::default()
    };
    let gone = d.delete_stack(kid, &forget).await.unwrap();
    assert_eq!(gone.project, ProjectOutcome::LeftRunning, "{gone:?}");
    let _ = std::process::Command::new("docker-compose")
        .env("DOCKER_HOST", format!("unix://{sock}"))
        .args(["-p", &keep, "down"])
        .current_dir(std::env::temp_dir())
        .output();
    let ids = std::process::Command::new("docker")
        .args([
            "-H",
            &format!("unix://{sock}"),
            "ps",
            "-aq",
            "--filter",
            &format!("label=com.docker.compose.project={keep}"),
        ])
        .output()
        .unwrap();
    for cid in String::from_utf8_lossy(&ids.stdout).split_whitespace() {
        let _ = std::process::Command::new("docker")
            .args(["-H", &format!("unix://{sock}"), "rm", "-f", cid])
            .output();
    }
}

#[tokio::test]
async fn secret_variables_are_masked_for_container_readers() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let reader = app.user(&root, "reader").await;
    app.add_member(&root, s.org, &reader, "viewer").await;
    let secret = "hunter2-very-secret";
    let mask_name = unique("secmask").replace('-', "");
    let compose = "services:\n  app:\n    image: local/busybox:1\n    init: true\n    command: [\"sh\", \"-c\", \"echo token=$$TOKEN; sleep 300\"]\n    environment:\n      TOKEN: \"${TOKEN}\"\n";
    let (c, ep) = (app.typed(&root), s.endpoint);
    let body = CreateStack {
        variables: vec![var("TOKEN", secret, true)],
        ..stack(&mask_name, compose)
    };
    let sid = c.create_stack(ep, &body).await.unwrap().id;
    let ev = act(&app, &root, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(ev.last().unwrap()["status"], "succeeded", "{ev:?}");
    let project = ContainerQuery {
        all: Some(true),
        label: Some(format!("com.docker.compose.project={mask_name}")),
        ..ContainerQuery::default()
    };
    let cid = c.list_containers(ep, &project).await.unwrap()[0].id.clone();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Raw: the reader's answers are searched whole for the secret.
    let base = format!("/endpoints/{ep}/containers/{cid}");
    let (st, r) = app.call(&reader, Method::GET, &base, None).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert!(
        !r.to_string().contains(secret),
        "inspect leaks the secret to a reader"
    );
    assert!(
        r["raw"]["Config"]["Env"].to_string().contains("TOKEN=****"),
        "{}",
        r["raw"]["Config"]["Env"]
    );
    let (_, logs) = app
        .call(&reader, Method::GET, &format!("{base}/logs"), None)
        .await;
    assert!(
        !logs.to_string().contains(secret),
        "logs leak the secret: {logs}"
    );
    assert!(logs.to_string().contains("token=****"), "{logs}");
    // Holders of stacks:update on the stack see the values.
    let r = c.inspect_container(ep, &cid).await.unwrap();
    assert!(serde_json::to_string(&r).unwrap().contains(secret));
    act(&app, &root, &format!("/stacks/{sid}/down")).await;
}

#[tokio::test]
async fn responses_carry_security_headers_and_metrics_can_need_a_token() {
    let app = windflow_tests::spawn_app_with(|c| {
        c.http.metrics_token = Some(windflow_server::config::Secret::new("metrics-token-123"));
    })
    .await;
    let r = app
        .client
        .get(format!("{}/api/v1/setup", app.base))
        .send()
        .await
        .unwrap();
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let r = app
        .client
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let r = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .get(format!("{}/metrics", app.base))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .get(format!("{}/metrics", app.base))
        .bearer_auth("metrics-token-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // An expired setup token no longer works.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE setup_tokens SET created_at = '2020-01-01 00:00:00+00:00'",
    )
    .await
    .unwrap();
    let r = app.client.post(app.url("/setup"))
        .json(&json!({"token": app.setup_token.clone().unwrap(), "username": "root", "email": "root@example.org", "password": windflow_tests::PASSWORD}))
        .send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn audit_csv_cells_never_start_a_formula() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let r = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "=HYPERLINK(\"http://x\")", "password": "whatever password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let csv = app
        .req(
            &root,
            Method::GET,
            "/audit/export?format=csv&action=auth.login_failed",
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.to_lowercase().contains("'=hyperlink"), "{csv}");
    assert!(
        !csv.lines()
            .any(|l| l.split(',').any(|c| c.starts_with('='))),
        "{csv}"
    );
}

#[tokio::test]
async fn live_streams_end_when_the_session_is_revoked() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    use futures_util::StreamExt;
    let res = app
        .req(
            &dev,
            Method::GET,
            &format!("/endpoints/{}/events/stream", s.endpoint),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.bytes_stream();
    // Revoke the session from elsewhere (the user logs out).
    app.typed(&dev).logout().await.unwrap();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the stream is still open 20 s after the logout"
    );
}

#[tokio::test]
async fn a_failed_deploy_is_audited_as_an_error_when_it_ends() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let dev = dev(&app, &root, &s).await;
    let name = unique("secfail").replace('-', "");
    let missing = stack(
        &name,
        "services:\n  app:\n    image: 127.0.0.1:5000/wf/does-not-exist:1\n",
    );
    let sid = app.typed(&dev).create_stack(s.endpoint, &missing).await;
    let sid = sid.unwrap().id;
    let ev = act(&app, &dev, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(ev.last().unwrap()["status"], "failed", "{ev:?}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rows = app.audit(&root, "stack.deploy.finished").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["outcome"], "error", "{rows:?}");
}

/// Issue 12 ("Also"): a deployment or a sync left `running` by a server that died is closed as
/// `interrupted` when a server starts (and on scheduler ticks); one whose lease is still renewed
/// is left alone.
#[tokio::test]
async fn work_left_running_by_a_dead_server_is_closed_as_interrupted() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let project = project_of_endpoint(&app, &root, s.endpoint).await;
    allow_local(&app, &root).await;
    let name = unique("secdead").replace('-', "");
    let c = app.typed(&root);
    let body = stack(&name, &svc("    init: true\n"));
    let sid = c.create_stack(s.endpoint, &body).await.unwrap().id;
    let ev = act(&app, &root, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(ev.last().unwrap()["status"], "succeeded");
    let did: Uuid = ev.last().unwrap()["deployment_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let remote = Remote::new();
    remote.commit(&[("docker-compose.yml", &svc(""))], "one");
    let repo = repository("r", &format!("file://{}", remote.bare().display()));
    let rid = c.create_git_repository(project, &repo).await.unwrap();
    let rid = rid.repository.id;
    let ex = c.sync_git_repository(rid, &SyncQuery::default()).await;
    let exid = ex.unwrap().id;
    // A crash in the middle: rows `running` since ten minutes, no lease renewed.
    let old = "2020-01-01 00:00:00+00:00";
    for sql in [
        format!(
            "UPDATE deployments SET status = 'running', finished_at = NULL, duration_ms = NULL, started_at = '{old}'"
        ),
        format!(
            "UPDATE schedule_executions SET status = 'running', finished_at = NULL, started_at = '{old}'"
        ),
        "DELETE FROM leases".to_owned(),
    ] {
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &sql)
            .await
            .unwrap();
    }
    // A server starts (a replica on the same database): the sweep runs.
    let (_replica, _) = windflow_tests::spawn_replica(&app).await;
    let d = c.deployment(did).await.unwrap().deployment.run;
    assert_eq!(d.status, RunStatus::Interrupted, "{d:?}");
    // The shared run shape: the sweep closes the row with its end and its duration.
    assert!(d.finished_at.is_some(), "{d:?}");
    assert!(d.duration_ms > Some(0), "{d:?}");
    let st = c.stack(sid).await.unwrap();
    assert_eq!(st.status, StackStatus::Error, "{st:?}");
    assert!(
        st.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("interrupted"),
        "{st:?}"
    );
    let e = c.schedule_execution(exid).await.unwrap().run;
    assert_eq!(e.status, RunStatus::Interrupted, "{e:?}");
    assert!(e.duration_ms > Some(0), "{e:?}");
    // Work whose lease is alive is not touched.
    for sql in [
        format!(
            "UPDATE deployments SET status = 'running', finished_at = NULL, duration_ms = NULL, started_at = '{old}'"
        ),
        format!(
            "INSERT INTO leases (name, holder, expires_at) VALUES ('stack:{sid}', 'alive', '2999-01-01 00:00:00+00:00')"
        ),
    ] {
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &sql)
            .await
            .unwrap();
    }
    let (_replica2, _) = windflow_tests::spawn_replica(&app).await;
    let d = c.deployment(did).await.unwrap().deployment.run;
    assert_eq!(d.status, RunStatus::Running, "{d:?}");
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DELETE FROM leases")
        .await
        .unwrap();
    act(&app, &root, &format!("/stacks/{sid}/down")).await;
}
