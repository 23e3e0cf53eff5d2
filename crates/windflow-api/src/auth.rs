//! Authentication, sessions, first-run setup and auth settings.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::tenancy::MembershipRole;
use crate::users::{AuthProvider, User};

/// `POST /api/v1/auth/login` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username or email address.
    pub login: String,
    /// Password (never logged).
    pub password: String,
}

/// Tokens issued by login and refresh. Browser clients also receive them as cookies.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// Access JWT (HS256, `kid` header), valid `expires_in` seconds.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
    /// Opaque refresh token; single use, rotated on every refresh.
    pub refresh_token: String,
    /// CSRF token to echo in `X-CSRF-Token` on cookie-authenticated mutations.
    pub csrf_token: String,
    /// Session id (the refresh-token family).
    pub session_id: Uuid,
    /// The authenticated user.
    pub user: User,
}

/// `POST /api/v1/auth/refresh` body. API clients send the token here; browsers may send `{}`
/// and rely on the refresh cookie.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token; falls back to the `wf_refresh` cookie when absent.
    pub refresh_token: Option<String>,
}

/// `POST /api/v1/setup` body: creates the first superadmin with the one-time setup token.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// The one-time token printed in the server log on first start.
    pub token: String,
    /// Username, 3 to 64 characters of `[A-Za-z0-9._-]`.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Password, 12 to 128 characters.
    pub password: String,
    /// Optional display name.
    pub display_name: Option<String>,
}

/// `GET /api/v1/setup` answer: whether first-run setup is still open.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SetupStatus {
    /// True while no user exists.
    pub required: bool,
}

/// `POST /api/v1/users/me/password` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The current password.
    pub current_password: String,
    /// The new password (policy from auth settings).
    pub new_password: String,
}

/// One organization membership of the current user, with its effective permissions at
/// organization scope.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionMembership {
    /// Organization id.
    pub organization_id: Uuid,
    /// Organization name.
    pub organization_name: String,
    /// Membership role.
    pub role: MembershipRole,
    /// Effective permissions at organization scope (`resource:action`, wildcards kept).
    pub permissions: Vec<String>,
}

/// `GET /api/v1/auth/session`: who is logged in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CurrentSession {
    /// The current user.
    pub user: User,
    /// Session id.
    pub session_id: Uuid,
    /// When the session expires.
    pub expires_at: DateTime<Utc>,
    /// Memberships with effective organization-scope permissions.
    pub memberships: Vec<SessionMembership>,
}

/// One login session of the current user (`GET /api/v1/users/me/sessions`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    /// Session id.
    pub id: Uuid,
    /// How the session was opened.
    pub provider: AuthProvider,
    /// Client IP at login.
    pub ip: Option<String>,
    /// Client user agent at login.
    pub user_agent: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last refresh.
    pub last_seen_at: DateTime<Utc>,
    /// Absolute expiry.
    pub expires_at: DateTime<Utc>,
    /// True for the session making this request.
    pub current: bool,
}

/// Authentication settings (singleton, superadmins only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Session (refresh-token family) lifetime in minutes, 5 to 525600.
    pub session_timeout_minutes: i64,
    /// Failed attempts per username within the window before lockout, 1 to 100.
    pub lockout_max_attempts_per_user: i64,
    /// Failed attempts per client IP within the window before lockout, 1 to 10000.
    pub lockout_max_attempts_per_ip: i64,
    /// Lockout window in seconds, 10 to 86400.
    pub lockout_window_seconds: i64,
    /// Minimum password length, 12 to 128 (the floor is 12).
    pub password_min_length: i64,
    /// Maximum password length, at least `password_min_length`, at most 128.
    pub password_max_length: i64,
}
