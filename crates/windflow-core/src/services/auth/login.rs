//! Login with brute-force lockout, sessions started with their tokens, refresh-token rotation
//! with reuse detection, and password change.
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;
use windflow_api::audit::AuditOutcome;
use windflow_api::auth::{ChangePasswordRequest, LoginRequest, TokenResponse};
use windflow_api::rules;
use windflow_api::users::AuthProvider;
use windflow_entity::{login_attempts, refresh_tokens, sessions, users};

use crate::audit::{Actor, AuditEvent, record};
use crate::context::{Core, Ctx, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::services::settings;
use crate::services::users::to_api;
use crate::tokens::{random_token, token_hash};
use crate::validate::Checks;

use super::sessions::{revoke_session, revoke_user_sessions};

/// Seconds until the lockout for `filter` lifts, or `None` when fewer than `max` failures are
/// in the window.
async fn lockout<C: ConnectionTrait>(
    db: &C,
    filter: Condition,
    max: i64,
    window: Duration,
) -> ServiceResult<Option<u64>> {
    let now = crate::now();
    let failures: Vec<DateTime<Utc>> = login_attempts::Entity::find()
        .filter(filter)
        .filter(login_attempts::Column::Outcome.is_in(["failure", "pending"]))
        .filter(login_attempts::Column::CreatedAt.gte(now - window))
        .order_by_desc(login_attempts::Column::CreatedAt)
        .limit(max as u64 + 1)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.created_at)
        .collect();
    // The caller's own `pending` reservation is counted: more than `max` means locked.
    if (failures.len() as i64) <= max {
        return Ok(None);
    }
    // The lock lifts when the oldest of the last `max` failures leaves the window.
    let oldest = failures.last().copied().unwrap_or(now);
    Ok(Some(((oldest + window) - now).num_seconds().max(1) as u64))
}

/// Queues the login reservations of one name. PostgreSQL: a transaction-scoped advisory lock
/// on the name's hash (`pg_advisory_xact_lock`, released at commit). SQLite: nothing to do, the
/// reservation's insert takes the database's write lock, so writers already queue.
async fn lock_name<C: ConnectionTrait>(db: &C, name: &str) -> ServiceResult<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [name.into()],
        ))
        .await?;
    }
    Ok(())
}

async fn record_attempt<C: ConnectionTrait>(
    db: &C,
    username: &str,
    ip: Option<&str>,
    outcome: &str,
) -> ServiceResult<Uuid> {
    let id = Uuid::now_v7();
    login_attempts::Entity::insert(login_attempts::ActiveModel {
        id: Set(id),
        username: Set(username.to_owned()),
        ip: Set(ip.map(str::to_owned)),
        outcome: Set(outcome.into()),
        created_at: Set(crate::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Sets the outcome of a reserved (`pending`) attempt.
async fn settle_attempt<C: ConnectionTrait>(db: &C, id: Uuid, outcome: &str) -> ServiceResult<()> {
    login_attempts::Entity::update_many()
        .col_expr(
            login_attempts::Column::Outcome,
            sea_orm::sea_query::Expr::value(outcome),
        )
        .filter(login_attempts::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Logs in with username or email and password.
///
/// Lockout (seed 004 `login_attempts`): after `lockout_max_attempts_per_user` failures for a
/// user since its last success, or `lockout_max_attempts_per_ip` failures from one IP,
/// within `lockout_window_seconds`, attempts are refused with `TooManyAttempts(retry_after)`
/// without checking the password. The per-user bucket is keyed on the user id (`user:<id>`),
/// so username and email share it; unknown names are keyed on the name. Each attempt is
/// **reserved** (a committed `pending` row) and counted before the password is hashed, so
/// concurrent guesses cannot all pass the check: of N parallel attempts at most the configured
/// number reach argon2 (issue 11, section 5; review M1). Unknown users, inactive users, SSO users and wrong passwords
/// all answer `InvalidCredentials` after the same argon2 work. Every attempt is recorded and
/// audited (`auth.login`, `auth.login_failed`, `auth.login_locked`).
pub async fn login(
    core: &Core,
    meta: &RequestMeta,
    req: LoginRequest,
) -> ServiceResult<TokenResponse> {
    let policy = settings::load(&core.db).await?;
    let name = req.login.trim().to_lowercase();
    let mut c = Checks::new();
    c.rule("login", &req.login, rules::LOGIN);
    c.rule("password", &req.password, rules::LOGIN_PASSWORD);
    c.finish()?;
    let window = Duration::seconds(policy.lockout_window_seconds);
    let user = users::Entity::find()
        .filter(
            Condition::any()
                .add(users::Column::Username.eq(req.login.trim()))
                .add(users::Column::Email.eq(name.as_str())),
        )
        .one(&core.db)
        .await?;
    let key = match &user {
        Some(u) => format!("user:{}", u.id),
        None => name.clone(),
    };
    let last_success = login_attempts::Entity::find()
        .filter(login_attempts::Column::Username.eq(key.as_str()))
        .filter(login_attempts::Column::Outcome.eq("success"))
        .order_by_desc(login_attempts::Column::CreatedAt)
        .one(&core.db)
        .await?
        .map(|a| a.created_at);
    // Reserve and count in one transaction, one name at a time: the k-th concurrent attempt
    // sees exactly the k-1 reservations before its own, so the first `max` go on to the
    // password check and the rest are locked (never more than `max`, never none).
    let reserve = crate::services::begin(&core.db).await?;
    lock_name(&reserve, &key).await?;
    let attempt = record_attempt(&reserve, &key, meta.ip.as_deref(), "pending").await?;
    let mut by_user = Condition::all().add(login_attempts::Column::Username.eq(key.as_str()));
    if let Some(t) = last_success {
        by_user = by_user.add(login_attempts::Column::CreatedAt.gt(t));
    }
    let mut locked = lockout(
        &reserve,
        by_user,
        policy.lockout_max_attempts_per_user,
        window,
    )
    .await?;
    if locked.is_none()
        && let Some(ip) = &meta.ip
    {
        let by_ip = Condition::all().add(login_attempts::Column::Ip.eq(ip.as_str()));
        locked = lockout(&reserve, by_ip, policy.lockout_max_attempts_per_ip, window).await?;
    }
    reserve.commit().await?;
    if let Some(retry) = locked {
        let txn = crate::services::begin(&core.db).await?;
        settle_attempt(&txn, attempt, "locked").await?;
        record(
            &txn,
            &Actor::anonymous(Some(name.clone())),
            meta,
            AuditEvent::new("auth.login_locked", "session")
                .outcome(AuditOutcome::Denied)
                .details(serde_json::json!({"retry_after": retry})),
        )
        .await?;
        txn.commit().await?;
        return Err(ServiceError::TooManyAttempts(retry));
    }

    let usable = user
        .as_ref()
        .filter(|u| u.is_active && u.auth_provider == AuthProvider::Local);
    let ok = core
        .passwords
        .verify(req.password, usable.and_then(|u| u.password_hash.clone()))
        .await?;
    let txn = crate::services::begin(&core.db).await?;
    match (ok, usable) {
        (true, Some(u)) => {
            settle_attempt(&txn, attempt, "success").await?;
            let mut am = u.clone().into_active_model();
            am.last_login_at = Set(Some(crate::now()));
            users::Entity::update(am).exec(&txn).await?;
            record(
                &txn,
                &Actor::user(u.id, &u.username),
                meta,
                AuditEvent::new("auth.login", "session").resource(u.id, Some(u.username.clone())),
            )
            .await?;
            let tokens = start_session(core, &txn, meta, u).await?;
            txn.commit().await?;
            Ok(tokens)
        }
        _ => {
            settle_attempt(&txn, attempt, "failure").await?;
            record(
                &txn,
                &Actor::anonymous(Some(name.clone())),
                meta,
                AuditEvent::new("auth.login_failed", "session").outcome(AuditOutcome::Denied),
            )
            .await?;
            txn.commit().await?;
            Err(ServiceError::InvalidCredentials)
        }
    }
}

/// Creates a session with its first refresh token and signs an access token.
pub(super) async fn start_session<C: ConnectionTrait>(
    core: &Core,
    db: &C,
    meta: &RequestMeta,
    user: &users::Model,
) -> ServiceResult<TokenResponse> {
    let policy = settings::load(db).await?;
    let now = crate::now();
    let expires_at = now + Duration::minutes(policy.session_timeout_minutes);
    let session_id = Uuid::now_v7();
    sessions::Entity::insert(sessions::ActiveModel {
        id: Set(session_id),
        user_id: Set(user.id),
        provider: Set(user.auth_provider),
        ip: Set(meta.ip.clone()),
        user_agent: Set(meta
            .user_agent
            .as_ref()
            .map(|u| u.chars().take(512).collect())),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    issue_tokens(core, db, user, session_id, expires_at).await
}

async fn issue_tokens<C: ConnectionTrait>(
    core: &Core,
    db: &C,
    user: &users::Model,
    session_id: Uuid,
    session_expires_at: DateTime<Utc>,
) -> ServiceResult<TokenResponse> {
    let refresh = random_token();
    refresh_tokens::Entity::insert(refresh_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        token_hash: Set(token_hash(&refresh)),
        created_at: Set(crate::now()),
        expires_at: Set(session_expires_at),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    let ttl = core.settings.access_token_ttl_secs;
    let (access, _, _) = core.jwt.issue(user.id, session_id, ttl)?;
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ttl,
        refresh_token: refresh,
        csrf_token: random_token(),
        session_id,
        user: to_api(user.clone()),
    })
}

/// Exchanges a refresh token for a new access token and a new refresh token.
/// Errors: `InvalidRefreshToken` (unknown, expired, revoked session, inactive user),
/// `RefreshTokenReused` (the token was already used: the session is revoked, audited as
/// `auth.refresh_reused`).
pub async fn refresh(core: &Core, meta: &RequestMeta, token: &str) -> ServiceResult<TokenResponse> {
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(token_hash(token)))
        .one(&core.db)
        .await?
        .ok_or(ServiceError::InvalidRefreshToken)?;
    let session = sessions::Entity::find_by_id(row.session_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::InvalidRefreshToken)?;
    let now = crate::now();
    if session.revoked_at.is_some() || session.expires_at <= now || row.expires_at <= now {
        return Err(ServiceError::InvalidRefreshToken);
    }
    let user = users::Entity::find_by_id(session.user_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::InvalidRefreshToken)?;
    let txn = crate::services::begin(&core.db).await?;
    // Conditional update: exactly one concurrent refresh can claim the token.
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_session(&txn, session.id).await?;
        record(
            &txn,
            &Actor::user(user.id, &user.username),
            meta,
            AuditEvent::new("auth.refresh_reused", "session")
                .resource(session.id, None)
                .outcome(AuditOutcome::Denied),
        )
        .await?;
        txn.commit().await?;
        return Err(ServiceError::RefreshTokenReused);
    }
    if !user.is_active {
        return Err(ServiceError::InvalidRefreshToken);
    }
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(session.id))
        .exec(&txn)
        .await?;
    let tokens = issue_tokens(core, &txn, &user, session.id, session.expires_at).await?;
    txn.commit().await?;
    Ok(tokens)
}

/// Changes the current user's password after checking the current one; revokes every other
/// session of the user. Audited as `user.password_change`.
pub async fn change_password(
    core: &Core,
    ctx: Ctx<'_>,
    req: ChangePasswordRequest,
) -> ServiceResult<()> {
    let policy = settings::load(&core.db).await?;
    let user = users::Entity::find_by_id(ctx.principal.user_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let mut c = Checks::new();
    c.password(
        "new_password",
        &req.new_password,
        policy.password_min_length,
        policy.password_max_length,
    );
    c.finish()?;
    if !core
        .passwords
        .verify(req.current_password, user.password_hash.clone())
        .await?
    {
        return Err(ServiceError::field(
            "current_password",
            "mismatch",
            "the current password is wrong",
        ));
    }
    let hash = core.passwords.hash(req.new_password).await?;
    ctx.write(core, async |txn| {
        let mut am = user.clone().into_active_model();
        am.password_hash = Set(Some(hash));
        am.updated_at = Set(crate::now());
        users::Entity::update(am).exec(txn).await?;
        revoke_user_sessions(txn, user.id, Some(ctx.principal.session_id)).await?;
        let ev = AuditEvent::new("user.password_change", "user")
            .resource(user.id, Some(user.username.clone()));
        Ok(((), ev))
    })
    .await?;
    Ok(())
}
