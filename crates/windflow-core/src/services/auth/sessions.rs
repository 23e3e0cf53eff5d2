//! Sessions: authentication of access tokens, listing and revoking sessions, logout. Imports
//! no other service (users call [`revoke_user_sessions`] from here).
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;
use windflow_api::auth::SessionView;
use windflow_entity::{revoked_tokens, sessions, users};

use crate::audit::AuditEvent;
use crate::context::{Core, Ctx, Principal};
use crate::error::{ServiceError, ServiceResult};

pub(super) async fn revoke_session<C: ConnectionTrait>(db: &C, session: Uuid) -> ServiceResult<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(crate::now()))
        .filter(sessions::Column::Id.eq(session))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every live session of a user (password change, deactivation).
pub(crate) async fn revoke_user_sessions<C: ConnectionTrait>(
    db: &C,
    user: Uuid,
    except: Option<Uuid>,
) -> ServiceResult<()> {
    let mut q = sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(crate::now()))
        .filter(sessions::Column::UserId.eq(user))
        .filter(sessions::Column::RevokedAt.is_null());
    if let Some(s) = except {
        q = q.filter(sessions::Column::Id.ne(s));
    }
    q.exec(db).await?;
    Ok(())
}

/// Logs out: revokes the session and puts the presented access token's `jti` in
/// `revoked_tokens` until it expires. Audited as `auth.logout`.
pub async fn logout(core: &Core, ctx: Ctx<'_>) -> ServiceResult<()> {
    ctx.write(core, async |txn| {
        revoke_session(txn, ctx.principal.session_id).await?;
        revoked_tokens::Entity::insert(revoked_tokens::ActiveModel {
            jti: Set(ctx.principal.jti),
            expires_at: Set(ctx.principal.token_expires_at),
            revoked_at: Set(crate::now()),
        })
        .exec_without_returning(txn)
        .await?;
        let ev = AuditEvent::new("auth.logout", "session").resource(ctx.principal.session_id, None);
        Ok(((), ev))
    })
    .await?;
    Ok(())
}

/// Turns an access JWT into a principal: valid signature and expiry, `jti` not revoked, session
/// live, user active. Any failure is `Unauthenticated`.
pub async fn authenticate(core: &Core, token: &str) -> ServiceResult<Principal> {
    let claims = core.jwt.verify(token)?;
    if revoked_tokens::Entity::find_by_id(claims.jti)
        .one(&core.db)
        .await?
        .is_some()
    {
        return Err(ServiceError::Unauthenticated);
    }
    let session = sessions::Entity::find_by_id(claims.sid)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    if session.revoked_at.is_some()
        || session.expires_at <= crate::now()
        || session.user_id != claims.sub
    {
        return Err(ServiceError::Unauthenticated);
    }
    let user = users::Entity::find_by_id(claims.sub)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    if !user.is_active {
        return Err(ServiceError::Unauthenticated);
    }
    Ok(Principal {
        user_id: user.id,
        username: user.username,
        is_superadmin: user.is_superadmin,
        session_id: session.id,
        jti: claims.jti,
        token_expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(Utc::now),
    })
}

/// True while `p`'s session is live (not revoked, not expired) and its user active: long-lived
/// streams (SSE, the console WebSocket) re-check this every few seconds and end when it fails
/// (issue 11, section 5). A database error counts as not live (fail closed).
pub async fn session_alive(core: &Core, p: &Principal) -> bool {
    let Ok(Some(s)) = sessions::Entity::find_by_id(p.session_id)
        .one(&core.db)
        .await
    else {
        return false;
    };
    if s.revoked_at.is_some() || s.expires_at <= crate::now() || s.user_id != p.user_id {
        return false;
    }
    matches!(
        users::Entity::find_by_id(p.user_id).one(&core.db).await,
        Ok(Some(u)) if u.is_active
    )
}

/// The live sessions of the current user, newest first.
pub async fn list_sessions(core: &Core, ctx: Ctx<'_>) -> ServiceResult<Vec<SessionView>> {
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(ctx.principal.user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(crate::now()))
        .order_by_desc(sessions::Column::Id)
        .all(&core.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionView {
            current: s.id == ctx.principal.session_id,
            id: s.id,
            provider: s.provider,
            ip: s.ip,
            user_agent: s.user_agent,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        })
        .collect())
}

/// Loads the current session (for `GET /auth/session`).
pub async fn current_session(
    core: &Core,
    ctx: Ctx<'_>,
) -> ServiceResult<(users::Model, sessions::Model)> {
    let s = sessions::Entity::find_by_id(ctx.principal.session_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let u = users::Entity::find_by_id(ctx.principal.user_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    Ok((u, s))
}

/// Revokes one of the current user's sessions (another user's session id is NotFound).
pub async fn delete_session(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let s = sessions::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if s.user_id != ctx.principal.user_id || s.revoked_at.is_some() {
        return Err(ServiceError::NotFound);
    }
    ctx.write(core, async |txn| {
        revoke_session(txn, id).await?;
        let ev = AuditEvent::new("session.revoke", "session").resource(id, None);
        Ok(((), ev))
    })
    .await?;
    Ok(())
}
