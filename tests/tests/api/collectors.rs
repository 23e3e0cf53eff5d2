//! Database leases and the endpoint collectors (events, host metrics), once across replicas.
//!
//! Through the typed client, except the live feed (server-sent events, read raw).
use std::time::Duration;

use reqwest::{Method, StatusCode};
use uuid::Uuid;
use windflow_api::docker::{MetricsQuery, RemoveQuery};
use windflow_api::{ErrorCode, PageQuery};
use windflow_core::lease;
use windflow_tests::{
    Refused, Session, TestApp, container, socket_endpoint, spawn_app_with, spawn_replica,
};

#[tokio::test]
async fn leases_are_exclusive_until_they_expire() {
    let app = spawn_app_with(|c| c.collectors.enabled = false).await;
    let ttl = chrono::Duration::seconds(30);
    assert!(lease::try_acquire(&app.db, "job", "a", ttl).await.unwrap());
    assert!(
        !lease::try_acquire(&app.db, "job", "b", ttl).await.unwrap(),
        "held by a"
    );
    assert!(
        lease::try_acquire(&app.db, "job", "a", ttl).await.unwrap(),
        "a renews"
    );
    assert!(
        lease::try_acquire(&app.db, "other", "b", ttl)
            .await
            .unwrap(),
        "names are independent"
    );
    // a renews with a lease that is already over: b may take it.
    assert!(
        lease::try_acquire(&app.db, "job", "a", chrono::Duration::seconds(-1))
            .await
            .unwrap()
    );
    assert!(
        lease::try_acquire(&app.db, "job", "b", ttl).await.unwrap(),
        "expired leases are taken over"
    );
    assert!(!lease::try_acquire(&app.db, "job", "a", ttl).await.unwrap());
    lease::release(&app.db, "job", "a").await.unwrap();
    assert!(
        !lease::try_acquire(&app.db, "job", "a", ttl).await.unwrap(),
        "only the holder releases"
    );
    lease::release(&app.db, "job", "b").await.unwrap();
    assert!(lease::try_acquire(&app.db, "job", "a", ttl).await.unwrap());
}

fn socket() -> Option<String> {
    std::env::var("WF_TEST_DOCKER_SOCKET").ok().or_else(|| {
        assert!(
            std::env::var("CI").is_err() && std::env::var("WF_REQUIRE_DOCKER").is_err(),
            "WF_TEST_DOCKER_SOCKET is required"
        );
        eprintln!("no WF_TEST_DOCKER_SOCKET: collector tests not run");
        None
    })
}

async fn collected_endpoint(app: &TestApp, root: &Session, sock: &str) -> Uuid {
    let org = app.org(root, "Acme").await;
    let p = app.project(root, org, "shop").await;
    let env = app.environment(root, p, "prod").await;
    let mut e = socket_endpoint("local", sock);
    (e.collect_activity, e.collect_metrics) = (true, true);
    app.typed(root).create_endpoint(env, &e).await.unwrap().id
}

/// Polls `f` every 200 ms for up to 30 s until it yields a value.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut f: impl FnMut() -> F,
) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn event_actions(app: &TestApp, s: &Session, ep: Uuid, name: &str) -> Vec<String> {
    let page = PageQuery {
        limit: Some(200),
        ..PageQuery::default()
    };
    let Ok(page) = app.typed(s).list_events(ep, &page).await else {
        return vec![];
    };
    let named = page.items.into_iter();
    let named = named.filter(|e| e.actor_name.as_deref() == Some(name));
    named.map(|e| e.action).collect()
}

fn force() -> RemoveQuery {
    RemoveQuery {
        force: Some(true),
        volumes: None,
    }
}

#[tokio::test]
async fn events_and_metrics_are_collected_and_fed_live() {
    let Some(sock) = socket() else { return };
    let app = spawn_app_with(|c| {
        c.collectors.tick_secs = 1;
        c.collectors.metrics_interval_secs = 1;
    })
    .await;
    let root = app.superadmin().await;
    let ep = collected_endpoint(&app, &root, &sock).await;
    // Live feed open before the container starts.
    let feed = app
        .req(
            &root,
            Method::GET,
            &format!("/endpoints/{ep}/events/stream"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    let name = format!("wf-coll-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let c = app.typed(&root);
    let spec = container(&name, "local/busybox:1", &["true"]);
    let cid = c.create_container(ep, &spec).await.unwrap().id;
    // The events stream may attach a moment after the lease: start again until it is seen.
    let actions = eventually("start and die events", || async {
        let _ = c.container_action(ep, &cid, "start").await;
        let got = event_actions(&app, &root, ep, &name).await;
        (got.contains(&"start".to_owned()) && got.contains(&"die".to_owned())).then_some(got)
    })
    .await;
    assert!(actions.contains(&"create".to_owned()) || actions.contains(&"start".to_owned()));
    // The live feed delivered them too.
    let mut body = String::new();
    let mut stream = feed.bytes_stream();
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !body.contains(&format!("\"actor_name\":\"{name}\"")) {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("feed in time")
            .expect("open feed")
            .unwrap();
        body.push_str(&String::from_utf8_lossy(&chunk));
    }
    // Host metrics.
    let samples = eventually("a host sample", || async {
        let m = c.host_metrics(ep, &MetricsQuery::default()).await;
        m.ok().filter(|m| !m.is_empty())
    })
    .await;
    assert!(samples[0].memory_total_bytes > 0, "{samples:?}");
    let backwards = MetricsQuery {
        from: Some("2030-01-01T00:00:00Z".parse().unwrap()),
        to: Some("2020-01-01T00:00:00Z".parse().unwrap()),
    };
    assert_eq!(
        c.host_metrics(ep, &backwards).await.refused(),
        ErrorCode::ValidationFailed
    );
    let _ = c.remove_container(ep, &cid, &force()).await;
}

#[tokio::test]
async fn with_two_replicas_each_endpoint_is_collected_once() {
    let Some(sock) = socket() else { return };
    let app = spawn_app_with(|c| {
        c.collectors.tick_secs = 1;
        c.collectors.metrics_interval_secs = 3600;
    })
    .await;
    let (_replica, _) = spawn_replica(&app).await;
    let root = app.superadmin().await;
    let ep = collected_endpoint(&app, &root, &sock).await;
    let name = format!("wf-once-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let c = app.typed(&root);
    let spec = container(&name, "local/busybox:1", &["sleep", "60"]);
    let cid = c.create_container(ep, &spec).await.unwrap().id;
    // Pause/unpause until the collector has attached and recorded a pause.
    eventually("a pause event", || async {
        for action in ["start", "pause", "unpause"] {
            let _ = c.container_action(ep, &cid, action).await;
        }
        event_actions(&app, &root, ep, &name)
            .await
            .contains(&"pause".to_owned())
            .then_some(())
    })
    .await;
    // One more pause, then give both replicas three ticks to (wrongly) record it twice.
    let before = event_actions(&app, &root, ep, &name)
        .await
        .iter()
        .filter(|a| *a == "pause")
        .count();
    let _ = c.container_action(ep, &cid, "pause").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = event_actions(&app, &root, ep, &name)
        .await
        .iter()
        .filter(|a| *a == "pause")
        .count();
    assert_eq!(
        after,
        before + 1,
        "one pause, one row: a single replica collects"
    );
    let _ = c.remove_container(ep, &cid, &force()).await;
}

#[tokio::test]
async fn collectors_are_tenant_scoped() {
    let app = spawn_app_with(|c| c.collectors.enabled = false).await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let p = app.project(&root, org, "shop").await;
    let env = app.environment(&root, p, "prod").await;
    let c = app.typed(&root);
    let e = socket_endpoint("x1", "/tmp/none.sock");
    let ep = c.create_endpoint(env, &e).await.unwrap().id;
    let other = app.org(&root, "Other").await;
    let eve = app.user(&root, "eve").await;
    app.add_member(&root, other, &eve, "owner").await;
    for p in [
        format!("/endpoints/{ep}/events"),
        format!("/endpoints/{ep}/metrics"),
        format!("/endpoints/{ep}/events/stream"),
    ] {
        assert_eq!(
            app.call(&eve, Method::GET, &p, None).await.0,
            StatusCode::NOT_FOUND,
            "{p}"
        );
    }
    c.list_events(ep, &PageQuery::default()).await.unwrap();
}
