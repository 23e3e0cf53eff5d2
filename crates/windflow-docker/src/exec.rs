//! Interactive exec sessions (the console): output as a byte stream, input as an async writer.
use std::pin::Pin;

use bollard::exec::{ResizeExecOptions, StartExecOptions, StartExecResults};
use bollard::models::ExecConfig;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWrite;

use crate::{Engine, EngineError};

/// Output bytes of a session.
pub type ExecOutput = Pin<Box<dyn Stream<Item = Result<Vec<u8>, EngineError>> + Send>>;
/// Input of a session.
pub type ExecInput = Pin<Box<dyn AsyncWrite + Send>>;

/// A started exec session.
pub struct ExecSession {
    /// Exec id (for resize and the exit code).
    pub id: String,
    /// What the process writes (stdout and stderr; one stream with a TTY).
    pub output: ExecOutput,
    /// The process's stdin.
    pub input: ExecInput,
}

impl Engine {
    /// Starts `cmd` in a running container with stdin attached (and a TTY when `tty`).
    pub async fn exec(
        &self,
        container: &str,
        cmd: Vec<String>,
        tty: bool,
    ) -> Result<ExecSession, EngineError> {
        let container = &crate::object_ref(container)?;
        let created = self
            .docker
            .create_exec(
                container,
                ExecConfig {
                    attach_stdin: Some(true),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    tty: Some(tty),
                    cmd: Some(cmd),
                    ..Default::default()
                },
            )
            .await?;
        match self
            .docker
            .start_exec(
                &created.id,
                Some(StartExecOptions {
                    detach: false,
                    tty,
                    output_capacity: None,
                }),
            )
            .await?
        {
            StartExecResults::Attached { output, input } => Ok(ExecSession {
                id: created.id,
                output: Box::pin(output.map(|r| {
                    r.map(|o| o.into_bytes().to_vec())
                        .map_err(EngineError::from)
                })),
                input,
            }),
            StartExecResults::Detached => {
                Err(EngineError::BadRequest("exec started detached".into()))
            }
        }
    }

    /// Resizes a session's TTY.
    pub async fn exec_resize(&self, id: &str, cols: u16, rows: u16) -> Result<(), EngineError> {
        let id = &crate::object_ref(id)?;
        Ok(self
            .docker
            .resize_exec(
                id,
                ResizeExecOptions {
                    width: cols,
                    height: rows,
                },
            )
            .await?)
    }

    /// The exit code of a finished session (`None` while it runs).
    pub async fn exec_exit_code(&self, id: &str) -> Result<Option<i64>, EngineError> {
        let id = &crate::object_ref(id)?;
        Ok(self.docker.inspect_exec(id).await?.exit_code)
    }
}
