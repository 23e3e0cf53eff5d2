//! Volumes, networks and the engine's system documents.
use reqwest::{Method, StatusCode};
use serde_json::json;
use windflow_tests::spawn_app;

use super::{setup, socket, unique};

#[tokio::test]
async fn volumes_networks_and_system() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let ep = format!("/endpoints/{}", s.endpoint);
    let vol = unique("wf-vol");
    let (st, v) = app
        .call(
            &root,
            Method::POST,
            &format!("{ep}/volumes"),
            Some(json!({"name": vol, "labels": {"wf": "1"}})),
        )
        .await;
    assert_eq!(
        (st, v["name"].as_str()),
        (StatusCode::CREATED, Some(vol.as_str()))
    );
    let (_, list) = app
        .call(&root, Method::GET, &format!("{ep}/volumes"), None)
        .await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == vol.as_str())
    );
    let (st, doc) = app
        .call(&root, Method::GET, &format!("{ep}/volumes/{vol}"), None)
        .await;
    assert_eq!(
        (st, doc["Labels"]["wf"].as_str()),
        (StatusCode::OK, Some("1"))
    );
    assert_eq!(
        app.call(&root, Method::DELETE, &format!("{ep}/volumes/{vol}"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call(&root, Method::GET, &format!("{ep}/volumes/{vol}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(&root, Method::POST, &format!("{ep}/volumes/prune"), None)
            .await
            .0,
        StatusCode::OK
    );

    let net = unique("wf-net");
    let (st, n) = app
        .call(
            &root,
            Method::POST,
            &format!("{ep}/networks"),
            Some(json!({"name": net, "internal": true})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let (_, c) = app.call(&root, Method::POST, &format!("{ep}/containers"), Some(json!({"name": unique("wf-net-c"), "image": "local/busybox:1", "command": ["sleep", "60"]}))).await;
    let cid = c["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &format!("{ep}/networks/{net}/connect"),
            Some(json!({"container": cid}))
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, doc) = app
        .call(&root, Method::GET, &format!("{ep}/networks/{net}"), None)
        .await;
    assert_eq!(doc["Internal"], true);
    assert_eq!(
        app.call(
            &root,
            Method::POST,
            &format!("{ep}/networks/{net}/disconnect"),
            Some(json!({"container": cid}))
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, list) = app
        .call(&root, Method::GET, &format!("{ep}/networks"), None)
        .await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == net.as_str() && x["internal"] == true)
    );
    assert_eq!(
        app.call(&root, Method::DELETE, &format!("{ep}/networks/{net}"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call(&root, Method::POST, &format!("{ep}/networks/prune"), None)
            .await
            .0,
        StatusCode::OK
    );
    app.call(
        &root,
        Method::DELETE,
        &format!("{ep}/containers/{cid}?force=true"),
        None,
    )
    .await;

    for what in ["info", "version", "df"] {
        let (st, doc) = app
            .call(&root, Method::GET, &format!("{ep}/system/{what}"), None)
            .await;
        assert_eq!(st, StatusCode::OK, "{what}");
        assert!(doc.is_object());
    }
    assert_eq!(
        app.call(&root, Method::GET, &format!("{ep}/system/secrets"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A viewer reads, but cannot create or delete.
    let viewer = app.user(&root, "viewer").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    assert_eq!(
        app.call(&viewer, Method::GET, &format!("{ep}/volumes"), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(&viewer, Method::GET, &format!("{ep}/system/df"), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            &viewer,
            Method::POST,
            &format!("{ep}/volumes"),
            Some(json!({"name": unique("v")}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(&viewer, Method::POST, &format!("{ep}/networks/prune"), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &viewer,
            Method::POST,
            &format!("{ep}/images/pull"),
            Some(json!({"image": "x"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
}
