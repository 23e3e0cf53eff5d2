//! Compose projects on an endpoint that WindFlow did not create, and their adoption as stacks.
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use windflow_api::access::Permission;
use windflow_api::docker::ConnectionType;
use windflow_api::stacks::StackSource;
use windflow_api::stacks::StackStatus;

use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use uuid::Uuid;
use windflow_api::stacks::{AdoptStack, ComposeProject, Stack};
use windflow_entity::{endpoints, stacks};

use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::rbac::ScopePath;
use crate::resource::load_for;
use crate::runtime::engine;
use crate::validate::Checks;

use super::compose::{check_name, other_stack_on_engine, parse_compose};
use super::{MAX_COMPOSE_BYTES, PROJECT_LABEL, SERVICE_LABEL, with_state};
/// Compose projects found on an endpoint (`stacks:read`), with whether a stack manages them.
pub async fn projects(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
) -> ServiceResult<Vec<ComposeProject>> {
    let ep = load_for::<endpoints::Entity>(core, ctx, endpoint, Permission::StacksRead).await?;
    projects_of(core, &ep).await
}

pub(super) async fn projects_of(
    core: &Core,
    ep: &endpoints::Model,
) -> ServiceResult<Vec<ComposeProject>> {
    let endpoint = ep.id;
    let e = engine(core, ep).await?;
    let filters = HashMap::from([("label".to_owned(), vec![PROJECT_LABEL.to_owned()])]);
    let managed: std::collections::HashSet<String> = stacks::Entity::find()
        .filter(stacks::Column::EndpointId.eq(endpoint))
        .all(&core.db)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let mut by: BTreeMap<String, ComposeProject> = BTreeMap::new();
    for c in e.list_containers(true, &filters).await? {
        let Some(p) = c.labels.get(PROJECT_LABEL) else {
            continue;
        };
        let entry = by.entry(p.clone()).or_insert_with(|| ComposeProject {
            name: p.clone(),
            services: vec![],
            containers: 0,
            running: 0,
            working_dir: c
                .labels
                .get("com.docker.compose.project.working_dir")
                .cloned(),
            config_files: c
                .labels
                .get("com.docker.compose.project.config_files")
                .cloned(),
            managed: managed.contains(p),
        });
        entry.containers += 1;
        if c.state == "running" {
            entry.running += 1;
        }
        if let Some(s) = c.labels.get(SERVICE_LABEL)
            && !entry.services.contains(s)
        {
            entry.services.push(s.clone());
        }
    }
    Ok(by.into_values().collect())
}

/// Reads an adopted project's compose file when the endpoint is this host's socket, the
/// caller may read host files (`may_read`: `containers:create_privileged`), and the file —
/// resolved through symlinks — is a compose file of at most 256 KiB outside the data
/// directory (container labels are user input: review M8). Anything else is not read.
fn read_config(
    data_dir: &Path,
    ep: &endpoints::Model,
    p: &ComposeProject,
    may_read: bool,
) -> Option<String> {
    if ep.connection_type != ConnectionType::Socket || !may_read {
        return None;
    }
    let first = p
        .config_files
        .as_deref()?
        .split(',')
        .next()?
        .trim()
        .to_owned();
    let path = match (Path::new(&first).is_absolute(), &p.working_dir) {
        (true, _) => PathBuf::from(&first),
        (false, Some(wd)) => Path::new(wd).join(&first),
        (false, None) => return None,
    };
    let path = path.canonicalize().ok()?;
    let data = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    if path.starts_with(&data) {
        return None;
    }
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() as usize > MAX_COMPOSE_BYTES {
        return None;
    }
    let content = std::fs::read_to_string(&path).ok()?;
    parse_compose(&content).ok()?;
    Some(content)
}

/// Adopts a compose project that WindFlow did not create as a stack (`stacks:create`): 404 if
/// the endpoint has no such project, 409 if a stack already manages it. Its compose file is
/// read when possible (see `read_config`); else the stack has no content until one is saved.
/// Audited as `stack.adopt`.
pub async fn adopt(
    core: &Core,
    ctx: Ctx<'_>,
    endpoint: Uuid,
    req: AdoptStack,
) -> ServiceResult<Stack> {
    let ep = load_for::<endpoints::Entity>(core, ctx, endpoint, Permission::StacksCreate).await?;
    let found = projects_of(core, &ep)
        .await?
        .into_iter()
        .find(|p| p.name == req.project)
        .ok_or_else(|| {
            ServiceError::field(
                "project",
                "unknown",
                "no such compose project on this endpoint",
            )
        })?;
    if found.managed {
        return Err(ServiceError::Conflict(
            "a stack already manages this compose project".into(),
        ));
    }
    let mut c = Checks::new();
    check_name(&mut c, &found.name);
    c.finish()?;
    other_stack_on_engine(core, &ep, &found.name, None).await?;
    let may_read = authz::require(
        &core.db,
        ctx.principal,
        &ScopePath::environment(ep.organization_id, ep.project_id, ep.environment_id),
        Permission::ContainersCreatePrivileged,
    )
    .await
    .is_ok();
    let content = read_config(&core.settings.data_dir, &ep, &found, may_read);
    let now = crate::now();
    let m = stacks::Model {
        id: Uuid::now_v7(),
        organization_id: ep.organization_id,
        project_id: ep.project_id,
        environment_id: ep.environment_id,
        endpoint_id: ep.id,
        name: found.name.clone(),
        source: StackSource::Internal,
        compose_content: content.clone(),
        compose_path: None,
        env_path: None,
        repository_id: None,
        deployed_commit: None,
        status: StackStatus::Deployed,
        locked: false,
        adopted: true,
        last_error: None,
        last_deployed_at: None,
        created_by: Some(ctx.principal.user_id),
        privileged_auto_deploy: false,
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        stacks::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        let ev = AuditEvent::of::<stacks::Entity>("stack.adopt", &m).details(serde_json::json!({
            "endpoint_id": ep.id,
            "config_read": content.is_some(),
            "working_dir": found.working_dir,
        }));
        Ok(((), ev))
    })
    .await?;
    Ok(with_state(core, &ep, m).await)
}
