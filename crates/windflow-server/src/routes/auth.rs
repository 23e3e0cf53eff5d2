//! Setup, login, refresh, logout, the current session, my sessions, password, auth settings.
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use windflow_api::auth::{
    AuthSettings, ChangePasswordRequest, CurrentSession, LoginRequest, RefreshRequest,
    SessionMembership, SessionView, SetupRequest, SetupStatus, TokenResponse,
};
use windflow_api::{ACCESS_COOKIE, CSRF_COOKIE, ErrorCode, REFRESH_COOKIE};
use windflow_core::services::{auth, organizations, settings, users};
use windflow_core::{ServiceError, authz};

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Meta, csrf_ok};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(setup_status)
        .service(setup)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(session)
        .service(my_sessions)
        .service(delete_my_session)
        .service(change_password)
        .service(get_auth_settings)
        .service(put_auth_settings);
}

fn secure(st: &AppState, req: &HttpRequest) -> bool {
    st.cookie_secure
        .unwrap_or_else(|| req.connection_info().scheme() == "https")
}

fn cookie(
    name: &'static str,
    value: String,
    path: &'static str,
    http_only: bool,
    max_age: i64,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path(path)
        .http_only(http_only)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(CookieDuration::seconds(max_age))
        .finish()
}

/// Token response plus the browser cookies: access (HttpOnly), refresh (HttpOnly, path
/// `/api/v1/auth`), CSRF (readable by scripts), all `SameSite=Strict`.
fn with_cookies(
    st: &AppState,
    req: &HttpRequest,
    t: TokenResponse,
    status: StatusCode,
) -> HttpResponse {
    let s = secure(st, req);
    let session_max = 60 * 60 * 24 * 365;
    HttpResponse::build(status)
        .cookie(cookie(
            ACCESS_COOKIE,
            t.access_token.clone(),
            "/",
            true,
            t.expires_in,
            s,
        ))
        .cookie(cookie(
            REFRESH_COOKIE,
            t.refresh_token.clone(),
            "/api/v1/auth",
            true,
            session_max,
            s,
        ))
        .cookie(cookie(
            CSRF_COOKIE,
            t.csrf_token.clone(),
            "/",
            false,
            session_max,
            s,
        ))
        .json(t)
}

/// Whether first-run setup is still open. Public.
#[utoipa::path(tag = "auth", security(()), responses((status = 200, body = SetupStatus)))]
#[get("/setup")]
async fn setup_status(st: Data<AppState>) -> ApiResult<Json<SetupStatus>> {
    Ok(Json(SetupStatus {
        required: auth::setup_required(&st.core.db).await?,
    }))
}

/// Creates the first superadmin with the one-time token printed in the server log. Public;
/// answers 409 `setup_already_done` once any user exists, 401 for a wrong token.
#[utoipa::path(tag = "auth", security(()), request_body = SetupRequest, responses((status = 201, body = TokenResponse)))]
#[post("/setup")]
async fn setup(
    st: Data<AppState>,
    req: HttpRequest,
    meta: Meta,
    body: Json<SetupRequest>,
) -> ApiResult<HttpResponse> {
    let t = auth::setup(&st.core, &meta.0, body.into_inner()).await?;
    Ok(with_cookies(&st, &req, t, StatusCode::CREATED))
}

/// Logs in with username or email and password. Public. 401 `invalid_credentials` (same for
/// unknown users), 429 `too_many_attempts` with `Retry-After` after repeated failures.
#[utoipa::path(tag = "auth", security(()), request_body = LoginRequest, responses((status = 200, body = TokenResponse)))]
#[post("/auth/login")]
async fn login(
    st: Data<AppState>,
    req: HttpRequest,
    meta: Meta,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let t = auth::login(&st.core, &meta.0, body.into_inner()).await?;
    Ok(with_cookies(&st, &req, t, StatusCode::OK))
}

/// Rotates a refresh token (body, or the `wf_refresh` cookie together with `X-CSRF-Token`).
/// Public. Reusing a used token revokes the session (401 `refresh_token_reused`).
#[utoipa::path(tag = "auth", security(()), request_body = RefreshRequest, responses((status = 200, body = TokenResponse)))]
#[post("/auth/refresh")]
async fn refresh(
    st: Data<AppState>,
    req: HttpRequest,
    meta: Meta,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = match body.into_inner().refresh_token {
        Some(t) => t,
        None => {
            let c = req
                .cookie(REFRESH_COOKIE)
                .ok_or(ServiceError::InvalidRefreshToken)?;
            if !csrf_ok(&req) {
                return Err(ApiError::http(
                    StatusCode::FORBIDDEN,
                    ErrorCode::CsrfFailed,
                    "missing or wrong X-CSRF-Token header",
                ));
            }
            c.value().to_owned()
        }
    };
    let t = auth::refresh(&st.core, &meta.0, &token).await?;
    Ok(with_cookies(&st, &req, t, StatusCode::OK))
}

/// Logs out: revokes the session and the presented access token; clears the cookies.
/// Any authenticated user.
#[utoipa::path(tag = "auth", responses((status = 204, description = "Logged out")))]
#[post("/auth/logout")]
async fn logout(st: Data<AppState>, req: HttpRequest, u: AuthUser) -> ApiResult<HttpResponse> {
    auth::logout(&st.core, u.ctx()).await?;
    let s = secure(&st, &req);
    let mut res = HttpResponse::NoContent();
    for (name, path, http_only) in [
        (ACCESS_COOKIE, "/", true),
        (REFRESH_COOKIE, "/api/v1/auth", true),
        (CSRF_COOKIE, "/", false),
    ] {
        res.cookie(cookie(name, String::new(), path, http_only, 0, s));
    }
    Ok(res.finish())
}

/// The current user, session and memberships with organization-scope permissions. Any
/// authenticated user.
#[utoipa::path(tag = "auth", responses((status = 200, body = CurrentSession)))]
#[get("/auth/session")]
async fn session(st: Data<AppState>, u: AuthUser) -> ApiResult<Json<CurrentSession>> {
    let (user, sess) = auth::current_session(&st.core, u.ctx()).await?;
    let mut memberships = Vec::new();
    for (m, o) in organizations::memberships_of(&st.core, user.id).await? {
        let path = windflow_core::rbac::ScopePath {
            organization: o.id,
            project: None,
            environment: None,
        };
        let perms = authz::effective_for_user(&st.core.db, user.id, user.is_superadmin, &path)
            .await?
            .unwrap_or_default();
        memberships.push(SessionMembership {
            organization_id: o.id,
            organization_name: o.name,
            role: m.role,
            permissions: perms.to_vec(),
        });
    }
    Ok(Json(CurrentSession {
        user: users::to_api(user),
        session_id: sess.id,
        expires_at: sess.expires_at,
        memberships,
    }))
}

/// My live sessions, newest first. Any authenticated user.
#[utoipa::path(tag = "auth", responses((status = 200, body = Vec<SessionView>)))]
#[get("/users/me/sessions")]
async fn my_sessions(st: Data<AppState>, u: AuthUser) -> ApiResult<Json<Vec<SessionView>>> {
    Ok(Json(auth::list_sessions(&st.core, u.ctx()).await?))
}

/// Revokes one of my sessions (another user's session is 404). Any authenticated user.
#[utoipa::path(tag = "auth", params(("id" = Uuid, Path, description = "Session id")), responses((status = 204, description = "Revoked")))]
#[delete("/users/me/sessions/{id}")]
async fn delete_my_session(
    st: Data<AppState>,
    u: AuthUser,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    auth::delete_session(&st.core, u.ctx(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes my password (checks the current one; other sessions are revoked). Any
/// authenticated user.
#[utoipa::path(tag = "auth", request_body = ChangePasswordRequest, responses((status = 204, description = "Changed")))]
#[post("/users/me/password")]
async fn change_password(
    st: Data<AppState>,
    u: AuthUser,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    auth::change_password(&st.core, u.ctx(), body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Authentication settings. Permission: `settings:read` (superadmins).
#[utoipa::path(tag = "settings", responses((status = 200, body = AuthSettings)))]
#[get("/settings/auth")]
async fn get_auth_settings(st: Data<AppState>, u: AuthUser) -> ApiResult<Json<AuthSettings>> {
    Ok(Json(settings::get(&st.core, u.ctx()).await?))
}

/// Replaces the authentication settings. Permission: `settings:update` (superadmins).
#[utoipa::path(tag = "settings", request_body = AuthSettings, responses((status = 200, body = AuthSettings)))]
#[put("/settings/auth")]
async fn put_auth_settings(
    st: Data<AppState>,
    u: AuthUser,
    body: Json<AuthSettings>,
) -> ApiResult<Json<AuthSettings>> {
    Ok(Json(
        settings::update(&st.core, u.ctx(), body.into_inner()).await?,
    ))
}
