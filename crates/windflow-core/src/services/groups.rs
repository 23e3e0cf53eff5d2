//! Groups of an organization and their members.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
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
use crate::resource::{self, Parent, load_for};

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

/// Lists groups of an organization (`groups:read`); `q` filters, `sort=name` sorts.
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Group>> {
    let Page {
        items: rows,
        next_cursor,
    } = resource::list_in(
        core,
        ctx,
        Parent::Organization(org),
        Permission::GroupsRead,
        q,
        groups::Entity::find().filter(groups::Column::OrganizationId.eq(org)),
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
    Parent::Organization(org)
        .require(core, ctx, Permission::GroupsCreate)
        .await?;
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
    ctx.write(core, async |txn| {
        groups::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        let ev = AuditEvent::of::<groups::Entity>("group.create", &m);
        Ok(((), ev))
    })
    .await?;
    to_api(core, m).await
}

/// Gets a group (`groups:read`).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Group> {
    let g = load_for::<groups::Entity>(core, ctx, id, Permission::GroupsRead).await?;
    to_api(core, g).await
}

/// Updates a group (`groups:update`). Audited as `group.update`.
pub async fn update(core: &Core, ctx: Ctx<'_>, id: Uuid, req: UpdateGroup) -> ServiceResult<Group> {
    let g = load_for::<groups::Entity>(core, ctx, id, Permission::GroupsUpdate).await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    c.finish()?;
    let updated = ctx
        .write(core, async |txn| {
            let mut am = g.clone().into_active_model();
            if let Some(n) = req.name {
                am.name = Set(n.trim().into());
            }
            if let Some(d) = req.description {
                am.description = Set(Some(d));
            }
            am.updated_at = Set(crate::now());
            let updated = am.update(txn).await?;
            let ev = AuditEvent::of::<groups::Entity>("group.update", &updated);
            Ok((updated, ev))
        })
        .await?;
    to_api(core, updated).await
}

/// Deletes a group with its members and role bindings (`groups:delete`). Audited.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let g = load_for::<groups::Entity>(core, ctx, id, Permission::GroupsDelete).await?;
    ctx.write(core, async |txn| {
        role_bindings::Entity::delete_many()
            .filter(role_bindings::Column::SubjectType.eq(windflow_api::access::SubjectType::Group))
            .filter(role_bindings::Column::SubjectId.eq(id))
            .exec(txn)
            .await?;
        groups::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<groups::Entity>("group.delete", &g);
        Ok(((), ev))
    })
    .await?;
    Ok(())
}

/// Lists members of a group (`groups:read`).
pub async fn list_members(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<GroupMember>> {
    load_for::<groups::Entity>(core, ctx, id, Permission::GroupsRead).await?;
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
    let g = load_for::<groups::Entity>(core, ctx, id, Permission::GroupsUpdate).await?;
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
        .filter(role_bindings::Column::SubjectType.eq(windflow_api::access::SubjectType::Group))
        .filter(role_bindings::Column::SubjectId.eq(id))
        .all(&core.db)
        .await?;
    for b in bindings {
        if let Some(path) =
            authz::binding_scope_path(&core.db, g.organization_id, b.scope_type, b.scope_id).await?
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
    ctx.write(core, async |txn| {
        group_members::Entity::insert(group_members::ActiveModel {
            group_id: Set(id),
            user_id: Set(req.user_id),
            created_at: Set(now),
        })
        .exec_without_returning(txn)
        .await?;
        let ev = AuditEvent::of::<groups::Entity>("group.member_add", &g)
            .details(serde_json::json!({"user_id": req.user_id}));
        Ok(((), ev))
    })
    .await?;
    Ok(GroupMember {
        user_id: user.id,
        username: user.username,
        created_at: now,
    })
}

/// Removes a user from a group (`groups:update`). Audited as `group.member_remove`.
pub async fn remove_member(core: &Core, ctx: Ctx<'_>, id: Uuid, user: Uuid) -> ServiceResult<()> {
    let g = load_for::<groups::Entity>(core, ctx, id, Permission::GroupsUpdate).await?;
    ctx.write(core, async |txn| {
        let res = group_members::Entity::delete_many()
            .filter(group_members::Column::GroupId.eq(id))
            .filter(group_members::Column::UserId.eq(user))
            .exec(txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(ServiceError::NotFound);
        }
        let ev = AuditEvent::of::<groups::Entity>("group.member_remove", &g)
            .details(serde_json::json!({"user_id": user}));
        Ok(((), ev))
    })
    .await?;
    Ok(())
}
