//! `ApiError`: every failure as an RFC 9457 `application/problem+json` body with a stable
//! [`ErrorCode`]. 5xx bodies say nothing internal: the cause goes to the log with the request
//! id. The request-id middleware re-renders problems with `request_id` and `instance` filled in.
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use windflow_api::{ErrorCode, FieldError, PROBLEM_JSON, Problem};
use windflow_core::ServiceError;

/// An HTTP-level error.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// From the service layer.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Raised by the HTTP layer itself (body parsing, CSRF, routing).
    #[error("{code:?}: {detail}")]
    Http {
        /// Status.
        status: StatusCode,
        /// Machine code.
        code: ErrorCode,
        /// Detail shown to the client.
        detail: String,
        /// Field errors (for 422).
        errors: Option<Vec<FieldError>>,
    },
}

impl ApiError {
    /// An HTTP-level error.
    pub fn http(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Http {
            status,
            code,
            detail: detail.into(),
            errors: None,
        }
    }

    /// Status, code, detail, field errors and `Retry-After` seconds.
    fn parts(
        &self,
    ) -> (
        StatusCode,
        ErrorCode,
        Option<String>,
        Option<Vec<FieldError>>,
        Option<u64>,
    ) {
        use ServiceError as S;
        match self {
            ApiError::Http {
                status,
                code,
                detail,
                errors,
            } => (*status, *code, Some(detail.clone()), errors.clone(), None),
            ApiError::Service(e) => match e {
                S::NotFound => (
                    StatusCode::NOT_FOUND,
                    ErrorCode::NotFound,
                    Some("no such object".into()),
                    None,
                    None,
                ),
                S::Forbidden(p) => (
                    StatusCode::FORBIDDEN,
                    ErrorCode::Forbidden,
                    Some(format!("missing permission {p}")),
                    None,
                    None,
                ),
                S::Unauthenticated => (
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::Unauthenticated,
                    Some("authentication required".into()),
                    None,
                    None,
                ),
                S::InvalidCredentials => (
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::InvalidCredentials,
                    Some("invalid login or password".into()),
                    None,
                    None,
                ),
                S::InvalidSetupToken => (
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::InvalidCredentials,
                    Some(
                        "the setup token is wrong or has expired (the server prints a new one in \
                         its log at each start while no administrator exists)"
                            .into(),
                    ),
                    None,
                    None,
                ),
                S::InvalidRefreshToken => (
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::InvalidRefreshToken,
                    Some("the refresh token is invalid or expired".into()),
                    None,
                    None,
                ),
                S::RefreshTokenReused => (
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::RefreshTokenReused,
                    Some(
                        "this refresh token was already used; the session has been revoked".into(),
                    ),
                    None,
                    None,
                ),
                S::Conflict(d) => (
                    StatusCode::CONFLICT,
                    ErrorCode::Conflict,
                    Some(d.clone()),
                    None,
                    None,
                ),
                S::SetupAlreadyDone => (
                    StatusCode::CONFLICT,
                    ErrorCode::SetupAlreadyDone,
                    Some("setup was already completed".into()),
                    None,
                    None,
                ),
                S::Validation(errs) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::ValidationFailed,
                    Some("one or more fields are invalid".into()),
                    Some(errs.clone()),
                    None,
                ),
                S::BadRequest(d) => (
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BadRequest,
                    Some(d.clone()),
                    None,
                    None,
                ),
                S::TooManyAttempts(secs) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::TooManyAttempts,
                    Some(format!(
                        "too many failed attempts; retry in {}",
                        human_wait(*secs)
                    )),
                    None,
                    Some(*secs),
                ),
                S::Busy(d) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::Busy,
                    Some(d.clone()),
                    None,
                    Some(5),
                ),
                S::Upstream { service, .. } => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::ServiceUnavailable,
                    Some(format!("{service} is unavailable")),
                    None,
                    None,
                ),
                S::EngineUnavailable(m) => (
                    StatusCode::BAD_GATEWAY,
                    ErrorCode::EngineUnavailable,
                    Some(format!("the Docker engine is unavailable: {m}")),
                    None,
                    None,
                ),
                S::WebhookSignature(m) => (
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::WebhookSignatureInvalid,
                    Some(m.clone()),
                    None,
                    None,
                ),
                S::Internal(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    Some("internal error".into()),
                    None,
                    None,
                ),
            },
        }
    }

    /// The problem body, with the request facts when known.
    pub fn problem(&self, request_id: Option<String>, instance: Option<String>) -> Problem {
        let (status, code, detail, errors, _) = self.parts();
        let code_str = serde_json::to_value(code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Problem {
            type_: format!("urn:windflow:problem:{code_str}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            instance,
            code,
            errors,
            request_id,
        }
    }

    /// Renders the response (also used by the middleware to add request facts).
    pub fn render(&self, request_id: Option<String>, instance: Option<String>) -> HttpResponse {
        let (status, _, _, _, retry) = self.parts();
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Some(s) = retry {
            res.insert_header((header::RETRY_AFTER, s.to_string()));
        }
        if status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        let body = serde_json::to_vec(&self.problem(request_id, instance)).unwrap_or_default();
        res.body(body)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }
    fn error_response(&self) -> HttpResponse {
        self.render(None, None)
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A wait for people to read (review D34: "retry in 897 s" reads better as "15 min"): whole
/// minutes, rounded up, from a minute on; seconds below. The exact figure is in
/// `Retry-After`.
fn human_wait(secs: u64) -> String {
    if secs >= 60 {
        format!("{} min", secs.div_ceil(60))
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod wait_tests {
    use super::human_wait;

    #[test]
    fn waits_read_in_minutes_from_a_minute_on() {
        assert_eq!(human_wait(897), "15 min");
        assert_eq!(human_wait(60), "1 min");
        assert_eq!(human_wait(61), "2 min");
        assert_eq!(human_wait(59), "59 s");
    }
}
