//! RFC 9457 problem details with WindFlow's stable machine codes.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Stable machine-readable error code. Clients key on this, never on `title` or `detail`.
/// New codes may be added; existing codes never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed in a way no field error describes (400).
    BadRequest,
    /// The body is not well-formed JSON (400).
    MalformedJson,
    /// One or more fields are invalid; see `errors` (422).
    ValidationFailed,
    /// The body's `Content-Type` is not `application/json` (415).
    UnsupportedMediaType,
    /// The body is larger than the configured limit (413).
    PayloadTooLarge,
    /// No valid credentials were presented (401).
    Unauthenticated,
    /// Username/email or password is wrong (401). Same answer for unknown users.
    InvalidCredentials,
    /// The refresh token is unknown, expired or revoked (401).
    InvalidRefreshToken,
    /// A refresh token was used twice: its whole session was revoked (401).
    RefreshTokenReused,
    /// A cookie-authenticated mutation lacked a matching `X-CSRF-Token` header (403).
    CsrfFailed,
    /// The principal lacks the permission (403).
    Forbidden,
    /// No such object, or it belongs to another tenant (404).
    NotFound,
    /// The method is not allowed on this path (405).
    MethodNotAllowed,
    /// The change conflicts with existing state, e.g. a duplicate name (409).
    Conflict,
    /// First-run setup was already completed (409).
    SetupAlreadyDone,
    /// Too many failed login attempts; retry after `Retry-After` seconds (429).
    TooManyAttempts,
    /// A server-wide limit is reached (e.g. concurrent compose processes); retry after
    /// `Retry-After` seconds (429).
    Busy,
    /// An unexpected server error; the log has the cause under the request id (500).
    Internal,
    /// A dependency (database) is unavailable (503).
    ServiceUnavailable,
    /// The endpoint's Docker engine cannot be reached or failed (502).
    EngineUnavailable,
    /// A webhook delivery's signature or token is missing or wrong (401).
    WebhookSignatureInvalid,
}

/// One invalid field of a request (RFC 9457 extension member `errors`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// JSON path of the field, e.g. `name` or `permissions[2]`.
    pub field: String,
    /// Machine code of the failed rule, e.g. `too_short`, `invalid_format`, `unknown`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 `application/problem+json` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// URI reference identifying the problem type (`about:blank` or `urn:windflow:problem:<code>`).
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation of this occurrence, safe to show to users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path this occurrence happened on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Stable machine code.
    pub code: ErrorCode,
    /// Per-field errors for `validation_failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// Request id, also in the `X-Request-Id` header and the server log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
