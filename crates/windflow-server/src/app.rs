//! `Application::build`: database, migrations, keys, services and the HTTP server, with every
//! piece of state injected (no globals), so tests start the real app on port 0.
use std::net::TcpListener;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::web::{self, Data};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get};
use anyhow::Context;
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, SqlxSqliteConnector};
use utoipa_actix_web::{AppExt, scope};
use windflow_api::{ErrorCode, FieldError};
use windflow_core::crypto::{Crypto, MasterKey};
use windflow_core::password::Passwords;
use windflow_core::services::auth;
use windflow_core::tokens::JwtKeys;
use windflow_core::{Core, CoreSettings, ServiceError};
use windflow_migration::{Migrator, MigratorTrait};

use crate::config::Config;
use crate::error::ApiError;
use crate::state::{AppState, Metrics};
use crate::{docs, middleware, openapi, routes, web as webapp};

/// True when the configuration selects PostgreSQL.
pub fn is_postgres(c: &Config) -> bool {
    c.database
        .url
        .as_ref()
        .is_some_and(|u| u.expose().starts_with("postgres"))
}

/// Connects to the configured database. SQLite (embedded default `<data_dir>/windflow.db`, or a
/// `sqlite:` URL) runs with WAL, `synchronous=FULL`, foreign keys on and a 10 s busy timeout.
pub async fn connect(c: &Config) -> anyhow::Result<DatabaseConnection> {
    if is_postgres(c) {
        let url = c
            .database
            .url
            .as_ref()
            .map(|u| u.expose().to_owned())
            .unwrap_or_default();
        let mut o = ConnectOptions::new(url);
        o.max_connections(c.database.max_connections)
            .connect_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        return Database::connect(o)
            .await
            .context("cannot connect to PostgreSQL");
    }
    let opts = match &c.database.url {
        Some(u) => SqliteConnectOptions::from_str(u.expose()).context("bad SQLite URL")?,
        None => {
            std::fs::create_dir_all(&c.data_dir)
                .with_context(|| format!("cannot create data dir {}", c.data_dir.display()))?;
            SqliteConnectOptions::new()
                .filename(c.data_dir.join("windflow.db"))
                .create_if_missing(true)
        }
    }
    .journal_mode(SqliteJournalMode::Wal)
    .synchronous(SqliteSynchronous::Full)
    .foreign_keys(true)
    .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(c.database.max_connections)
        .connect_with(opts)
        .await
        .context("cannot open SQLite")?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// The master key: configured, or (SQLite only) generated once into `<data_dir>/master.key`.
pub fn master_key(c: &Config) -> anyhow::Result<MasterKey> {
    match &c.master_key {
        Some(k) => MasterKey::from_base64(k.expose()).context("master_key"),
        None if is_postgres(c) => anyhow::bail!(
            "master_key (or master_key_file) is required with PostgreSQL: all replicas must share it"
        ),
        None => {
            MasterKey::load_or_generate(&c.data_dir.join("master.key")).context("master key file")
        }
    }
}

/// Connects, migrates and builds the services (shared by `serve` and the CLI commands).
pub async fn core(c: &Config) -> anyhow::Result<Core> {
    let db = connect(c).await?;
    Migrator::up(&db, None).await.context("migrations failed")?;
    windflow_core::catalog::sync(&db)
        .await
        .map_err(|e| anyhow::anyhow!("permission catalog sync failed: {e}"))?;
    let crypto = Arc::new(Crypto::new(master_key(c)?));
    let jwt = Arc::new(JwtKeys::new(&crypto));
    let passwords =
        Passwords::new(c.auth.password_hash_concurrency).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Core {
        db,
        passwords,
        jwt,
        crypto,
        settings: CoreSettings {
            access_token_ttl_secs: c.auth.access_token_ttl_secs,
            data_dir: c.data_dir.clone(),
        },
        engines: Default::default(),
        compose: Arc::new(windflow_core::runtime::ComposeSlot::new(
            c.stacks.max_compose_processes,
        )),
    })
}

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    setup_token: Option<String>,
}

fn first_backticked(s: &str) -> Option<String> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(s[start..start + len].to_owned())
}

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::ContentType => ApiError::http(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json",
        ),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::http(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("body larger than {limit} bytes"),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let field = first_backticked(&e.to_string()).unwrap_or_else(|| "body".into());
            ApiError::Http {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: ErrorCode::ValidationFailed,
                detail: "the body does not match the schema".into(),
                errors: Some(vec![FieldError::new(field, "invalid", e.to_string())]),
            }
        }
        JsonPayloadError::Deserialize(e) => ApiError::http(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            format!("malformed JSON: {e}"),
        ),
        other => ApiError::http(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            other.to_string(),
        ),
    };
    api.into()
}

fn path_error(_: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::Service(ServiceError::NotFound).into()
}

fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let field = first_backticked(&err.to_string()).unwrap_or_else(|| "query".into());
    ApiError::Http {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: ErrorCode::ValidationFailed,
        detail: "invalid query parameters".into(),
        errors: Some(vec![FieldError::new(field, "invalid", err.to_string())]),
    }
    .into()
}

#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[get("/readyz")]
async fn readyz(st: Data<AppState>) -> Result<HttpResponse, ApiError> {
    st.core.db.ping().await.map_err(|e| {
        ApiError::Service(ServiceError::Upstream {
            service: "database",
            message: e.to_string(),
        })
    })?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready"})))
}

/// Prometheus metrics; with `http.metrics_token` set, only for `Authorization: Bearer <token>`
/// (compared in constant time), 401 otherwise.
#[get("/metrics")]
async fn metrics(st: Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if let Some(token) = &st.metrics_token {
        use subtle::ConstantTimeEq;
        let given = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !bool::from(given.as_bytes().ct_eq(token.expose().as_bytes())) {
            return Err(ApiError::http(
                actix_web::http::StatusCode::UNAUTHORIZED,
                windflow_api::ErrorCode::Unauthenticated,
                "the metrics token is required",
            ));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(st.metrics.render()))
}

#[get("/api/openapi.json")]
async fn openapi_json(st: Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(st.openapi_json.as_str().to_owned())
}

impl Application {
    /// Connects, migrates, issues the first-run setup token when no user exists (logged at
    /// WARN), and binds `config.listen` (`127.0.0.1:0` picks a free port).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let core = core(&config).await?;
        // Work a crashed process left `running` is closed as `interrupted` (issue 12), before
        // the server listens; the scheduler job repeats it on every tick (`core::jobs`).
        if let Err(e) = windflow_core::jobs::sweep::interrupted(&core).await {
            tracing::warn!(error = %e, "sweep of interrupted work failed");
        }
        let setup_token = auth::issue_setup_token(&core)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Some(t) = &setup_token {
            tracing::warn!(setup_token = %t, "no user exists yet: create the first admin with POST /api/v1/setup and this one-time token, or `windflow admin create`");
        }
        // Built once: served at /api/openapi.json and used for 405 answers.
        let doc = openapi::document();
        let state = AppState {
            core,
            metrics: Metrics::new()?,
            cookie_secure: config.auth.cookie_secure,
            trust_proxy_headers: config.auth.trust_proxy_headers,
            openapi_json: Arc::new(openapi::to_json(&doc)),
            metrics_token: config.http.metrics_token.clone(),
            routes: Arc::new(openapi::route_table(&doc)),
            web_dir: webapp::resolve_dir(&config),
        };
        match &state.web_dir {
            Some(d) => tracing::info!(web_dir = %d.display(), "serving the web app"),
            None => tracing::warn!(
                "no web app found (build it with scripts/build-frontend.sh, or set web_dir): serving the API only"
            ),
        }
        let c = &config.collectors;
        let jobs = windflow_core::jobs::JobsConfig {
            collectors: c.enabled.then(|| windflow_core::jobs::CollectorConfig {
                tick: Duration::from_secs(c.tick_secs.max(1)),
                metrics_interval: Duration::from_secs(c.metrics_interval_secs.max(1)),
                events_retention_days: c.events_retention_days.max(1),
                metrics_retention_days: c.metrics_retention_days.max(1),
            }),
            scheduler_tick: config
                .scheduler
                .enabled
                .then(|| Duration::from_secs(config.scheduler.tick_secs.max(1))),
        };
        // They run beside the server on this runtime and stop with the process.
        windflow_core::jobs::spawn(state.core.clone(), jobs);
        let listener = TcpListener::bind(&config.listen)
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let port = listener.local_addr()?.port();
        let body_limit = config.http.body_limit_bytes;
        let data = Data::new(state);
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .app_data(data.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(body_limit)
                        .error_handler(json_error),
                )
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PayloadConfig::new(body_limit))
                .wrap(from_fn(middleware::contract))
                .wrap(from_fn(middleware::observe))
                .wrap(middleware::security_headers())
                .into_utoipa_app()
                // JSON (and the audit export) compressed when the client asks; server-sent
                // event streams opt out (`sse::sse`), the web app's files are precompressed.
                .service(
                    scope("/api/v1")
                        .wrap(actix_web::middleware::Compress::default())
                        .configure(routes::configure),
                )
                .split_for_parts();
            app.service(healthz)
                .service(readyz)
                .service(metrics)
                .service(openapi_json)
                .service(docs::page)
                .service(docs::script)
                .default_service(web::to(webapp::fallback))
        })
        .listen(listener)?;
        if let Some(w) = config.http.workers {
            server = server.workers(w);
        }
        Ok(Self {
            port,
            server: server.run(),
            setup_token,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The setup token issued at start, while no user exists.
    pub fn setup_token(&self) -> Option<&str> {
        self.setup_token.as_deref()
    }

    /// Runs until the server stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// The server handle and future (to stop it from signals or tests).
    pub fn into_server(self) -> Server {
        self.server
    }
}
