//! Images (pull with progress, tag, remove) and the registry credentials pulls use.
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use windflow_tests::{id, spawn_app};

use super::{setup, socket, sse_events, unique};

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
