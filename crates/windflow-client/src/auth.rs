//! Authentication: first-run setup, login, logout, token refresh, the current session, my
//! sessions and password, and the authentication settings.
use uuid::Uuid;
use windflow_api::auth::{
    AuthSettings, ChangePasswordRequest, CurrentSession, LoginRequest, RefreshRequest, SessionView,
    SetupRequest, SetupStatus, TokenResponse,
};

use crate::transport::Verb;
use crate::{Client, ClientResult};

impl Client {
    /// `GET /setup`: whether first-run setup is still open. Public.
    pub async fn setup_status(&self) -> ClientResult<SetupStatus> {
        self.get("/setup").await
    }
    /// `POST /setup`: creates the first superadmin with the one-time token from the server log
    /// and answers its tokens. Public; 409 once setup is done, 401 with a wrong token, 422 on an
    /// invalid username, email or password.
    pub async fn setup(&self, req: &SetupRequest) -> ClientResult<TokenResponse> {
        self.post("/setup", req).await
    }
    /// `POST /auth/login`: logs in with username or email and password and answers the
    /// tokens. Public; 401 `invalid_credentials`, 429 while locked out.
    pub async fn login(&self, req: &LoginRequest) -> ClientResult<TokenResponse> {
        self.post("/auth/login", req).await
    }
    /// `POST /auth/logout`: revokes the session and the presented access token (204).
    pub async fn logout(&self) -> ClientResult<()> {
        self.call_unit(Verb::Post, "/auth/logout", None).await
    }
    /// `POST /auth/refresh`: rotates a refresh token (from the body, or the `wf_refresh`
    /// cookie with `X-CSRF-Token` in a browser) and answers new tokens. 401 when the token is
    /// unknown, expired or reused (reuse revokes its whole family).
    pub async fn refresh(&self, req: &RefreshRequest) -> ClientResult<TokenResponse> {
        self.post("/auth/refresh", req).await
    }
    /// `GET /auth/session`: the current user, session and memberships with their
    /// organization-scope permissions. 401 without a valid session.
    pub async fn session(&self) -> ClientResult<CurrentSession> {
        self.get("/auth/session").await
    }
    /// `POST /users/me/password`: changes my password (204); other sessions are revoked. 401
    /// when the current password is wrong, 422 when the new one breaks the policy.
    pub async fn change_password(&self, req: &ChangePasswordRequest) -> ClientResult<()> {
        self.call_unit(Verb::Post, "/users/me/password", Self::json(req)?)
            .await
    }
    /// `GET /users/me/sessions`: my live sessions, newest first.
    pub async fn my_sessions(&self) -> ClientResult<Vec<SessionView>> {
        self.get("/users/me/sessions").await
    }
    /// `DELETE /users/me/sessions/{id}`: revokes one of my sessions (another user's: 404).
    pub async fn revoke_session(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/users/me/sessions/{id}")).await
    }
    /// `GET /settings/auth`: the authentication settings. Permission: `settings:read`
    /// (superadmins).
    pub async fn auth_settings(&self) -> ClientResult<AuthSettings> {
        self.get("/settings/auth").await
    }
    /// `PUT /settings/auth`: replaces the authentication settings and answers them.
    /// Permission: `settings:update` (superadmins); 422 on out-of-range values.
    pub async fn set_auth_settings(&self, req: &AuthSettings) -> ClientResult<AuthSettings> {
        self.put("/settings/auth", req).await
    }
}
