//! Local authentication: first-run setup, login with brute-force lockout, refresh-token
//! rotation with reuse detection, logout, access-token authentication, sessions, password change.
//!
//! Refresh tokens (RFC 6749 §10.4, OAuth 2.0 Security BCP §4.14): opaque, stored as SHA-256,
//! single use; each refresh marks the presented token used and issues a new one in the same
//! family (the session). Presenting a used token again revokes the whole session, and with it
//! every access token of the session (authentication checks the session).
//!
//! Files: `setup` (first run), `login` (login, lockout, refresh, password change) and
//! `sessions` (authentication, session list, revocation, logout). `users` calls
//! `sessions::revoke_user_sessions`; `setup` creates the first user through `users`; nothing in
//! `sessions` calls back into `users`.
mod login;
pub(crate) mod sessions;
mod setup;

pub use login::{change_password, login, refresh};
pub(crate) use sessions::revoke_user_sessions;
pub use sessions::{
    authenticate, current_session, delete_session, list_sessions, logout, session_alive,
};
pub use setup::{SETUP_TOKEN_TTL_SECS, issue_setup_token, setup, setup_required};
