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

/// What the contract (the OpenAPI document) says and routing alone cannot enforce, checked
/// before the request reaches a route:
/// - a known `/api/` path asked with a method its most specific template lacks is 405 with
///   `Allow` (so `PATCH /stacks/validate` is not routed to `PATCH /stacks/{id}` and 404);
///   `HEAD` counts as `GET`;
/// - a JSON body whose top-level type is not the declared one (an array where an object is
///   declared: serde would read a struct from a sequence) is 422 `validation_failed` on `body`.
///   The body is read (within the JSON body limit) and handed on unchanged.
pub async fn contract(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(st) = req.app_data::<Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    if !req.path().starts_with("/api/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let Some(route) = crate::openapi::route_for(&st.routes, req.path()) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let method = match req.method().as_str() {
        "HEAD" => "GET",
        m => m,
    }
    .to_owned();
    if !route.methods.contains(&method) {
        let res = crate::web::method_not_allowed(&route.methods);
        return Ok(req.into_response(res));
    }
    let is_json = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if let Some((_, kind)) = route.bodies.iter().find(|(m, _)| *m == method)
        && is_json
    {
        let bytes = match req.extract::<actix_web::web::Bytes>().await {
            Ok(b) => b,
            Err(_) => {
                let err = ApiError::http(
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                    windflow_api::ErrorCode::PayloadTooLarge,
                    "body larger than the limit (http.body_limit_bytes)",
                );
                return Ok(req.error_response(err));
            }
        };
        let parsed = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
        if parsed.as_ref().is_some_and(|v| !kind.accepts(v)) {
            let expected = match kind {
                crate::openapi::JsonKind::Object => "a JSON object",
                crate::openapi::JsonKind::Array => "a JSON array",
            };
            let err = ApiError::Http {
                status: actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                code: windflow_api::ErrorCode::ValidationFailed,
                detail: "the body does not match the schema".into(),
                errors: Some(vec![windflow_api::FieldError::new(
                    "body",
                    "invalid_type",
                    format!("must be {expected}"),
                )]),
            };
            return Ok(req.error_response(err));
        }
        // JSON Schema (and RFC 8259) make no difference between `3` and `3.0`: a number with
        // no fraction is an integer to the contract, so it is one to the handlers too.
        let bytes = match parsed {
            Some(mut v) => {
                if integral_floats(&mut v) {
                    serde_json::to_vec(&v)
                        .map(actix_web::web::Bytes::from)
                        .unwrap_or(bytes)
                } else {
                    bytes
                }
            }
            None => bytes,
        };
        req.set_payload(actix_web::dev::Payload::from(bytes));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// Rewrites every number of `v` that has no fraction (`3.0`) as an integer (`3`); true when
/// one was rewritten.
fn integral_floats(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // Integral and inside i64 (bounds ±2^63 are exact in f64).
            if f.fract() == 0.0
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
            {
                *v = Value::from(f as i64);
                true
            } else {
                false
            }
        }
        Value::Array(a) => a.iter_mut().fold(false, |acc, x| integral_floats(x) | acc),
        Value::Object(o) => o
            .values_mut()
            .fold(false, |acc, x| integral_floats(x) | acc),
        _ => false,
    }
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
