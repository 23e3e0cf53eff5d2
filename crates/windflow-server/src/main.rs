//! The `windflow` binary: `serve`, `migrate`, `admin create`, `openapi`.
use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use windflow_api::users::CreateUser;
use windflow_core::services::users;
use windflow_migration::{Migrator, MigratorTrait};
use windflow_server::config::LogFormat;
use windflow_server::{Application, Config, app, openapi};

/// WindFlow: self-hosted DevOps control plane.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// TOML configuration file (see windflow.example.toml).
    #[arg(long, global = true, env = "WINDFLOW_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrations are applied first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI 3.1 document.
    Openapi,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a superadmin non-interactively. The password comes from WINDFLOW_ADMIN_PASSWORD,
    /// or else from standard input (first line).
    Create {
        /// Username (3 to 64 of A-Z a-z 0-9 . _ -).
        #[arg(long)]
        username: String,
        /// Email address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        display_name: Option<String>,
    },
}

fn init_tracing(c: &Config) {
    let filter = EnvFilter::try_new(&c.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match c.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", openapi::document_json());
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref())?;
    init_tracing(&config);
    match cli.command {
        Command::Openapi => {}
        Command::Serve => {
            let listen = config.listen.clone();
            let application = Application::build(config).await?;
            tracing::info!(%listen, port = application.port(), "WindFlow listening; API docs at /api/docs");
            application.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = app::connect(&config).await?;
            Migrator::up(&db, None).await.context("migrations failed")?;
            println!("migrations applied");
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    email,
                    display_name,
                },
        } => {
            let password = match std::env::var("WINDFLOW_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut s = String::new();
                    std::io::stdin()
                        .read_to_string(&mut s)
                        .context("reading the password from stdin")?;
                    s.lines().next().unwrap_or_default().to_owned()
                }
            };
            let core = app::core(&config).await?;
            let user = users::admin_create(
                &core,
                CreateUser {
                    username,
                    email,
                    password,
                    display_name,
                    is_superadmin: true,
                },
            )
            .await
            .map_err(|e| match e {
                windflow_core::ServiceError::Validation(errs) => anyhow::anyhow!(
                    "invalid input: {}",
                    errs.iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                other => anyhow::anyhow!("{other}"),
            })?;
            println!("created superadmin {} ({})", user.username, user.id);
        }
    }
    Ok(())
}
