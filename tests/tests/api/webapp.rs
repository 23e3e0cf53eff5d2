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
