//! Typed configuration: defaults → optional TOML file (`--config`) → `WINDFLOW_*` environment
//! variables (`__` nests: `WINDFLOW_DATABASE__URL`, `WINDFLOW_HTTP__BODY_LIMIT_BYTES`) →
//! `*_file` variants for secrets (`WINDFLOW_MASTER_KEY_FILE`, `WINDFLOW_DATABASE__URL_FILE`).
//! `DATABASE_URL` is also honoured, as most PostgreSQL tooling sets it. Unknown keys in the
//! file or in `WINDFLOW_*` variables are rejected. `windflow.example.toml` at the repository
//! root documents every key; a test keeps it in sync with these types.
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A secret string: redacted in `Debug`, read only where used.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    /// The secret value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Data directory: SQLite database, generated master key. Default `./data`.
    pub data_dir: PathBuf,
    /// Listen address. Default `127.0.0.1:8080`.
    pub listen: String,
    /// Base64 of the 32-byte master key. When absent with the embedded SQLite default, a key is
    /// generated once into `<data_dir>/master.key` (mode 0600); required with PostgreSQL.
    pub master_key: Option<Secret>,
    /// File holding the master key (wins over `master_key`).
    pub master_key_file: Option<PathBuf>,
    /// `text` or `json` logs.
    pub log_format: LogFormat,
    /// `tracing` filter, e.g. `info` or `windflow=debug,info`.
    pub log_level: String,
    /// Directory of the built web app (served at `/`); default: `frontend/dist` if present.
    pub web_dir: Option<PathBuf>,
    /// Database.
    pub database: DatabaseConfig,
    /// Authentication.
    pub auth: AuthConfig,
    /// HTTP limits.
    pub http: HttpConfig,
    /// Background collectors of endpoint events and metrics.
    pub collectors: CollectorsConfig,
    /// The scheduler of Git syncs.
    pub scheduler: SchedulerConfig,
    /// Compose stacks.
    pub stacks: StacksConfig,
}

/// Compose stacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StacksConfig {
    /// Compose processes this server runs at once (validation and actions); beyond it requests
    /// get 429 `busy`. Default 8.
    pub max_compose_processes: usize,
}

impl Default for StacksConfig {
    fn default() -> Self {
        Self {
            max_compose_processes: 8,
        }
    }
}

/// The scheduler of Git syncs (each due run executes once across replicas).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SchedulerConfig {
    /// Run the scheduler in this process.
    pub enabled: bool,
    /// Seconds between passes over due repositories.
    pub tick_secs: u64,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            tick_secs: 20,
        }
    }
}

/// Background collectors (one per endpoint across all replicas, by database lease).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CollectorsConfig {
    /// Run the collectors in this process.
    pub enabled: bool,
    /// Seconds between supervisor passes (lease renewal; leases last three passes).
    pub tick_secs: u64,
    /// Seconds between host metrics samples.
    pub metrics_interval_secs: u64,
    /// Days engine events are kept.
    pub events_retention_days: i64,
    /// Days host metrics are kept.
    pub metrics_retention_days: i64,
}

impl Default for CollectorsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            tick_secs: 5,
            metrics_interval_secs: 30,
            events_retention_days: 30,
            metrics_retention_days: 7,
        }
    }
}

/// Database settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `postgres://user:pass@host:port/db` or `sqlite://path?mode=rwc`; absent = embedded SQLite
    /// in `<data_dir>/windflow.db`.
    pub url: Option<Secret>,
    /// File holding the URL (wins over `url`).
    pub url_file: Option<PathBuf>,
    /// Pool size.
    pub max_connections: u32,
}

/// Authentication settings that are deployment facts (policies live in `auth_settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Access JWT lifetime in seconds (default 900 = 15 min).
    pub access_token_ttl_secs: i64,
    /// Force the `Secure` cookie attribute on or off; absent = on when the request is https.
    pub cookie_secure: Option<bool>,
    /// Take the client IP from `X-Forwarded-For`/`Forwarded` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// Password hashes computed at once (each ~19 MiB).
    pub password_hash_concurrency: usize,
}

/// HTTP settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Largest accepted JSON body in bytes (default 1 MiB).
    pub body_limit_bytes: usize,
    /// Worker threads (default: number of CPUs).
    pub workers: Option<usize>,
    /// When set, `GET /metrics` needs `Authorization: Bearer <metrics_token>` (401 otherwise).
    pub metrics_token: Option<Secret>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            listen: "127.0.0.1:8080".into(),
            master_key: None,
            master_key_file: None,
            log_format: LogFormat::Text,
            log_level: "info".into(),
            web_dir: None,
            database: DatabaseConfig::default(),
            auth: AuthConfig::default(),
            http: HttpConfig::default(),
            collectors: CollectorsConfig::default(),
            scheduler: SchedulerConfig::default(),
            stacks: StacksConfig::default(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            url_file: None,
            max_connections: 10,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 900,
            cookie_secure: None,
            trust_proxy_headers: false,
            password_hash_concurrency: 2,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            body_limit_bytes: 1024 * 1024,
            workers: None,
            metrics_token: None,
        }
    }
}

impl Config {
    /// Loads defaults, then `file` (if given), then the process environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        Self::from_figment(Self::figment(file))
    }

    /// The layered providers (exposed for tests).
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut f = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            f = f.merge(Toml::file_exact(path));
        }
        f.merge(
            Env::raw()
                .only(&["database_url"])
                .map(|_| "database.url".into()),
        )
        .merge(Env::prefixed("WINDFLOW_").ignore(&["config"]).split("__"))
    }

    /// Extracts and resolves `*_file` secrets.
    pub fn from_figment(f: Figment) -> anyhow::Result<Self> {
        let mut c: Config = f
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        if let Some(p) = &c.master_key_file {
            c.master_key = Some(Secret::new(read_secret(p)?));
        }
        if let Some(p) = &c.database.url_file {
            c.database.url = Some(Secret::new(read_secret(p)?));
        }
        if c.auth.access_token_ttl_secs < 30 || c.auth.access_token_ttl_secs > 86_400 {
            anyhow::bail!("configuration: auth.access_token_ttl_secs must be between 30 and 86400");
        }
        // Resolved once, here: compose, git and the engine run in other working directories,
        // so a relative `./data` must never reach them (issue 11, section 0).
        c.data_dir = std::path::absolute(&c.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "configuration: data_dir {} cannot be made absolute: {e}",
                c.data_dir.display()
            )
        })?;
        Ok(c)
    }
}

fn read_secret(p: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(p)
        .map(|s| s.trim().to_owned())
        .map_err(|e| anyhow::anyhow!("configuration: cannot read {}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../windflow.example.toml");

    /// The example with every commented-out `# key = value` line enabled.
    fn example_uncommented() -> String {
        EXAMPLE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(" = ").is_some_and(|(k, _)| {
                        k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    }) =>
                {
                    rest
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn keys(v: &toml::Value, prefix: &str, out: &mut Vec<String>) {
        if let toml::Value::Table(t) = v {
            for (k, v) in t {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if v.is_table() {
                    keys(v, &path, out);
                } else {
                    out.push(path);
                }
            }
        }
    }

    #[test]
    fn example_config_parses_and_lists_every_key() {
        let text = example_uncommented();
        let parsed: Config =
            toml::from_str(&text).expect("example must parse with unknown keys rejected");
        let mut example_keys = vec![];
        keys(
            &toml::from_str::<toml::Value>(&text).unwrap(),
            "",
            &mut example_keys,
        );
        // A config with every optional field set serializes every key.
        let full = Config {
            master_key: Some(Secret::new("k")),
            master_key_file: Some("f".into()),
            web_dir: Some("w".into()),
            database: DatabaseConfig {
                url: Some(Secret::new("u")),
                url_file: Some("f".into()),
                ..Default::default()
            },
            auth: AuthConfig {
                cookie_secure: Some(true),
                ..Default::default()
            },
            http: HttpConfig {
                workers: Some(1),
                metrics_token: Some(Secret::new("t")),
                ..Default::default()
            },
            ..Config::default()
        };
        let mut all_keys = vec![];
        keys(&toml::Value::try_from(&full).unwrap(), "", &mut all_keys);
        for k in &all_keys {
            assert!(
                example_keys.contains(k),
                "windflow.example.toml lacks `{k}`"
            );
        }
        // Uncommented values of the example are the defaults.
        let defaults: Config = toml::from_str(EXAMPLE).unwrap();
        assert_eq!(
            defaults,
            Config::default(),
            "active lines of the example must equal the defaults"
        );
        assert_eq!(parsed.listen, Config::default().listen);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "listen = \"127.0.0.1:1\"\nlistne = 1\n").unwrap();
        let err = Config::from_figment(
            Figment::from(Serialized::defaults(Config::default())).merge(Toml::file_exact(&p)),
        )
        .unwrap_err();
        assert!(err.to_string().contains("listne"), "{err}");
    }

    #[test]
    fn layers_and_secret_files() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, "c2VjcmV0\n").unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\n[http]\nbody_limit_bytes = 10\n",
        )
        .unwrap();
        let f = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file_exact(&file))
            .merge(Serialized::default("http.body_limit_bytes", 20))
            .merge(Serialized::default(
                "master_key_file",
                key.display().to_string(),
            ));
        let c = Config::from_figment(f).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000");
        assert_eq!(c.http.body_limit_bytes, 20, "later layers win");
        assert_eq!(c.master_key.as_ref().map(Secret::expose), Some("c2VjcmV0"));
        assert_eq!(format!("{:?}", c.master_key), "Some([REDACTED])");
        assert!(
            c.data_dir.is_absolute() && c.data_dir.ends_with("data"),
            "the default ./data is made absolute once: {}",
            c.data_dir.display()
        );
        assert_eq!(
            c.data_dir,
            std::env::current_dir().unwrap().join("data"),
            "relative to the working directory at start-up"
        );
    }
}
