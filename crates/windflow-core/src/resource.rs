//! The one checked-and-audited path every service uses for its database resources (issue 12):
//!
//! - [`load_for`]: a row by id, with a permission checked at the row's own scope. Another
//!   tenant's row and a missing row are both [`ServiceError::NotFound`] (DOMAIN.md tenant rule);
//!   a member without the permission gets [`ServiceError::Forbidden`].
//! - [`list_in`]: a keyset page of the rows under a parent scope ([`Parent`]), the permission
//!   checked once at that scope.
//! - [`Ctx::write`] (and [`Initiator::write`] for work the server runs on its own): begin a
//!   transaction, run the change, write its audit row in the same transaction, commit. A change
//!   that fails leaves neither the change nor its audit row behind.
//!
//! A new module's resource implements [`Scoped`] (usually with the `scoped!` line at the bottom of
//! this file) and gets these three for free.
//!
//! Two kinds of audit row are written outside [`Ctx::write`], on purpose: the sign-in flows
//! (`services::auth`), which commit a `denied` row and then answer an error, and calls to a
//! Docker engine, whose effect is outside the database (`services::docker::audit_engine_call`).
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, EntityTrait, PrimaryKeyTrait, Select, TransactionTrait,
};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::{Page, PageQuery};
use windflow_entity as entity;

use crate::audit::{self, Actor, AuditEvent};
use crate::authz;
use crate::context::{Core, Ctx, Initiator, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};
use crate::rbac::ScopePath;

/// A database resource that lives in a tenant scope (an organization, a project or an
/// environment) and is keyed by a UUID `id`.
pub trait Scoped: EntityTrait {
    /// Its `resource_type` in the audit log (`stack`, `git_repository`, …).
    const KIND: &'static str;
    /// The id column (keyset paging's tie-breaker).
    const ID: Self::Column;
    /// The name column: `sort=name` and `q` apply to it; `None` for unnamed resources.
    const NAME: Option<Self::Column>;
    /// A row's id.
    fn id(m: &Self::Model) -> Uuid;
    /// A row's display name (recorded in the audit row).
    fn name(m: &Self::Model) -> String;
    /// The scope the row lives in; its permissions are checked there.
    fn scope(m: &Self::Model) -> ScopePath;
}

/// The row `id` of `E`, or NotFound. No permission check: use [`load_for`] for a caller's
/// request; this is for work the server does on its own and for rules that are not a scoped
/// permission (system roles, users).
pub async fn find<E, C>(db: &C, id: Uuid) -> ServiceResult<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
    Uuid: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The row `id` of `E` if the caller holds `perm` at its scope. Errors: NotFound (absent, or in
/// an organization the caller is not a member of), Forbidden (a member without `perm`).
pub async fn load_for<E>(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: Permission,
) -> ServiceResult<E::Model>
where
    E: Scoped,
    Uuid: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let m = find::<E, _>(&core.db, id).await?;
    authz::require(&core.db, ctx.principal, &E::scope(&m), perm).await?;
    Ok(m)
}

/// The scope a list lives under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// An organization's id.
    Organization(Uuid),
    /// A project's id.
    Project(Uuid),
    /// An environment's id.
    Environment(Uuid),
}

impl Parent {
    /// The parent's id (what the child's parent column holds).
    pub fn id(self) -> Uuid {
        match self {
            Self::Organization(id) | Self::Project(id) | Self::Environment(id) => id,
        }
    }

    /// Loads the parent as a scope path (NotFound when it does not exist).
    pub async fn path<C: ConnectionTrait>(self, db: &C) -> ServiceResult<ScopePath> {
        Ok(match self {
            Self::Organization(id) => authz::org_scope(db, id).await?.1,
            Self::Project(id) => authz::project_scope(db, id).await?.1,
            Self::Environment(id) => authz::environment_scope(db, id).await?.1,
        })
    }

    /// Loads the parent and requires `perm` there; returns its scope path.
    pub async fn require(
        self,
        core: &Core,
        ctx: Ctx<'_>,
        perm: Permission,
    ) -> ServiceResult<ScopePath> {
        let path = self.path(&core.db).await?;
        authz::require(&core.db, ctx.principal, &path, perm).await?;
        Ok(path)
    }
}

/// Which rows the caller may see, for reads that gather rows of many scopes at once (the home
/// dashboard, the global search): each scope's effective permissions are resolved once and
/// kept for the rest of the request. A scope of an organization the caller is not a member of
/// allows nothing (its rows are left out, never an error).
pub struct Visibility<'a> {
    core: &'a Core,
    ctx: Ctx<'a>,
    seen: std::collections::HashMap<ScopePath, Option<crate::rbac::PermissionSet>>,
}

impl<'a> Visibility<'a> {
    /// An empty cache for one request.
    pub fn new(core: &'a Core, ctx: Ctx<'a>) -> Self {
        Self {
            core,
            ctx,
            seen: Default::default(),
        }
    }

    /// True when the caller holds `perm` at `path`.
    pub async fn allows(&mut self, path: &ScopePath, perm: Permission) -> ServiceResult<bool> {
        if !self.seen.contains_key(path) {
            let p = self.ctx.principal;
            let set =
                authz::effective_for_user(&self.core.db, p.user_id, p.is_superadmin, path).await?;
            self.seen.insert(*path, set);
        }
        Ok(self
            .seen
            .get(path)
            .and_then(|s| s.as_ref())
            .is_some_and(|s| s.allows(perm)))
    }

    /// The rows of `rows` the caller holds `perm` on, at each row's own scope, in order.
    pub async fn filter<E: Scoped>(
        &mut self,
        rows: Vec<E::Model>,
        perm: Permission,
    ) -> ServiceResult<Vec<E::Model>> {
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            if self.allows(&E::scope(&m), perm).await? {
                out.push(m);
            }
        }
        Ok(out)
    }
}

/// One keyset page of `select` (the `E` rows under `parent`, with the list's own filters),
/// `perm` checked once at `parent` (NotFound for a parent of another tenant). Paging follows
/// [`PageQuery`]: `sort=name` and `q` only where `E` has a name column.
pub async fn list_in<E>(
    core: &Core,
    ctx: Ctx<'_>,
    parent: Parent,
    perm: Permission,
    q: &PageQuery,
    select: Select<E>,
) -> ServiceResult<Page<E::Model>>
where
    E: Scoped,
{
    parent.require(core, ctx, perm).await?;
    page(&core.db, q, select).await
}

/// One keyset page of `select` with no check of its own: for lists whose parent was loaded
/// with its permission already (the stacks of an endpoint).
pub async fn page<E, C>(db: &C, q: &PageQuery, select: Select<E>) -> ServiceResult<Page<E::Model>>
where
    E: Scoped,
    C: ConnectionTrait,
{
    let spec = PageSpec::parse(q, E::NAME.is_some())?;
    let (items, next_cursor) = fetch_page(db, select, E::ID, E::NAME, &spec, |m| {
        (E::id(m), E::NAME.map(|_| E::name(m)))
    })
    .await?;
    Ok(Page { items, next_cursor })
}

impl AuditEvent {
    /// `action` on row `m` of `E`: its kind, id, name and scope.
    pub fn of<E: Scoped>(action: &str, m: &E::Model) -> Self {
        Self::new(action, E::KIND)
            .resource(E::id(m), Some(E::name(m)))
            .at(&E::scope(m))
    }
}

/// Runs `change` in a transaction and records the audit event it returns in the same
/// transaction, as `actor` with `meta`; commits only when both succeed.
pub async fn write<T>(
    core: &Core,
    actor: &Actor,
    meta: &RequestMeta,
    change: impl AsyncFnOnce(&DatabaseTransaction) -> ServiceResult<(T, AuditEvent)>,
) -> ServiceResult<T> {
    let txn = core.db.begin().await?;
    let (out, ev) = change(&txn).await?;
    audit::record(&txn, actor, meta, ev).await?;
    txn.commit().await?;
    Ok(out)
}

impl Ctx<'_> {
    /// begin → `change` → its audit row as this caller → commit: the way a request writes.
    pub async fn write<T>(
        &self,
        core: &Core,
        change: impl AsyncFnOnce(&DatabaseTransaction) -> ServiceResult<(T, AuditEvent)>,
    ) -> ServiceResult<T> {
        let actor = Actor::user(self.principal.user_id, &self.principal.username);
        write(core, &actor, self.meta, change).await
    }
}

impl Initiator {
    /// [`Ctx::write`] for work an initiator started (a request's caller or the server itself).
    pub async fn write<T>(
        &self,
        core: &Core,
        change: impl AsyncFnOnce(&DatabaseTransaction) -> ServiceResult<(T, AuditEvent)>,
    ) -> ServiceResult<T> {
        write(core, &self.actor, &self.meta, change).await
    }
}

/// Implements [`Scoped`] for an entity: `scoped!(table, "kind", name_column, |m| scope)`.
/// `name_column` is `Name` (its `name` column: `sort=name`, `q` and the audit name) or `None`
/// (unnamed: the id is the audit name); `scope` builds the row's [`ScopePath`] from the model.
macro_rules! scoped {
    ($m:ident, $kind:literal, Name, |$row:ident| $scope:expr) => {
        scoped!(@impl $m, $kind, Some(entity::$m::Column::Name), |$row| $row.name.clone(), |$row| $scope);
    };
    ($m:ident, $kind:literal, None, |$row:ident| $scope:expr) => {
        scoped!(@impl $m, $kind, None, |$row| $row.id.to_string(), |$row| $scope);
    };
    (@impl $m:ident, $kind:literal, $name_col:expr, |$r1:ident| $name:expr, |$r2:ident| $scope:expr) => {
        impl Scoped for entity::$m::Entity {
            const KIND: &'static str = $kind;
            const ID: Self::Column = entity::$m::Column::Id;
            const NAME: Option<Self::Column> = $name_col;
            fn id(m: &Self::Model) -> Uuid {
                m.id
            }
            fn name($r1: &Self::Model) -> String {
                $name
            }
            fn scope($r2: &Self::Model) -> ScopePath {
                $scope
            }
        }
    };
}

/// A row of an organization (`organization_id`).
fn in_org(organization: Uuid) -> ScopePath {
    ScopePath {
        organization,
        project: None,
        environment: None,
    }
}

/// A row of a project (`organization_id`, `project_id`).
fn in_project(organization: Uuid, project: Uuid) -> ScopePath {
    ScopePath {
        organization,
        project: Some(project),
        environment: None,
    }
}

/// A row of an environment (`organization_id`, `project_id`, `environment_id`).
fn in_environment(organization: Uuid, project: Uuid, environment: Uuid) -> ScopePath {
    ScopePath {
        organization,
        project: Some(project),
        environment: Some(environment),
    }
}

scoped!(organizations, "organization", Name, |m| in_org(m.id));
scoped!(projects, "project", Name, |m| in_project(
    m.organization_id,
    m.id
));
scoped!(environments, "environment", Name, |m| {
    in_environment(m.organization_id, m.project_id, m.id)
});
scoped!(groups, "group", Name, |m| in_org(m.organization_id));
scoped!(registry_credentials, "registry_credential", Name, |m| {
    in_org(m.organization_id)
});
scoped!(git_credentials, "git_credential", Name, |m| {
    in_project(m.organization_id, m.project_id)
});
scoped!(git_repositories, "git_repository", Name, |m| {
    in_project(m.organization_id, m.project_id)
});
scoped!(endpoints, "endpoint", Name, |m| {
    in_environment(m.organization_id, m.project_id, m.environment_id)
});
scoped!(stacks, "stack", Name, |m| {
    in_environment(m.organization_id, m.project_id, m.environment_id)
});
// A membership is unnamed here; its audit rows carry the username instead.
scoped!(memberships, "membership", None, |m| in_org(
    m.organization_id
));
// A role binding is managed in its organization; the scope it grants is checked by the
// roles service.
scoped!(role_bindings, "role_binding", None, |m| in_org(
    m.organization_id
));
// A system role has no organization: the nil id matches no membership, so a permission check
// on it fails closed (NotFound) for everyone but superadmins. The roles service lets everyone
// read system roles and nobody change them.
scoped!(roles, "role", Name, |m| in_org(
    m.organization_id.unwrap_or_default()
));
