//! The Docker Compose CLI as an adapter: `docker compose` (v2) when the `docker` client has the
//! plugin, else `docker-compose` (v1; the only one Debian ships here). Callers rely on the
//! `com.docker.compose.*` labels, never on container names (v1 `proj_svc_1`, v2 `proj-svc-1`).
//!
//! The compose process is not steerable by users (issue 11, section 3; review C4). Each run gets:
//! - a fixed process environment: `PATH` (the server's), `HOME` (a fresh `0700` run directory
//!   owned by the server, outside every stack directory), the `DOCKER_*` variables of the
//!   endpoint, `PYTHONUNBUFFERED` and `COMPOSE_INTERACTIVE_NO_CLI`. Nothing a user types is
//!   added to it, and the server's own environment (its secrets) never reaches compose;
//! - the stack's variables only as interpolation values, in a generated env file in that run
//!   directory, passed with `--env-file` (so compose never reads a `.env` that a container of
//!   the stack could have planted). A Git stack's env file comes first; the stack's variables
//!   follow and win. Values are single-quoted (`\` and `'` escaped): as in any `.env` file,
//!   `${NAME}` inside a value is expanded by compose v1's dotenv reader;
//! - for an `https` endpoint, the TLS material as files in the run directory.
//!
//! The run directory is removed when compose ends.
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
    /// Where per-run directories are made (`<data_dir>/run`): never under a stack directory or
    /// a checkout.
    pub run_root: &'a Path,
    /// Compose files (`-f`), in order.
    pub files: &'a [PathBuf],
    /// Variables for interpolation (written to the generated env file, never to the process
    /// environment). Names are checked by the caller.
    pub variables: &'a [(String, String)],
    /// `--project-directory` (a Git stack's checkout: relative paths resolve there); `None`:
    /// the directory of the first compose file.
    pub project_dir: Option<&'a Path>,
    /// A Git stack's env file content, written first into the generated env file.
    pub env_prefix: Option<&'a str>,
}

/// One value as a single-quoted dotenv value (`\` and `'` escaped).
fn dotenv_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A per-run directory: `HOME`, the env file, TLS material. Removed on drop.
struct RunDir(PathBuf);

impl RunDir {
    fn create(inv: &ComposeInvocation<'_>) -> Result<Self, ComposeError> {
        use std::io::Write;
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(inv.run_root)?;
        let dir = inv.run_root.join(uuid::Uuid::new_v4().simple().to_string());
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        let run = Self(dir);
        let open = |name: &str| {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(run.0.join(name))
        };
        let mut env = open("compose.env")?;
        if let Some(prefix) = inv.env_prefix {
            env.write_all(prefix.as_bytes())?;
            env.write_all(b"\n")?;
        }
        for (k, v) in inv.variables {
            env.write_all(format!("{k}={}\n", dotenv_quote(v)).as_bytes())?;
        }
        if let Target::Https(_, m) = inv.target {
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(run.0.join("tls"))?;
            for (name, part) in [
                ("tls/ca.pem", &m.ca),
                ("tls/cert.pem", &m.cert),
                ("tls/key.pem", &m.key),
            ] {
                if let Some(pem) = part {
                    open(name)?.write_all(pem.as_bytes())?;
                }
            }
        }
        Ok(run)
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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

    fn command(&self, inv: &ComposeInvocation<'_>, run: &RunDir) -> Command {
        let mut c = Command::new(&self.program[0]);
        c.args(&self.program[1..]);
        c.env_clear()
            .current_dir(inv.workdir)
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into()),
            )
            .env("HOME", &run.0)
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
                c.env("DOCKER_CERT_PATH", run.0.join("tls"));
            }
        }
        c.arg("--ansi").arg("never").arg("-p").arg(inv.project);
        if let Some(d) = inv.project_dir {
            c.arg("--project-directory").arg(d);
        }
        c.arg("--env-file").arg(run.0.join("compose.env"));
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
    /// the bounded channel `lines`; returns the exit code (`-1` when killed by a signal). A
    /// closed receiver does not stop the command.
    pub async fn run(
        &self,
        inv: &ComposeInvocation<'_>,
        args: &[&str],
        lines: mpsc::Sender<String>,
    ) -> Result<i32, ComposeError> {
        let run = RunDir::create(inv)?;
        self.run_inner(inv, &run, args, lines).await
    }

    async fn run_inner(
        &self,
        inv: &ComposeInvocation<'_>,
        run: &RunDir,
        args: &[&str],
        lines: mpsc::Sender<String>,
    ) -> Result<i32, ComposeError> {
        let mut child = self.command(inv, run).args(args).spawn()?;
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
        let run = RunDir::create(inv)?;
        let o = self.command(inv, &run).args(args).output().await?;
        drop(run);
        Ok((
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ))
    }
}

fn pump(
    s: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    tx: mpsc::Sender<String>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut r = BufReader::new(s).lines();
        while let Ok(Some(l)) = r.next_line().await {
            // Progress output redraws with carriage returns: keep the last state of the line.
            let l = l.rsplit('\r').next().unwrap_or_default().to_owned();
            // A bounded channel: a slow reader slows compose down instead of filling memory.
            if !l.trim().is_empty() && tx.send(l).await.is_err() {
                // The reader is gone; keep draining so compose never blocks on a full pipe.
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_single_quoted_with_escapes() {
        assert_eq!(dotenv_quote("plain"), "'plain'");
        assert_eq!(dotenv_quote("it's"), "'it\\'s'");
        assert_eq!(dotenv_quote("a\\b"), "'a\\\\b'");
    }
}
