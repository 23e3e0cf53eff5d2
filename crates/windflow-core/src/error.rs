//! The one error type of the service layer. The server maps each variant to an RFC 9457
//! problem; `DbErr` is mapped to it in exactly one place ([`From<DbErr>`]).
use sea_orm::{DbErr, SqlErr};
use windflow_api::FieldError;

/// Result of a service call.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// What went wrong, in terms callers act on.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No such object, or it belongs to another tenant (never reveal which).
    #[error("not found")]
    NotFound,
    /// The principal lacks the named permission.
    #[error("missing permission {0}")]
    Forbidden(String),
    /// No valid credentials.
    #[error("authentication required")]
    Unauthenticated,
    /// Wrong login or password (same answer for unknown users).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// A wrong or expired first-run setup token (401 `invalid_credentials`, with its own
    /// detail: review D16, where it read "invalid login or password").
    #[error("invalid setup token")]
    InvalidSetupToken,
    /// Unknown, expired or revoked refresh token.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// A refresh token was replayed; the session family was revoked.
    #[error("refresh token reused")]
    RefreshTokenReused,
    /// Conflicts with existing state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// First-run setup already done.
    #[error("setup already done")]
    SetupAlreadyDone,
    /// Field validation failed.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Malformed request that is not a field error.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Too many failed attempts; retry after the given number of seconds.
    #[error("too many attempts, retry after {0} s")]
    TooManyAttempts(u64),
    /// A server-wide limit is reached (e.g. concurrent compose processes); retry after the
    /// given number of seconds (429).
    #[error("busy: {0}")]
    Busy(String),
    /// A dependency is unavailable.
    #[error("{service} unavailable: {message}")]
    Upstream {
        /// Which dependency.
        service: &'static str,
        /// Cause (logged, not returned).
        message: String,
    },
    /// The endpoint's Docker engine is unreachable or failed (message is the engine's).
    #[error("engine unavailable: {0}")]
    EngineUnavailable(String),
    /// A webhook delivery's signature or token is missing or wrong.
    #[error("webhook signature invalid: {0}")]
    WebhookSignature(String),
    /// Anything else; the cause is logged, never returned.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// A validation error on one field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }
    /// Wraps any error as internal.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<DbErr> for ServiceError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                return Self::Conflict(
                    "an object with the same unique value already exists".into(),
                );
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                return Self::Conflict(
                    "a referenced object does not exist or is still in use".into(),
                );
            }
            _ => {}
        }
        match e {
            DbErr::RecordNotFound(_) => Self::NotFound,
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => Self::Upstream {
                service: "database",
                message: e.to_string(),
            },
            other => Self::Internal(other.to_string()),
        }
    }
}
