//! Registry credentials of an organization, for private image pulls. Passwords are encrypted
//! by the crypto module (associated data `registry_credential:<id>`), write-only, never returned
//! nor logged; reading one for a pull happens inside the pull service.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::docker::{
    CreateRegistryCredential, RegistryCredential, UpdateRegistryCredential,
};
use windflow_api::rules::{self, Rule};
use windflow_api::{Page, PageQuery};
use windflow_entity::registry_credentials as rc;

use crate::audit::AuditEvent;

use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::{self, Parent, load_for};

use crate::validate::Checks;

fn aad(id: Uuid) -> String {
    format!("registry_credential:{id}")
}

fn to_api(m: rc::Model) -> RegistryCredential {
    RegistryCredential {
        id: m.id,
        organization_id: m.organization_id,
        name: m.name,
        server: m.server,
        username: m.username,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn check_server(c: &mut Checks, s: &str) {
    c.rule("server", s, Rule::RegistryHost);
}

/// Lists the organization's credentials (`registries:read`).
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<RegistryCredential>> {
    Ok(resource::list_in(
        core,
        ctx,
        Parent::Organization(org),
        Permission::RegistriesRead,
        q,
        rc::Entity::find().filter(rc::Column::OrganizationId.eq(org)),
    )
    .await?
    .map(to_api))
}

/// Adds a credential (`registries:create`). Audited as `registry.create` (no secret in it).
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    req: CreateRegistryCredential,
) -> ServiceResult<RegistryCredential> {
    Parent::Organization(org)
        .require(core, ctx, Permission::RegistriesCreate)
        .await?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::NAME);
    check_server(&mut c, &req.server);
    c.rule("username", &req.username, rules::CREDENTIAL_USERNAME);
    c.rule("password", &req.password, rules::CREDENTIAL_SECRET);
    c.finish()?;
    let id = Uuid::now_v7();
    let now = crate::now();
    let m = rc::Model {
        id,
        organization_id: org,
        name: req.name.trim().into(),
        server: req.server,
        username: req.username,
        password_enc: core
            .crypto
            .encrypt(req.password.as_bytes(), &aad(id))
            .map_err(ServiceError::internal)?,
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        rc::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        let ev = AuditEvent::of::<rc::Entity>("registry.create", &m);
        Ok(((), ev))
    })
    .await?;
    Ok(to_api(m))
}

/// Updates a credential (`registries:update`); a new password is re-encrypted. Audited.
pub async fn update(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: UpdateRegistryCredential,
) -> ServiceResult<RegistryCredential> {
    let m = load_for::<rc::Entity>(core, ctx, id, Permission::RegistriesUpdate).await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    if let Some(s) = &req.server {
        check_server(&mut c, s);
    }
    if let Some(p) = &req.password {
        c.rule("password", p, rules::CREDENTIAL_SECRET);
    }
    c.finish()?;
    let updated = ctx
        .write(core, async |txn| {
            let mut am = m.clone().into_active_model();
            if let Some(n) = req.name {
                am.name = Set(n.trim().into());
            }
            if let Some(s) = req.server {
                am.server = Set(s);
            }
            if let Some(u) = req.username {
                am.username = Set(u);
            }
            if let Some(p) = req.password {
                am.password_enc = Set(core
                    .crypto
                    .encrypt(p.as_bytes(), &aad(id))
                    .map_err(ServiceError::internal)?);
            }
            am.updated_at = Set(crate::now());
            let updated = am.update(txn).await?;
            let ev = AuditEvent::of::<rc::Entity>("registry.update", &updated);
            Ok((updated, ev))
        })
        .await?;
    Ok(to_api(updated))
}

/// Removes a credential (`registries:delete`). Audited.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let m = load_for::<rc::Entity>(core, ctx, id, Permission::RegistriesDelete).await?;
    ctx.write(core, async |txn| {
        rc::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<rc::Entity>("registry.delete", &m);
        Ok(((), ev))
    })
    .await?;
    Ok(())
}

/// `(username, password, server)` of credential `id` for a pull in organization `org`;
/// another organization's credential is a field error, as if it did not exist.
/// Registries' API to `services::docker` (image pulls); no permission of its own: the pull's
/// `images:pull` at the endpoint was checked by the caller.
pub(crate) async fn for_pull(
    core: &Core,
    org: Uuid,
    id: Uuid,
) -> ServiceResult<(String, String, String)> {
    let m = rc::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .filter(|m| m.organization_id == org)
        .ok_or_else(|| {
            ServiceError::field(
                "registry_id",
                "unknown",
                "no such registry credential in this organization",
            )
        })?;
    let password = core
        .crypto
        .decrypt(&m.password_enc, &aad(id))
        .map_err(ServiceError::internal)?;
    Ok((
        m.username,
        String::from_utf8_lossy(&password).into_owned(),
        m.server,
    ))
}
