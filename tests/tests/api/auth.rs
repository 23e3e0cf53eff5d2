//! Setup, login, refresh rotation and reuse detection, logout, lockout, sessions, password,
//! cookies with CSRF, auth settings.
//!
//! Through the typed client, except where the wire is the point: identical answers for unknown
//! users and wrong passwords, `Retry-After`, cookies and CSRF headers, and 401 headers.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use windflow_api::auth::{ChangePasswordRequest, LoginRequest, RefreshRequest, SetupRequest};
use windflow_api::users::{CreateUser, UpdateUser};
use windflow_api::{ErrorCode, PageQuery};
use windflow_tests::{PASSWORD, Refused, Session, spawn_app, spawn_app_with};

fn login(login: &str, password: &str) -> LoginRequest {
    LoginRequest {
        login: login.into(),
        password: password.into(),
    }
}

fn refresh_with(token: &str) -> RefreshRequest {
    RefreshRequest {
        refresh_token: Some(token.into()),
    }
}

#[tokio::test]
async fn first_run_setup_creates_the_superadmin_once() {
    let app = spawn_app().await;
    let anon = app.anon();
    assert!(anon.setup_status().await.unwrap().required);
    let setup = |token: &str, username: &str, email: &str, password: &str| SetupRequest {
        token: token.into(),
        username: username.into(),
        email: email.into(),
        password: password.into(),
        display_name: None,
    };
    let token = app.setup_token.clone().unwrap();
    // Wrong token: 401, nothing created.
    let wrong = setup("wrong", "root", "r@example.org", PASSWORD);
    let refused = anon.setup(&wrong).await.problem();
    assert_eq!(refused.code, ErrorCode::InvalidCredentials);
    // It says what was wrong (review D16: it read "invalid login or password").
    assert!(
        refused
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("setup token")),
        "{refused:?}"
    );
    // Invalid fields: 422 listing each field.
    let invalid = setup(&token, "r", "nope", "short");
    assert_eq!(
        anon.setup(&invalid).await.fields(),
        ["username", "email", "password"]
    );
    let root = app.superadmin().await;
    let me = app.typed(&root).session().await.unwrap();
    assert!(me.user.is_superadmin);
    // For ever 409 afterwards, even with the token.
    let again = setup(&token, "root2", "r2@example.org", PASSWORD);
    assert_eq!(
        anon.setup(&again).await.refused(),
        ErrorCode::SetupAlreadyDone
    );
    assert!(!anon.setup_status().await.unwrap().required);
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
    let c = app.typed(&root);
    let q = PageQuery {
        q: Some("alice".into()),
        ..PageQuery::default()
    };
    let alice = c.list_users(&q).await.unwrap().items[0].id;
    let deactivate = UpdateUser {
        is_active: Some(false),
        ..UpdateUser::default()
    };
    c.update_user(alice, &deactivate).await.unwrap();
    let refused = app.anon().login(&login("alice", PASSWORD)).await;
    assert_eq!(refused.refused(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_session() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let anon = app.anon();
    let second = Session::from(anon.refresh(&refresh_with(&root.refresh)).await.unwrap());
    assert_ne!(second.refresh, root.refresh, "rotated");
    assert_eq!(second.session_id, root.session_id, "same family");
    app.typed(&second).session().await.unwrap();
    // Replaying the first refresh token: 401 reuse, and the family is revoked.
    let replay = anon.refresh(&refresh_with(&root.refresh)).await;
    assert_eq!(replay.refused(), ErrorCode::RefreshTokenReused);
    assert_eq!(
        anon.refresh(&refresh_with(&second.refresh)).await.refused(),
        ErrorCode::InvalidRefreshToken,
        "the newest token of the family is dead too"
    );
    assert_eq!(
        app.typed(&second).session().await.refused(),
        ErrorCode::Unauthenticated,
        "access tokens of a revoked session stop working"
    );
    let audit = app
        .audit(&app.login("root", PASSWORD).await, "auth.refresh_reused")
        .await;
    assert_eq!(audit.len(), 1);
    // Garbage token.
    assert_eq!(
        anon.refresh(&refresh_with("garbage")).await.refused(),
        ErrorCode::InvalidRefreshToken
    );
}

#[tokio::test]
async fn logout_revokes_the_access_token_and_session() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let other = app.login("root", PASSWORD).await;
    let c = app.typed(&root);
    c.logout().await.unwrap();
    assert_eq!(c.session().await.refused(), ErrorCode::Unauthenticated);
    let refused = app.anon().refresh(&refresh_with(&root.refresh)).await;
    assert_eq!(refused.refused(), ErrorCode::InvalidRefreshToken);
    let other = app.typed(&other);
    other.session().await.expect("other sessions live on");
    let sessions = other.my_sessions().await.unwrap();
    assert_eq!(
        sessions.len(),
        1,
        "the logged-out session is gone: {sessions:?}"
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
    let c = app.typed(&root);
    let mut settings = c.auth_settings().await.unwrap();
    settings.lockout_max_attempts_per_ip = 8;
    c.set_auth_settings(&settings).await.unwrap();
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
    let c = app.typed(&root);
    let mut settings = c.auth_settings().await.unwrap();
    settings.lockout_window_seconds = 10;
    settings.lockout_max_attempts_per_user = 2;
    c.set_auth_settings(&settings).await.unwrap();
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
    let c = app.typed(&root);
    let list = c.my_sessions().await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s.current).count(), 1);
    // Another user's session id is 404.
    let carol = app.user(&root, "carol").await;
    let refused = app.typed(&carol).revoke_session(root.session_id).await;
    assert_eq!(refused.refused(), ErrorCode::NotFound);
    c.revoke_session(second.session_id).await.unwrap();
    assert_eq!(
        app.typed(&second).session().await.refused(),
        ErrorCode::Unauthenticated
    );

    let third = app.login("root", PASSWORD).await;
    let pw = |cur: &str, new: &str| ChangePasswordRequest {
        current_password: cur.into(),
        new_password: new.into(),
    };
    let refused = c.change_password(&pw(PASSWORD, "short")).await;
    assert_eq!(refused.fields()[0], "new_password");
    let wrong = pw("not my password", "a brand new passphrase");
    assert_eq!(
        c.change_password(&wrong).await.fields()[0],
        "current_password"
    );
    let change = pw(PASSWORD, "a brand new passphrase");
    c.change_password(&change).await.unwrap();
    assert_eq!(
        app.typed(&third).session().await.refused(),
        ErrorCode::Unauthenticated,
        "other sessions revoked"
    );
    c.session().await.expect("current session kept");
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
    let (c, as_dave) = (app.typed(&root), app.typed(&dave));
    assert_eq!(
        as_dave.auth_settings().await.refused(),
        ErrorCode::Forbidden
    );
    let mut s = c.auth_settings().await.unwrap();
    assert_eq!(s.lockout_max_attempts_per_user, 5);
    assert_eq!(s.password_min_length, 12);
    assert_eq!(
        as_dave.set_auth_settings(&s).await.refused(),
        ErrorCode::Forbidden
    );
    s.password_min_length = 4;
    assert_eq!(
        c.set_auth_settings(&s).await.fields()[0],
        "password_min_length"
    );
    s.password_min_length = 16;
    c.set_auth_settings(&s).await.unwrap();
    let erin = CreateUser {
        username: "erin".into(),
        email: "erin@example.org".into(),
        password: "fifteen chars!!".into(),
        display_name: None,
        is_superadmin: false,
    };
    assert_eq!(
        c.create_user(&erin).await.refused(),
        ErrorCode::ValidationFailed,
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
