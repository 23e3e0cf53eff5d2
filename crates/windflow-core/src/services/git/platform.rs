//! Platform settings (`allow_local_git_urls`, `allow_local_endpoints`).
use sea_orm::{ActiveValue::Set, EntityTrait, IntoActiveModel};
use windflow_api::access::Permission;
use windflow_api::git::PlatformSettings;
use windflow_entity::platform_settings;

use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};

/// Reads the platform settings (`settings:read`, global).
pub async fn get_platform(core: &Core, ctx: Ctx<'_>) -> ServiceResult<PlatformSettings> {
    authz::require_global(ctx.principal, Permission::SettingsRead)?;
    let m = platform_settings::Entity::find_by_id(1)
        .one(&core.db)
        .await?;
    Ok(PlatformSettings {
        allow_local_git_urls: m.as_ref().is_some_and(|m| m.allow_local_git_urls),
        allow_local_endpoints: m.as_ref().is_some_and(|m| m.allow_local_endpoints),
    })
}

/// Replaces the platform settings (`settings:update`, global), audited as
/// `settings.platform.update` with old and new.
pub async fn set_platform(
    core: &Core,
    ctx: Ctx<'_>,
    new: PlatformSettings,
) -> ServiceResult<PlatformSettings> {
    authz::require_global(ctx.principal, Permission::SettingsUpdate)?;
    ctx.write(core, async |txn| {
        let m = platform_settings::Entity::find_by_id(1)
            .one(txn)
            .await?
            .ok_or_else(|| ServiceError::internal("platform_settings row missing"))?;
        let old = (m.allow_local_git_urls, m.allow_local_endpoints);
        let mut am = m.into_active_model();
        am.allow_local_git_urls = Set(new.allow_local_git_urls);
        am.allow_local_endpoints = Set(new.allow_local_endpoints);
        am.updated_at = Set(crate::now());
        platform_settings::Entity::update(am).exec(txn).await?;
        let ev = AuditEvent::new("settings.platform.update", "platform_settings")
            .resource(1, None)
            .details(serde_json::json!({
                "old": {"allow_local_git_urls": old.0, "allow_local_endpoints": old.1},
                "new": {
                    "allow_local_git_urls": new.allow_local_git_urls,
                    "allow_local_endpoints": new.allow_local_endpoints,
                },
            }));
        Ok(((), ev))
    })
    .await?;
    Ok(new)
}
