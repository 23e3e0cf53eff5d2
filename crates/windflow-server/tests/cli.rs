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
