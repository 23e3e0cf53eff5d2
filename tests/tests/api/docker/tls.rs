//! Direct endpoints over https with TLS material (the engine's `--tlsverify` listener).
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_tests::{id, spawn_app};

use super::{setup, socket};

/// The TLS material docker-up.sh made for the engine's `--tlsverify` listener on
/// 127.0.0.1:2376 (next to its socket): (CA, client certificate, client key).
fn tls_material(sock: &str) -> (String, String, String) {
    let dir = std::path::Path::new(sock).parent().unwrap().join("tls");
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()))
    };
    (read("ca.pem"), read("cert.pem"), read("key.pem"))
}

#[tokio::test]
async fn https_endpoints_with_tls_material() {
    let Some(sock) = socket() else { return };
    let (ca, cert, key) = tls_material(&sock);
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let create = |name: &str, extra: Value| {
        let mut body = json!({"name": name, "connection_type": "direct", "host": "127.0.0.1", "port": 2376, "protocol": "https"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let post = |body: Value| {
        let app = &app;
        let root = &root;
        async move {
            app.call(
                root,
                Method::POST,
                &format!("/environments/{}/endpoints", s.env_b),
                Some(body),
            )
            .await
        }
    };
    let test = |id: Uuid| {
        let app = &app;
        let root = &root;
        async move {
            app.call(root, Method::POST, &format!("/endpoints/{id}/test"), None)
                .await
        }
    };
    // Full material: verified server, client certificate presented.
    let (st, e) = post(create(
        "tls",
        json!({"tls_ca": ca, "tls_cert": cert, "tls_key": key}),
    ))
    .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    assert_eq!(
        (
            &e["protocol"],
            &e["tls_ca_set"],
            &e["tls_client_cert_set"],
            &e["tls_skip_verify"]
        ),
        (&json!("https"), &json!(true), &json!(true), &json!(false))
    );
    assert!(!e.to_string().contains("BEGIN"), "no PEM in responses: {e}");
    let tls = id(&e);
    let (st, t) = test(tls).await;
    assert_eq!(
        (st, t["status"].as_str()),
        (StatusCode::OK, Some("up")),
        "{t}"
    );
    assert_eq!(t["engine"]["api_version"], "1.41");
    let (st, list) = app
        .call(
            &root,
            Method::GET,
            &format!("/endpoints/{tls}/containers?all=true"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let (_, page) = app
        .call(
            &root,
            Method::GET,
            &format!("/environments/{}/endpoints", s.env_b),
            None,
        )
        .await;
    assert!(!page.to_string().contains("BEGIN"));
    // At rest: encrypted, nothing in clear.
    let row = windflow_entity::endpoints::Entity::find_by_id(tls)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    for v in [&row.tls_ca_enc, &row.tls_cert_enc, &row.tls_key_enc] {
        let v = v.as_deref().unwrap();
        assert!(
            !v.contains("BEGIN") && !v.contains("PRIVATE"),
            "encrypted: {v}"
        );
    }
    // The engine demands a client certificate: without one the handshake fails, and says so.
    let (_, e) = post(create("no-client-cert", json!({"tls_ca": ca}))).await;
    let (_, t) = test(id(&e)).await;
    assert_eq!(t["status"], "down", "{t}");
    // No CA: the public roots do not know the test CA.
    let (_, e) = post(create("no-ca", json!({"tls_cert": cert, "tls_key": key}))).await;
    let no_ca = id(&e);
    let (_, t) = test(no_ca).await;
    assert_eq!(t["status"], "down", "{t}");
    assert!(
        t["last_error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("certificate"),
        "the error names the certificate problem: {t}"
    );
    let (st, body) = app
        .call(
            &root,
            Method::GET,
            &format!("/endpoints/{no_ca}/containers"),
            None,
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("engine_unavailable"))
    );
    // ...unless verification is skipped (then the client certificate still gets it in).
    let (st, e) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/endpoints/{no_ca}"),
            Some(json!({"tls_skip_verify": true})),
        )
        .await;
    assert_eq!(
        (st, &e["tls_skip_verify"]),
        (StatusCode::OK, &json!(true)),
        "{e}"
    );
    assert_eq!(
        e["tls_client_cert_set"], true,
        "the stored certificate is kept"
    );
    let (_, t) = test(no_ca).await;
    assert_eq!(t["status"], "up", "{t}");
    // Removing the client certificate (empty string) locks it out again.
    let (st, e) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/endpoints/{tls}"),
            Some(json!({"tls_cert": "", "tls_key": ""})),
        )
        .await;
    assert_eq!(
        (st, &e["tls_client_cert_set"], &e["tls_ca_set"]),
        (StatusCode::OK, &json!(false), &json!(true))
    );
    let (_, t) = test(tls).await;
    assert_eq!(
        t["status"], "down",
        "a changed endpoint gets a new client: {t}"
    );
    // Invalid material: 422 with the field, nothing stored.
    let before = app.audit(&root, "endpoint.create").await.len();
    for (bad, field) in [
        (
            create("bad1", json!({"tls_ca": "not a certificate"})),
            "tls_ca",
        ),
        (create("bad2", json!({"tls_cert": cert})), "tls_key"),
        (create("bad3", json!({"tls_key": key})), "tls_cert"),
        (
            create(
                "bad4",
                json!({"tls_cert": cert, "tls_key": "-----BEGIN JUNK-----"}),
            ),
            "tls_key",
        ),
        (
            create("bad5", json!({"protocol": "http", "tls_ca": ca})),
            "protocol",
        ),
        (create("bad6", json!({"protocol": "ftp"})), "protocol"),
        (
            json!({"name": "bad7", "connection_type": "socket", "socket_path": "/x.sock", "tls_skip_verify": true}),
            "protocol",
        ),
    ] {
        let (st, body) = post(bad.clone()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(
            body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{field}: {body}"
        );
    }
    assert_eq!(app.audit(&root, "endpoint.create").await.len(), before);
}
