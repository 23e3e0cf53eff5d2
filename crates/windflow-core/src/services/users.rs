//! Users (DOMAIN.md identity.users): administration by superadmins, self-service profile.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;
use windflow_api::access::EffectivePermissions;
use windflow_api::access::Permission;
use windflow_api::rules::{self, Rule};
use windflow_api::users::{AuthProvider, CreateUser, Theme, UpdateUser, User};
use windflow_api::{Page, PageQuery};
use windflow_entity::users;

use super::settings;
use crate::audit::{Actor, AuditEvent};
use crate::authz::{self, require_global};
use crate::context::{Core, Ctx, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};
use crate::resource;
use crate::validate::Checks;

/// Maps a row to the wire type (the password hash never leaves).
pub fn to_api(m: users::Model) -> User {
    User {
        id: m.id,
        username: m.username,
        email: m.email,
        display_name: m.display_name,
        avatar: m.avatar,
        auth_provider: m.auth_provider,
        is_superadmin: m.is_superadmin,
        is_active: m.is_active,
        email_verified: m.email_verified,
        theme: m.theme,
        last_login_at: m.last_login_at,
        profile: m.profile,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// A validated user to insert.
pub(crate) struct NewUser {
    pub username: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub display_name: Option<String>,
    pub is_superadmin: bool,
}

/// Inserts a local user; duplicate username or email is `Conflict`.
pub(crate) async fn insert_user<C: ConnectionTrait>(
    db: &C,
    u: NewUser,
) -> ServiceResult<users::Model> {
    let now = crate::now();
    let m = users::Model {
        id: Uuid::now_v7(),
        username: u.username,
        email: u.email.trim().to_lowercase(),
        password_hash: u.password_hash,
        display_name: u.display_name,
        avatar: None,
        auth_provider: AuthProvider::Local,
        is_superadmin: u.is_superadmin,
        is_active: true,
        email_verified: false,
        theme: Theme::System,
        last_login_at: None,
        profile: serde_json::json!({}),
        created_at: now,
        updated_at: now,
    };
    users::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(m)
}

async fn validate_new(core: &Core, req: &CreateUser) -> ServiceResult<()> {
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
    if let Some(d) = &req.display_name {
        c.rule("display_name", d, rules::DISPLAY_NAME);
    }
    c.finish()
}

/// Creates a user (`users:create`, superadmins). Audited as `user.create`.
pub async fn create(core: &Core, ctx: Ctx<'_>, req: CreateUser) -> ServiceResult<User> {
    require_global(ctx.principal, Permission::UsersCreate)?;
    validate_new(core, &req).await?;
    let hash = core.passwords.hash(req.password).await?;
    let m = ctx
        .write(core, async |txn| {
            let m = insert_user(
                txn,
                NewUser {
                    username: req.username,
                    email: req.email,
                    password_hash: Some(hash),
                    display_name: req.display_name,
                    is_superadmin: req.is_superadmin,
                },
            )
            .await?;
            let ev = AuditEvent::new("user.create", "user")
                .resource(m.id, Some(m.username.clone()))
                .details(serde_json::json!({"is_superadmin": m.is_superadmin}));
            Ok((m, ev))
        })
        .await?;
    Ok(to_api(m))
}

/// Creates a superadmin from the CLI (`windflow admin create`), audited as done by `system`.
pub async fn admin_create(core: &Core, req: CreateUser) -> ServiceResult<User> {
    validate_new(core, &req).await?;
    let hash = core.passwords.hash(req.password).await?;
    let new = NewUser {
        username: req.username,
        email: req.email,
        password_hash: Some(hash),
        display_name: req.display_name,
        is_superadmin: true,
    };
    resource::write(
        core,
        &Actor::system(),
        &RequestMeta::default(),
        async |txn| {
            let m = insert_user(txn, new).await?;
            let ev =
                AuditEvent::new("user.create", "user").resource(m.id, Some(m.username.clone()));
            Ok((to_api(m), ev))
        },
    )
    .await
}

/// Lists all users (`users:read`, superadmins); `q` filters on the username, `sort=name` sorts
/// by username.
pub async fn list(core: &Core, ctx: Ctx<'_>, q: &PageQuery) -> ServiceResult<Page<User>> {
    require_global(ctx.principal, Permission::UsersRead)?;
    let spec = PageSpec::parse(q, true)?;
    let (rows, next_cursor) = fetch_page(
        &core.db,
        users::Entity::find(),
        users::Column::Id,
        Some(users::Column::Username),
        &spec,
        |m| (m.id, Some(m.username.clone())),
    )
    .await?;
    Ok(Page {
        items: rows.into_iter().map(to_api).collect(),
        next_cursor,
    })
}

/// A user the caller may see: oneself, or anyone for a superadmin (users are global, so this
/// is the one rule instead of a scoped permission).
async fn load(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<users::Model> {
    if id != ctx.principal.user_id && !ctx.principal.is_superadmin {
        return Err(ServiceError::NotFound);
    }
    resource::find::<users::Entity, _>(&core.db, id).await
}

/// Gets a user: oneself, or anyone for superadmins (others are NotFound).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<User> {
    load(core, ctx, id).await.map(to_api)
}

/// Updates a user. Oneself: display name, avatar, theme, profile. Email, `is_active` and
/// `is_superadmin` need `users:update` (superadmins); nobody may deactivate or demote
/// themselves. Deactivation revokes the user's sessions. Audited as `user.update`.
pub async fn update(core: &Core, ctx: Ctx<'_>, id: Uuid, req: UpdateUser) -> ServiceResult<User> {
    let m = load(core, ctx, id).await?;
    if req.email.is_some() || req.is_active.is_some() || req.is_superadmin.is_some() {
        require_global(ctx.principal, Permission::UsersUpdate)?;
    }
    let mut c = Checks::new();
    if let Some(e) = &req.email {
        c.rule("email", e, Rule::Email);
    }
    if let Some(d) = &req.display_name {
        c.rule("display_name", d, rules::DISPLAY_NAME);
    }
    if let Some(a) = &req.avatar {
        c.rule("avatar", a, rules::AVATAR);
    }
    if let Some(p) = &req.profile {
        c.value("profile", p, Rule::Object);
    }
    if id == ctx.principal.user_id
        && (req.is_active == Some(false) || req.is_superadmin == Some(false))
    {
        c.push(
            if req.is_active == Some(false) {
                "is_active"
            } else {
                "is_superadmin"
            },
            "self_lockout",
            "you cannot deactivate or demote yourself",
        );
    }
    c.finish()?;
    let mut am = m.clone().into_active_model();
    if let Some(e) = req.email {
        am.email = Set(e.trim().to_lowercase());
    }
    if let Some(d) = req.display_name {
        am.display_name = Set(Some(d));
    }
    if let Some(a) = req.avatar {
        am.avatar = Set(Some(a));
    }
    if let Some(t) = req.theme {
        am.theme = Set(t);
    }
    if let Some(p) = req.profile {
        am.profile = Set(p);
    }
    if let Some(a) = req.is_active {
        am.is_active = Set(a);
    }
    if let Some(s) = req.is_superadmin {
        am.is_superadmin = Set(s);
    }
    am.updated_at = Set(crate::now());
    ctx.write(core, async |txn| {
        if req.is_active == Some(false) {
            super::auth::revoke_user_sessions(txn, id, None).await?;
        }
        let updated = am.update(txn).await?;
        let ev = AuditEvent::new("user.update", "user").resource(m.id, Some(m.username.clone()));
        Ok((to_api(updated), ev))
    })
    .await
}

/// Deletes a user (`users:delete`, superadmins; not oneself). Their memberships, sessions and
/// group memberships go with them (foreign-key cascade). Audited as `user.delete`.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    require_global(ctx.principal, Permission::UsersDelete)?;
    if id == ctx.principal.user_id {
        return Err(ServiceError::Conflict("you cannot delete yourself".into()));
    }
    let m = users::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    ctx.write(core, async |txn| {
        windflow_entity::role_bindings::Entity::delete_many()
            .filter(
                windflow_entity::role_bindings::Column::SubjectType
                    .eq(windflow_api::access::SubjectType::User),
            )
            .filter(windflow_entity::role_bindings::Column::SubjectId.eq(id))
            .exec(txn)
            .await?;
        users::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::new("user.delete", "user").resource(m.id, Some(m.username));
        Ok(((), ev))
    })
    .await?;
    Ok(())
}

/// Effective permissions of user `id` at `scope` (`organization:<id>`, `project:<id>`,
/// `environment:<id>`, or global when absent). Callers may ask about themselves, or about others
/// where they hold `members:read` on the scope's organization; superadmins about anyone.
pub async fn effective_permissions(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    scope: Option<&str>,
) -> ServiceResult<EffectivePermissions> {
    let Some(scope) = scope else {
        if id != ctx.principal.user_id && !ctx.principal.is_superadmin {
            return Err(ServiceError::NotFound);
        }
        let target = users::Entity::find_by_id(id)
            .one(&core.db)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let permissions = if target.is_superadmin {
            vec!["*".to_owned()]
        } else {
            vec![]
        };
        return Ok(EffectivePermissions {
            user_id: id,
            scope: "global".into(),
            permissions,
        });
    };
    let path = authz::parse_scope(&core.db, scope).await?;
    if id == ctx.principal.user_id {
        authz::effective(&core.db, ctx.principal, &path).await?;
    } else {
        authz::require(&core.db, ctx.principal, &path, Permission::MembersRead).await?;
        // Only members of the scope's organization can be looked up (no probing other tenants).
        if !ctx.principal.is_superadmin
            && authz::membership(&core.db, path.organization, id)
                .await?
                .is_none()
        {
            return Err(ServiceError::NotFound);
        }
    }
    let target = users::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let set = authz::effective_for_user(&core.db, target.id, target.is_superadmin, &path)
        .await?
        .unwrap_or_default();
    Ok(EffectivePermissions {
        user_id: id,
        scope: scope.to_owned(),
        permissions: set.to_vec(),
    })
}
