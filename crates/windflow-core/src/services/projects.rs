//! Projects of an organization and their environments.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::rules::{self, Rule};
use windflow_api::tenancy::{
    CreateEnvironment, CreateProject, Environment, Project, UpdateEnvironment, UpdateProject,
};
use windflow_api::{Page, PageQuery};
use windflow_entity::{environments, projects};

use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx};
use crate::error::ServiceResult;
use crate::resource::{self, Parent};
use crate::validate::Checks;

/// Default project colour.
pub const DEFAULT_COLOR: &str = "#3b82f6";

fn to_api(m: projects::Model) -> Project {
    Project {
        id: m.id,
        organization_id: m.organization_id,
        name: m.name,
        description: m.description,
        color: m.color,
        status: m.status,
        owner_id: m.owner_id,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

async fn check_owner(
    core: &Core,
    org: Uuid,
    owner: Option<Uuid>,
    c: &mut Checks,
) -> ServiceResult<()> {
    if let Some(o) = owner
        && authz::membership(&core.db, org, o).await?.is_none()
    {
        c.push(
            "owner_id",
            "not_a_member",
            "the owner must be a member of the organization",
        );
    }
    Ok(())
}

/// Lists projects of an organization (`projects:read` at organization scope); `q` filters on
/// the name, `sort=name` sorts.
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Project>> {
    let page = resource::list_in::<projects::Entity>(
        core,
        ctx,
        Parent::Organization(org),
        Permission::ProjectsRead,
        q,
        projects::Entity::find().filter(projects::Column::OrganizationId.eq(org)),
    )
    .await?;
    Ok(page.map(to_api))
}

/// Creates a project (`projects:create`). Audited as `project.create`.
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    org: Uuid,
    req: CreateProject,
) -> ServiceResult<Project> {
    Parent::Organization(org)
        .require(core, ctx, Permission::ProjectsCreate)
        .await?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::NAME);
    if let Some(col) = &req.color {
        c.rule("color", col, Rule::Color);
    }
    check_owner(core, org, req.owner_id, &mut c).await?;
    c.finish()?;
    let now = crate::now();
    let m = projects::Model {
        id: Uuid::now_v7(),
        organization_id: org,
        name: req.name.trim().into(),
        description: req.description,
        color: req
            .color
            .unwrap_or_else(|| DEFAULT_COLOR.into())
            .to_lowercase(),
        status: req.status.unwrap_or_default(),
        owner_id: Some(req.owner_id.unwrap_or(ctx.principal.user_id)),
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        let m = m.into_active_model().insert(txn).await?;
        let ev = AuditEvent::of::<projects::Entity>("project.create", &m);
        Ok((to_api(m), ev))
    })
    .await
}

/// Gets a project (`projects:read` at project scope).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Project> {
    let p = resource::load_for::<projects::Entity>(core, ctx, id, Permission::ProjectsRead).await?;
    Ok(to_api(p))
}

/// Updates a project (`projects:update` at project scope). Audited as `project.update`.
pub async fn update(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: UpdateProject,
) -> ServiceResult<Project> {
    let p =
        resource::load_for::<projects::Entity>(core, ctx, id, Permission::ProjectsUpdate).await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    if let Some(col) = &req.color {
        c.rule("color", col, Rule::Color);
    }
    check_owner(core, p.organization_id, req.owner_id, &mut c).await?;
    c.finish()?;
    let mut am = p.into_active_model();
    if let Some(n) = req.name {
        am.name = Set(n.trim().into());
    }
    if let Some(d) = req.description {
        am.description = Set(Some(d));
    }
    if let Some(col) = req.color {
        am.color = Set(col.to_lowercase());
    }
    if let Some(s) = req.status {
        am.status = Set(s);
    }
    if let Some(o) = req.owner_id {
        am.owner_id = Set(Some(o));
    }
    am.updated_at = Set(crate::now());
    ctx.write(core, async |txn| {
        let m = am.update(txn).await?;
        let ev = AuditEvent::of::<projects::Entity>("project.update", &m);
        Ok((to_api(m), ev))
    })
    .await
}

/// Deletes a project with its environments (`projects:delete`). Audited as `project.delete`.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let p =
        resource::load_for::<projects::Entity>(core, ctx, id, Permission::ProjectsDelete).await?;
    ctx.write(core, async |txn| {
        projects::Entity::delete_by_id(id).exec(txn).await?;
        Ok(((), AuditEvent::of::<projects::Entity>("project.delete", &p)))
    })
    .await
}

fn env_to_api(m: environments::Model) -> Environment {
    Environment {
        id: m.id,
        organization_id: m.organization_id,
        project_id: m.project_id,
        name: m.name,
        env_type: m.env_type,
        description: m.description,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Lists environments of a project (`environments:read` at project scope).
pub async fn list_environments(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Environment>> {
    let page = resource::list_in::<environments::Entity>(
        core,
        ctx,
        Parent::Project(project),
        Permission::EnvironmentsRead,
        q,
        environments::Entity::find().filter(environments::Column::ProjectId.eq(project)),
    )
    .await?;
    Ok(page.map(env_to_api))
}

/// Creates an environment (`environments:create` at project scope); names are unique per
/// project. Audited as `environment.create`.
pub async fn create_environment(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    req: CreateEnvironment,
) -> ServiceResult<Environment> {
    let path = Parent::Project(project)
        .require(core, ctx, Permission::EnvironmentsCreate)
        .await?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::NAME);
    c.finish()?;
    let now = crate::now();
    let m = environments::Model {
        id: Uuid::now_v7(),
        organization_id: path.organization,
        project_id: project,
        name: req.name.trim().into(),
        env_type: req.env_type,
        description: req.description,
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        let m = m.into_active_model().insert(txn).await?;
        let ev = AuditEvent::of::<environments::Entity>("environment.create", &m);
        Ok((env_to_api(m), ev))
    })
    .await
}

/// Gets an environment (`environments:read` at environment scope).
pub async fn get_environment(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Environment> {
    let e = resource::load_for::<environments::Entity>(core, ctx, id, Permission::EnvironmentsRead)
        .await?;
    Ok(env_to_api(e))
}

/// Updates an environment (`environments:update`). Audited as `environment.update`.
pub async fn update_environment(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: UpdateEnvironment,
) -> ServiceResult<Environment> {
    let e =
        resource::load_for::<environments::Entity>(core, ctx, id, Permission::EnvironmentsUpdate)
            .await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    c.finish()?;
    let mut am = e.into_active_model();
    if let Some(n) = req.name {
        am.name = Set(n.trim().into());
    }
    if let Some(t) = req.env_type {
        am.env_type = Set(t);
    }
    if let Some(d) = req.description {
        am.description = Set(Some(d));
    }
    am.updated_at = Set(crate::now());
    ctx.write(core, async |txn| {
        let m = am.update(txn).await?;
        let ev = AuditEvent::of::<environments::Entity>("environment.update", &m);
        Ok((env_to_api(m), ev))
    })
    .await
}

/// Deletes an environment (`environments:delete`). Audited as `environment.delete`.
pub async fn delete_environment(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let e =
        resource::load_for::<environments::Entity>(core, ctx, id, Permission::EnvironmentsDelete)
            .await?;
    ctx.write(core, async |txn| {
        environments::Entity::delete_by_id(id).exec(txn).await?;
        Ok((
            (),
            AuditEvent::of::<environments::Entity>("environment.delete", &e),
        ))
    })
    .await
}
