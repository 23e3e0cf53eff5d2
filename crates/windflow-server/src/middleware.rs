//! The outermost middleware: request id, problem rendering with request facts, structured
//! request log and Prometheus metrics.
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

use crate::error::ApiError;
use crate::extract::RequestId;
use crate::state::AppState;

fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let v = req
        .headers()
        .get(windflow_api::REQUEST_ID_HEADER)?
        .to_str()
        .ok()?;
    (!v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    .then(|| v.to_owned())
}

/// Assigns the request id (a valid incoming `X-Request-Id` is kept), logs the request in a span
/// carrying it, re-renders `ApiError` problems with `request_id` and `instance`, returns the id
/// in `X-Request-Id`, and records count and latency per route pattern.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let rid = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(rid.clone()));
    let metrics = req.app_data::<Data<AppState>>().map(|s| s.metrics.clone());
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %rid, method = %method, path = %path);
    let start = Instant::now();
    let res = next.call(req).instrument(span.clone()).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let rerender = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .map(|api| {
            (
                api.render(Some(rid.clone()), Some(path.clone())),
                format!("{api:?}"),
            )
        });
    let mut res = match rerender {
        Some((body, cause)) => {
            if body.status().is_server_error() {
                span.in_scope(|| tracing::error!(cause = %cause, "request failed"));
            }
            res.into_response(body.map_into_boxed_body())
        }
        None => res.map_into_boxed_body(),
    };
    if let Ok(v) = HeaderValue::from_str(&rid) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    let status = res.status().as_u16();
    let elapsed = start.elapsed().as_secs_f64();
    if let Some(m) = metrics {
        m.observe(&method, &route, status, elapsed);
    }
    span.in_scope(
        || tracing::info!(status, route = %route, latency_ms = elapsed * 1000.0, "request"),
    );
    Ok(res)
}

/// Content-Security-Policy of every response that sets none itself (API answers, files):
/// nothing may load from them and no page may frame them. The web app's `index.html` and the
/// API docs page set their own ([`crate::web`], [`crate::docs`]).
pub const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Headers on every response (issue 11, section 5), each only where the handler set none:
/// `Content-Security-Policy` ([`DEFAULT_CSP`]), `X-Frame-Options: DENY`,
/// `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
/// `Cross-Origin-Opener-Policy: same-origin`.
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add(("Content-Security-Policy", DEFAULT_CSP))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}
