//! Docker endpoints and the resources of their engines against a real Docker engine
//! (tests/infra/docker-up.sh; `WF_TEST_DOCKER_SOCKET` names its socket). Without the variable
//! these tests say so and pass only outside CI: `scripts/test.sh` always starts the engine and
//! sets it. One module per resource, as in the server; the helpers here are shared with the
//! stacks, Git and security tests.
mod console;
mod containers;
mod endpoints;
mod images;
mod tls;
mod volumes_networks;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_tests::{Session, TestApp, id};

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
