//! Organizations (tenants) and their memberships.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::rules::{self, Rule};
use windflow_api::tenancy::{
    AddMember, CreateOrganization, Membership, MembershipRole, Organization, UpdateMember,
    UpdateOrganization,
};
use windflow_api::{Page, PageQuery};
use windflow_entity::{group_members, groups, memberships, organizations, role_bindings, users};

use crate::audit::AuditEvent;
use crate::authz::{self, require_global};
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};
use crate::resource::{self, Parent};
use crate::validate::Checks;

fn to_api(m: organizations::Model) -> Organization {
    Organization {
        id: m.id,
        name: m.name,
        description: m.description,
        settings: m.settings,
        is_active: m.is_active,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Creates an organization (`organizations:create`, superadmins); the creator becomes its
/// owner in the same transaction. Audited as `organization.create`.
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    req: CreateOrganization,
) -> ServiceResult<Organization> {
    require_global(ctx.principal, Permission::OrganizationsCreate)?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::NAME);
    if let Some(s) = &req.settings {
        c.value("settings", s, Rule::Object);
    }
    c.finish()?;
    let now = crate::now();
    let m = organizations::Model {
        id: Uuid::now_v7(),
        name: req.name.trim().to_owned(),
        description: req.description,
        settings: req.settings.unwrap_or_else(|| serde_json::json!({})),
        is_active: true,
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        let m = m.into_active_model().insert(txn).await?;
        insert_membership(txn, m.id, ctx.principal.user_id, MembershipRole::Owner).await?;
        let ev = AuditEvent::of::<organizations::Entity>("organization.create", &m);
        Ok((to_api(m), ev))
    })
    .await
}

async fn insert_membership<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    user: Uuid,
    role: MembershipRole,
) -> ServiceResult<memberships::Model> {
    let now = crate::now();
    let m = memberships::Model {
        id: Uuid::now_v7(),
        organization_id: org,
        user_id: user,
        role,
        created_at: now,
        updated_at: now,
    };
    memberships::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(m)
}

/// Lists the organizations the caller is a member of (all of them for superadmins).
pub async fn list(core: &Core, ctx: Ctx<'_>, q: &PageQuery) -> ServiceResult<Page<Organization>> {
    let spec = PageSpec::parse(q, true)?;
    let mut s = organizations::Entity::find();
    if !ctx.principal.is_superadmin {
        let mine: Vec<Uuid> = memberships::Entity::find()
            .filter(memberships::Column::UserId.eq(ctx.principal.user_id))
            .all(&core.db)
            .await?
            .into_iter()
            .map(|m| m.organization_id)
            .collect();
        s = s.filter(organizations::Column::Id.is_in(mine));
    }
    let (rows, next_cursor) = fetch_page(
        &core.db,
        s,
        organizations::Column::Id,
        Some(organizations::Column::Name),
        &spec,
        |m| (m.id, Some(m.name.clone())),
    )
    .await?;
    Ok(Page {
        items: rows.into_iter().map(to_api).collect(),
        next_cursor,
    })
}

/// Gets an organization (`organizations:read`).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Organization> {
    let o =
        resource::load_for::<organizations::Entity>(core, ctx, id, Permission::OrganizationsRead)
            .await?;
    Ok(to_api(o))
}

/// Updates an organization (`organizations:update`). Audited as `organization.update`.
pub async fn update(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: UpdateOrganization,
) -> ServiceResult<Organization> {
    let o =
        resource::load_for::<organizations::Entity>(core, ctx, id, Permission::OrganizationsUpdate)
            .await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    if let Some(s) = &req.settings {
        c.value("settings", s, Rule::Object);
    }
    c.finish()?;
    let mut am = o.into_active_model();
    if let Some(n) = req.name {
        am.name = Set(n.trim().to_owned());
    }
    if let Some(d) = req.description {
        am.description = Set(Some(d));
    }
    if let Some(s) = req.settings {
        am.settings = Set(s);
    }
    if let Some(a) = req.is_active {
        am.is_active = Set(a);
    }
    am.updated_at = Set(crate::now());
    ctx.write(core, async |txn| {
        let m = am.update(txn).await?;
        let ev = AuditEvent::of::<organizations::Entity>("organization.update", &m);
        Ok((to_api(m), ev))
    })
    .await
}

async fn is_owner(core: &Core, ctx: Ctx<'_>, org: Uuid) -> ServiceResult<bool> {
    Ok(ctx.principal.is_superadmin
        || authz::membership(&core.db, org, ctx.principal.user_id)
            .await?
            .is_some_and(|m| m.role == MembershipRole::Owner))
}

/// Deletes an organization and everything in it (`organizations:delete`, and the caller must be
/// an owner or a superadmin). Audit rows are kept. Audited as `organization.delete`.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let o =
        resource::load_for::<organizations::Entity>(core, ctx, id, Permission::OrganizationsDelete)
            .await?;
    if !is_owner(core, ctx, id).await? {
        return Err(ServiceError::Forbidden(
            "organizations:delete (owners only)".into(),
        ));
    }
    ctx.write(core, async |txn| {
        organizations::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<organizations::Entity>("organization.delete", &o);
        Ok(((), ev))
    })
    .await
}

fn member_to_api(m: memberships::Model, u: &users::Model) -> ServiceResult<Membership> {
    Ok(Membership {
        id: m.id,
        organization_id: m.organization_id,
        user_id: m.user_id,
        username: u.username.clone(),
        email: u.email.clone(),
        role: m.role,
        created_at: m.created_at,
    })
}

/// Lists members (`members:read`), oldest first.
pub async fn list_members(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Membership>> {
    let Page {
        items: rows,
        next_cursor,
    } = resource::list_in::<memberships::Entity>(
        core,
        ctx,
        Parent::Organization(org),
        Permission::MembersRead,
        q,
        memberships::Entity::find().filter(memberships::Column::OrganizationId.eq(org)),
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.user_id).collect();
    let us = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(&core.db)
        .await?;
    let items = rows
        .into_iter()
        .filter_map(|m| {
            us.iter()
                .find(|u| u.id == m.user_id)
                .map(|u| member_to_api(m, u))
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(Page { items, next_cursor })
}

fn require_owner_for(role: MembershipRole, owner: bool) -> ServiceResult<()> {
    if role == MembershipRole::Owner && !owner {
        return Err(ServiceError::Forbidden(
            "members:update (only owners grant or revoke owner)".into(),
        ));
    }
    Ok(())
}

/// Adds an existing user (by id or username) as a member (`members:create`; granting `owner`
/// needs an owner). Audited as `member.create`.
pub async fn add_member(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    req: AddMember,
) -> ServiceResult<Membership> {
    let path = Parent::Organization(org)
        .require(core, ctx, Permission::MembersCreate)
        .await?;
    require_owner_for(req.role, is_owner(core, ctx, org).await?)?;
    authz::require_holds(
        &core.db,
        ctx.principal,
        &path,
        authz::role_grants(&core.db, authz::implied_role(req.role)).await?,
    )
    .await?;
    let user = match (&req.user_id, &req.username) {
        (Some(id), _) => users::Entity::find_by_id(*id).one(&core.db).await?,
        (None, Some(name)) => {
            users::Entity::find()
                .filter(users::Column::Username.eq(name.as_str()))
                .one(&core.db)
                .await?
        }
        (None, None) => {
            return Err(ServiceError::field(
                "user_id",
                "required",
                "give user_id or username",
            ));
        }
    }
    .ok_or_else(|| {
        ServiceError::field(
            if req.user_id.is_some() {
                "user_id"
            } else {
                "username"
            },
            "unknown",
            "no such user",
        )
    })?;
    let m = ctx
        .write(core, async |txn| {
            let m = insert_membership(txn, org, user.id, req.role).await?;
            let ev = AuditEvent::new("member.create", "membership")
                .resource(m.id, Some(user.username.clone()))
                .at(&path)
                .details(serde_json::json!({"role": req.role}));
            Ok((m, ev))
        })
        .await?;
    member_to_api(m, &user)
}

async fn load_member(
    core: &Core,
    org: Uuid,
    user: Uuid,
) -> ServiceResult<(memberships::Model, users::Model)> {
    let m = authz::membership(&core.db, org, user)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let u = users::Entity::find_by_id(user)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((m, u))
}

async fn owner_count<C: ConnectionTrait>(db: &C, org: Uuid) -> ServiceResult<u64> {
    Ok(memberships::Entity::find()
        .filter(memberships::Column::OrganizationId.eq(org))
        .filter(memberships::Column::Role.eq(MembershipRole::Owner))
        .count(db)
        .await?)
}

/// Changes a member's role (`members:update`; owner changes need an owner; the last owner
/// cannot be demoted). Audited as `member.update`.
pub async fn update_member(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    user: Uuid,
    req: UpdateMember,
) -> ServiceResult<Membership> {
    let path = Parent::Organization(org)
        .require(core, ctx, Permission::MembersUpdate)
        .await?;
    let (m, u) = load_member(core, org, user).await?;
    let old = m.role;
    let owner = is_owner(core, ctx, org).await?;
    require_owner_for(old, owner)?;
    require_owner_for(req.role, owner)?;
    authz::require_holds(
        &core.db,
        ctx.principal,
        &path,
        authz::role_grants(&core.db, authz::implied_role(req.role)).await?,
    )
    .await?;
    let ev = AuditEvent::new("member.update", "membership")
        .resource(m.id, Some(u.username.clone()))
        .at(&path)
        .details(serde_json::json!({"old": old, "new": req.role}));
    let mut am = m.into_active_model();
    am.role = Set(req.role);
    am.updated_at = Set(crate::now());
    let m = ctx
        .write(core, async |txn| {
            if old == MembershipRole::Owner
                && req.role != MembershipRole::Owner
                && owner_count(txn, org).await? <= 1
            {
                return Err(ServiceError::Conflict(
                    "an organization keeps at least one owner".into(),
                ));
            }
            Ok((am.update(txn).await?, ev))
        })
        .await?;
    member_to_api(m, &u)
}

/// Removes a member (`members:delete`; removing an owner needs an owner; the last owner stays),
/// with their group memberships and user role bindings in this organization. Audited as
/// `member.delete`.
pub async fn remove_member(core: &Core, ctx: Ctx<'_>, org: Uuid, user: Uuid) -> ServiceResult<()> {
    let path = Parent::Organization(org)
        .require(core, ctx, Permission::MembersDelete)
        .await?;
    let (m, u) = load_member(core, org, user).await?;
    let role = m.role;
    require_owner_for(role, is_owner(core, ctx, org).await?)?;
    ctx.write(core, async |txn| {
        if role == MembershipRole::Owner && owner_count(txn, org).await? <= 1 {
            return Err(ServiceError::Conflict(
                "an organization keeps at least one owner".into(),
            ));
        }
        let org_groups: Vec<Uuid> = groups::Entity::find()
            .filter(groups::Column::OrganizationId.eq(org))
            .all(txn)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        group_members::Entity::delete_many()
            .filter(group_members::Column::UserId.eq(user))
            .filter(group_members::Column::GroupId.is_in(org_groups))
            .exec(txn)
            .await?;
        role_bindings::Entity::delete_many()
            .filter(role_bindings::Column::OrganizationId.eq(org))
            .filter(role_bindings::Column::SubjectType.eq(windflow_api::access::SubjectType::User))
            .filter(role_bindings::Column::SubjectId.eq(user))
            .exec(txn)
            .await?;
        memberships::Entity::delete_by_id(m.id).exec(txn).await?;
        let ev = AuditEvent::new("member.delete", "membership")
            .resource(m.id, Some(u.username))
            .at(&path);
        Ok(((), ev))
    })
    .await
}

/// The caller's memberships with organization names (for `GET /auth/session`).
pub async fn memberships_of(
    core: &Core,
    user: Uuid,
) -> ServiceResult<Vec<(memberships::Model, organizations::Model)>> {
    let ms = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user))
        .all(&core.db)
        .await?;
    let ids: Vec<Uuid> = ms.iter().map(|m| m.organization_id).collect();
    let orgs = organizations::Entity::find()
        .filter(organizations::Column::Id.is_in(ids))
        .all(&core.db)
        .await?;
    Ok(ms
        .into_iter()
        .filter_map(|m| {
            orgs.iter()
                .find(|o| o.id == m.organization_id)
                .cloned()
                .map(|o| (m, o))
        })
        .collect())
}
