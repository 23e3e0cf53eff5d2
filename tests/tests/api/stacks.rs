//! Compose stacks against the real Docker engine and docker-compose (tests/infra/docker-up.sh),
//! with a loopback registry for the digest-pinned rollback.
//!
//! Through the typed client, except where the wire is the point: action streams read as they
//! run (`act`), answers searched for a secret, route tables that check each route's status, and
//! an action outside the contract.
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::access::{CreateRole, CreateRoleBinding, ScopeType, SubjectType};
use windflow_api::runs::RunStatus;
use windflow_api::stacks::DeploymentEventKind as Event;
use windflow_api::stacks::{
    AdoptStack, CreateStack, DeploymentKind, ProjectOutcome, Stack, StackAction, StackSource,
    StackState, StackStatus, StackVariableInput, ValidateCompose,
};
use windflow_tests::{Refused, Session, TestApp, socket_endpoint, spawn_app};

use super::docker::{setup, socket, sse_events, unique};

/// Runs an action and returns its events up to `done`.
async fn act(app: &TestApp, s: &Session, path: &str) -> (Vec<Value>, Value) {
    let ev = sse_events(app, s, Method::POST, path, None, |e| {
        e.last().is_some_and(|x| x["kind"] == "done")
    })
    .await;
    let done = ev.last().cloned().unwrap();
    (ev, done)
}

fn lines(ev: &[Value]) -> String {
    ev.iter()
        .filter_map(|e| e["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn docker(sock: &str, args: &[&str]) -> String {
    let o = Command::new("docker")
        .env("DOCKER_BUILDKIT", "0")
        .arg("-H")
        .arg(format!("unix://{sock}"))
        .args(args)
        .output()
        .expect("docker CLI");
    assert!(
        o.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// Builds `image` from local/busybox:1 with label `v`, and pushes it to the loopback registry.
fn build_push(sock: &str, image: &str, v: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM local/busybox:1\nLABEL wf.version={v}\n"),
    )
    .unwrap();
    docker(
        sock,
        &["build", "-q", "-t", image, dir.path().to_str().unwrap()],
    );
    docker(sock, &["push", image]);
}

const SLEEPER: &str = "services:\n  app:\n    image: local/busybox:1\n    command: [\"sleep\", \"300\"]\n    init: true\n";

async fn stack_state(app: &TestApp, s: &Session, id: Uuid) -> Stack {
    app.typed(s).stack(id).await.unwrap()
}

/// The body of an internal stack without variables.
pub(super) fn stack(name: &str, compose: &str) -> CreateStack {
    CreateStack {
        name: name.into(),
        source: StackSource::Internal,
        compose_content: compose.into(),
        repository_id: None,
        compose_path: None,
        env_path: None,
        variables: vec![],
    }
}

/// A variable input.
pub(super) fn var(key: &str, value: &str, is_secret: bool) -> StackVariableInput {
    StackVariableInput {
        key: key.into(),
        value: Some(value.into()),
        is_secret,
    }
}

/// Gives `op` a new role `name` with `stacks:*`, bound in environment `env` of `org`.
async fn stacks_role(
    app: &TestApp,
    root: &Session,
    org: Uuid,
    name: &str,
    op: &Session,
    env: Uuid,
) {
    let c = app.typed(root);
    let role = CreateRole {
        name: name.into(),
        description: None,
        permissions: vec!["stacks:*".into()],
        parent_ids: vec![],
    };
    let role_id = c.create_role(org, &role).await.unwrap().id;
    let binding = CreateRoleBinding {
        role_id,
        subject_type: SubjectType::User,
        subject_id: op.user_id,
        scope_type: ScopeType::Environment,
        scope_id: env,
    };
    c.create_role_binding(org, &binding).await.unwrap();
}

#[tokio::test]
async fn create_validate_deploy_actions_lock_and_secrets() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let c = app.typed(&root);
    // Validation: YAML syntax (line and column), compose's own schema, names, variables.
    for (body, field, needle) in [
        (
            stack("ok1", "services:\n  web:\n    image: [x\n"),
            "compose_content",
            "line ",
        ),
        (
            stack("ok2", "version: '3'\n"),
            "compose_content",
            "services",
        ),
        (
            stack(
                "ok3",
                "services:\n  web:\n    image: x\n    ports: {a: 1}\n",
            ),
            "compose_content",
            "ports",
        ),
        (stack("Bad Name", SLEEPER), "name", ""),
        (
            CreateStack {
                variables: vec![var("1X", "v", false)],
                ..stack("ok4", SLEEPER)
            },
            "variables[0].key",
            "",
        ),
    ] {
        let p = c.create_stack(s.endpoint, &body).await.problem();
        assert_eq!(p.code, ErrorCode::ValidationFailed, "{body:?}: {p:?}");
        let e = &p.errors.as_ref().unwrap()[0];
        assert_eq!(e.field, field, "{p:?}");
        assert!(e.message.contains(needle), "{p:?}");
    }
    let list = c.list_stacks(s.endpoint, &Default::default()).await;
    assert_eq!(list.unwrap().items.len(), 0, "nothing was saved");

    // A stack with a secret variable the service prints.
    let name = unique("wfs").replace('-', "_");
    let secret = "s3cr3t-Token-42";
    let compose = "services:\n  app:\n    image: local/busybox:1\n    command: [\"sh\", \"-c\", \"echo token=$$TOKEN mode=$$MODE; sleep 300\"]\n    init: true\n    environment:\n      TOKEN: ${TOKEN}\n      MODE: ${MODE}\n";
    let body = CreateStack {
        variables: vec![var("TOKEN", secret, true), var("MODE", "blue", false)],
        ..stack(&name, compose)
    };
    let created = c.create_stack(s.endpoint, &body).await.unwrap();
    let sid = created.id;
    assert_eq!(
        (created.status, created.state),
        (StackStatus::Draft, StackState::NotDeployed)
    );
    // Raw: the whole answer, field by field, has no secret value.
    let (st, vars) = app
        .call(
            &root,
            Method::GET,
            &format!("/stacks/{sid}/variables"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        vars,
        json!([{"key": "MODE", "value": "blue", "is_secret": false}, {"key": "TOKEN", "value": null, "is_secret": true}])
    );

    // Deploy: live output, then done; the running state comes from the engine.
    let (ev, done) = act(&app, &root, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(done["status"], "succeeded", "{}", lines(&ev));
    assert_eq!(done["exit_code"], 0);
    assert!(
        ev.iter().any(|e| e["kind"] == "line"),
        "compose output streamed"
    );
    let st_now = stack_state(&app, &root, sid).await;
    assert_eq!(
        (st_now.state, st_now.running, st_now.status),
        (StackState::Running, 1, StackStatus::Deployed)
    );
    // Logs of all services, with the secret masked (raw: the whole answer is searched).
    let mut text = String::new();
    for _ in 0..50 {
        let (_, l) = app
            .call(&root, Method::GET, &format!("/stacks/{sid}/logs"), None)
            .await;
        text = l.to_string();
        if text.contains("token=") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(text.contains("token=**** mode=blue"), "{text}");
    assert!(text.contains("\"service\":\"app\""), "{text}");

    // Another action while one runs is refused; stop, start, restart.
    let (ev, done) = act(&app, &root, &format!("/stacks/{sid}/stop")).await;
    assert_eq!(done["status"], "succeeded", "{}", lines(&ev));
    assert_eq!(
        stack_state(&app, &root, sid).await.state,
        StackState::Stopped
    );
    let (_, done) = act(&app, &root, &format!("/stacks/{sid}/start")).await;
    assert_eq!(done["status"], "succeeded");
    assert_eq!(
        stack_state(&app, &root, sid).await.state,
        StackState::Running
    );
    let (_, done) = act(&app, &root, &format!("/stacks/{sid}/restart")).await;
    assert_eq!(done["status"], "succeeded");
    // Raw: an action outside the contract.
    let (st, _) = app
        .call(&root, Method::POST, &format!("/stacks/{sid}/explode"), None)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Lock: every change and action is refused until unlocked (raw: a route table).
    assert!(c.lock_stack(sid).await.unwrap().locked);
    for (m, p, b) in [
        (Method::POST, format!("/stacks/{sid}/deploy"), None),
        (Method::POST, format!("/stacks/{sid}/down"), None),
        (
            Method::PATCH,
            format!("/stacks/{sid}"),
            Some(json!({"compose_content": SLEEPER})),
        ),
        (
            Method::PUT,
            format!("/stacks/{sid}/variables"),
            Some(json!([])),
        ),
        (Method::DELETE, format!("/stacks/{sid}?force=true"), None),
    ] {
        let (st, e) = app.call(&root, m.clone(), &p, b).await;
        assert_eq!(st, StatusCode::CONFLICT, "{m} {p}: {e}");
    }
    c.unlock_stack(sid).await.unwrap();

    // Variables: a secret sent back as null keeps its value; changed MODE shows on redeploy.
    let keep = StackVariableInput {
        value: None,
        ..var("TOKEN", "", true)
    };
    let vars = [keep, var("MODE", "green", false)];
    c.set_stack_variables(sid, &vars).await.unwrap();
    let (ev, done) = act(&app, &root, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(done["status"], "succeeded", "{}", lines(&ev));
    let did: Uuid = done["deployment_id"].as_str().unwrap().parse().unwrap();
    let mut text = String::new();
    for _ in 0..50 {
        let (_, l) = app
            .call(&root, Method::GET, &format!("/stacks/{sid}/logs"), None)
            .await;
        text = l.to_string();
        if text.contains("mode=green") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(text.contains("token=**** mode=green"), "{text}");

    // The deployment record: names, not values; events; digests.
    let d = c.deployment(did).await.unwrap();
    assert_eq!(d.deployment.variable_names, ["MODE", "TOKEN"]);
    assert_eq!(d.deployment.run.status, RunStatus::Succeeded);
    // A repo digest when the image has one (docker-up.sh pushes busybox to the loopback
    // registry), else the image id.
    let resolved = &d.deployment.image_digests["app"];
    assert!(
        resolved.starts_with("sha256:") || resolved.contains("@sha256:"),
        "{d:?}"
    );
    let kinds: Vec<_> = d.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            Event::Created,
            Event::Starting,
            Event::Running,
            Event::Completed
        ]
    );
    let hist = c.list_deployments(sid, &Default::default()).await;
    let hist = hist.unwrap().items;
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].id, did, "newest first");

    // Deleting a stack that still has containers needs force; down first.
    let refused = c.delete_stack(sid, &Default::default()).await;
    assert_eq!(refused.refused(), ErrorCode::Conflict);
    let (ev, done) = act(
        &app,
        &root,
        &format!("/stacks/{sid}/down?remove_volumes=true"),
    )
    .await;
    assert_eq!(done["status"], "succeeded", "{}", lines(&ev));
    let gone = stack_state(&app, &root, sid).await;
    assert_eq!(
        (gone.state, gone.status),
        (StackState::NotDeployed, StackStatus::Down)
    );

    // The secret never appears in an answer, a stored log or the audit trail (raw: whole
    // answers are searched).
    let mut everything = String::new();
    for p in [
        format!("/stacks/{sid}"),
        format!("/stacks/{sid}/variables"),
        format!("/deployments/{did}"),
        format!("/stacks/{sid}/deployments"),
        format!("/stacks/{sid}/logs"),
    ] {
        everything.push_str(&app.call(&root, Method::GET, &p, None).await.1.to_string());
    }
    everything.push_str(&json!(app.audit(&root, "stack.").await).to_string());
    assert!(everything.contains("stack.deploy") && everything.contains("stack.stop"));
    assert!(!everything.contains(secret), "secret leaked");
    let gone = c.delete_stack(sid, &Default::default()).await.unwrap();
    assert_eq!(gone.project, ProjectOutcome::None, "already down: {gone:?}");
}

#[tokio::test]
async fn privileged_guard_applies_to_compose_files() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let op = app.user(&root, "composer").await;
    app.add_member(&root, s.org, &op, "viewer").await;
    stacks_role(&app, &root, s.org, "deployer", &op, s.env_a).await;
    let (c, o) = (app.typed(&root), app.typed(&op));
    let svc = |extra: &str| format!("services:\n  app:\n    image: local/busybox:1\n{extra}");
    let cases = [
        ("privileged", svc("    privileged: true\n")),
        ("pid=host", svc("    pid: host\n")),
        ("ipc=host", svc("    ipc: host\n")),
        ("network_mode=host", svc("    network_mode: host\n")),
        ("devices", svc("    devices: [\"/dev/fuse:/dev/fuse\"]\n")),
        ("cap_add", svc("    cap_add: [NET_ADMIN]\n")),
        (
            "sysctls",
            svc("    sysctls:\n      net.core.somaxconn: 1024\n"),
        ),
        (
            "security_opt",
            svc("    security_opt: [\"seccomp:unconfined\"]\n"),
        ),
        ("binds:/etc", svc("    volumes: [\"/etc:/host-etc:ro\"]\n")),
        (
            "binds:/var/run",
            svc("    volumes:\n      - type: bind\n        source: /var/run\n        target: /r\n"),
        ),
        (
            "device:/root",
            format!(
                "{}    volumes: [\"data:/d\"]\nvolumes:\n  data:\n    driver_opts: {{type: none, o: bind, device: /root}}\n",
                svc("")
            ),
        ),
        ("privileged", svc("    privileged: ${PRIV}\n")),
    ];
    for (want, content) in &cases {
        let variables = vec![var("PRIV", "true", false)];
        let create = CreateStack {
            variables: variables.clone(),
            ..stack(&unique("g").replace('-', ""), content)
        };
        let check = ValidateCompose {
            endpoint_id: s.endpoint,
            stack_id: None,
            compose_content: content.clone(),
            variables,
        };
        for p in [
            o.create_stack(s.endpoint, &create).await.problem(),
            o.validate_compose(&check).await.problem(),
        ] {
            assert_eq!(p.code, ErrorCode::Forbidden, "{want}: {p:?}");
            let body = serde_json::to_string(&p).unwrap();
            assert!(
                p.detail.as_deref().unwrap_or_default().contains(want) || body.contains(want),
                "{want}: {body}"
            );
        }
        // The superadmin holds containers:create_privileged: validation passes and names it.
        let e = c.validate_compose(&check).await.unwrap();
        assert!(
            e.privileged_options.iter().any(|x| x.contains(want)),
            "{want}: {e:?}"
        );
    }
    // Binds on the allow-list and named volumes need nothing more.
    let ok = svc("    volumes: [\"/srv/allowed/data:/d\", \"named:/n\"]\nvolumes:\n  named: {}\n");
    o.create_stack(s.endpoint, &stack("allowed", &ok))
        .await
        .unwrap();
    // A stack saved by an admin with a privileged option cannot be deployed by the operator.
    let p = stack("priv", &svc("    cap_add: [NET_ADMIN]\n"));
    let p = c.create_stack(s.endpoint, &p).await.unwrap().id;
    let deploy = o
        .stack_action(p, StackAction::Deploy, &Default::default())
        .await;
    assert_eq!(deploy.refused(), ErrorCode::Forbidden);
    let d = c.list_deployments(p, &Default::default()).await;
    assert_eq!(d.unwrap().items.len(), 0, "refused before anything ran");
}

#[tokio::test]
async fn rollback_restores_the_previous_digests() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let image = format!("127.0.0.1:5000/wf/{}:live", unique("rb"));
    build_push(&sock, &image, "1");
    let compose = format!(
        "services:\n  app:\n    image: {image}\n    command: [\"sleep\", \"300\"]\n    init: true\n"
    );
    let c = app.typed(&root);
    let body = stack(&unique("rb").replace('-', ""), &compose);
    let stack = c.create_stack(s.endpoint, &body).await.unwrap();
    let sid = stack.id;
    let (ev, d1) = act(&app, &root, &format!("/stacks/{sid}/deploy?pull=true")).await;
    assert_eq!(d1["status"], "succeeded", "{}", lines(&ev));
    let d1: Uuid = d1["deployment_id"].as_str().unwrap().parse().unwrap();
    let first = c.deployment(d1).await.unwrap();
    let digest1 = first.deployment.image_digests["app"].clone();
    assert!(digest1.contains("@sha256:"), "a repo digest: {digest1}");
    let kinds: Vec<_> = first.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            Event::Created,
            Event::Pulling,
            Event::Starting,
            Event::Running,
            Event::Completed
        ]
    );

    // A new image under the same tag; pull-redeploy takes it.
    build_push(&sock, &image, "2");
    let (ev, d2) = act(&app, &root, &format!("/stacks/{sid}/pull-redeploy")).await;
    assert_eq!(d2["status"], "succeeded", "{}", lines(&ev));
    let d2 = d2["deployment_id"].as_str().unwrap().parse().unwrap();
    let second = c.deployment(d2).await.unwrap();
    let digest2 = &second.deployment.image_digests["app"];
    assert_ne!(&digest1, digest2);
    let running_label = |_: ()| {
        let cid = docker(
            &sock,
            &[
                "ps",
                "-q",
                "--filter",
                &format!("label=com.docker.compose.project={}", stack.name),
            ],
        );
        docker(
            &sock,
            &[
                "inspect",
                "--format",
                "{{index .Config.Labels \"wf.version\"}}",
                &cid,
            ],
        )
    };
    assert_eq!(running_label(()), "2");

    // Roll back to the first deployment: its digest again, recorded as a rollback.
    let (ev, d3) = act(
        &app,
        &root,
        &format!("/stacks/{sid}/deployments/{d1}/rollback"),
    )
    .await;
    assert_eq!(d3["status"], "succeeded", "{}", lines(&ev));
    let d3 = d3["deployment_id"].as_str().unwrap().parse().unwrap();
    let third = c.deployment(d3).await.unwrap().deployment;
    assert_eq!(third.kind, DeploymentKind::Rollback);
    assert_eq!(third.parent_id, Some(d1));
    assert_eq!(third.pinned_images["app"], digest1);
    assert_eq!(third.image_digests["app"], digest1);
    assert_eq!(running_label(()), "1");
    // Another stack's deployment, or an unknown one: 404.
    let refused = c.rollback_stack(sid, Uuid::now_v7()).await;
    assert_eq!(refused.refused(), ErrorCode::NotFound);
    act(&app, &root, &format!("/stacks/{sid}/down")).await;
}

#[tokio::test]
async fn adopt_a_compose_project_and_tenant_rules() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    // A project started with docker-compose outside WindFlow.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("docker-compose.yml"), SLEEPER).unwrap();
    let project = unique("adopt").replace('-', "");
    let o = Command::new("docker-compose")
        .current_dir(dir.path())
        .env("DOCKER_HOST", format!("unix://{sock}"))
        .args(["-p", &project, "up", "-d"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = app.typed(&root);
    let found = c.compose_projects(s.endpoint).await.unwrap();
    let p = found.iter().find(|p| p.name == project).expect("listed");
    assert_eq!(
        (p.managed, p.running, p.services.clone()),
        (false, 1, vec!["app".to_owned()])
    );
    let adopt = AdoptStack { project };
    let stack = c.adopt_stack(s.endpoint, &adopt).await.unwrap();
    assert_eq!((stack.adopted, stack.state), (true, StackState::Running));
    assert_eq!(
        stack.compose_content.as_deref(),
        Some(SLEEPER),
        "its compose file was read"
    );
    let again = c.adopt_stack(s.endpoint, &adopt).await;
    assert_eq!(again.refused(), ErrorCode::Conflict, "already managed");
    let nope = AdoptStack {
        project: "nope".into(),
    };
    let refused = c.adopt_stack(s.endpoint, &nope).await;
    assert_eq!(refused.refused(), ErrorCode::ValidationFailed);
    let sid = stack.id;

    // 401 without a session; 403 for an operator bound in another environment; 404 for
    // another tenant.
    let res = app
        .client
        .get(app.url(&format!("/stacks/{sid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let op = app.user(&root, "qa-op").await;
    app.add_member(&root, s.org, &op, "viewer").await;
    stacks_role(&app, &root, s.org, "qa-deployer", &op, s.env_b).await;
    app.typed(&op).stack(sid).await.expect("viewers read");
    // Raw: route tables check each route's status.
    for (m, p) in [
        (Method::POST, format!("/stacks/{sid}/stop")),
        (Method::POST, format!("/stacks/{sid}/lock")),
        (Method::DELETE, format!("/stacks/{sid}?force=true")),
    ] {
        assert_eq!(
            app.call(&op, m, &p, None).await.0,
            StatusCode::FORBIDDEN,
            "{p}"
        );
    }
    let other = app.org(&root, "Other").await;
    let eve = app.user(&root, "eve").await;
    app.add_member(&root, other, &eve, "owner").await;
    for (m, p) in [
        (Method::GET, format!("/stacks/{sid}")),
        (Method::GET, format!("/stacks/{sid}/variables")),
        (Method::GET, format!("/stacks/{sid}/deployments")),
        (Method::POST, format!("/stacks/{sid}/deploy")),
        (Method::GET, format!("/endpoints/{}/stacks", s.endpoint)),
        (
            Method::GET,
            format!("/endpoints/{}/compose-projects", s.endpoint),
        ),
    ] {
        assert_eq!(
            app.call(&eve, m, &p, None).await.0,
            StatusCode::NOT_FOUND,
            "{p}"
        );
    }
    // The adopted stack is managed like any other.
    let (ev, done) = act(&app, &root, &format!("/stacks/{sid}/down")).await;
    assert_eq!(done["status"], "succeeded", "{}", lines(&ev));
    assert_eq!(
        stack_state(&app, &root, sid).await.state,
        StackState::NotDeployed
    );
}

#[tokio::test]
async fn engine_down_gives_unknown_state_and_a_clear_error() {
    let Some(_) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let p = app.project(&root, org, "shop").await;
    let env = app.environment(&root, p, "prod").await;
    let c = app.typed(&root);
    let gone = socket_endpoint("gone", "/tmp/no-such-engine.sock");
    let ep = c.create_endpoint(env, &gone).await.unwrap().id;
    let stack = c.create_stack(ep, &stack("web", SLEEPER)).await;
    let stack = stack.expect("saving needs no engine");
    assert_eq!(stack.state, StackState::Unknown);
    assert!(stack.state_error.is_some());
    let deploy = c
        .stack_action(stack.id, StackAction::Deploy, &Default::default())
        .await;
    assert_eq!(deploy.refused(), ErrorCode::EngineUnavailable);
}
