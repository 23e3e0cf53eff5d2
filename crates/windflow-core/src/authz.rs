//! Authorization against the database: resolve a scope to its organization, load a user's grants
//! and evaluate them with [`crate::rbac`].
//!
//! Tenant rule (DOMAIN.md): an object of an organization the principal is not a member of is
//! answered with [`ServiceError::NotFound`], never `Forbidden`; a member lacking the permission
//! gets `Forbidden`. Superadmins hold every permission everywhere.
use std::collections::HashSet;
use windflow_api::access::Permission;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;
use windflow_api::access::{
    SYSTEM_ROLE_ADMIN, SYSTEM_ROLE_USER, SYSTEM_ROLE_VIEWER, ScopeType, SubjectType,
};
use windflow_api::tenancy::MembershipRole;
use windflow_entity::{
    environments, group_members, groups, memberships, organizations, projects, role_bindings,
    role_hierarchy, role_permissions,
};

use crate::context::{Authority, Principal};
use crate::error::{ServiceError, ServiceResult};
use crate::rbac::{Grant, PermissionSet, RoleGraph, ScopePath, resolve};

/// Loads an organization as a scope (NotFound when absent).
pub async fn org_scope<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
) -> ServiceResult<(organizations::Model, ScopePath)> {
    let o = organizations::Entity::find_by_id(org)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let path = ScopePath {
        organization: o.id,
        project: None,
        environment: None,
    };
    Ok((o, path))
}

/// Loads a project as a scope (NotFound when absent).
pub async fn project_scope<C: ConnectionTrait>(
    db: &C,
    project: Uuid,
) -> ServiceResult<(projects::Model, ScopePath)> {
    let p = projects::Entity::find_by_id(project)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let path = ScopePath {
        organization: p.organization_id,
        project: Some(p.id),
        environment: None,
    };
    Ok((p, path))
}

/// Loads an environment as a scope (NotFound when absent).
pub async fn environment_scope<C: ConnectionTrait>(
    db: &C,
    env: Uuid,
) -> ServiceResult<(environments::Model, ScopePath)> {
    let e = environments::Entity::find_by_id(env)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let path = ScopePath {
        organization: e.organization_id,
        project: Some(e.project_id),
        environment: Some(e.id),
    };
    Ok((e, path))
}

/// Parses `organization:<id>`, `project:<id>` or `environment:<id>` and loads that scope.
pub async fn parse_scope<C: ConnectionTrait>(db: &C, s: &str) -> ServiceResult<ScopePath> {
    let bad = || {
        ServiceError::field(
            "scope",
            "invalid_format",
            "must be organization:<id>, project:<id> or environment:<id>",
        )
    };
    if windflow_api::rules::Rule::ScopeRef.check(s).is_some() {
        return Err(bad());
    }
    let (kind, id) = s.split_once(':').ok_or_else(bad)?;
    let id: Uuid = id.parse().map_err(|_| bad())?;
    Ok(match kind {
        "organization" => org_scope(db, id).await?.1,
        "project" => project_scope(db, id).await?.1,
        "environment" => environment_scope(db, id).await?.1,
        _ => return Err(bad()),
    })
}

/// The system role a membership role implies at organization scope.
pub fn implied_role(role: MembershipRole) -> Uuid {
    match role {
        MembershipRole::Owner | MembershipRole::Admin => SYSTEM_ROLE_ADMIN,
        MembershipRole::Member => SYSTEM_ROLE_USER,
        MembershipRole::Viewer => SYSTEM_ROLE_VIEWER,
    }
}

/// The membership of `user` in `org`, if any.
pub async fn membership<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    user: Uuid,
) -> ServiceResult<Option<memberships::Model>> {
    Ok(memberships::Entity::find()
        .filter(memberships::Column::OrganizationId.eq(org))
        .filter(memberships::Column::UserId.eq(user))
        .one(db)
        .await?)
}

/// Loads the role graph reachable from `roles` (their permissions and all ancestors).
pub async fn load_role_graph<C: ConnectionTrait>(
    db: &C,
    roles: impl IntoIterator<Item = Uuid>,
) -> ServiceResult<RoleGraph> {
    let mut graph = RoleGraph::default();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut frontier: Vec<Uuid> = roles.into_iter().collect();
    while !frontier.is_empty() {
        frontier.retain(|r| seen.insert(*r));
        if frontier.is_empty() {
            break;
        }
        let edges = role_hierarchy::Entity::find()
            .filter(role_hierarchy::Column::RoleId.is_in(frontier.clone()))
            .all(db)
            .await?;
        let perms = role_permissions::Entity::find()
            .filter(role_permissions::Column::RoleId.is_in(frontier.clone()))
            .all(db)
            .await?;
        for p in perms {
            graph
                .permissions
                .entry(p.role_id)
                .or_default()
                .push(p.permission);
        }
        frontier = Vec::new();
        for e in edges {
            graph
                .parents
                .entry(e.role_id)
                .or_default()
                .push(e.parent_role_id);
            frontier.push(e.parent_role_id);
        }
    }
    Ok(graph)
}

/// Effective permissions of a user at `path`; `None` when the user is not a member of the
/// organization (and not a superadmin).
pub async fn effective_for_user<C: ConnectionTrait>(
    db: &C,
    user: Uuid,
    is_superadmin: bool,
    path: &ScopePath,
) -> ServiceResult<Option<PermissionSet>> {
    if is_superadmin {
        return Ok(Some(PermissionSet::all()));
    }
    let Some(m) = membership(db, path.organization, user).await? else {
        return Ok(None);
    };
    let mut grants = vec![Grant {
        role: implied_role(m.role),
        scope_type: ScopeType::Organization,
        scope_id: path.organization,
    }];

    let my_groups: Vec<Uuid> = group_members::Entity::find()
        .filter(group_members::Column::UserId.eq(user))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.group_id)
        .collect();
    let my_groups: Vec<Uuid> = if my_groups.is_empty() {
        vec![]
    } else {
        groups::Entity::find()
            .filter(groups::Column::Id.is_in(my_groups))
            .filter(groups::Column::OrganizationId.eq(path.organization))
            .all(db)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect()
    };
    let mut subject = Condition::any().add(
        Condition::all()
            .add(role_bindings::Column::SubjectType.eq(SubjectType::User))
            .add(role_bindings::Column::SubjectId.eq(user)),
    );
    if !my_groups.is_empty() {
        subject = subject.add(
            Condition::all()
                .add(role_bindings::Column::SubjectType.eq(SubjectType::Group))
                .add(role_bindings::Column::SubjectId.is_in(my_groups)),
        );
    }
    let bindings = role_bindings::Entity::find()
        .filter(role_bindings::Column::OrganizationId.eq(path.organization))
        .filter(subject)
        .all(db)
        .await?;
    for b in bindings {
        grants.push(Grant {
            role: b.role_id,
            scope_type: b.scope_type,
            scope_id: b.scope_id,
        });
    }
    let graph = load_role_graph(db, grants.iter().map(|g| g.role)).await?;
    Ok(Some(resolve(&grants, path, &graph)))
}

/// Effective permissions of the principal at `path`; NotFound when not a member.
pub async fn effective<C: ConnectionTrait>(
    db: &C,
    p: &Principal,
    path: &ScopePath,
) -> ServiceResult<PermissionSet> {
    effective_for_user(db, p.user_id, p.is_superadmin, path)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Requires `perm` at `path`: NotFound for non-members, Forbidden for members without it.
pub async fn require<C: ConnectionTrait>(
    db: &C,
    p: &Principal,
    path: &ScopePath,
    perm: Permission,
) -> ServiceResult<()> {
    require_for(db, p.authority(), path, perm).await
}

/// [`require`] for an [`Authority`] (work done on a user's behalf, without their session).
pub async fn require_for<C: ConnectionTrait>(
    db: &C,
    a: Authority,
    path: &ScopePath,
    perm: Permission,
) -> ServiceResult<()> {
    let allowed = effective_for_user(db, a.user_id, a.is_superadmin, path)
        .await?
        .ok_or(ServiceError::NotFound)?
        .allows(perm);
    if allowed {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(perm.to_string()))
    }
}

/// Anti-escalation (Kubernetes RBAC's rule): unless superadmin, the principal must already hold
/// at `path` every permission in `grants` (wildcards must be held as such). Forbidden otherwise.
pub async fn require_holds<C: ConnectionTrait>(
    db: &C,
    p: &Principal,
    path: &ScopePath,
    grants: impl IntoIterator<Item = String>,
) -> ServiceResult<()> {
    if p.is_superadmin {
        return Ok(());
    }
    let mine = effective(db, p, path).await?;
    match grants.into_iter().find(|g| !mine.allows(g)) {
        Some(missing) => Err(ServiceError::Forbidden(format!(
            "{missing} (cannot grant a permission you do not hold)"
        ))),
        None => Ok(()),
    }
}

/// Every permission a role grants, its ancestors' included.
pub async fn role_grants<C: ConnectionTrait>(db: &C, role: Uuid) -> ServiceResult<Vec<String>> {
    Ok(load_role_graph(db, [role])
        .await?
        .expand(role)
        .into_iter()
        .collect())
}

/// The scope path of a binding scope inside `org`, or `None` when it is not in `org`.
pub async fn binding_scope_path<C: ConnectionTrait>(
    db: &C,
    org: Uuid,
    scope_type: ScopeType,
    scope_id: Uuid,
) -> ServiceResult<Option<ScopePath>> {
    Ok(match scope_type {
        ScopeType::Organization => (scope_id == org).then_some(ScopePath {
            organization: org,
            project: None,
            environment: None,
        }),
        ScopeType::Project => projects::Entity::find_by_id(scope_id)
            .one(db)
            .await?
            .filter(|p| p.organization_id == org)
            .map(|p| ScopePath {
                organization: org,
                project: Some(p.id),
                environment: None,
            }),
        ScopeType::Environment => environments::Entity::find_by_id(scope_id)
            .one(db)
            .await?
            .filter(|e| e.organization_id == org)
            .map(|e| ScopePath {
                organization: org,
                project: Some(e.project_id),
                environment: Some(e.id),
            }),
    })
}

/// Requires a global permission (`users:*`, `settings:*`, `organizations:create`): only
/// superadmins hold those.
pub fn require_global(p: &Principal, perm: Permission) -> ServiceResult<()> {
    if p.is_superadmin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(perm.to_string()))
    }
}
