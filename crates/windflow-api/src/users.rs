//! Users (module identity).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

vocabulary! {
    /// Where a user authenticates.
    pub enum AuthProvider {
        /// Password stored in WindFlow.
        Local => "local",
        /// LDAP directory.
        Ldap => "ldap",
        /// OpenID Connect provider.
        Oidc => "oidc",
    }
}

vocabulary! {
    /// UI theme preference.
    #[derive(Default)]
    pub enum Theme {
        /// Follow the operating system.
        #[default]
        System => "system",
        /// Light theme.
        Light => "light",
        /// Dark theme.
        Dark => "dark",
    }
}

/// A user as returned by the API (never contains the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// User id.
    pub id: Uuid,
    /// Unique username.
    pub username: String,
    /// Unique email address (lower-cased).
    pub email: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Authentication provider.
    pub auth_provider: AuthProvider,
    /// Superadmins hold every permission everywhere.
    pub is_superadmin: bool,
    /// Inactive users cannot log in.
    pub is_active: bool,
    /// Whether the email address was verified.
    pub email_verified: bool,
    /// UI theme.
    pub theme: Theme,
    /// Last successful login.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Free-form profile fields.
    pub profile: serde_json::Value,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/users` body (superadmins).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Username, 3 to 64 characters of `[A-Za-z0-9._-]`.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Initial password (policy from auth settings).
    pub password: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Grant superadmin (default false).
    #[serde(default)]
    pub is_superadmin: bool,
}

/// `PATCH /api/v1/users/{id}` body. Absent fields are unchanged. Users may change their own
/// `display_name`, `avatar`, `theme` and `profile`; the other fields need `users:update`
/// (superadmins).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// New email address.
    pub email: Option<String>,
    /// New display name.
    pub display_name: Option<String>,
    /// New avatar URL.
    pub avatar: Option<String>,
    /// New theme.
    pub theme: Option<Theme>,
    /// New profile JSON object.
    pub profile: Option<serde_json::Value>,
    /// Activate or deactivate (deactivation revokes the user's sessions).
    pub is_active: Option<bool>,
    /// Grant or revoke superadmin.
    pub is_superadmin: Option<bool>,
}
