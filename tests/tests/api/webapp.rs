//! The built web app is served at `/` with SPA fallback and cache headers; API routes keep
//! their problem 404s.
use reqwest::StatusCode;
use windflow_tests::spawn_app_with;

#[tokio::test]
async fn serves_the_app_with_spa_fallback_and_cache_headers() {
    let web = tempfile::tempdir().unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>WindFlow</title>",
    )
    .unwrap();
    std::fs::write(
        web.path().join("windflow-frontend-0123456789abcdef.js"),
        "console.log(1)",
    )
    .unwrap();
    std::fs::write(web.path().join("favicon.txt"), "x").unwrap();
    std::fs::write(web.path().parent().unwrap().join("secret.txt"), "nope").ok();
    let dir = web.path().to_path_buf();
    let app = spawn_app_with(move |c| c.web_dir = Some(dir)).await;
    let get = |p: &str| app.client.get(format!("{}{p}", app.base)).send();

    for path in ["/", "/organizations", "/projects/deep/link"] {
        let res = get(path).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("<title>WindFlow</title>"),
            "{path} falls back to index.html"
        );
    }
    let res = get("/windflow-frontend-0123456789abcdef.js").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let res = get("/favicon.txt").await.unwrap();
    assert_eq!(
        res.headers()["cache-control"],
        "no-cache",
        "unhashed files are revalidated"
    );
    // No way out of the directory.
    let res = get("/%2e%2e/secret.txt").await.unwrap();
    assert!(!res.text().await.unwrap().contains("nope"));
    // API and docs routes keep their own 404s.
    for path in ["/api/v1/nope", "/api/nope"] {
        let res = get(path).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(get("/api/docs").await.unwrap().status(), StatusCode::OK);
    let res = app
        .client
        .post(format!("{}/organizations", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "only GET falls back to the app"
    );
}

#[tokio::test]
async fn without_a_web_dir_the_root_is_a_problem_404() {
    let app = spawn_app_with(|c| c.web_dir = None).await;
    let res = app
        .client
        .get(format!("{}/organizations", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

/// The build's brotli and gzip copies are served by `Accept-Encoding` (q-values honoured), with
/// the original's type, `Vary` and, for trunk's hashed names, the immutable cache.
#[tokio::test]
async fn serves_the_precompressed_copy_the_client_accepts() {
    let web = tempfile::tempdir().unwrap();
    let w = |name: &str, body: &[u8]| std::fs::write(web.path().join(name), body).unwrap();
    // trunk 0.21's names: `_bg` on the wasm, a 15-digit hash (leading zero dropped).
    let wasm = "windflow-frontend-c956977c65f37e77_bg.wasm";
    w(wasm, b"\0asm raw");
    w(&format!("{wasm}.br"), b"brotli bytes");
    w(&format!("{wasm}.gz"), b"gzip bytes");
    w("style-605704eadcaff10.css", b"body{}");
    w("index.html", b"<!doctype html><title>WindFlow</title>");
    w("index.html.br", b"brotli index");
    let dir = web.path().to_path_buf();
    let app = spawn_app_with(move |c| c.web_dir = Some(dir)).await;
    let get = |p: &str, accept: Option<&str>| {
        let mut r = app.client.get(format!("{}{p}", app.base));
        if let Some(a) = accept {
            r = r.header("accept-encoding", a);
        }
        r.send()
    };
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli bytes"),
        (Some("gzip"), Some("gzip"), "gzip bytes"),
        (Some("br;q=0, gzip;q=0.5"), Some("gzip"), "gzip bytes"),
        (Some("gzip;q=0.2, br;q=0.9"), Some("br"), "brotli bytes"),
        (Some("identity"), None, "\0asm raw"),
        (None, None, "\0asm raw"),
    ] {
        let res = get(&format!("/{wasm}"), accept).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accept:?}");
        let h = res.headers().clone();
        assert_eq!(
            h.get("content-encoding").and_then(|v| v.to_str().ok()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(h["content-type"], "application/wasm", "{accept:?}");
        assert_eq!(h["vary"], "Accept-Encoding");
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(res.text().await.unwrap(), body, "{accept:?}");
    }
    // A file the build did not compress is sent as it is; its hashed name is still immutable.
    let res = get("/style-605704eadcaff10.css", Some("br, gzip"))
        .await
        .unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // index.html (and every client-side route) too, with its CSP still computed.
    let res = get("/stacks/1", Some("br")).await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["vary"], "Accept-Encoding");
    assert!(res.headers().contains_key("content-security-policy"));
    assert_eq!(res.text().await.unwrap(), "brotli index");
    let res = get("/", Some("gzip")).await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("<title>WindFlow</title>")
    );
}

/// API JSON is compressed when the client asks; a server-sent event stream never is (a
/// compressor would hold events back).
#[tokio::test]
async fn api_json_is_compressed_when_asked_and_event_streams_never() {
    let app = windflow_tests::spawn_app().await;
    let root = app.superadmin().await;
    for _ in 0..30 {
        app.org(&root, &super::docker::unique("org")).await;
    }
    let res = app
        .req(&root, reqwest::Method::GET, "/organizations?limit=100")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["content-type"], "application/json");
    let body = res.bytes().await.unwrap();
    assert_eq!(&body[..2], [0x1f, 0x8b], "a gzip member");
    let res = app
        .req(&root, reqwest::Method::GET, "/organizations?limit=100")
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    // Not asked: not compressed.
    let res = app
        .req(&root, reqwest::Method::GET, "/organizations?limit=100")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert!(res.text().await.unwrap().starts_with('{'));

    let Some(sock) = super::docker::socket() else {
        return;
    };
    let s = super::docker::setup(&app, &root, &sock).await;
    let res = app
        .req(
            &root,
            reqwest::Method::GET,
            &format!("/endpoints/{}/events/stream", s.endpoint),
        )
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    assert!(
        res.headers()
            .get("content-encoding")
            .is_none_or(|v| v == "identity"),
        "{:?}",
        res.headers()
    );
}
