//! Images (pull with progress, tag, remove) and the registry credentials pulls use.
//!
//! Through the typed client, except where the wire is the point: pull progress frames read as
//! they stream, and bodies checked for the absence of a secret.
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use windflow_api::ErrorCode;
use windflow_api::docker::{
    CreateRegistryCredential, ForceQuery, PullImage, TagImage, UpdateRegistryCredential,
};
use windflow_tests::{Refused, id, spawn_app};

use super::{setup, socket, sse_events, unique};

#[tokio::test]
async fn images_pull_with_progress_tag_and_remove() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let ep = format!("/endpoints/{}", s.endpoint);
    let tag = unique("t");
    let c = app.typed(&root);
    // A fresh copy in the local registry under a unique tag, so that the pull really transfers.
    let copy = TagImage {
        repo: "127.0.0.1:5000/wf/busybox".into(),
        tag: tag.clone(),
    };
    c.tag_image(s.endpoint, "local/busybox:1", &copy)
        .await
        .unwrap();
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
    let (force, no_force) = (ForceQuery { force: Some(true) }, ForceQuery { force: None });
    let copy = format!("127.0.0.1:5000/wf/busybox:{tag}");
    c.remove_image(s.endpoint, &copy, &no_force).await.unwrap();
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
    let payload = "127.0.0.1:5000/wf/payload:1";
    let _ = c.remove_image(s.endpoint, payload, &force).await;
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
    c.remove_image(s.endpoint, payload, &force).await.unwrap();
    let images = c.list_images(s.endpoint).await.unwrap();
    let wanted = format!("127.0.0.1:5000/wf/busybox:{tag}");
    assert!(
        images.iter().any(|i| i.repo_tags.contains(&wanted)),
        "pulled image listed: {images:?}"
    );
    let doc = c.inspect_image(s.endpoint, &wanted).await.unwrap();
    assert!(doc["RepoTags"].as_array().unwrap().contains(&json!(wanted)));
    let hist = c.image_history(s.endpoint, &wanted).await.unwrap();
    assert_eq!(hist.as_array().map(|h| !h.is_empty()), Some(true));
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
    let bad = PullImage {
        image: "bad image!".into(),
        tag: None,
        registry_id: None,
    };
    let refused = c.pull_image(s.endpoint, &bad).await;
    assert_eq!(refused.fields()[0], "image");
    c.remove_image(s.endpoint, &wanted, &no_force)
        .await
        .unwrap();
    c.prune_images(s.endpoint).await.unwrap();
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
    let c = app.typed(&root);
    let registry =
        |name: &str, server: &str, username: &str, password: &str| CreateRegistryCredential {
            name: name.into(),
            server: server.into(),
            username: username.into(),
            password: password.into(),
        };
    let bad = registry("bad", "https://x", "u", "");
    assert_eq!(
        c.create_registry(s.org, &bad).await.refused(),
        ErrorCode::ValidationFailed
    );
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
    let theirs = registry("theirs", "r.example.org", "u", "p");
    let foreign = c.create_registry(other, &theirs).await.unwrap();
    let pull = PullImage {
        image: "127.0.0.1:5000/wf/busybox".into(),
        tag: None,
        registry_id: Some(foreign.id),
    };
    let refused = c.pull_image(s.endpoint, &pull).await;
    assert_eq!(refused.fields()[0], "registry_id");
    let eve = app.user(&root, "eve").await;
    app.add_member(&root, other, &eve, "owner").await;
    let as_eve = app.typed(&eve);
    let rotate = |password: &str, username: Option<&str>| UpdateRegistryCredential {
        password: Some(password.into()),
        username: username.map(Into::into),
        ..UpdateRegistryCredential::default()
    };
    let refused = as_eve.update_registry(id(&r), &rotate("x", None)).await;
    assert_eq!(refused.refused(), ErrorCode::NotFound);
    let refused = as_eve.list_registries(s.org, &Default::default()).await;
    assert_eq!(refused.refused(), ErrorCode::NotFound);
    let upd = c
        .update_registry(id(&r), &rotate("rotated-pw", Some("ci2")))
        .await;
    assert_eq!(upd.unwrap().username, "ci2");
    c.delete_registry(id(&r)).await.unwrap();
    let audit = app.audit(&root, "registry.").await;
    assert_eq!(audit.len(), 4);
    assert!(
        !serde_json::to_string(&audit).unwrap().contains("pw"),
        "no secret in the audit log"
    );
}
