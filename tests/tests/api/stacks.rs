//! Compose stacks against the real Docker engine and docker-compose (tests/infra/docker-up.sh),
//! with a loopback registry for the digest-pinned rollback.
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::stacks::{CreateStack, StackAction, StackSource, StackState};
use windflow_tests::{Refused, Session, TestApp, id, socket_endpoint, spawn_app};

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

async fn stack_state(app: &TestApp, s: &Session, id: Uuid) -> Value {
    app.call(s, Method::GET, &format!("/stacks/{id}"), None)
        .await
        .1
}

#[tokio::test]
async fn create_validate_deploy_actions_lock_and_secrets() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let base = format!("/endpoints/{}/stacks", s.endpoint);
    // Validation: YAML syntax (line and column), compose's own schema, names, variables.
    for (body, field, needle) in [
        (
            json!({"name": "ok1", "compose_content": "services:\n  web:\n    image: [x\n"}),
            "compose_content",
            "line ",
        ),
        (
            json!({"name": "ok2", "compose_content": "version: '3'\n"}),
            "compose_content",
            "services",
        ),
        (
            json!({"name": "ok3", "compose_content": "services:\n  web:\n    image: x\n    ports: {a: 1}\n"}),
            "compose_content",
            "ports",
        ),
        (
            json!({"name": "Bad Name", "compose_content": SLEEPER}),
            "name",
            "",
        ),
        (
            json!({"name": "ok4", "compose_content": SLEEPER, "variables": [{"key": "1X", "value": "v"}]}),
            "variables[0].key",
            "",
        ),
    ] {
        let (st, e) = app
            .call(&root, Method::POST, &base, Some(body.clone()))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {e}");
        assert_eq!(e["errors"][0]["field"], field, "{e}");
        assert!(
            e["errors"][0]["message"].as_str().unwrap().contains(needle),
            "{e}"
        );
    }
    let (_, list) = app.call(&root, Method::GET, &base, None).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "nothing was saved"
    );

    // A stack with a secret variable the service prints.
    let name = unique("wfs").replace('-', "_");
    let secret = "s3cr3t-Token-42";
    let compose = "services:\n  app:\n    image: local/busybox:1\n    command: [\"sh\", \"-c\", \"echo token=$$TOKEN mode=$$MODE; sleep 300\"]\n    init: true\n    environment:\n      TOKEN: ${TOKEN}\n      MODE: ${MODE}\n";
    let (st, stack) = app
        .call(
            &root,
            Method::POST,
            &base,
            Some(
                json!({"name": name, "compose_content": compose, "variables": [
                    {"key": "TOKEN", "value": secret, "is_secret": true},
                    {"key": "MODE", "value": "blue"},
                ]}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{stack}");
    let sid = id(&stack);
    assert_eq!(
        (stack["status"].as_str(), stack["state"].as_str()),
        (Some("draft"), Some("not_deployed"))
    );
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
        (
            st_now["state"].as_str(),
            st_now["running"].as_u64(),
            st_now["status"].as_str()
        ),
        (Some("running"), Some(1), Some("deployed"))
    );
    // Logs of all services, with the secret masked.
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
    assert_eq!(stack_state(&app, &root, sid).await["state"], "stopped");
    let (_, done) = act(&app, &root, &format!("/stacks/{sid}/start")).await;
    assert_eq!(done["status"], "succeeded");
    assert_eq!(stack_state(&app, &root, sid).await["state"], "running");
    let (_, done) = act(&app, &root, &format!("/stacks/{sid}/restart")).await;
    assert_eq!(done["status"], "succeeded");
    let (st, _) = app
        .call(&root, Method::POST, &format!("/stacks/{sid}/explode"), None)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Lock: every change and action is refused until unlocked.
    let (st, l) = app
        .call(&root, Method::POST, &format!("/stacks/{sid}/lock"), None)
        .await;
    assert_eq!((st, l["locked"].as_bool()), (StatusCode::OK, Some(true)));
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
    app.call(&root, Method::POST, &format!("/stacks/{sid}/unlock"), None)
        .await;

    // Variables: a secret sent back as null keeps its value; changed MODE shows on redeploy.
    let (st, _) = app
        .call(
            &root,
            Method::PUT,
            &format!("/stacks/{sid}/variables"),
            Some(json!([
                {"key": "TOKEN", "value": null, "is_secret": true},
                {"key": "MODE", "value": "green"},
            ])),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (ev, done) = act(&app, &root, &format!("/stacks/{sid}/deploy")).await;
    assert_eq!(done["status"], "succeeded", "{}", lines(&ev));
    let did = done["deployment_id"].as_str().unwrap().to_owned();
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
    let (st, d) = app
        .call(&root, Method::GET, &format!("/deployments/{did}"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(d["deployment"]["variable_names"], json!(["MODE", "TOKEN"]));
    assert_eq!(d["deployment"]["status"], "succeeded");
    // A repo digest when the image has one (docker-up.sh pushes busybox to the loopback
    // registry), else the image id.
    let resolved = d["deployment"]["image_digests"]["app"].as_str().unwrap();
    assert!(
        resolved.starts_with("sha256:") || resolved.contains("@sha256:"),
        "{d}"
    );
    let kinds: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "starting", "running", "completed"]);
    let (_, hist) = app
        .call(
            &root,
            Method::GET,
            &format!("/stacks/{sid}/deployments"),
            None,
        )
        .await;
    assert_eq!(hist["items"].as_array().unwrap().len(), 2);
    assert_eq!(hist["items"][0]["id"], did.as_str(), "newest first");

    // Deleting a stack that still has containers needs force; down first.
    let (st, _) = app
        .call(&root, Method::DELETE, &format!("/stacks/{sid}"), None)
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (ev, done) = act(
        &app,
        &root,
        &format!("/stacks/{sid}/down?remove_volumes=true"),
    )
    .await;
    assert_eq!(done["status"], "succeeded", "{}", lines(&ev));
    let gone = stack_state(&app, &root, sid).await;
    assert_eq!(
        (gone["state"].as_str(), gone["status"].as_str()),
        (Some("not_deployed"), Some("down"))
    );

    // The secret never appears in an answer, a stored log or the audit trail.
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
    let (st, gone) = app
        .call(&root, Method::DELETE, &format!("/stacks/{sid}"), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{gone}");
    assert_eq!(gone["project"], "none", "already down: {gone}");
}

#[tokio::test]
async fn privileged_guard_applies_to_compose_files() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let op = app.user(&root, "composer").await;
    app.add_member(&root, s.org, &op, "viewer").await;
    let (_, role) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/roles", s.org),
            Some(json!({"name": "deployer", "permissions": ["stacks:*"]})),
        )
        .await;
    app.call(&root, Method::POST, &format!("/organizations/{}/role-bindings", s.org), Some(json!({"role_id": id(&role), "subject_type": "user", "subject_id": op.user_id, "scope_type": "environment", "scope_id": s.env_a}))).await;
    let base = format!("/endpoints/{}/stacks", s.endpoint);
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
        for (m, p, body) in [
            (
                Method::POST,
                base.clone(),
                json!({"name": unique("g").replace('-', ""), "compose_content": content, "variables": [{"key": "PRIV", "value": "true"}]}),
            ),
            (
                Method::POST,
                "/stacks/validate".to_owned(),
                json!({"endpoint_id": s.endpoint, "compose_content": content, "variables": [{"key": "PRIV", "value": "true"}]}),
            ),
        ] {
            let (st, e) = app.call(&op, m, &p, Some(body)).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{want}: {e}");
            assert!(
                e["detail"].as_str().unwrap_or_default().contains(want)
                    || e.to_string().contains(want),
                "{want}: {e}"
            );
        }
        // The superadmin holds containers:create_privileged: validation passes and names it.
        let (st, e) = app.call(&root, Method::POST, "/stacks/validate", Some(json!({"endpoint_id": s.endpoint, "compose_content": content, "variables": [{"key": "PRIV", "value": "true"}]}))).await;
        assert_eq!(st, StatusCode::OK, "{e}");
        assert!(
            e["privileged_options"].to_string().contains(want),
            "{want}: {e}"
        );
    }
    // Binds on the allow-list and named volumes need nothing more.
    let ok = svc("    volumes: [\"/srv/allowed/data:/d\", \"named:/n\"]\nvolumes:\n  named: {}\n");
    let (st, e) = app
        .call(
            &op,
            Method::POST,
            &base,
            Some(json!({"name": "allowed", "compose_content": ok})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    // A stack saved by an admin with a privileged option cannot be deployed by the operator.
    let (st, p) = app
        .call(
            &root,
            Method::POST,
            &base,
            Some(json!({"name": "priv", "compose_content": svc("    cap_add: [NET_ADMIN]\n")})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    let (st, e) = app
        .call(
            &op,
            Method::POST,
            &format!("/stacks/{}/deploy", id(&p)),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    let (_, d) = app
        .call(
            &root,
            Method::GET,
            &format!("/stacks/{}/deployments", id(&p)),
            None,
        )
        .await;
    assert_eq!(
        d["items"].as_array().unwrap().len(),
        0,
        "refused before anything ran"
    );
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
    let (st, stack) = app
        .call(
            &root,
            Method::POST,
            &format!("/endpoints/{}/stacks", s.endpoint),
            Some(json!({"name": unique("rb").replace('-', ""), "compose_content": compose})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{stack}");
    let sid = id(&stack);
    let (ev, d1) = act(&app, &root, &format!("/stacks/{sid}/deploy?pull=true")).await;
    assert_eq!(d1["status"], "succeeded", "{}", lines(&ev));
    let d1 = d1["deployment_id"].as_str().unwrap().to_owned();
    let (_, first) = app
        .call(&root, Method::GET, &format!("/deployments/{d1}"), None)
        .await;
    let digest1 = first["deployment"]["image_digests"]["app"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(digest1.contains("@sha256:"), "a repo digest: {digest1}");
    let kinds: Vec<&str> = first["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["created", "pulling", "starting", "running", "completed"]
    );

    // A new image under the same tag; pull-redeploy takes it.
    build_push(&sock, &image, "2");
    let (ev, d2) = act(&app, &root, &format!("/stacks/{sid}/pull-redeploy")).await;
    assert_eq!(d2["status"], "succeeded", "{}", lines(&ev));
    let (_, second) = app
        .call(
            &root,
            Method::GET,
            &format!("/deployments/{}", d2["deployment_id"].as_str().unwrap()),
            None,
        )
        .await;
    let digest2 = second["deployment"]["image_digests"]["app"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(digest1, digest2);
    let running_label = |_: ()| {
        let cid = docker(
            &sock,
            &[
                "ps",
                "-q",
                "--filter",
                &format!(
                    "label=com.docker.compose.project={}",
                    stack["name"].as_str().unwrap()
                ),
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
    let (_, third) = app
        .call(
            &root,
            Method::GET,
            &format!("/deployments/{}", d3["deployment_id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(third["deployment"]["kind"], "rollback");
    assert_eq!(third["deployment"]["parent_id"], d1.as_str());
    assert_eq!(
        third["deployment"]["pinned_images"]["app"],
        digest1.as_str()
    );
    assert_eq!(
        third["deployment"]["image_digests"]["app"],
        digest1.as_str()
    );
    assert_eq!(running_label(()), "1");
    // Another stack's deployment, or an unknown one: 404.
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/stacks/{sid}/deployments/{}/rollback", Uuid::now_v7()),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
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
    let (st, found) = app
        .call(
            &root,
            Method::GET,
            &format!("/endpoints/{}/compose-projects", s.endpoint),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let p = found
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == project.as_str())
        .expect("listed")
        .clone();
    assert_eq!(
        (
            p["managed"].as_bool(),
            p["running"].as_u64(),
            p["services"].clone()
        ),
        (Some(false), Some(1), json!(["app"]))
    );
    let (st, stack) = app
        .call(
            &root,
            Method::POST,
            &format!("/endpoints/{}/stacks/adopt", s.endpoint),
            Some(json!({"project": project})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{stack}");
    assert_eq!(
        (stack["adopted"].as_bool(), stack["state"].as_str()),
        (Some(true), Some("running"))
    );
    assert_eq!(
        stack["compose_content"], SLEEPER,
        "its compose file was read"
    );
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/endpoints/{}/stacks/adopt", s.endpoint),
            Some(json!({"project": project})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "already managed");
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            &format!("/endpoints/{}/stacks/adopt", s.endpoint),
            Some(json!({"project": "nope"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let sid = id(&stack);

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
    let (_, role) = app
        .call(
            &root,
            Method::POST,
            &format!("/organizations/{}/roles", s.org),
            Some(json!({"name": "qa-deployer", "permissions": ["stacks:*"]})),
        )
        .await;
    app.call(&root, Method::POST, &format!("/organizations/{}/role-bindings", s.org), Some(json!({"role_id": id(&role), "subject_type": "user", "subject_id": op.user_id, "scope_type": "environment", "scope_id": s.env_b}))).await;
    assert_eq!(
        app.call(&op, Method::GET, &format!("/stacks/{sid}"), None)
            .await
            .0,
        StatusCode::OK,
        "viewers read"
    );
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
    assert_eq!(stack_state(&app, &root, sid).await["state"], "not_deployed");
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
    let web = CreateStack {
        name: "web".into(),
        source: StackSource::Internal,
        compose_content: SLEEPER.into(),
        repository_id: None,
        compose_path: None,
        env_path: None,
        variables: vec![],
    };
    let stack = c.create_stack(ep, &web).await;
    let stack = stack.expect("saving needs no engine");
    assert_eq!(stack.state, StackState::Unknown);
    assert!(stack.state_error.is_some());
    let deploy = c
        .stack_action(stack.id, StackAction::Deploy, &Default::default())
        .await;
    assert_eq!(deploy.refused(), ErrorCode::EngineUnavailable);
}
