//! The `auth_settings` singleton (superadmins).
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};
use windflow_api::access::Permission;
use windflow_api::auth::AuthSettings;
use windflow_api::rules;
use windflow_entity::auth_settings;

use crate::audit::AuditEvent;
use crate::authz::require_global;
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::validate::Checks;

/// Loads the singleton (seeded by migration).
pub async fn load<C: ConnectionTrait>(db: &C) -> ServiceResult<AuthSettings> {
    let m = auth_settings::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::internal("auth_settings row missing"))?;
    Ok(AuthSettings {
        session_timeout_minutes: m.session_timeout_minutes,
        lockout_max_attempts_per_user: m.lockout_max_attempts_per_user,
        lockout_max_attempts_per_ip: m.lockout_max_attempts_per_ip,
        lockout_window_seconds: m.lockout_window_seconds,
        password_min_length: m.password_min_length,
        password_max_length: m.password_max_length,
    })
}

/// Reads the settings (`settings:read`).
pub async fn get(core: &Core, ctx: Ctx<'_>) -> ServiceResult<AuthSettings> {
    require_global(ctx.principal, Permission::SettingsRead)?;
    load(&core.db).await
}

/// Replaces the settings (`settings:update`), audited as `settings.update` with old and new.
pub async fn update(core: &Core, ctx: Ctx<'_>, new: AuthSettings) -> ServiceResult<AuthSettings> {
    require_global(ctx.principal, Permission::SettingsUpdate)?;
    let mut c = Checks::new();
    c.int(
        "session_timeout_minutes",
        new.session_timeout_minutes,
        rules::SESSION_TIMEOUT_MINUTES,
    );
    c.int(
        "lockout_max_attempts_per_user",
        new.lockout_max_attempts_per_user,
        rules::LOCKOUT_PER_USER,
    );
    c.int(
        "lockout_max_attempts_per_ip",
        new.lockout_max_attempts_per_ip,
        rules::LOCKOUT_PER_IP,
    );
    c.int(
        "lockout_window_seconds",
        new.lockout_window_seconds,
        rules::LOCKOUT_WINDOW_SECONDS,
    );
    c.int(
        "password_min_length",
        new.password_min_length,
        rules::PASSWORD_LENGTH,
    );
    c.int(
        "password_max_length",
        new.password_max_length,
        rules::PASSWORD_LENGTH,
    );
    // Cross-field (JSON Schema cannot say it; the operation's description does).
    if new.password_max_length < new.password_min_length {
        c.push(
            "password_max_length",
            "out_of_range",
            "must be at least password_min_length",
        );
    }
    c.finish()?;
    ctx.write(core, async |txn| {
        let old = load(txn).await?;
        let m = auth_settings::Entity::find_by_id(1)
            .one(txn)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut am = m.into_active_model();
        am.session_timeout_minutes = Set(new.session_timeout_minutes);
        am.lockout_max_attempts_per_user = Set(new.lockout_max_attempts_per_user);
        am.lockout_max_attempts_per_ip = Set(new.lockout_max_attempts_per_ip);
        am.lockout_window_seconds = Set(new.lockout_window_seconds);
        am.password_min_length = Set(new.password_min_length);
        am.password_max_length = Set(new.password_max_length);
        am.updated_at = Set(crate::now());
        auth_settings::Entity::update(am).exec(txn).await?;
        let ev = AuditEvent::new("settings.update", "auth_settings")
            .resource(1, None)
            .details(serde_json::json!({"old": old, "new": new}));
        Ok(((), ev))
    })
    .await?;
    Ok(new)
}
