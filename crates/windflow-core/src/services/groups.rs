//! Groups of an organization and their members.
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::rules;
use windflow_api::tenancy::{AddGroupMember, CreateGroup, Group, GroupMember, UpdateGroup};
use windflow_api::{Page, PageQuery};
use windflow_entity::{group_members, groups, role_bindings, users};

use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};
use crate::rbac::ScopePath;
use crate::validate::Checks;

async fn to_api(core: &Core, m: groups::Model) -> ServiceResult<Group> {
    let member_count = group_members::Entity::find()
        .filter(group_members::Column::GroupId.eq(m.id))
        .count(&core.db)
        .await?;
    Ok(Group {
        id: m.id,
        organization_id: m.organization_id,
        name: m.name,
        description: m.description,
        member_count,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn load(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: Permission,
) -> ServiceResult<groups::Model> {
    let g = groups::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let path = ScopePath {
        organization: g.organization_id,
        project: None,
        environment: None,
    };
    authz::require(&core.db, ctx.principal, &path, perm).await?;
    Ok(g)
}

/// Lists groups of an organization (`groups:read`); `q` filters, `sort=name` sorts.
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Group>> {
    let (_, path) = authz::org_scope(&core.db, org).await?;
    authz::require(&core.db, ctx.principal, &path, Permission::GroupsRead).await?;
    let spec = PageSpec::parse(q, true)?;
    let s = groups::Entity::find().filter(groups::Column::OrganizationId.eq(org));
    let (rows, next_cursor) = fetch_page(
        &core.db,
        s,
        groups::Column::Id,
        Some(groups::Column::Name),
        &spec,
        |m| (m.id, Some(m.name.clone())),
    )
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(to_api(core, r).await?);
    }
    Ok(Page { items, next_cursor })
}

/// Creates a group (`groups:create`). Audited as `group.create`.
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    req: CreateGroup,
) -> ServiceResult<Group> {
    let (_, path) = authz::org_scope(&core.db, org).await?;
    authz::require(&core.db, ctx.principal, &path, Permission::GroupsCreate).await?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::NAME);
    c.finish()?;
    let now = crate::now();
    let m = groups::Model {
        id: Uuid::now_v7(),
        organization_id: org,
        name: req.name.trim().into(),
        description: req.description,
        created_at: now,
        updated_at: now,
    };
    let txn = super::begin(&core.db).await?;
    groups::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    ctx.audit(
        &txn,
        AuditEvent::new("group.create", "group")
            .resource(m.id, Some(m.name.clone()))
            .org(org),
    )
    .await?;
    txn.commit().await?;
    to_api(core, m).await
}

/// Gets a group (`groups:read`).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Group> {
    let g = load(core, ctx, id, Permission::GroupsRead).await?;
    to_api(core, g).await
}

/// Updates a group (`groups:update`). Audited as `group.update`.
pub async fn update(core: &Core, ctx: Ctx<'_>, id: Uuid, req: UpdateGroup) -> ServiceResult<Group> {
    let g = load(core, ctx, id, Permission::GroupsUpdate).await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    c.finish()?;
    let txn = super::begin(&core.db).await?;
    let mut am = g.clone().into_active_model();
    if let Some(n) = req.name {
        am.name = Set(n.trim().into());
    }
    if let Some(d) = req.description {
        am.description = Set(Some(d));
    }
    am.updated_at = Set(crate::now());
    groups::Entity::update(am).exec(&txn).await?;
    let updated = groups::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    ctx.audit(
        &txn,
        AuditEvent::new("group.update", "group")
            .resource(id, Some(updated.name.clone()))
            .org(g.organization_id),
    )
    .await?;
    txn.commit().await?;
    to_api(core, updated).await
}

/// Deletes a group with its members and role bindings (`groups:delete`). Audited.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let g = load(core, ctx, id, Permission::GroupsDelete).await?;
    let txn = super::begin(&core.db).await?;
    role_bindings::Entity::delete_many()
        .filter(role_bindings::Column::SubjectType.eq("group"))
        .filter(role_bindings::Column::SubjectId.eq(id))
        .exec(&txn)
        .await?;
    groups::Entity::delete_by_id(id).exec(&txn).await?;
    ctx.audit(
        &txn,
        AuditEvent::new("group.delete", "group")
            .resource(id, Some(g.name))
            .org(g.organization_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Lists members of a group (`groups:read`).
pub async fn list_members(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<GroupMember>> {
    load(core, ctx, id, Permission::GroupsRead).await?;
    let rows = group_members::Entity::find()
        .filter(group_members::Column::GroupId.eq(id))
        .all(&core.db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
    let us = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(&core.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            us.iter().find(|u| u.id == r.user_id).map(|u| GroupMember {
                user_id: r.user_id,
                username: u.username.clone(),
                created_at: r.created_at,
            })
        })
        .collect())
}

/// Adds an organization member to a group (`groups:update`). Audited as `group.member_add`.
pub async fn add_member(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: AddGroupMember,
) -> ServiceResult<GroupMember> {
    let g = load(core, ctx, id, Permission::GroupsUpdate).await?;
    if authz::membership(&core.db, g.organization_id, req.user_id)
        .await?
        .is_none()
    {
        return Err(ServiceError::field(
            "user_id",
            "not_a_member",
            "the user is not a member of the organization",
        ));
    }
    let user = users::Entity::find_by_id(req.user_id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Joining a group grants its bindings: the caller must hold what each of them grants.
    let bindings = role_bindings::Entity::find()
        .filter(role_bindings::Column::SubjectType.eq("group"))
        .filter(role_bindings::Column::SubjectId.eq(id))
        .all(&core.db)
        .await?;
    for b in bindings {
        let Some(scope_type) = authz::parse_scope_type(&b.scope_type) else {
            continue;
        };
        if let Some(path) =
            authz::binding_scope_path(&core.db, g.organization_id, scope_type, b.scope_id).await?
        {
            authz::require_holds(
                &core.db,
                ctx.principal,
                &path,
                authz::role_grants(&core.db, b.role_id).await?,
            )
            .await?;
        }
    }
    let now = crate::now();
    let txn = super::begin(&core.db).await?;
    group_members::Entity::insert(group_members::ActiveModel {
        group_id: Set(id),
        user_id: Set(req.user_id),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    ctx.audit(
        &txn,
        AuditEvent::new("group.member_add", "group")
            .resource(id, Some(g.name.clone()))
            .org(g.organization_id)
            .details(serde_json::json!({"user_id": req.user_id})),
    )
    .await?;
    txn.commit().await?;
    Ok(GroupMember {
        user_id: user.id,
        username: user.username,
        created_at: now,
    })
}

/// Removes a user from a group (`groups:update`). Audited as `group.member_remove`.
pub async fn remove_member(core: &Core, ctx: Ctx<'_>, id: Uuid, user: Uuid) -> ServiceResult<()> {
    let g = load(core, ctx, id, Permission::GroupsUpdate).await?;
    let txn = super::begin(&core.db).await?;
    let res = group_members::Entity::delete_many()
        .filter(group_members::Column::GroupId.eq(id))
        .filter(group_members::Column::UserId.eq(user))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(ServiceError::NotFound);
    }
    ctx.audit(
        &txn,
        AuditEvent::new("group.member_remove", "group")
            .resource(id, Some(g.name))
            .org(g.organization_id)
            .details(serde_json::json!({"user_id": user})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
