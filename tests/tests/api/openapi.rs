//! The committed contract matches the server; health, readiness, metrics and docs are served.
use reqwest::StatusCode;
use windflow_tests::spawn_app;

const COMMITTED: &str = include_str!("../../../openapi/windflow.json");

#[test]
fn committed_openapi_matches_the_server() {
    let generated = windflow_server::openapi::document_json();
    if generated != COMMITTED {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/windflow.json");
        if std::env::var("WF_UPDATE_OPENAPI").is_ok() {
            std::fs::write(path, &generated).unwrap();
        }
        panic!(
            "openapi/windflow.json is out of date: run `cargo run -p windflow-server -- openapi > openapi/windflow.json`"
        );
    }
}

#[test]
fn the_document_is_openapi_3_1_with_security_and_problems() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["securitySchemes"]["cookie"].is_object());
    assert!(doc["components"]["responses"]["Problem"].is_object());
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/login",
        "/api/v1/organizations/{id}/projects",
        "/api/v1/audit/export",
        "/api/v1/users/{id}/permissions",
    ] {
        assert!(paths.contains_key(p), "{p}");
    }
    assert_eq!(
        doc["paths"]["/api/v1/projects/{id}"]["get"]["responses"]["404"]["$ref"],
        "#/components/responses/Problem"
    );
    assert_eq!(
        doc["paths"]["/api/v1/auth/login"]["post"]["security"],
        serde_json::json!([{}]),
        "login is public"
    );
}

#[tokio::test]
async fn health_readiness_metrics_docs() {
    let app = spawn_app().await;
    let get = |p: &str| app.client.get(format!("{}{p}", app.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), StatusCode::OK);
    assert_eq!(get("/readyz").await.unwrap().status(), StatusCode::OK);
    let served = get("/api/openapi.json")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(served, COMMITTED);
    let docs = get("/api/docs").await.unwrap().text().await.unwrap();
    assert!(
        docs.contains("<rapi-doc")
            && docs.contains("/api/docs/rapidoc-min.js")
            && !docs.contains("https://"),
        "offline page"
    );
    let js = get("/api/docs/rapidoc-min.js").await.unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.bytes().await.unwrap().len() > 100_000);
    let _ = get("/api/v1/organizations").await.unwrap();
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains(
            r#"windflow_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains(r#"route="/api/v1/organizations",status="401""#));
    assert!(metrics.contains("windflow_http_request_duration_seconds_bucket"));
}
