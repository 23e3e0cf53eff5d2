//! Stack records: list, validate, create, get, update, delete, lock.
use std::collections::HashMap;
use windflow_api::access::Permission;
use windflow_api::runs::RunStatus;
use windflow_api::stacks::StackOutputKind;
use windflow_api::stacks::StackStatus;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;
use windflow_api::stacks::{
    ComposeCheck, CreateStack, ProjectOutcome, Stack, StackAction, StackActionQuery, StackDeleted,
    StackSource, UpdateStack, ValidateCompose,
};
use windflow_api::{Page, PageQuery};
use windflow_entity::{endpoints, stacks};

use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::{self, load_for};
use crate::runtime::engine;
use crate::validate::Checks;

use super::compose::{Layout, check_name, other_stack_on_engine, parse_compose, validate_for};
use super::runner::action;
use super::source::{repository_for_stack, stack_source};
use super::variables::{check_variables, insert_vars, load_vars, var_rows, vars_of_input};
use super::{files_dir, load, project_counts, scope, to_api, unlocked, with_state, workdir};
/// Lists the stacks of an endpoint with their running state (`stacks:read`). One engine call
/// serves the whole page; an engine that is down gives `state: unknown` with `state_error`.
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Stack>> {
    let ep = load_for::<endpoints::Entity>(core, ctx, endpoint, Permission::StacksRead).await?;
    let Page {
        items: rows,
        next_cursor,
    } = resource::page(
        &core.db,
        q,
        stacks::Entity::find().filter(stacks::Column::EndpointId.eq(endpoint)),
    )
    .await?;
    let counts = match engine(core, &ep).await {
        Ok(e) => project_counts(&e).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    Ok(Page {
        items: rows
            .into_iter()
            .map(|m| {
                let c = counts
                    .as_ref()
                    .map(|c| c.get(&m.name).copied())
                    .map_err(Clone::clone);
                to_api(m, c, false)
            })
            .collect(),
        next_cursor,
    })
}

/// Validates compose YAML for an endpoint without saving anything: `stacks:create` at the
/// endpoint, or with `stack_id`, `stacks:update` on that stack (which must be on the endpoint;
/// 404 otherwise). The same checks as a save run (server files, compose `config`, privileged
/// guard); issue 11 moved this off `stacks:read`, since `config` reads files on the server.
pub async fn validate(
    core: &Core,
    ctx: Ctx<'_>,
    req: ValidateCompose,
) -> ServiceResult<ComposeCheck> {
    let (ep, project, layout, tmp) = match req.stack_id {
        Some(sid) => {
            let (m, ep) = load(core, ctx, sid, Permission::StacksUpdate).await?;
            if m.endpoint_id != req.endpoint_id {
                return Err(ServiceError::NotFound);
            }
            let layout = if m.source == StackSource::Git {
                stack_source(core, &m).await?.0
            } else {
                Layout::internal(core, &m.id.to_string(), workdir(core, m.id))
            };
            (ep, m.name, layout, None)
        }
        None => {
            let ep =
                load_for::<endpoints::Entity>(core, ctx, req.endpoint_id, Permission::StacksCreate)
                    .await?;
            let tmp = format!(".check-{}", Uuid::now_v7());
            let dir = core.settings.data_dir.join("stacks").join(&tmp);
            let layout = Layout::internal(core, &tmp, dir);
            (ep, "windflow-check".to_owned(), layout, Some(tmp))
        }
    };
    let mut c = Checks::new();
    check_variables(&mut c, &req.variables);
    c.finish()?;
    let r = validate_for(
        core,
        Some(ctx.principal.authority()),
        &ep,
        &project,
        &layout,
        &req.compose_content,
        &vars_of_input(&req.variables),
    )
    .await;
    if tmp.is_some() {
        let _ = std::fs::remove_dir_all(&layout.project);
        let _ = std::fs::remove_dir_all(&layout.files);
    }
    r
}

/// Creates a stack on an endpoint (`stacks:create`), validated first (422 with the YAML or
/// compose error; 403 for privileged options without `containers:create_privileged`). A Git
/// stack names a repository of the endpoint's project (synced now if it never was) and takes
/// its compose file from the checkout. Audited as `stack.create` with the variable names
/// (never values).
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
    req: CreateStack,
) -> ServiceResult<Stack> {
    let ep = load_for::<endpoints::Entity>(core, ctx, endpoint, Permission::StacksCreate).await?;
    let mut c = Checks::new();
    check_name(&mut c, &req.name);
    check_variables(&mut c, &req.variables);
    let git = req.source == StackSource::Git;
    if git {
        if req.repository_id.is_none() {
            c.push(
                "repository_id",
                "required",
                "a Git stack needs a repository",
            );
        }
        if !req.compose_content.is_empty() {
            c.push(
                "compose_content",
                "read_only",
                "a Git stack's compose file comes from its repository",
            );
        }
    } else if req.repository_id.is_some() || req.compose_path.is_some() || req.env_path.is_some() {
        c.push(
            "repository_id",
            "not_git",
            "only Git stacks have a repository, a compose path and an env path",
        );
    }
    c.finish()?;
    let id = Uuid::now_v7();
    let dir = workdir(core, id);
    let now = crate::now();
    let mut m = stacks::Model {
        id,
        organization_id: ep.organization_id,
        project_id: ep.project_id,
        environment_id: ep.environment_id,
        endpoint_id: ep.id,
        name: req.name,
        source: if git {
            StackSource::Git
        } else {
            StackSource::Internal
        },
        compose_content: None,
        compose_path: None,
        env_path: None,
        repository_id: None,
        deployed_commit: None,
        status: StackStatus::Draft,
        locked: false,
        adopted: false,
        last_error: None,
        last_deployed_at: None,
        created_by: Some(ctx.principal.user_id),
        privileged_auto_deploy: false,
        created_at: now,
        updated_at: now,
    };
    let layout = match req.repository_id.filter(|_| git) {
        Some(rid) => {
            let repo = repository_for_stack(core, ctx, &ep, rid).await?;
            m.repository_id = Some(repo.id);
            m.compose_path = Some(req.compose_path.unwrap_or(repo.compose_path));
            m.env_path = req.env_path.filter(|p| !p.is_empty());
            let (layout, content, _) = stack_source(core, &m).await?;
            m.compose_content = Some(content);
            layout
        }
        None => {
            parse_compose(&req.compose_content)?;
            m.compose_content = Some(req.compose_content);
            Layout::internal(core, &id.to_string(), dir.clone())
        }
    };
    let r = validate_for(
        core,
        Some(ctx.principal.authority()),
        &ep,
        &m.name,
        &layout,
        m.compose_content.as_deref().unwrap_or_default(),
        &vars_of_input(&req.variables),
    )
    .await;
    if r.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(files_dir(core, &id.to_string()));
    }
    r?;
    other_stack_on_engine(core, &ep, &m.name, None).await?;
    if let Ok(e) = engine(core, &ep).await
        && project_counts(&e).await?.contains_key(&m.name)
    {
        return Err(ServiceError::Conflict(format!(
            "a compose project named {:?} already runs on this engine: adopt it instead",
            m.name
        )));
    }
    let names: Vec<String> = req.variables.iter().map(|v| v.key.clone()).collect();
    let rows = var_rows(core, id, req.variables, &HashMap::new())?;
    ctx.write(core, async |txn| {
        stacks::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        insert_vars(txn, rows).await?;
        let ev = AuditEvent::of::<stacks::Entity>("stack.create", &m)
            .details(serde_json::json!({"endpoint_id": ep.id, "variables": names}));
        Ok(((), ev))
    })
    .await?;
    Ok(with_state(core, &ep, m).await)
}

/// Gets a stack with its compose content and running state (`stacks:read`).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Stack> {
    let (m, ep) = load(core, ctx, id, Permission::StacksRead).await?;
    Ok(with_state(core, &ep, m).await)
}

/// Replaces the compose content (`stacks:update`; refused while locked), validated with the
/// stack's variables first. Audited as `stack.update`.
pub async fn update(core: &Core, ctx: Ctx<'_>, id: Uuid, req: UpdateStack) -> ServiceResult<Stack> {
    let (m, ep) = load(core, ctx, id, Permission::StacksUpdate).await?;
    unlocked(&m)?;
    let vars = load_vars(core, &core.db, id).await?;
    let mut am = m.clone().into_active_model();
    if let Some(on) = req.privileged_auto_deploy {
        if on && !m.privileged_auto_deploy {
            authz::require(
                &core.db,
                ctx.principal,
                &scope(&m),
                Permission::ContainersCreatePrivileged,
            )
            .await
            .map_err(|_| {
                ServiceError::Forbidden(
                    "containers:create_privileged (to allow privileged automatic redeploys)".into(),
                )
            })?;
        }
        am.privileged_auto_deploy = Set(on);
    }
    if m.source == StackSource::Git {
        if req.compose_content.is_some() {
            return Err(ServiceError::field(
                "compose_content",
                "read_only",
                "a Git stack's compose file comes from its repository",
            ));
        }
        if req.compose_path.is_none() && req.env_path.is_none() {
            return save_update(core, ctx, &ep, &m, am).await;
        }
        let mut next = m.clone();
        if let Some(p) = req.compose_path {
            next.compose_path = Some(p);
        }
        if let Some(p) = req.env_path {
            next.env_path = Some(p).filter(|p| !p.is_empty());
        }
        let (layout, content, _) = stack_source(core, &next).await?;
        validate_for(
            core,
            Some(ctx.principal.authority()),
            &ep,
            &m.name,
            &layout,
            &content,
            &vars,
        )
        .await?;
        am.compose_path = Set(next.compose_path);
        am.env_path = Set(next.env_path);
        am.compose_content = Set(Some(content));
    } else {
        if req.compose_path.is_some() || req.env_path.is_some() {
            return Err(ServiceError::field(
                "compose_path",
                "not_git",
                "only Git stacks have a compose path and an env path",
            ));
        }
        let Some(content) = req.compose_content else {
            return save_update(core, ctx, &ep, &m, am).await;
        };
        let layout = Layout::internal(core, &id.to_string(), workdir(core, id));
        validate_for(
            core,
            Some(ctx.principal.authority()),
            &ep,
            &m.name,
            &layout,
            &content,
            &vars,
        )
        .await?;
        am.compose_content = Set(Some(content));
    }
    save_update(core, ctx, &ep, &m, am).await
}

async fn save_update(
    core: &Core,
    ctx: Ctx<'_>,
    ep: &endpoints::Model,
    m: &stacks::Model,
    mut am: stacks::ActiveModel,
) -> ServiceResult<Stack> {
    if !am.is_changed() {
        return Ok(with_state(core, ep, m.clone()).await);
    }
    let updated = ctx
        .write(core, async |txn| {
            am.updated_at = Set(crate::now());
            let updated = stacks::Entity::update(am).exec(txn).await?;
            let ev =
                AuditEvent::of::<stacks::Entity>("stack.update", m).details(serde_json::json!({
                    "privileged_auto_deploy": updated.privileged_auto_deploy,
                }));
            Ok((updated, ev))
        })
        .await?;
    Ok(with_state(core, ep, updated).await)
}

/// Removes a stack (`stacks:delete`; refused while locked) and says what happened to its
/// compose project:
/// - `down`: takes the project down first (`compose down`, with `-v` when `remove_volumes`;
///   needs `stacks:deploy` too); if that fails nothing is deleted (409 with compose's summary);
/// - `force`: forgets the record and leaves the containers running (they can be adopted
///   again);
/// - neither, while the project still has containers: 409.
///
/// Audited as `stack.delete` with the outcome.
pub async fn delete(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    force: bool,
    down: bool,
    remove_volumes: bool,
) -> ServiceResult<StackDeleted> {
    use futures_util::StreamExt;
    let (m, ep) = load(core, ctx, id, Permission::StacksDelete).await?;
    unlocked(&m)?;
    let running = match engine(core, &ep).await {
        Ok(e) => project_counts(&e)
            .await?
            .get(&m.name)
            .is_some_and(|c| c.0 > 0),
        Err(e) if force => {
            tracing::warn!(error = %e, "stack deleted while its engine is unreachable");
            true
        }
        Err(e) => return Err(e),
    };
    let mut outcome = if running {
        ProjectOutcome::LeftRunning
    } else {
        ProjectOutcome::None
    };
    if down {
        let q = StackActionQuery {
            pull: None,
            remove_volumes: Some(remove_volumes),
        };
        let mut out = Box::pin(action(core, ctx, id, StackAction::Down, &q).await?);
        let mut last = vec![];
        let mut ok = false;
        while let Some(Ok(o)) = out.next().await {
            match o.kind {
                StackOutputKind::Done => ok = o.status == Some(RunStatus::Succeeded),
                _ => {
                    if let Some(t) = o.text {
                        last.push(t);
                        if last.len() > 3 {
                            last.remove(0);
                        }
                    }
                }
            }
        }
        if !ok {
            return Err(ServiceError::Conflict(format!(
                "compose down failed; the stack was kept: {}",
                last.join("; ")
            )));
        }
        outcome = ProjectOutcome::Removed;
    } else if running && !force {
        return Err(ServiceError::Conflict(
            "the stack still has containers: delete with down=true to remove them, or with \
             force=true to leave them running"
                .into(),
        ));
    }
    let answer = StackDeleted {
        id,
        project: outcome,
        volumes_removed: down && remove_volumes,
    };
    ctx.write(core, async |txn| {
        stacks::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<stacks::Entity>("stack.delete", &m).details(serde_json::json!({
            "force": force, "down": down, "project": answer.project,
            "volumes_removed": answer.volumes_removed,
        }));
        Ok(((), ev))
    })
    .await?;
    let _ = std::fs::remove_dir_all(workdir(core, id));
    let _ = std::fs::remove_dir_all(files_dir(core, &id.to_string()));
    Ok(answer)
}

/// Locks or unlocks a stack (`stacks:update`). Audited as `stack.lock` / `stack.unlock`.
pub async fn set_lock(core: &Core, ctx: Ctx<'_>, id: Uuid, locked: bool) -> ServiceResult<Stack> {
    let (m, ep) = load(core, ctx, id, Permission::StacksUpdate).await?;
    let updated = ctx
        .write(core, async |txn| {
            let mut am = m.clone().into_active_model();
            am.locked = Set(locked);
            am.updated_at = Set(crate::now());
            let updated = stacks::Entity::update(am).exec(txn).await?;
            let ev = AuditEvent::of::<stacks::Entity>(
                if locked { "stack.lock" } else { "stack.unlock" },
                &m,
            );
            Ok((updated, ev))
        })
        .await?;
    Ok(with_state(core, &ep, updated).await)
}
