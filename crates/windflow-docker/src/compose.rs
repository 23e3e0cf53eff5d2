//! The Docker Compose CLI as an adapter: `docker compose` (v2) when the `docker` client has the
//! plugin, else `docker-compose` (v1; the only one Debian ships here). Callers rely on the
//! `com.docker.compose.*` labels, never on container names (v1 `proj_svc_1`, v2 `proj-svc-1`).
//!
//! Each run gets a clean environment: `PATH`, a `HOME` inside the stack's directory (no server
//! user's `~/.docker/config.json`), the `DOCKER_*` variables of the endpoint and the stack's
//! variables. The server's own environment (its secrets) never reaches compose interpolation.
//! For an `https` endpoint compose reads the TLS material from files: they are written to a
//! `0700` directory inside the stack's directory for the run and removed afterwards.
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;

use crate::Target;

/// Which compose CLI runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeCli {
    program: Vec<String>,
}

/// A compose command could not run.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// Neither `docker compose` nor `docker-compose` is installed.
    #[error("no Docker Compose CLI found (docker compose or docker-compose)")]
    Missing,
    /// Spawning or writing files failed.
    #[error("compose could not run: {0}")]
    Io(#[from] std::io::Error),
}

/// What one compose invocation needs.
#[derive(Debug, Clone)]
pub struct ComposeInvocation<'a> {
    /// The engine.
    pub target: &'a Target,
    /// Compose project name (`-p`).
    pub project: &'a str,
    /// Working directory (the stack's directory); compose files are relative to it.
    pub workdir: &'a Path,
    /// Compose files (`-f`), in order.
    pub files: &'a [PathBuf],
    /// Variables for interpolation.
    pub env: &'a [(String, String)],
    /// `--project-directory` (a Git stack's checkout: relative paths resolve there); `None`:
    /// the directory of the first compose file.
    pub project_dir: Option<&'a Path>,
    /// `--env-file` (a Git stack's env file); `None`: compose's default `.env` lookup.
    pub env_file: Option<&'a Path>,
}

impl ComposeCli {
    /// Finds a compose CLI on `PATH`: `docker compose` first, then `docker-compose`.
    pub async fn detect() -> Result<Self, ComposeError> {
        for program in [vec!["docker", "compose"], vec!["docker-compose"]] {
            let ok = Command::new(program[0])
                .args(&program[1..])
                .arg("version")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .await
                .map(|s| s.success())
                .unwrap_or(false);
            if ok {
                return Ok(Self {
                    program: program.into_iter().map(str::to_owned).collect(),
                });
            }
        }
        Err(ComposeError::Missing)
    }

    /// The command line's first words, e.g. `["docker-compose"]`.
    pub fn program(&self) -> &[String] {
        &self.program
    }

    fn command(&self, inv: &ComposeInvocation<'_>, tls_dir: Option<&Path>) -> Command {
        let mut c = Command::new(&self.program[0]);
        c.args(&self.program[1..]);
        c.env_clear()
            .current_dir(inv.workdir)
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into()),
            )
            .env("HOME", inv.workdir)
            .env("PYTHONUNBUFFERED", "1")
            .env("COMPOSE_INTERACTIVE_NO_CLI", "1");
        match inv.target {
            Target::Socket(p) => {
                c.env("DOCKER_HOST", format!("unix://{p}"));
            }
            Target::Http(a) => {
                c.env("DOCKER_HOST", format!("tcp://{a}"));
            }
            Target::Https(a, m) => {
                c.env("DOCKER_HOST", format!("tcp://{a}"));
                c.env("DOCKER_TLS", "1");
                if !m.skip_verify {
                    c.env("DOCKER_TLS_VERIFY", "1");
                }
                if let Some(d) = tls_dir {
                    c.env("DOCKER_CERT_PATH", d);
                }
            }
        }
        for (k, v) in inv.env {
            c.env(k, v);
        }
        c.arg("--ansi").arg("never").arg("-p").arg(inv.project);
        if let Some(d) = inv.project_dir {
            c.arg("--project-directory").arg(d);
        }
        if let Some(f) = inv.env_file {
            c.arg("--env-file").arg(f);
        }
        for f in inv.files {
            c.arg("-f").arg(f);
        }
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(false);
        c
    }

    /// Runs `compose <args>`, sending each output line (stdout and stderr, as they come) to
    /// `lines`; returns the exit code (`-1` when killed by a signal). A closed receiver does not
    /// stop the command.
    pub async fn run(
        &self,
        inv: &ComposeInvocation<'_>,
        args: &[&str],
        lines: mpsc::UnboundedSender<String>,
    ) -> Result<i32, ComposeError> {
        let tls_dir = write_tls(inv)?;
        let r = self.run_inner(inv, tls_dir.as_deref(), args, lines).await;
        if let Some(d) = tls_dir {
            let _ = std::fs::remove_dir_all(d);
        }
        r
    }

    async fn run_inner(
        &self,
        inv: &ComposeInvocation<'_>,
        tls_dir: Option<&Path>,
        args: &[&str],
        lines: mpsc::UnboundedSender<String>,
    ) -> Result<i32, ComposeError> {
        let mut child = self.command(inv, tls_dir).args(args).spawn()?;
        let out = child.stdout.take().map(|s| pump(s, lines.clone()));
        let err = child.stderr.take().map(|s| pump(s, lines.clone()));
        let status = child.wait().await?;
        if let Some(t) = out {
            let _ = t.await;
        }
        if let Some(t) = err {
            let _ = t.await;
        }
        Ok(status.code().unwrap_or(-1))
    }

    /// Runs `compose <args>` and returns its stdout (stderr lines go to `lines`) with the exit
    /// code. Used for `config`, whose output may hold secret values: never log it.
    pub async fn output(
        &self,
        inv: &ComposeInvocation<'_>,
        args: &[&str],
    ) -> Result<(i32, String, String), ComposeError> {
        let tls_dir = write_tls(inv)?;
        let r = self
            .command(inv, tls_dir.as_deref())
            .args(args)
            .output()
            .await;
        if let Some(d) = tls_dir {
            let _ = std::fs::remove_dir_all(d);
        }
        let o = r?;
        Ok((
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ))
    }
}

fn pump(
    s: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    tx: mpsc::UnboundedSender<String>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut r = BufReader::new(s).lines();
        while let Ok(Some(l)) = r.next_line().await {
            // Progress output redraws with carriage returns: keep the last state of the line.
            let l = l.rsplit('\r').next().unwrap_or_default().to_owned();
            if !l.trim().is_empty() {
                let _ = tx.send(l);
            }
        }
    })
}

fn write_tls(inv: &ComposeInvocation<'_>) -> Result<Option<PathBuf>, ComposeError> {
    let Target::Https(_, m) = inv.target else {
        return Ok(None);
    };
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = inv.workdir.join(format!(".tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    for (name, part) in [
        ("ca.pem", &m.ca),
        ("cert.pem", &m.cert),
        ("key.pem", &m.key),
    ] {
        if let Some(pem) = part {
            use std::io::Write;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(dir.join(name))?
                .write_all(pem.as_bytes())?;
        }
    }
    Ok(Some(dir))
}
