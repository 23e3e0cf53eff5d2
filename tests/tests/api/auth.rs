//! Setup, login, refresh rotation and reuse detection, logout, lockout, sessions, password,
//! cookies with CSRF, auth settings.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use windflow_tests::{PASSWORD, session_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn first_run_setup_creates_the_superadmin_once() {
    let app = spawn_app().await;
    let status: Value = app
        .client
        .get(app.url("/setup"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["required"], true);
    // Wrong token: 401, nothing created.
    let res = app
        .client
        .post(app.url("/setup"))
        .json(&json!({"token": "wrong", "username": "root", "email": "r@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Invalid fields: 422 listing each field.
    let res = app
        .client
        .post(app.url("/setup"))
        .json(&json!({"token": app.setup_token.clone().unwrap(), "username": "r", "email": "nope", "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "email", "password"]);
    let root = app.superadmin().await;
    let (st, me) = app.call(&root, Method::GET, "/auth/session", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["user"]["is_superadmin"], true);
    // For ever 409 afterwards, even with the token.
    let res = app
        .client
        .post(app.url("/setup"))
        .json(&json!({"token": app.setup_token.clone().unwrap(), "username": "root2", "email": "r2@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "setup_already_done");
    let status: Value = app
        .client
        .get(app.url("/setup"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["required"], false);
}

#[tokio::test]
async fn login_by_username_or_email_and_same_error_for_unknown_users() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    app.user(&root, "alice").await;
    app.login("alice@example.org", PASSWORD).await;
    app.login("ALICE@example.org", PASSWORD).await;
    let wrong = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "alice", "password": "wrong password!"}))
        .send()
        .await
        .unwrap();
    let unknown = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "nobody", "password": "wrong password!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let (mut a, mut b): (Value, Value) =
        (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    for v in [&mut a, &mut b] {
        v.as_object_mut().unwrap().remove("request_id");
    }
    assert_eq!(a, b, "unknown user and wrong password answer identically");
    assert_eq!(a["code"], "invalid_credentials");
    // Deactivated users cannot log in either.
    let (st, users) = app.call(&root, Method::GET, "/users?q=alice", None).await;
    assert_eq!(st, StatusCode::OK);
    let alice = users["items"][0]["id"].as_str().unwrap().to_owned();
    let (st, _) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/users/{alice}"),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let res = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_session() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let refresh = |t: String| {
        app.client
            .post(app.url("/auth/refresh"))
            .json(&json!({"refresh_token": t}))
            .send()
    };
    let res = refresh(root.refresh.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let second = session_of(res.json().await.unwrap());
    assert_ne!(second.refresh, root.refresh, "rotated");
    assert_eq!(second.session_id, root.session_id, "same family");
    let (st, _) = app.call(&second, Method::GET, "/auth/session", None).await;
    assert_eq!(st, StatusCode::OK);
    // Replaying the first refresh token: 401 reuse, and the family is revoked.
    let res = refresh(root.refresh.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "refresh_token_reused"
    );
    let res = refresh(second.refresh.clone()).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the newest token of the family is dead too"
    );
    let (st, _) = app.call(&second, Method::GET, "/auth/session", None).await;
    assert_eq!(
        st,
        StatusCode::UNAUTHORIZED,
        "access tokens of a revoked session stop working"
    );
    let audit = app
        .audit(&app.login("root", PASSWORD).await, "auth.refresh_reused")
        .await;
    assert_eq!(audit.len(), 1);
    // Garbage token.
    let res = refresh("garbage".into()).await.unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "invalid_refresh_token"
    );
}

#[tokio::test]
async fn logout_revokes_the_access_token_and_session() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let other = app.login("root", PASSWORD).await;
    let (st, _) = app.call(&root, Method::POST, "/auth/logout", None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = app.call(&root, Method::GET, "/auth/session", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
    let res = app
        .client
        .post(app.url("/auth/refresh"))
        .json(&json!({"refresh_token": root.refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (st, _) = app.call(&other, Method::GET, "/auth/session", None).await;
    assert_eq!(st, StatusCode::OK, "other sessions live on");
    let (st, body) = app
        .call(&other, Method::GET, "/users/me/sessions", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        body.as_array().unwrap().len(),
        1,
        "the logged-out session is gone: {body}"
    );
}

#[tokio::test]
async fn lockout_per_username_then_per_ip() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    app.user(&root, "bob").await;
    let attempt = |login: &'static str, pw: &'static str| {
        app.client
            .post(app.url("/auth/login"))
            .json(&json!({"login": login, "password": pw}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("bob", "wrong password!").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = attempt("bob", PASSWORD).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 900, "{retry}");
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "too_many_attempts"
    );
    // Other users are not locked by bob's failures.
    app.login("root", PASSWORD).await;
    let locked = app.audit(&root, "auth.login_locked").await;
    assert_eq!(locked.len(), 1);
    assert_eq!(app.audit(&root, "auth.login_failed").await.len(), 5);

    // Per-IP: lower the IP threshold, then fail with many different names from one IP.
    let mut settings: Value = app.call(&root, Method::GET, "/settings/auth", None).await.1;
    settings["lockout_max_attempts_per_ip"] = json!(8);
    let (st, _) = app
        .call(&root, Method::PUT, "/settings/auth", Some(settings))
        .await;
    assert_eq!(st, StatusCode::OK);
    for i in 0..3 {
        let name: &'static str = Box::leak(format!("ghost{i}").into_boxed_str());
        assert_eq!(
            attempt(name, "wrong password!").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt("root", PASSWORD).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the IP is locked for every name"
    );
}

#[tokio::test]
async fn lockout_window_passes() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let mut settings: Value = app.call(&root, Method::GET, "/settings/auth", None).await.1;
    settings["lockout_window_seconds"] = json!(10);
    settings["lockout_max_attempts_per_user"] = json!(2);
    assert_eq!(
        app.call(&root, Method::PUT, "/settings/auth", Some(settings))
            .await
            .0,
        StatusCode::OK
    );
    for _ in 0..2 {
        let r = app
            .client
            .post(app.url("/auth/login"))
            .json(&json!({"login": "root", "password": "wrong password!"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "root", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(retry + 1)).await;
    app.login("root", PASSWORD).await;
}

#[tokio::test]
async fn sessions_and_password_change() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let second = app.login("root", PASSWORD).await;
    let (st, list) = app
        .call(&root, Method::GET, "/users/me/sessions", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .filter(|s| s["current"] == true)
            .count(),
        1
    );
    // Another user's session id is 404.
    let carol = app.user(&root, "carol").await;
    let (st, _) = app
        .call(
            &carol,
            Method::DELETE,
            &format!("/users/me/sessions/{}", root.session_id),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = app
        .call(
            &root,
            Method::DELETE,
            &format!("/users/me/sessions/{}", second.session_id),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(
        app.call(&second, Method::GET, "/auth/session", None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    let third = app.login("root", PASSWORD).await;
    let pw = |cur: &str, new: &str| json!({"current_password": cur, "new_password": new});
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            "/users/me/password",
            Some(pw(PASSWORD, "short")),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password"))
    );
    let (st, body) = app
        .call(
            &root,
            Method::POST,
            "/users/me/password",
            Some(pw("not my password", "a brand new passphrase")),
        )
        .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password"))
    );
    let (st, _) = app
        .call(
            &root,
            Method::POST,
            "/users/me/password",
            Some(pw(PASSWORD, "a brand new passphrase")),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(
        app.call(&third, Method::GET, "/auth/session", None).await.0,
        StatusCode::UNAUTHORIZED,
        "other sessions revoked"
    );
    assert_eq!(
        app.call(&root, Method::GET, "/auth/session", None).await.0,
        StatusCode::OK,
        "current session kept"
    );
    app.login("root", "a brand new passphrase").await;
}

#[tokio::test]
async fn browser_cookies_need_the_csrf_header_for_mutations() {
    let app = spawn_app().await;
    app.superadmin().await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = browser
        .post(app.url("/auth/login"))
        .json(&json!({"login": "root", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let access = cookies
        .iter()
        .find(|c| c.starts_with("wf_access="))
        .unwrap();
    assert!(
        access.contains("HttpOnly") && access.contains("SameSite=Strict"),
        "{access}"
    );
    assert!(
        !access.contains("Secure"),
        "plain http on loopback: no Secure attribute"
    );
    let csrf_cookie = cookies.iter().find(|c| c.starts_with("wf_csrf=")).unwrap();
    assert!(!csrf_cookie.contains("HttpOnly"));
    let body: Value = res.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    // Reads work with the cookie alone.
    assert_eq!(
        browser
            .get(app.url("/auth/session"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // Mutations without the header: 403 csrf_failed, nothing created.
    let res = browser
        .post(app.url("/organizations"))
        .json(&json!({"name": "acme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "csrf_failed");
    let res = browser
        .post(app.url("/organizations"))
        .header("X-CSRF-Token", "forged")
        .json(&json!({"name": "acme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = browser
        .post(app.url("/organizations"))
        .header("X-CSRF-Token", &csrf)
        .json(&json!({"name": "acme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // Refresh via cookie also needs the header.
    let res = browser
        .post(app.url("/auth/refresh"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = browser
        .post(app.url("/auth/refresh"))
        .header("X-CSRF-Token", &csrf)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = spawn_app_with(|c| c.auth.cookie_secure = Some(true)).await;
    app.superadmin().await;
    let res = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "root", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let all: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|c| c.contains("Secure")), "{all:?}");
}

#[tokio::test]
async fn auth_settings_are_for_superadmins_and_validated() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let dave = app.user(&root, "dave").await;
    assert_eq!(
        app.call(&dave, Method::GET, "/settings/auth", None).await.0,
        StatusCode::FORBIDDEN
    );
    let (st, mut s) = app.call(&root, Method::GET, "/settings/auth", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(s["lockout_max_attempts_per_user"], 5);
    assert_eq!(s["password_min_length"], 12);
    assert_eq!(
        app.call(&dave, Method::PUT, "/settings/auth", Some(s.clone()))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    s["password_min_length"] = json!(4);
    let (st, body) = app
        .call(&root, Method::PUT, "/settings/auth", Some(s.clone()))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "password_min_length");
    s["password_min_length"] = json!(16);
    assert_eq!(
        app.call(&root, Method::PUT, "/settings/auth", Some(s))
            .await
            .0,
        StatusCode::OK
    );
    let (st, _) = app
        .call(&root, Method::POST, "/users", Some(json!({"username": "erin", "email": "erin@example.org", "password": "fifteen chars!!"})))
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the new policy applies"
    );
    assert_eq!(
        app.audit(&root, "settings.update").await.len(),
        1,
        "the refused update wrote no audit row"
    );
}

#[tokio::test]
async fn requests_without_credentials_get_401() {
    let app = spawn_app().await;
    for (m, p) in [
        (Method::GET, "/organizations"),
        (Method::GET, "/auth/session"),
        (Method::POST, "/auth/logout"),
        (Method::GET, "/audit"),
    ] {
        let res = app.client.request(m, app.url(p)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{p}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
    }
    let res = app
        .client
        .get(app.url("/organizations"))
        .bearer_auth("not.a.jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
