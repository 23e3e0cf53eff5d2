//! The `windflow` binary: `openapi`, `migrate`, `admin create`, and a real `serve` on the
//! embedded default with the setup token printed in its log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn windflow(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_windflow"));
    c.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("WINDFLOW_DATABASE__URL")
        .env("WINDFLOW_LOG_FORMAT", "json");
    c
}

#[test]
fn openapi_migrate_and_admin_create() {
    let dir = tempfile::tempdir().unwrap();
    let out = windflow(dir.path()).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));

    let out = windflow(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("data/windflow.db").exists(),
        "embedded default: ./data/windflow.db"
    );

    // Password on stdin.
    let mut child = windflow(dir.path())
        .args([
            "admin",
            "create",
            "--username",
            "boss",
            "--email",
            "boss@example.org",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a very long password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created superadmin boss"));
    // Password from the environment; policy enforced; duplicates refused.
    let out = windflow(dir.path())
        .args([
            "admin",
            "create",
            "--username",
            "boss2",
            "--email",
            "boss2@example.org",
        ])
        .env("WINDFLOW_ADMIN_PASSWORD", "short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = windflow(dir.path())
        .args([
            "admin",
            "create",
            "--username",
            "boss",
            "--email",
            "other@example.org",
        ])
        .env("WINDFLOW_ADMIN_PASSWORD", "another long password")
        .output()
        .unwrap();
    assert!(!out.status.success(), "duplicate username refused");
    // Unknown configuration keys are refused.
    let out = windflow(dir.path())
        .arg("migrate")
        .env("WINDFLOW_LISTNE", "x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("listne"));
}

#[test]
fn serve_prints_the_setup_token_then_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = windflow(dir.path())
        .arg("serve")
        .env("WINDFLOW_LISTEN", format!("127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut token = None;
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON log lines");
        if let Some(t) = v["setup_token"].as_str() {
            token = Some(t.to_owned());
        }
        if v["message"]
            .as_str()
            .is_some_and(|m| m.contains("listening"))
        {
            break;
        }
    }
    let token = token.expect("setup token in the log");
    // Keep draining the log so the server never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/v1/setup"))
            .json(&serde_json::json!({"token": token, "username": "admin", "email": "admin@example.org", "password": "a very long password"}))
            .send()
            .await
            .unwrap()
            .status()
    });
    child.kill().ok();
    child.wait().ok();
    assert_eq!(status.as_u16(), 201);
    let key = dir.path().join("data/master.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

/// A child process killed and reaped when the test ends, even on a failed assertion.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Issue 11, section 0: `windflow serve` with the default configuration (`data_dir = "./data"`,
/// relative, no `WINDFLOW_DATA_DIR`) in a scratch working directory deploys a stack end to end
/// on the real engine (`WF_TEST_DOCKER_SOCKET`, started by scripts/test.sh).
#[test]
fn serve_on_the_default_data_dir_deploys_a_stack() {
    let sock = match std::env::var("WF_TEST_DOCKER_SOCKET") {
        Ok(s) => s,
        Err(_) if std::env::var("WF_REQUIRE_DOCKER").is_ok() => {
            panic!("WF_TEST_DOCKER_SOCKET is required (scripts/test.sh starts the engine)")
        }
        Err(_) => return,
    };
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Reaped(
        windflow(dir.path())
            .arg("serve")
            .env_remove("WINDFLOW_DATA_DIR")
            .env("WINDFLOW_LISTEN", format!("127.0.0.1:{port}"))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut token = None;
    let mut lines = BufReader::new(child.0.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).expect("JSON log lines");
        if let Some(t) = v["setup_token"].as_str() {
            token = Some(t.to_owned());
        }
        if v["message"]
            .as_str()
            .is_some_and(|m| m.contains("listening"))
        {
            break;
        }
    }
    // Keep the server's log (printed when an assertion fails).
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    std::thread::spawn(move || {
        for l in lines.map_while(Result::ok) {
            if let Ok(mut v) = sink.lock() {
                v.push(l);
            }
        }
    });
    let token = token.expect("setup token in the log");
    let server_log = move || log.lock().map(|v| v.join("\n")).unwrap_or_default();
    let project = format!("wfdefault{}", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let result = rt.block_on(async {
        let c = reqwest::Client::new();
        let api = format!("http://127.0.0.1:{port}/api/v1");
        let r: serde_json::Value = c
            .post(format!("{api}/setup"))
            .json(&serde_json::json!({"token": token, "username": "admin", "email": "admin@example.org", "password": "a very long password"}))
            .send().await.unwrap().json().await.unwrap();
        let tok = r["access_token"].as_str().unwrap().to_owned();
        let post = |path: String, body: serde_json::Value| {
            let c = c.clone();
            let tok = tok.clone();
            let api = api.clone();
            async move {
                let res = c.post(format!("{api}{path}")).bearer_auth(&tok).json(&body).send().await.unwrap();
                let st = res.status().as_u16();
                let text = res.text().await.unwrap();
                (st, text)
            }
        };
        let id = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap()["id"].as_str().unwrap().to_owned();
        let (st, b) = post("/organizations".into(), serde_json::json!({"name": "Default"})).await;
        assert_eq!(st, 201, "{b}");
        let (st, b) = post(format!("/organizations/{}/projects", id(&b)), serde_json::json!({"name": "proj"})).await;
        assert_eq!(st, 201, "{b}");
        let (st, b) = post(format!("/projects/{}/environments", id(&b)), serde_json::json!({"name": "env", "type": "staging"})).await;
        assert_eq!(st, 201, "{b}");
        let (st, b) = post(format!("/environments/{}/endpoints", id(&b)), serde_json::json!({"name": "local", "connection_type": "socket", "socket_path": sock})).await;
        assert_eq!(st, 201, "{b}");
        let compose = "services:\n  app:\n    image: local/busybox:1\n    command: [\"sleep\", \"300\"]\n    init: true\n";
        let (st, b) = post(format!("/endpoints/{}/stacks", id(&b)), serde_json::json!({"name": project, "compose_content": compose})).await;
        assert_eq!(st, 201, "stack creation on the default data dir: {b}\n{}", server_log());
        let stack = id(&b);
        let (st, out) = post(format!("/stacks/{stack}/deploy"), serde_json::json!({})).await;
        assert_eq!(st, 200, "{out}");
        let (_, down) = post(format!("/stacks/{stack}/down"), serde_json::json!({})).await;
        (out, down)
    });
    drop(child);
    let (deploy, down) = result;
    assert!(
        deploy.contains("\"succeeded\""),
        "the deploy completes: {deploy}"
    );
    assert!(down.contains("\"succeeded\""), "down completes: {down}");
    assert!(
        dir.path().join("data/stacks").is_dir(),
        "stack files live under ./data of the working directory"
    );
}
