//! The append-only audit log (DOMAIN.md audit): writing rows inside the caller's transaction,
//! and reading them back with filters and keyset paging.
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;
use windflow_api::Page;
use windflow_api::access::Permission;
use windflow_api::audit::{ActorType, AuditEntry, AuditOutcome, AuditQuery};
use windflow_entity::audit_log;

use crate::authz;
use crate::context::{Core, Ctx, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};

/// Who acted.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Who acted.
    pub kind: ActorType,
    /// User id.
    pub id: Option<Uuid>,
    /// Name at the time (or the attempted login).
    pub name: Option<String>,
}

impl Actor {
    /// An unauthenticated caller, named by what it claimed to be (e.g. the attempted login).
    pub fn anonymous(name: Option<String>) -> Self {
        Self {
            kind: ActorType::Anonymous,
            id: None,
            name,
        }
    }
    /// A user.
    pub fn user(id: Uuid, name: &str) -> Self {
        Self {
            kind: ActorType::User,
            id: Some(id),
            name: Some(name.to_owned()),
        }
    }
    /// The server itself (CLI, background jobs).
    pub fn system() -> Self {
        Self {
            kind: ActorType::System,
            id: None,
            name: Some("system".into()),
        }
    }
}

/// One audit event to record.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    action: String,
    resource_type: String,
    resource_id: Option<String>,
    resource_name: Option<String>,
    organization_id: Option<Uuid>,
    project_id: Option<Uuid>,
    environment_id: Option<Uuid>,
    outcome: AuditOutcome,
    details: Value,
}

impl AuditEvent {
    /// A successful `action` (`resource.verb`) on a resource type.
    pub fn new(action: &str, resource_type: &str) -> Self {
        Self {
            action: action.into(),
            resource_type: resource_type.into(),
            resource_id: None,
            resource_name: None,
            organization_id: None,
            project_id: None,
            environment_id: None,
            outcome: AuditOutcome::Success,
            details: Value::Object(Default::default()),
        }
    }
    /// Sets the resource id and name.
    pub fn resource(mut self, id: impl ToString, name: impl Into<Option<String>>) -> Self {
        self.resource_id = Some(id.to_string());
        self.resource_name = name.into();
        self
    }
    /// Sets the organization.
    pub fn org(mut self, id: Uuid) -> Self {
        self.organization_id = Some(id);
        self
    }
    /// Sets the project.
    pub fn project(mut self, id: Uuid) -> Self {
        self.project_id = Some(id);
        self
    }
    /// Sets the environment.
    pub fn environment(mut self, id: Uuid) -> Self {
        self.environment_id = Some(id);
        self
    }
    /// Sets the organization, project and environment of `path` (those it has).
    pub fn at(mut self, path: &crate::rbac::ScopePath) -> Self {
        self.organization_id = Some(path.organization);
        self.project_id = path.project;
        self.environment_id = path.environment;
        self
    }
    /// Sets the outcome.
    pub fn outcome(mut self, o: AuditOutcome) -> Self {
        self.outcome = o;
        self
    }
    /// Sets details (never secrets).
    pub fn details(mut self, d: Value) -> Self {
        self.details = d;
        self
    }
}

/// Writes one audit row on `db` (pass the transaction of the change it records).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    meta: &RequestMeta,
    ev: AuditEvent,
) -> ServiceResult<()> {
    let row = audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(crate::now()),
        actor_type: Set(actor.kind),
        actor_id: Set(actor.id),
        actor_name: Set(actor.name.clone()),
        organization_id: Set(ev.organization_id),
        project_id: Set(ev.project_id),
        environment_id: Set(ev.environment_id),
        endpoint_id: Set(None),
        action: Set(ev.action),
        resource_type: Set(ev.resource_type),
        resource_id: Set(ev.resource_id),
        resource_name: Set(ev.resource_name),
        outcome: Set(ev.outcome),
        details: Set(ev.details),
        ip: Set(meta.ip.clone()),
        user_agent: Set(meta.user_agent.clone()),
        request_id: Set(meta.request_id.clone()),
    };
    audit_log::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

impl Ctx<'_> {
    /// Records `ev` as done by this context's principal, on `db` (the change's transaction).
    pub async fn audit<C: ConnectionTrait>(&self, db: &C, ev: AuditEvent) -> ServiceResult<()> {
        record(
            db,
            &Actor::user(self.principal.user_id, &self.principal.username),
            self.meta,
            ev,
        )
        .await
    }
}

fn to_entry(m: audit_log::Model) -> AuditEntry {
    AuditEntry {
        id: m.id,
        occurred_at: m.occurred_at,
        actor_type: m.actor_type,
        actor_id: m.actor_id,
        actor_name: m.actor_name,
        organization_id: m.organization_id,
        project_id: m.project_id,
        environment_id: m.environment_id,
        action: m.action,
        resource_type: m.resource_type,
        resource_id: m.resource_id,
        resource_name: m.resource_name,
        outcome: m.outcome,
        details: m.details,
        ip: m.ip,
        user_agent: m.user_agent,
        request_id: m.request_id,
    }
}

/// Lists audit rows newest first. Requires `perm` (`audit:read` or `audit:export`) on the
/// organization given in the query; without an organization only superadmins may read.
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    q: &AuditQuery,
    perm: Permission,
) -> ServiceResult<Page<AuditEntry>> {
    match q.organization_id {
        Some(org) => {
            let (_, path) = authz::org_scope(&core.db, org).await?;
            authz::require(&core.db, ctx.principal, &path, perm).await?;
        }
        None => authz::require_global(ctx.principal, perm)?,
    }
    let spec = PageSpec::newest_first(q.limit, q.cursor.clone())?;
    let mut s = audit_log::Entity::find();
    if let Some(v) = q.organization_id {
        s = s.filter(audit_log::Column::OrganizationId.eq(v));
    }
    if let Some(v) = q.actor_id {
        s = s.filter(audit_log::Column::ActorId.eq(v));
    }
    if let Some(v) = &q.action {
        if v.contains('%') || v.contains('\\') {
            return Err(ServiceError::field(
                "action",
                "invalid_format",
                "must be an action prefix like project. or auth.login",
            ));
        }
        s = s.filter(audit_log::Column::Action.starts_with(v.as_str()));
    }
    if let Some(v) = &q.resource_type {
        s = s.filter(audit_log::Column::ResourceType.eq(v.as_str()));
    }
    if let Some(v) = &q.resource_id {
        s = s.filter(audit_log::Column::ResourceId.eq(v.as_str()));
    }
    if let Some(v) = q.from {
        s = s.filter(audit_log::Column::OccurredAt.gte(v));
    }
    if let Some(v) = q.to {
        s = s.filter(audit_log::Column::OccurredAt.lt(v));
    }
    let (rows, next_cursor) = fetch_page(&core.db, s, audit_log::Column::Id, None, &spec, |m| {
        (m.id, None)
    })
    .await?;
    Ok(Page {
        items: rows.into_iter().map(to_entry).collect(),
        next_cursor,
    })
}

/// Every row matching `q` (up to `max_rows`), newest first, for export.
pub async fn export(
    core: &Core,
    ctx: Ctx<'_>,
    q: &AuditQuery,
    max_rows: usize,
) -> ServiceResult<Vec<AuditEntry>> {
    let mut q = q.clone();
    q.limit = Some(crate::pagination::MAX_LIMIT);
    q.cursor = None;
    let mut out = Vec::new();
    loop {
        let page = list(core, ctx, &q, Permission::AuditExport).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) if out.len() < max_rows => q.cursor = Some(c),
            _ => break,
        }
    }
    out.truncate(max_rows);
    Ok(out)
}
