//! Benchmark (not a test): median latency of `GET /api/v1/endpoints/{id}/containers?all=true`
//! through WindFlow against the same list straight from the engine, for N = 10, 100, 500
//! containers, and the server's resident memory at idle and after the listing.
//!
//! Run with `scripts/bench.sh` (starts a Docker engine, builds the release server). Needs
//! `WF_TEST_DOCKER_SOCKET` and `WF_BENCH_SERVER` (path of a `windflow` binary).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use windflow_docker::{Engine, Target};

const ROUNDS: usize = 25;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let sock = std::env::var("WF_TEST_DOCKER_SOCKET").expect("WF_TEST_DOCKER_SOCKET");
    let server = std::env::var("WF_BENCH_SERVER").expect("WF_BENCH_SERVER");
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(server)
        .arg("serve")
        .current_dir(dir.path())
        .env("WINDFLOW_LISTEN", format!("127.0.0.1:{port}"))
        .env("WINDFLOW_LOG_FORMAT", "json")
        .env("WINDFLOW_LOG_LEVEL", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut token = None;
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        if let Some(t) = serde_json::from_str::<Value>(&line.unwrap())
            .ok()
            .and_then(|v| v["setup_token"].as_str().map(str::to_owned))
        {
            token = Some(t);
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    // The token is logged before the socket listens: wait for readiness.
    for _ in 0..200 {
        if http
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let t: Value = http
        .post(format!("{base}/setup"))
        .json(&json!({"token": token.unwrap(), "username": "bench", "email": "bench@example.org", "password": "benchmark password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let auth = format!("Bearer {}", t["access_token"].as_str().unwrap());
    let post = |path: String, body: Value| {
        let (http, auth) = (http.clone(), auth.clone());
        async move {
            http.post(path)
                .header("authorization", auth)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let org = post(format!("{base}/organizations"), json!({"name": "bench"})).await;
    let project = post(
        format!(
            "{base}/organizations/{}/projects",
            org["id"].as_str().unwrap()
        ),
        json!({"name": "bench"}),
    )
    .await;
    let env = post(
        format!(
            "{base}/projects/{}/environments",
            project["id"].as_str().unwrap()
        ),
        json!({"name": "bench", "type": "testing"}),
    )
    .await;
    let ep = post(
        format!(
            "{base}/environments/{}/endpoints",
            env["id"].as_str().unwrap()
        ),
        json!({"name": "local", "connection_type": "socket", "socket_path": sock}),
    )
    .await;
    let ep = ep["id"].as_str().unwrap().to_owned();
    let engine = Engine::connect(&Target::Socket(sock.clone()))
        .await
        .unwrap();
    let pid = child.id();
    let idle = rss_kib(pid);
    println!("server RSS at idle: {idle} KiB");
    println!(
        "{:>5} {:>14} {:>14} {:>7} {:>12}",
        "N", "windflow (ms)", "engine (ms)", "ratio", "RSS (KiB)"
    );
    let label = HashMap::from([("label".to_owned(), vec!["wf.bench=1".to_owned()])]);
    let mut made = 0;
    for n in [10usize, 100, 500] {
        while made < n {
            engine
                .create(&windflow_api::docker::ContainerSpec {
                    name: Some(format!("wf-bench-{made}")),
                    image: "local/busybox:1".into(),
                    command: vec!["true".into()],
                    labels: HashMap::from([("wf.bench".to_owned(), "1".to_owned())]),
                    init: true,
                    ..Default::default()
                })
                .await
                .unwrap();
            made += 1;
        }
        let url = format!("{base}/endpoints/{ep}/containers?all=true&label=wf.bench=1");
        let mut through = vec![];
        let mut direct = vec![];
        for _ in 0..ROUNDS {
            let t0 = Instant::now();
            let list: Value = http
                .get(&url)
                .header("authorization", &auth)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            through.push(t0.elapsed());
            assert_eq!(list.as_array().unwrap().len(), n);
            let t0 = Instant::now();
            let rows = engine.list_containers(true, &label).await.unwrap();
            direct.push(t0.elapsed());
            assert_eq!(rows.len(), n);
        }
        let (w, d) = (median(through), median(direct));
        println!(
            "{n:>5} {:>14.2} {:>14.2} {:>7.2} {:>12}",
            w.as_secs_f64() * 1e3,
            d.as_secs_f64() * 1e3,
            w.as_secs_f64() / d.as_secs_f64(),
            rss_kib(pid)
        );
    }
    for i in 0..made {
        let _ = engine.remove(&format!("wf-bench-{i}"), true, false).await;
    }
    child.kill().ok();
    child.wait().ok();
}
