//! Containers: the lists (one endpoint, or every endpoint the caller may see), inspect, the
//! lifecycle, create and recreate (behind one privileged-options guard), logs, stats, processes
//! and the interactive exec session.
use std::collections::HashMap;
use windflow_api::access::Permission;
use windflow_api::rules::{self, Rule};

use futures_util::Stream;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;
use windflow_api::docker::{
    AllContainers, ContainerAction, ContainerDetails, ContainerQuery, ContainerSpec,
    ContainerSummary, EndpointContainer, EndpointFailure, LogLine, LogQuery, ProcessList,
    StatsSnapshot,
};
use windflow_entity::{endpoints, memberships};

use super::{audit_engine_call, engine, mutate, path_of, read};
use crate::authz;
use crate::context::{Core, Ctx};
use crate::docker_guard::{allowlist_of, privileged_options};
use crate::error::{ServiceError, ServiceResult};
use crate::masking::{mask, mask_json};
use crate::resource::load_for;
use crate::services::stacks;
use crate::validate::Checks;

/// The engine connection and the session an [`exec`] opened, for the console's resize, exit
/// code and byte streams (the adapter's own types, not bollard's).
pub use windflow_docker::{Engine, ExecSession};

fn filters(q: &ContainerQuery) -> HashMap<String, Vec<String>> {
    let mut f = HashMap::new();
    for (k, v) in [
        ("status", &q.status),
        ("name", &q.name),
        ("label", &q.label),
        ("ancestor", &q.image),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            f.insert(k.to_owned(), vec![v.clone()]);
        }
    }
    f
}

/// Lists containers of one endpoint (`containers:read`).
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &ContainerQuery,
) -> ServiceResult<Vec<ContainerSummary>> {
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersRead)
            .await?;
    Ok(engine(core, &m)
        .await?
        .list_containers(q.all.unwrap_or(false), &filters(q))
        .await?)
}

/// Lists containers of every endpoint the caller may read containers of, endpoint by endpoint;
/// an engine that fails is reported in `errors` instead of failing the whole list.
pub async fn all_containers(
    core: &Core,
    ctx: Ctx<'_>,
    q: &ContainerQuery,
) -> ServiceResult<AllContainers> {
    let mut s = endpoints::Entity::find().order_by_asc(endpoints::Column::Name);
    if !ctx.principal.is_superadmin {
        let orgs: Vec<Uuid> = memberships::Entity::find()
            .filter(memberships::Column::UserId.eq(ctx.principal.user_id))
            .all(&core.db)
            .await?
            .into_iter()
            .map(|m| m.organization_id)
            .collect();
        s = s.filter(endpoints::Column::OrganizationId.is_in(orgs));
    }
    let mut visible = vec![];
    for m in s.all(&core.db).await? {
        if authz::effective(&core.db, ctx.principal, &path_of(&m))
            .await?
            .allows(Permission::ContainersRead)
        {
            visible.push(m);
        }
    }
    let filters = filters(q);
    let all = q.all.unwrap_or(false);
    let results = futures_util::future::join_all(visible.iter().map(|m| {
        let filters = &filters;
        async move {
            let r: ServiceResult<Vec<ContainerSummary>> =
                async { Ok(engine(core, m).await?.list_containers(all, filters).await?) }.await;
            (m, r)
        }
    }))
    .await;
    let mut out = AllContainers {
        items: vec![],
        errors: vec![],
    };
    for (m, r) in results {
        match r {
            Ok(list) => out
                .items
                .extend(list.into_iter().map(|c| EndpointContainer {
                    endpoint_id: m.id,
                    endpoint_name: m.name.clone(),
                    container: c,
                })),
            Err(e) => out.errors.push(EndpointFailure {
                endpoint_id: m.id,
                endpoint_name: m.name.clone(),
                error: e.to_string(),
            }),
        }
    }
    Ok(out)
}

/// Inspects a container (`containers:read`).
pub async fn inspect(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
) -> ServiceResult<ContainerDetails> {
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersRead)
            .await?;
    let mut d = engine(core, &m).await?.inspect(container).await?;
    let hidden = stacks::secrets_hidden_from(core, ctx, &m, &d.labels).await?;
    if !hidden.is_empty() {
        mask_json(&mut d.raw, &hidden);
    }
    Ok(d)
}

/// Runs a lifecycle action (`containers:start|stop|restart|kill`). Audited as
/// `container.<action>`.
pub async fn action(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
    action: ContainerAction,
) -> ServiceResult<()> {
    let name = serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    mutate(
        core,
        ctx,
        id,
        action.permission(),
        &format!("container.{name}"),
        container,
        |e| async move { e.action(container, action).await },
    )
    .await
}

/// Creates a container (`containers:create`; privileged options also need
/// `containers:create_privileged`, refused with 403 before the engine is called). Audited as
/// `container.create`.
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    spec: ContainerSpec,
) -> ServiceResult<String> {
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersCreate)
            .await?;
    let mut c = Checks::new();
    c.rule("image", &spec.image, Rule::ImageRef);
    if let Some(n) = &spec.name {
        c.rule("name", n, rules::CONTAINER_NAME);
    }
    c.finish()?;
    require_privileged(core, ctx, &m, &spec).await?;
    let r: ServiceResult<String> = async { Ok(engine(core, &m).await?.create(&spec).await?) }.await;
    let resource = r
        .as_ref()
        .map(|id| id.clone())
        .unwrap_or_else(|_| spec.name.clone().unwrap_or_default());
    audit_engine_call(core, ctx, &m, "container.create", &resource, &r).await?;
    r
}

/// Privileged options of `spec` (see [`privileged_options`]) need `containers:create_privileged`
/// at the endpoint's environment: 403 naming them otherwise, before the engine is called.
async fn require_privileged(
    core: &Core,
    ctx: Ctx<'_>,
    m: &endpoints::Model,
    spec: &ContainerSpec,
) -> ServiceResult<()> {
    let privileged = privileged_options(spec, &allowlist_of(&m.bind_allowlist));
    if !privileged.is_empty() {
        authz::require(
            &core.db,
            ctx.principal,
            &path_of(m),
            Permission::ContainersCreatePrivileged,
        )
        .await
        .map_err(|_| {
            ServiceError::Forbidden(format!(
                "containers:create_privileged (for {})",
                privileged.join(", ")
            ))
        })?;
    }
    Ok(())
}

/// Renames a container (`containers:update`). Audited as `container.rename`.
pub async fn rename(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
    name: &str,
) -> ServiceResult<()> {
    // Authorize first: another tenant's endpoint is 404 whatever the input.
    load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersUpdate)
        .await?;
    if let Some(b) = rules::CONTAINER_NAME.check(name) {
        return Err(ServiceError::field("name", b.code, b.message));
    }
    mutate(
        core,
        ctx,
        id,
        Permission::ContainersUpdate,
        "container.rename",
        container,
        |e| async move { e.rename(container, name).await },
    )
    .await
}

/// Removes a container (`containers:delete`). Audited as `container.delete`.
pub async fn remove(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
    force: bool,
    volumes: bool,
) -> ServiceResult<()> {
    mutate(
        core,
        ctx,
        id,
        Permission::ContainersDelete,
        "container.delete",
        container,
        |e| async move { e.remove(container, force, volumes).await },
    )
    .await
}

/// Recreates a container with an edited spec (`containers:create` and `containers:delete`,
/// plus `containers:create_privileged` for privileged options, checked before the engine is
/// touched): the old container is removed, the new one created under the old name unless the
/// spec names another, and started if the old one was running. Audited as `container.recreate`.
/// Returns the new container id.
pub async fn recreate(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
    mut spec: ContainerSpec,
) -> ServiceResult<String> {
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersCreate)
            .await?;
    authz::require(
        &core.db,
        ctx.principal,
        &path_of(&m),
        Permission::ContainersDelete,
    )
    .await?;
    if let Some(b) = Rule::ImageRef.check(&spec.image) {
        return Err(ServiceError::field("image", b.code, b.message));
    }
    require_privileged(core, ctx, &m, &spec).await?;
    let r: ServiceResult<String> = async {
        let e = engine(core, &m).await?;
        let old = e.inspect(container).await?;
        if spec.name.is_none() {
            spec.name = Some(old.name.clone());
        }
        e.remove(&old.id, true, false).await?;
        let new_id = e.create(&spec).await?;
        if old.running {
            e.action(&new_id, ContainerAction::Start).await?;
        }
        Ok(new_id)
    }
    .await;
    audit_engine_call(core, ctx, &m, "container.recreate", container, &r).await?;
    r
}

fn check_tail(q: &LogQuery) -> ServiceResult<()> {
    match q.tail.as_deref().and_then(|t| Rule::LogTail.check(t)) {
        None => Ok(()),
        Some(b) => Err(ServiceError::field("tail", b.code, b.message)),
    }
}

/// The last lines of a container's logs (`containers:read`); a stack's secret variable values
/// are masked (`****`) for callers without `stacks:update` on it.
pub async fn logs(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
    q: &LogQuery,
) -> ServiceResult<Vec<LogLine>> {
    check_tail(q)?;
    use futures_util::TryStreamExt;
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersRead)
            .await?;
    let q = LogQuery {
        follow: Some(false),
        ..q.clone()
    };
    let e = engine(core, &m).await?;
    let labels = e.inspect(container).await?.labels;
    let hidden = stacks::secrets_hidden_from(core, ctx, &m, &labels).await?;
    let mut lines: Vec<LogLine> = e.logs(container, &q).try_collect().await?;
    for l in &mut lines {
        l.text = mask(&l.text, &hidden);
    }
    Ok(lines)
}

/// A live log stream (`containers:read`): the tail, then new lines until the client leaves;
/// masked as [`logs`].
pub async fn follow_logs(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
    q: &LogQuery,
) -> ServiceResult<impl Stream<Item = Result<LogLine, windflow_docker::EngineError>> + use<>> {
    check_tail(q)?;
    use futures_util::StreamExt;
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersRead)
            .await?;
    let e = engine(core, &m).await?;
    let labels = e.inspect(container).await?.labels;
    let hidden = stacks::secrets_hidden_from(core, ctx, &m, &labels).await?;
    let q = LogQuery {
        follow: Some(true),
        ..q.clone()
    };
    Ok(e.logs(container, &q).map(move |r| {
        r.map(|mut l| {
            l.text = mask(&l.text, &hidden);
            l
        })
    }))
}

/// One stats sample (`containers:read`).
pub async fn stats(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
) -> ServiceResult<StatsSnapshot> {
    read(core, ctx, id, Permission::ContainersRead, |e| async move {
        e.stats(container).await
    })
    .await
}

/// Processes of a running container (`containers:read`).
pub async fn top(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
) -> ServiceResult<ProcessList> {
    read(core, ctx, id, Permission::ContainersRead, |e| async move {
        e.top(container).await
    })
    .await
}

/// Opens an interactive session in a running container (`containers:exec`). Audited as
/// `container.exec` with the command. Returns the engine (for resize and exit code) and the
/// session.
pub async fn exec(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    container: &str,
    cmd: Vec<String>,
    tty: bool,
) -> ServiceResult<(Engine, ExecSession)> {
    if cmd.is_empty() || cmd.iter().any(|c| c.is_empty() || c.len() > 4096) {
        return Err(ServiceError::field(
            "cmd",
            "invalid_value",
            "a non-empty command is required",
        ));
    }
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ContainersExec)
            .await?;
    let e = engine(core, &m).await?;
    let r = e
        .exec(container, cmd.clone(), tty)
        .await
        .map_err(ServiceError::from);
    let audit: ServiceResult<()> = r
        .as_ref()
        .map(|_| ())
        .map_err(|err| ServiceError::BadRequest(err.to_string()));
    let kind = audit_engine_call(core, ctx, &m, "container.exec", container, &audit);
    kind.await?;
    Ok((e, r?))
}
