//! First-run setup: the one-time setup token and the first superadmin.
use chrono::Duration;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use windflow_api::auth::{SetupRequest, TokenResponse};
use windflow_api::rules::Rule;
use windflow_entity::{setup_tokens, users};

use crate::audit::{Actor, AuditEvent, record};
use crate::context::{Core, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::services::settings;
use crate::services::users::{NewUser, insert_user};
use crate::tokens::{random_token, token_hash};
use crate::validate::Checks;

use super::login::start_session;

/// True while no user exists (first-run setup is open).
pub async fn setup_required<C: ConnectionTrait>(db: &C) -> ServiceResult<bool> {
    Ok(users::Entity::find().count(db).await? == 0)
}

/// How long a setup token is valid, seconds (24 hours; issue 11, section 5). A server started
/// later prints a new one.
pub const SETUP_TOKEN_TTL_SECS: i64 = 24 * 3600;

/// When no user exists, creates a one-time setup token (stored hashed) and returns it for the
/// server to print; returns `None` once a user exists. Each server start issues a new token
/// and deletes expired ones; a token is valid for [`SETUP_TOKEN_TTL_SECS`] or until setup
/// completes (several replicas may each print one).
pub async fn issue_setup_token(core: &Core) -> ServiceResult<Option<String>> {
    if !setup_required(&core.db).await? {
        return Ok(None);
    }
    setup_tokens::Entity::delete_many()
        .filter(
            setup_tokens::Column::CreatedAt
                .lt(crate::now() - Duration::seconds(SETUP_TOKEN_TTL_SECS)),
        )
        .exec(&core.db)
        .await?;
    let token = random_token();
    setup_tokens::Entity::insert(setup_tokens::ActiveModel {
        token_hash: Set(token_hash(&token)),
        created_at: Set(crate::now()),
    })
    .exec_without_returning(&core.db)
    .await?;
    Ok(Some(token))
}

/// Completes first-run setup: creates the first superadmin with a valid setup token.
/// Errors: `SetupAlreadyDone` once any user exists; `InvalidCredentials` for a wrong token;
/// `Validation` for bad fields. The token is consumed in the same transaction as the user.
pub async fn setup(
    core: &Core,
    meta: &RequestMeta,
    req: SetupRequest,
) -> ServiceResult<TokenResponse> {
    if !setup_required(&core.db).await? {
        return Err(ServiceError::SetupAlreadyDone);
    }
    let policy = settings::load(&core.db).await?;
    let mut c = Checks::new();
    c.rule("username", &req.username, Rule::Username);
    c.rule("email", &req.email, Rule::Email);
    c.password(
        "password",
        &req.password,
        policy.password_min_length,
        policy.password_max_length,
    );
    c.finish()?;
    let hash = core.passwords.hash(req.password.clone()).await?;
    let txn = crate::services::begin(&core.db).await?;
    let consumed = setup_tokens::Entity::delete_many()
        .filter(setup_tokens::Column::TokenHash.eq(token_hash(&req.token)))
        .filter(
            setup_tokens::Column::CreatedAt
                .gte(crate::now() - Duration::seconds(SETUP_TOKEN_TTL_SECS)),
        )
        .exec(&txn)
        .await?;
    if consumed.rows_affected != 1 {
        return Err(ServiceError::InvalidSetupToken);
    }
    if !setup_required(&txn).await? {
        return Err(ServiceError::SetupAlreadyDone);
    }
    let user = insert_user(
        &txn,
        NewUser {
            username: req.username,
            email: req.email,
            password_hash: Some(hash),
            display_name: req.display_name,
            is_superadmin: true,
        },
    )
    .await?;
    setup_tokens::Entity::delete_many().exec(&txn).await?;
    record(
        &txn,
        &Actor::anonymous(Some(user.username.clone())),
        meta,
        AuditEvent::new("setup.complete", "user").resource(user.id, Some(user.username.clone())),
    )
    .await?;
    let tokens = start_session(core, &txn, meta, &user).await?;
    txn.commit().await?;
    Ok(tokens)
}
