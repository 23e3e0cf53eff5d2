//! The container console: an interactive exec session over an authenticated WebSocket.
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use actix_ws::Message;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::docker::ExecQuery;
use windflow_core::services::docker;
use windflow_core::services::docker::containers::{Engine, ExecSession};
use windflow_core::{Core, Principal};

use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::sse::REAUTH_SECS;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(exec);
}

/// A browser's WebSocket carries cookies but no custom header, so the CSRF defence for a
/// cookie-authenticated console is the `Origin` check (cross-site WebSocket hijacking).
fn same_origin(req: &HttpRequest) -> bool {
    if req.headers().contains_key("authorization") {
        return true;
    }
    let Some(origin) = req.headers().get("origin").and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = req.connection_info().host().to_owned();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// 403 `csrf_failed` for a cross-origin console request (see [`same_origin`]).
fn check_origin(req: &HttpRequest) -> ApiResult<()> {
    if same_origin(req) {
        return Ok(());
    }
    Err(ApiError::http(
        StatusCode::FORBIDDEN,
        ErrorCode::CsrfFailed,
        "cross-origin console request",
    ))
}

/// 400 for a request that is not a valid WebSocket upgrade.
fn bad_upgrade(e: impl std::fmt::Display) -> ApiError {
    ApiError::http(
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
        e.to_string(),
    )
}

/// The command of a console: `cmd` split on whitespace (`sh` by default).
fn command(q: &ExecQuery) -> Vec<String> {
    q.cmd
        .as_deref()
        .unwrap_or("sh")
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Opens an interactive console (WebSocket upgrade). Binary or text frames go to stdin, a text
/// frame `{"type":"resize","cols":C,"rows":R}` resizes the TTY; output comes as binary frames,
/// then `{"type":"exit","code":N}`. Permission: `containers:exec`.
#[utoipa::path(tag = "docker", params(("id" = Uuid, Path, description = "Endpoint id"), ("cid" = String, Path, description = "Container"), ExecQuery),
    responses((status = 101, description = "Switching to the WebSocket protocol")))]
#[get("/endpoints/{id}/containers/{cid}/exec")]
async fn exec(
    st: Data<AppState>,
    u: AuthUser,
    req: HttpRequest,
    body: Payload,
    p: Path<(Uuid, String)>,
    q: Query<ExecQuery>,
) -> ApiResult<HttpResponse> {
    check_origin(&req)?;
    let (id, cid) = p.into_inner();
    let (engine, session) = docker::containers::exec(
        &st.core,
        u.ctx(),
        id,
        &cid,
        command(&q),
        q.tty.unwrap_or(true),
    )
    .await?;
    let (response, ws, incoming) = actix_ws::handle(&req, body).map_err(bad_upgrade)?;
    let who = (st.core.clone(), u.principal.clone());
    pump(engine, session, ws, incoming, who);
    Ok(response)
}

/// Runs a console session in two tasks: the process's output goes to the WebSocket (then its
/// exit code), and the WebSocket's frames go to the process's stdin (or resize the TTY).
fn pump(
    engine: Engine,
    session: ExecSession,
    mut ws: actix_ws::Session,
    mut incoming: actix_ws::MessageStream,
    (core, principal): (Core, Principal),
) {
    let exec_id = session.id.clone();
    let mut output = session.output;
    let mut input = session.input;
    let mut out_ws = ws.clone();
    let out_engine = engine.clone();
    let out_id = exec_id.clone();
    actix_web::rt::spawn(async move {
        // The session is re-checked every few seconds: a revoked session, or a deactivated
        // user, closes the console (issue 11, section 5).
        let mut check = tokio::time::interval(std::time::Duration::from_secs(REAUTH_SECS));
        check.tick().await;
        loop {
            tokio::select! {
                chunk = output.next() => match chunk {
                    Some(Ok(bytes)) => {
                        if out_ws.binary(bytes).await.is_err() {
                            return;
                        }
                    }
                    _ => break,
                },
                _ = check.tick() => {
                    if !windflow_core::services::auth::session_alive(&core, &principal).await {
                        let _ = out_ws
                            .text(serde_json::json!({ "type": "closed", "reason": "session ended" }).to_string())
                            .await;
                        let _ = out_ws.close(None).await;
                        return;
                    }
                }
            }
        }
        let code = out_engine.exec_exit_code(&out_id).await.ok().flatten();
        let _ = out_ws
            .text(serde_json::json!({ "type": "exit", "code": code }).to_string())
            .await;
        let _ = out_ws.close(None).await;
    });
    actix_web::rt::spawn(async move {
        while let Some(Ok(msg)) = incoming.next().await {
            let data: Option<Vec<u8>> = match msg {
                Message::Text(t) => match serde_json::from_str::<serde_json::Value>(&t)
                    .ok()
                    .filter(|v| v["type"] == "resize")
                {
                    Some(v) => {
                        let (cols, rows) = (
                            v["cols"].as_u64().unwrap_or(80) as u16,
                            v["rows"].as_u64().unwrap_or(24) as u16,
                        );
                        let _ = engine.exec_resize(&exec_id, cols, rows).await;
                        None
                    }
                    None => Some(t.as_bytes().to_vec()),
                },
                Message::Binary(b) => Some(b.to_vec()),
                Message::Ping(b) => {
                    let _ = ws.pong(&b).await;
                    None
                }
                Message::Close(_) => break,
                _ => None,
            };
            if let Some(d) = data
                && input.write_all(&d).await.is_err()
            {
                break;
            }
        }
        let _ = input.shutdown().await;
    });
}
