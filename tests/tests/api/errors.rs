//! Problem documents for malformed input, unknown routes, limits.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use windflow_tests::{spawn_app, spawn_app_with};

#[tokio::test]
async fn malformed_bodies_and_routes_answer_problems() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let check = |res: reqwest::Response, status: StatusCode, code: &'static str| async move {
        assert_eq!(res.status(), status);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let rid = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status.as_u16());
        assert_eq!(body["request_id"], rid.as_str());
        assert!(body["type"].as_str().unwrap().ends_with(code));
        body
    };
    let res = app
        .req(&root, Method::POST, "/organizations")
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    check(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let res = app
        .req(&root, Method::POST, "/organizations")
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    check(res, StatusCode::BAD_REQUEST, "malformed_json").await;
    let res = app
        .req(&root, Method::POST, "/organizations")
        .json(&json!({"name": "Acme", "plan": "gold"}))
        .send()
        .await
        .unwrap();
    let body = check(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "plan");
    let res = app
        .req(&root, Method::POST, "/organizations")
        .json(&json!({"name": 5}))
        .send()
        .await
        .unwrap();
    check(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = app
        .req(&root, Method::GET, "/no/such/route")
        .send()
        .await
        .unwrap();
    let body = check(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(body["instance"], "/api/v1/no/such/route");
    let res = app
        .req(&root, Method::GET, "/projects/not-a-uuid")
        .send()
        .await
        .unwrap();
    check(res, StatusCode::NOT_FOUND, "not_found").await;
    let (_, orgs) = app.call(&root, Method::GET, "/organizations", None).await;
    assert!(
        orgs["items"].as_array().unwrap().is_empty(),
        "nothing was created by bad input"
    );
}

#[tokio::test]
async fn body_size_limit() {
    let app = spawn_app_with(|c| c.http.body_limit_bytes = 256).await;
    let root = app.superadmin().await;
    let res = app
        .req(&root, Method::POST, "/organizations")
        .json(&json!({"name": "x".repeat(400)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "payload_too_large"
    );
}

/// Issue 12: a known path asked with a method it does not have is 405 with `Allow`, not 404.
#[tokio::test]
async fn known_paths_with_another_method_are_405_with_allow() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let res = app
        .req(&root, Method::PUT, "/organizations")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = res.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed", "{body}");
    // Unknown paths stay 404.
    let res = app
        .req(&root, Method::PUT, "/no/such/route")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// Issue 12: the most specific path template decides (`/stacks/validate` only takes POST, so
/// PATCH is 405, not routed to `PATCH /stacks/{id}` and answered 404), and a body whose
/// top-level JSON type is not the declared one is 422 with nothing changed (serde would read a
/// struct from an array).
#[tokio::test]
async fn the_contract_decides_methods_and_body_types() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let res = app
        .req(&root, Method::PATCH, "/stacks/validate")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"].to_str().unwrap(), "POST");
    let (before_status, before) = app
        .call(&root, Method::GET, "/settings/platform", None)
        .await;
    assert_eq!(before_status, StatusCode::OK);
    let (status, body) = app
        .call(
            &root,
            Method::PUT,
            "/settings/platform",
            Some(json!([true, true])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["errors"][0]["field"], "body");
    assert_eq!(body["errors"][0]["code"], "invalid_type");
    let (_, after) = app
        .call(&root, Method::GET, "/settings/platform", None)
        .await;
    assert_eq!(before, after, "nothing changed");
    // The declared shape still works.
    let (status, _) = app
        .call(
            &root,
            Method::PUT,
            "/settings/platform",
            Some(before.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// Issue 12: the rules the OpenAPI document declares are the ones the server enforces: `limit`
/// outside 1..=200, an empty login, a blank name and a bad colour are 422 with the field named.
#[tokio::test]
async fn declared_rules_are_enforced() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let (status, body) = app
        .call(&root, Method::GET, "/organizations?limit=0", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "limit");
    let res = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "   ", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "login", "{body}");
    let (status, body) = app
        .call(
            &root,
            Method::POST,
            "/organizations",
            Some(json!({"name": "  a  "})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "too_short");
}
