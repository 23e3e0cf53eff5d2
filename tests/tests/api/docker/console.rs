//! The container console over an authenticated WebSocket.
use reqwest::Method;
use serde_json::{Value, json};
use windflow_tests::spawn_app;

use super::{setup, socket, unique};

#[tokio::test]
async fn console_over_an_authenticated_websocket() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let base = format!("/endpoints/{}/containers", s.endpoint);
    let (_, c) = app.call(&root, Method::POST, &base, Some(json!({"name": unique("wf-exec"), "image": "local/busybox:1", "command": ["sleep", "300"]}))).await;
    let cid = c["id"].as_str().unwrap().to_owned();
    app.call(&root, Method::POST, &format!("{base}/{cid}/start"), None)
        .await;
    let ws_url = format!(
        "{}/api/v1{base}/{cid}/exec?cmd=sh&tty=false",
        app.base.replacen("http", "ws", 1)
    );
    let connect = |token: Option<&str>, origin: Option<&str>| {
        let mut req = ws_url.clone().into_client_request().unwrap();
        if let Some(t) = token {
            req.headers_mut()
                .insert("authorization", format!("Bearer {t}").parse().unwrap());
        }
        if let Some(o) = origin {
            req.headers_mut().insert("origin", o.parse().unwrap());
        }
        tokio_tungstenite::connect_async(req)
    };
    // Unauthenticated, or without the permission: refused before any upgrade.
    assert!(connect(None, None).await.is_err());
    let viewer = app.user(&root, "viewer").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    match connect(Some(&viewer.access), None).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
    let (mut ws, _) = connect(Some(&root.access), None)
        .await
        .expect("console opens");
    ws.send(Message::Binary(
        b"echo hello-from-$((40+2)); exit 3\n".to_vec().into(),
    ))
    .await
    .unwrap();
    let mut out = String::new();
    let mut exit = None;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while exit.is_none() {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("console output in time");
        match msg {
            Some(Ok(Message::Binary(b))) => out.push_str(&String::from_utf8_lossy(&b)),
            Some(Ok(Message::Text(t))) => {
                exit = serde_json::from_str::<Value>(&t)
                    .ok()
                    .filter(|v| v["type"] == "exit")
            }
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    assert!(out.contains("hello-from-42"), "{out}");
    assert_eq!(exit.expect("exit frame")["code"], 3);
    assert_eq!(app.audit(&root, "container.exec").await.len(), 1);
    // A browser (cookie) from another origin is refused; from the app's own origin it opens.
    let cookie = |origin: &str| {
        let mut req = ws_url.clone().into_client_request().unwrap();
        req.headers_mut().insert(
            "cookie",
            format!("wf_access={}", root.access).parse().unwrap(),
        );
        req.headers_mut().insert("origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    match cookie("http://evil.example").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
    let (ws2, _) = cookie(&app.base).await.expect("same-origin console");
    drop(ws2);
    app.call(
        &root,
        Method::DELETE,
        &format!("{base}/{cid}?force=true"),
        None,
    )
    .await;
}
