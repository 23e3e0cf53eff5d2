//! Request extractors: the authenticated principal and the request facts for the audit log.
use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode};
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use windflow_api::{ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER, ErrorCode};
use windflow_core::services::auth;
use windflow_core::{Ctx, Principal, RequestMeta};

use crate::error::ApiError;
use crate::state::AppState;

/// The request id put in extensions by the middleware.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn state(req: &HttpRequest) -> Result<Data<AppState>, ApiError> {
    req.app_data::<Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Service(windflow_core::ServiceError::internal("state missing")))
}

/// Request facts for the audit log (client IP, user agent, request id).
pub fn meta_of(req: &HttpRequest, trust_proxy_headers: bool) -> RequestMeta {
    let ip = if trust_proxy_headers {
        req.connection_info().realip_remote_addr().map(|s| {
            s.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or(s)
                .to_owned()
        })
    } else {
        req.peer_addr().map(|a| a.ip().to_string())
    };
    RequestMeta {
        ip,
        user_agent: req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    }
}

/// Request facts of an anonymous route.
pub struct Meta(pub RequestMeta);

impl FromRequest for Meta {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(state(req).map(|s| Meta(meta_of(req, s.trust_proxy_headers))))
    }
}

/// True when a cookie-authenticated mutation carries the CSRF header equal to the CSRF cookie
/// (double-submit cookie, OWASP CSRF Prevention Cheat Sheet). Safe methods need nothing.
pub fn csrf_ok(req: &HttpRequest) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    let cookie = req.cookie(CSRF_COOKIE);
    match (header, cookie) {
        (Some(h), Some(c)) if !h.is_empty() => {
            use subtle::ConstantTimeEq;
            h.as_bytes().ct_eq(c.value().as_bytes()).into()
        }
        _ => false,
    }
}

/// An authenticated caller: `Authorization: Bearer <jwt>` or the `wf_access` cookie (then
/// mutations need `X-CSRF-Token`). Missing or bad credentials → 401 `unauthenticated`.
pub struct AuthUser {
    /// The principal.
    pub principal: Principal,
    /// Request facts.
    pub meta: RequestMeta,
}

impl AuthUser {
    /// The service context of this request.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            principal: &self.principal,
            meta: &self.meta,
        }
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let st = state(req);
        let bearer = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_owned());
        let (token, via_cookie) = match bearer {
            Some(t) => (Some(t), false),
            None => (
                req.cookie(ACCESS_COOKIE).map(|c| c.value().to_owned()),
                true,
            ),
        };
        let csrf = !via_cookie || csrf_ok(req);
        let meta = st
            .as_ref()
            .map(|s| meta_of(req, s.trust_proxy_headers))
            .unwrap_or_default();
        Box::pin(async move {
            let st = st?;
            let token = token.ok_or(windflow_core::ServiceError::Unauthenticated)?;
            let principal = auth::authenticate(&st.core, &token).await?;
            if !csrf {
                return Err(ApiError::http(
                    StatusCode::FORBIDDEN,
                    ErrorCode::CsrfFailed,
                    "missing or wrong X-CSRF-Token header",
                ));
            }
            Ok(AuthUser { principal, meta })
        })
    }
}
