//! Test harness: [`spawn_app`] starts the real WindFlow server in-process on port 0 with a fresh
//! database: a new SQLite file by default, or a new PostgreSQL database named per test when
//! `WF_TEST_DATABASE_URL` points at a PostgreSQL server whose role may `CREATE DATABASE`.
//! Test settings use the `WF_` prefix: the server rejects unknown `WINDFLOW_*` variables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use rand::RngCore;
use reqwest::{Method, RequestBuilder, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;
use windflow_api::docker::{ConnectionType, ContainerSpec, CreateEndpoint};
use windflow_api::{ErrorCode, Problem};
use windflow_client::{ClientError, ClientResult};
use windflow_server::config::Secret;
use windflow_server::{Application, Config, app};

/// Password every test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server and what tests need to reach it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Plain client (no cookies).
    pub client: reqwest::Client,
    /// The first-run setup token.
    pub setup_token: Option<String>,
    /// A direct connection to the same database (for fault injection and checks).
    pub db: DatabaseConnection,
    /// The configuration the server runs with.
    pub config: Config,
    _dir: tempfile::TempDir,
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    /// User id.
    pub user_id: Uuid,
    /// Username.
    pub username: String,
    /// Access token.
    pub access: String,
    /// Refresh token.
    pub refresh: String,
    /// Session id.
    pub session_id: Uuid,
}

/// True when the suite runs against PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("WF_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

async fn fresh_postgres(base: &str) -> String {
    let name = format!("wf_{}", Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(base)
        .await
        .expect("connect to WF_TEST_DATABASE_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database name");
    format!("{prefix}/{name}")
}

/// The URL of a fresh, empty database: a new PostgreSQL database when the suite runs on
/// PostgreSQL, else a SQLite file in `dir`.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("WF_TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => fresh_postgres(&base).await,
        _ => format!("sqlite://{}?mode=rwc", dir.join("fresh.db").display()),
    }
}

/// Starts a server with a fresh database; `tweak` adjusts the configuration first.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    config.http.workers = Some(1);
    config.database.max_connections = 5;
    if let Ok(base) = std::env::var("WF_TEST_DATABASE_URL") {
        config.database.url = Some(Secret::new(fresh_postgres(&base).await));
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        config.master_key = Some(Secret::new(
            base64::engine::general_purpose::STANDARD.encode(key),
        ));
    }
    tweak(&mut config);
    let application = Application::build(config.clone()).await.expect("build app");
    let base = format!("http://127.0.0.1:{}", application.port());
    let setup_token = application.setup_token().map(str::to_owned);
    tokio::spawn(application.into_server());
    let db = app::connect(&config).await.unwrap();
    TestApp {
        base,
        client: reqwest::Client::new(),
        setup_token,
        db,
        config,
        _dir: dir,
    }
}

/// Starts a second server (replica) on the same database, data directory and master key.
pub async fn spawn_replica(first: &TestApp) -> (String, Option<String>) {
    let mut config = first.config.clone();
    config.listen = "127.0.0.1:0".into();
    if config.database.url.is_none() {
        config.database.url = Some(Secret::new(format!(
            "sqlite://{}?mode=rwc",
            first.config.data_dir.join("windflow.db").display()
        )));
    }
    let application = Application::build(config).await.expect("build replica");
    let base = format!("http://127.0.0.1:{}", application.port());
    let token = application.setup_token().map(str::to_owned);
    tokio::spawn(application.into_server());
    (base, token)
}

/// Starts a server with a fresh database and the default test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

impl TestApp {
    /// URL of an API path (`/api/v1` + `path`).
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// The typed client (the web app's) acting as `s`.
    pub fn typed(&self, s: &Session) -> windflow_client::Client {
        windflow_client::Client::new(&self.base).with_bearer(s.access.clone())
    }

    /// The typed client without credentials (public routes, refused requests).
    pub fn anon(&self) -> windflow_client::Client {
        windflow_client::Client::new(&self.base)
    }

    /// A request with the session's bearer token.
    pub fn req(&self, s: &Session, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&s.access)
    }

    /// Sends a JSON request as `s` and returns status and body (JSON or `null`).
    pub async fn call(
        &self,
        s: &Session,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self.req(s, method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let res = r.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Completes first-run setup and returns the superadmin's session.
    pub async fn superadmin(&self) -> Session {
        let res = self
            .client
            .post(self.url("/setup"))
            .json(&json!({"token": self.setup_token.clone().unwrap(), "username": "root", "email": "root@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        session_of(res.json().await.unwrap())
    }

    /// Logs in; panics unless 200.
    pub async fn login(&self, login: &str, password: &str) -> Session {
        let res = self
            .client
            .post(self.url("/auth/login"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "login {login}");
        session_of(res.json().await.unwrap())
    }

    /// Creates a user through the admin API and logs them in.
    pub async fn user(&self, admin: &Session, username: &str) -> Session {
        let (st, body) = self
            .call(admin, Method::POST, "/users", Some(json!({"username": username, "email": format!("{username}@example.org"), "password": PASSWORD})))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        self.login(username, PASSWORD).await
    }

    /// Creates an organization as `admin`; returns its id.
    pub async fn org(&self, admin: &Session, name: &str) -> Uuid {
        let (st, body) = self
            .call(
                admin,
                Method::POST,
                "/organizations",
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        id(&body)
    }

    /// Adds `user` to `org` with `role` as `admin`.
    pub async fn add_member(&self, admin: &Session, org: Uuid, user: &Session, role: &str) {
        let (st, body) = self
            .call(
                admin,
                Method::POST,
                &format!("/organizations/{org}/members"),
                Some(json!({"user_id": user.user_id, "role": role})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
    }

    /// Creates a project; returns its id.
    pub async fn project(&self, s: &Session, org: Uuid, name: &str) -> Uuid {
        let (st, body) = self
            .call(
                s,
                Method::POST,
                &format!("/organizations/{org}/projects"),
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        id(&body)
    }

    /// Creates an environment; returns its id.
    pub async fn environment(&self, s: &Session, project: Uuid, name: &str) -> Uuid {
        let (st, body) = self
            .call(
                s,
                Method::POST,
                &format!("/projects/{project}/environments"),
                Some(json!({"name": name, "type": "staging"})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        id(&body)
    }

    /// Audit rows as the superadmin sees them, newest first, filtered by an action prefix.
    pub async fn audit(&self, admin: &Session, action_prefix: &str) -> Vec<Value> {
        let (st, body) = self
            .call(
                admin,
                Method::GET,
                &format!("/audit?limit=200&action={action_prefix}"),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
        body["items"].as_array().unwrap().clone()
    }
}

/// The `id` field of a JSON object.
pub fn id(v: &Value) -> Uuid {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .parse()
        .unwrap()
}

/// A session from a token response.
pub fn session_of(v: Value) -> Session {
    Session {
        user_id: id(&v["user"]),
        username: v["user"]["username"].as_str().unwrap().to_owned(),
        access: v["access_token"].as_str().unwrap().to_owned(),
        refresh: v["refresh_token"].as_str().unwrap().to_owned(),
        session_id: v["session_id"].as_str().unwrap().parse().unwrap(),
    }
}

impl From<windflow_api::auth::TokenResponse> for Session {
    /// The session of a typed login, setup or refresh answer.
    fn from(t: windflow_api::auth::TokenResponse) -> Self {
        Session {
            user_id: t.user.id,
            username: t.user.username,
            access: t.access_token,
            refresh: t.refresh_token,
            session_id: t.session_id,
        }
    }
}

/// The body of a socket endpoint with every option at the server's default.
pub fn socket_endpoint(name: &str, socket_path: &str) -> CreateEndpoint {
    CreateEndpoint {
        name: name.into(),
        connection_type: ConnectionType::Socket,
        socket_path: Some(socket_path.into()),
        host: None,
        port: None,
        protocol: None,
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        tls_skip_verify: false,
        icon: None,
        labels: Default::default(),
        collect_activity: false,
        collect_metrics: false,
        highlight_changes: false,
        bind_allowlist: vec![],
    }
}

/// A container spec with every option at the server's default (`init` on, as when absent).
pub fn container(name: &str, image: &str, command: &[&str]) -> ContainerSpec {
    ContainerSpec {
        name: Some(name.into()),
        image: image.into(),
        command: command.iter().map(|c| (*c).to_owned()).collect(),
        init: true,
        ..ContainerSpec::default()
    }
}

/// The answer of a typed call that must be refused: its problem document. A problem's code
/// fixes its HTTP status (`forbidden` is 403, `not_found` 404, `conflict` 409,
/// `validation_failed` 422, …).
pub trait Refused: Sized {
    /// The problem; panics when the call succeeded or failed without one.
    fn problem(self) -> Problem;
    /// The problem's machine code.
    fn refused(self) -> ErrorCode {
        self.problem().code
    }
    /// The fields of a `validation_failed` (422) problem's field errors, in order; panics on
    /// another code.
    fn fields(self) -> Vec<String> {
        invalid(self.problem()).map(|e| e.field).collect()
    }
    /// The codes of a `validation_failed` (422) problem's field errors, in order; panics on
    /// another code.
    fn field_codes(self) -> Vec<String> {
        invalid(self.problem()).map(|e| e.code).collect()
    }
}

fn invalid(p: Problem) -> impl Iterator<Item = windflow_api::FieldError> {
    assert_eq!(p.code, ErrorCode::ValidationFailed, "{p:?}");
    p.errors.unwrap_or_default().into_iter()
}

impl<T: std::fmt::Debug> Refused for ClientResult<T> {
    fn problem(self) -> Problem {
        match self {
            Err(ClientError::Problem(p)) => *p,
            other => panic!("expected a problem document, got {other:?}"),
        }
    }
}
