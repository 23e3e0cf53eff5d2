//! Roles (system and per organization), their permissions and hierarchy, and role bindings.
use std::collections::HashMap;
use windflow_api::access::Permission;
use windflow_api::rules;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use uuid::Uuid;
use windflow_api::access::{
    CreateRole, CreateRoleBinding, PERMISSIONS, PermissionInfo, Role, RoleBinding, SubjectType,
    UpdateRole, is_grantable,
};
use windflow_api::{Page, PageQuery};
use windflow_entity::{groups, role_bindings, role_hierarchy, role_permissions, roles};

use crate::audit::AuditEvent;
use crate::authz::{self, load_role_graph};
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::{self, Parent};

use crate::rbac::ScopePath;
use crate::validate::Checks;

/// The permission catalog (`GET /permissions`).
pub fn catalog() -> Vec<PermissionInfo> {
    PERMISSIONS
        .iter()
        .map(|(name, description)| {
            let (resource, action) = name.split_once(':').unwrap_or((name, ""));
            PermissionInfo {
                name: (*name).into(),
                resource: resource.into(),
                action: action.into(),
                description: (*description).into(),
            }
        })
        .collect()
}

async fn to_api<C: ConnectionTrait>(db: &C, m: roles::Model) -> ServiceResult<Role> {
    let mut permissions: Vec<String> = role_permissions::Entity::find()
        .filter(role_permissions::Column::RoleId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.permission)
        .collect();
    permissions.sort();
    let parent_ids = role_hierarchy::Entity::find()
        .filter(role_hierarchy::Column::RoleId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.parent_role_id)
        .collect();
    Ok(Role {
        id: m.id,
        organization_id: m.organization_id,
        name: m.name,
        description: m.description,
        is_system: m.is_system,
        permissions,
        parent_ids,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Lists system roles and the organization's roles (`roles:read`); `q` filters, `sort=name`.
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Role>> {
    let Page {
        items: rows,
        next_cursor,
    } = resource::list_in(
        core,
        ctx,
        Parent::Organization(org),
        Permission::RolesRead,
        q,
        roles::Entity::find().filter(
            Condition::any()
                .add(roles::Column::OrganizationId.eq(org))
                .add(roles::Column::OrganizationId.is_null()),
        ),
    )
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(to_api(&core.db, r).await?);
    }
    Ok(Page { items, next_cursor })
}

/// Loads a role the caller may see with `perm`: system roles are visible to every
/// authenticated user (read only); organization roles need `perm` in their organization.
async fn load(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: Permission,
) -> ServiceResult<roles::Model> {
    let r = resource::find::<roles::Entity, _>(&core.db, id).await?;
    match r.organization_id {
        None if perm == Permission::RolesRead => Ok(r),
        None => Err(ServiceError::Conflict(
            "system roles cannot be changed".into(),
        )),
        Some(_) => resource::load_for::<roles::Entity>(core, ctx, id, perm).await,
    }
}

/// Validates permissions and parents of a role of `org` (`role` = None when creating).
async fn check_grants(
    core: &Core,
    org: Uuid,
    role: Option<Uuid>,
    perms: Option<&[String]>,
    parents: Option<&[Uuid]>,
) -> ServiceResult<()> {
    let mut c = Checks::new();
    for (i, p) in perms.unwrap_or_default().iter().enumerate() {
        if !is_grantable(p) {
            c.push(
                &format!("permissions[{i}]"),
                "unknown",
                format!("{p} is not in the permission catalog"),
            );
        }
    }
    if let Some(parents) = parents {
        let graph = load_role_graph(&core.db, parents.iter().copied()).await?;
        for (i, pid) in parents.iter().enumerate() {
            let field = format!("parent_ids[{i}]");
            match roles::Entity::find_by_id(*pid).one(&core.db).await? {
                Some(p) if p.organization_id.is_none() || p.organization_id == Some(org) => {
                    if role.is_some_and(|r| r == *pid || graph.would_cycle(r, *pid)) {
                        c.push(
                            &field,
                            "cycle",
                            "this parent would make the role inherit from itself",
                        );
                    }
                }
                _ => c.push(&field, "unknown", "no such role in this organization"),
            }
        }
    }
    c.finish()
}

async fn write_grants<C: ConnectionTrait>(
    db: &C,
    role: Uuid,
    perms: Option<&[String]>,
    parents: Option<&[Uuid]>,
) -> ServiceResult<()> {
    if let Some(perms) = perms {
        role_permissions::Entity::delete_many()
            .filter(role_permissions::Column::RoleId.eq(role))
            .exec(db)
            .await?;
        let mut uniq: Vec<&String> = perms.iter().collect();
        uniq.sort();
        uniq.dedup();
        for p in uniq {
            role_permissions::Entity::insert(role_permissions::ActiveModel {
                role_id: Set(role),
                permission: Set(p.clone()),
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    if let Some(parents) = parents {
        role_hierarchy::Entity::delete_many()
            .filter(role_hierarchy::Column::RoleId.eq(role))
            .exec(db)
            .await?;
        let mut uniq: Vec<&Uuid> = parents.iter().collect();
        uniq.sort();
        uniq.dedup();
        for p in uniq {
            role_hierarchy::Entity::insert(role_hierarchy::ActiveModel {
                role_id: Set(role),
                parent_role_id: Set(*p),
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    Ok(())
}

/// Creates an organization role (`roles:create`). Permissions must be in the catalog (wildcards
/// allowed); parents must be system roles or roles of the organization. Audited.
pub async fn create(core: &Core, ctx: Ctx<'_>, org: Uuid, req: CreateRole) -> ServiceResult<Role> {
    Parent::Organization(org)
        .require(core, ctx, Permission::RolesCreate)
        .await?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::NAME);
    c.finish()?;
    check_grants(
        core,
        org,
        None,
        Some(&req.permissions),
        Some(&req.parent_ids),
    )
    .await?;
    let now = crate::now();
    let m = roles::Model {
        id: Uuid::now_v7(),
        organization_id: Some(org),
        name: req.name.trim().into(),
        description: req.description,
        is_system: false,
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        let m = m.into_active_model().insert(txn).await?;
        write_grants(txn, m.id, Some(&req.permissions), Some(&req.parent_ids)).await?;
        let ev = AuditEvent::of::<roles::Entity>("role.create", &m).details(
            serde_json::json!({"permissions": req.permissions, "parent_ids": req.parent_ids}),
        );
        Ok((to_api(txn, m).await?, ev))
    })
    .await
}

/// Gets a role (`roles:read`; system roles are visible to all).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Role> {
    let r = load(core, ctx, id, Permission::RolesRead).await?;
    to_api(&core.db, r).await
}

/// Updates an organization role (`roles:update`); system roles answer Conflict. Audited.
pub async fn update(core: &Core, ctx: Ctx<'_>, id: Uuid, req: UpdateRole) -> ServiceResult<Role> {
    let r = load(core, ctx, id, Permission::RolesUpdate).await?;
    let org = r.organization_id.ok_or(ServiceError::NotFound)?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    c.finish()?;
    check_grants(
        core,
        org,
        Some(id),
        req.permissions.as_deref(),
        req.parent_ids.as_deref(),
    )
    .await?;
    // A role may already be bound: whoever edits it must hold everything it will grant.
    let current = to_api(&core.db, r.clone()).await?;
    let mut grants = req.permissions.clone().unwrap_or(current.permissions);
    for p in req.parent_ids.clone().unwrap_or(current.parent_ids) {
        grants.extend(authz::role_grants(&core.db, p).await?);
    }
    let org_path = ScopePath {
        organization: org,
        project: None,
        environment: None,
    };
    authz::require_holds(&core.db, ctx.principal, &org_path, grants).await?;
    let mut am = r.clone().into_active_model();
    if let Some(n) = &req.name {
        am.name = Set(n.trim().into());
    }
    if let Some(d) = &req.description {
        am.description = Set(Some(d.clone()));
    }
    am.updated_at = Set(crate::now());
    ctx.write(core, async |txn| {
        let updated = am.update(txn).await?;
        write_grants(
            txn,
            id,
            req.permissions.as_deref(),
            req.parent_ids.as_deref(),
        )
        .await?;
        let ev = AuditEvent::of::<roles::Entity>("role.update", &updated).details(
            serde_json::json!({"permissions": req.permissions, "parent_ids": req.parent_ids}),
        );
        Ok((to_api(txn, updated).await?, ev))
    })
    .await
}

/// Deletes an organization role with its bindings (`roles:delete`). Audited.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    // `load` refuses system roles for anything but reading.
    let r = load(core, ctx, id, Permission::RolesDelete).await?;
    ctx.write(core, async |txn| {
        roles::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<roles::Entity>("role.delete", &r);
        Ok(((), ev))
    })
    .await?;
    Ok(())
}

fn binding_to_api(m: role_bindings::Model, role_name: String) -> ServiceResult<RoleBinding> {
    Ok(RoleBinding {
        id: m.id,
        organization_id: m.organization_id,
        role_id: m.role_id,
        role_name,
        subject_type: m.subject_type,
        subject_id: m.subject_id,
        scope_type: m.scope_type,
        scope_id: m.scope_id,
        created_at: m.created_at,
    })
}

/// Lists role bindings of an organization (`role_bindings:read`), oldest first.
pub async fn list_bindings(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<RoleBinding>> {
    let Page {
        items: rows,
        next_cursor,
    } = resource::list_in(
        core,
        ctx,
        Parent::Organization(org),
        Permission::RoleBindingsRead,
        q,
        role_bindings::Entity::find().filter(role_bindings::Column::OrganizationId.eq(org)),
    )
    .await?;
    let role_ids: Vec<Uuid> = rows.iter().map(|r| r.role_id).collect();
    let names: HashMap<Uuid, String> = roles::Entity::find()
        .filter(roles::Column::Id.is_in(role_ids))
        .all(&core.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| {
            let n = names.get(&r.role_id).cloned().unwrap_or_default();
            binding_to_api(r, n)
        })
        .collect::<ServiceResult<_>>()?;
    Ok(Page { items, next_cursor })
}

/// Binds a role to a user or group at a scope of the organization (`role_bindings:create`).
///
/// Rules: the role is a system role or a role of this organization; a user subject is a member
/// and a group subject belongs to the organization; the scope is the organization or one of its
/// projects or environments. Anti-escalation: unless superadmin, the caller must already hold at
/// that scope every permission the role grants (expanded with its parents), as in Kubernetes
/// RBAC's escalation check. Audited as `role_binding.create`.
pub async fn create_binding(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    req: CreateRoleBinding,
) -> ServiceResult<RoleBinding> {
    Parent::Organization(org)
        .require(core, ctx, Permission::RoleBindingsCreate)
        .await?;
    let mut c = Checks::new();
    let role = roles::Entity::find_by_id(req.role_id)
        .one(&core.db)
        .await?
        .filter(|r| r.organization_id.is_none() || r.organization_id == Some(org));
    if role.is_none() {
        c.push("role_id", "unknown", "no such role in this organization");
    }
    let subject_ok = match req.subject_type {
        SubjectType::User => authz::membership(&core.db, org, req.subject_id)
            .await?
            .is_some(),
        SubjectType::Group => groups::Entity::find_by_id(req.subject_id)
            .one(&core.db)
            .await?
            .is_some_and(|g| g.organization_id == org),
    };
    if !subject_ok {
        c.push(
            "subject_id",
            "unknown",
            "no such member or group in this organization",
        );
    }
    let path = authz::binding_scope_path(&core.db, org, req.scope_type, req.scope_id).await?;
    if path.is_none() {
        c.push("scope_id", "unknown", "no such scope in this organization");
    }
    c.finish()?;
    let (Some(role), Some(path)) = (role, path) else {
        return Err(ServiceError::NotFound);
    };
    authz::require_holds(
        &core.db,
        ctx.principal,
        &path,
        authz::role_grants(&core.db, role.id).await?,
    )
    .await?;
    let m = role_bindings::Model {
        id: Uuid::now_v7(),
        organization_id: org,
        role_id: role.id,
        subject_type: req.subject_type,
        subject_id: req.subject_id,
        scope_type: req.scope_type,
        scope_id: req.scope_id,
        created_at: crate::now(),
    };
    ctx.write(core, async |txn| {
        role_bindings::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        let ev = AuditEvent::new("role_binding.create", "role_binding")
            .resource(m.id, Some(role.name.clone()))
            .org(org)
            .details(serde_json::json!({"role_id": role.id, "subject_type": req.subject_type, "subject_id": req.subject_id, "scope_type": req.scope_type, "scope_id": req.scope_id}));
        Ok(((), ev))
    })
    .await?;
    binding_to_api(m, role.name)
}

/// Deletes a role binding (`role_bindings:delete` in its organization). Audited.
pub async fn delete_binding(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let b = role_bindings::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let path = ScopePath {
        organization: b.organization_id,
        project: None,
        environment: None,
    };
    authz::require(
        &core.db,
        ctx.principal,
        &path,
        Permission::RoleBindingsDelete,
    )
    .await?;
    ctx.write(core, async |txn| {
        role_bindings::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::new("role_binding.delete", "role_binding")
            .resource(id, None)
            .org(b.organization_id);
        Ok(((), ev))
    })
    .await?;
    Ok(())
}
