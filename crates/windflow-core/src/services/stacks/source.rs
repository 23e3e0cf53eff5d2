//! Git stacks' source: where a Git stack runs and what it deploys (read from its repository's
//! checkout), the repository a new Git stack names, and what a sync does to a repository's
//! stacks (called by `services::gitops`): refresh their compose content from the checkout and
//! redeploy the ones whose deployed commit changed.
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::runs::RunStatus;
use windflow_api::stacks::StackStatus;
use windflow_entity::{endpoints, git_repositories as gr, stacks, users};

use crate::authz;
use crate::context::{Authority, Core, Ctx, Initiator};
use crate::error::{ServiceError, ServiceResult};
use crate::rbac::ScopePath;
use crate::services::git;

use super::compose::Layout;
use super::deployments::redeploy;
use super::variables::reserved_variable;
use super::{MAX_COMPOSE_BYTES, files_dir};

/// Where a Git stack runs and what it deploys: its layout (checkout as project directory, env
/// file), the compose file read from the checkout, and the checked-out commit. 409 before the
/// first sync; 422 on `compose_path`/`env_path` when the file is missing or leaves the checkout.
pub(crate) async fn stack_source(
    core: &Core,
    m: &stacks::Model,
) -> ServiceResult<(Layout, String, Option<String>)> {
    let repo = gr::Entity::find_by_id(m.repository_id.ok_or(ServiceError::NotFound)?)
        .one(&core.db)
        .await?
        .ok_or_else(|| ServiceError::Conflict("the stack's repository is gone".into()))?;
    if repo.last_commit.is_none() {
        return Err(ServiceError::Conflict(
            "the repository has not been synced yet".into(),
        ));
    }
    let checkout = core.settings.git_checkout(repo.id);
    let path = m.compose_path.clone().unwrap_or(repo.compose_path);
    let content = windflow_git::read_file(&checkout, &path, MAX_COMPOSE_BYTES)
        .map_err(|e| ServiceError::field("compose_path", "not_found", e.to_string()))?;
    let env_content = match m.env_path.as_deref() {
        Some(p) => {
            let text = windflow_git::read_file(&checkout, p, MAX_COMPOSE_BYTES)
                .map_err(|e| ServiceError::field("env_path", "not_found", e.to_string()))?;
            check_env_names(&text)?;
            Some(text)
        }
        None => None,
    };
    let project_dir = checkout
        .join(&path)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or(checkout);
    Ok((
        Layout {
            files: files_dir(core, &m.id.to_string()),
            project: project_dir,
            env_content,
        },
        content,
        repo.last_commit,
    ))
}

/// Refuses a Git env file that sets a reserved name (`DOCKER_HOST`, `COMPOSE_*`, `LD_*`, …;
/// see [`reserved_variable`]): compose reads its own settings from the env file. Every
/// line is checked, continuation lines of quoted values included (fail closed).
fn check_env_names(text: &str) -> ServiceResult<()> {
    for (i, line) in text.lines().enumerate() {
        let l = line.trim_start();
        let l = l.strip_prefix("export ").unwrap_or(l).trim_start();
        let key: String = l
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !key.is_empty() && reserved_variable(&key) {
            return Err(ServiceError::field(
                "env_path",
                "reserved",
                format!(
                    "line {}: {key} is reserved for Docker, Compose, the loader or the shell",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// The repository `id` of endpoint `ep`'s project for a new Git stack (`git:read` there; 422
/// when unknown), synced first if it never was (422 with the error when that fails).
pub(crate) async fn repository_for_stack(
    core: &Core,
    ctx: Ctx<'_>,
    ep: &endpoints::Model,
    id: Uuid,
) -> ServiceResult<gr::Model> {
    let unknown = || {
        ServiceError::field(
            "repository_id",
            "unknown",
            "no such Git repository in this project",
        )
    };
    let repo = gr::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .filter(|r| r.project_id == ep.project_id)
        .ok_or_else(unknown)?;
    authz::require(
        &core.db,
        ctx.principal,
        &ScopePath::project(repo.organization_id, repo.project_id),
        Permission::GitRead,
    )
    .await
    .map_err(|_| unknown())?;
    if repo.last_commit.is_some() {
        return Ok(repo);
    }
    let ex = git::sync_repository(core, &Initiator::manual(ctx), repo).await?;
    if ex.status != RunStatus::Succeeded {
        return Err(ServiceError::field(
            "repository_id",
            "sync_failed",
            format!(
                "the repository could not be synced: {}",
                ex.error.unwrap_or_default()
            ),
        ));
    }
    gr::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Refreshes the compose content of `repo`'s Git stacks from its checkout (the commit just
/// checked out); a stack whose file cannot be read keeps its content and gets a `log` line.
/// Returns the stacks.
pub(crate) async fn refresh_from_checkout(
    core: &Core,
    repo: &gr::Model,
    log: &mut (dyn FnMut(&str) + Send),
) -> Result<Vec<stacks::Model>, sea_orm::DbErr> {
    let stacks_of = stacks::Entity::find()
        .filter(stacks::Column::RepositoryId.eq(repo.id))
        .all(&core.db)
        .await?;
    let dir = core.settings.git_checkout(repo.id);
    for s in &stacks_of {
        let path = s
            .compose_path
            .clone()
            .unwrap_or_else(|| repo.compose_path.clone());
        match windflow_git::read_file(&dir, &path, MAX_COMPOSE_BYTES) {
            Ok(content) => {
                let _ = stacks::Entity::update_many()
                    .col_expr(stacks::Column::ComposeContent, Expr::value(content))
                    .filter(stacks::Column::Id.eq(s.id))
                    .exec(&core.db)
                    .await;
            }
            Err(e) => log(&format!("stack {}: {e}", s.name)),
        }
    }
    Ok(stacks_of)
}

/// Redeploys each deployed (or failed), unlocked stack of `stacks_of` whose deployed commit is
/// not `commit`, as `init`; answers the deployments started and tells `log` what happened to
/// each stack.
///
/// A manual sync (`init` has an authority) redeploys with the syncing user's permissions
/// (`stacks:deploy` on each stack, and the privileged guard: issue 11, section 4; review H3).
/// An automatic one uses the stack creator's, without privileged options unless someone
/// holding `containers:create_privileged` allowed them on this stack.
pub(crate) async fn redeploy_changed(
    core: &Core,
    stacks_of: Vec<stacks::Model>,
    commit: &str,
    init: &Initiator,
    log: &mut (dyn FnMut(&str) + Send),
) -> Vec<Uuid> {
    let mut deployments = vec![];
    for s in stacks_of {
        let due = !s.locked
            && matches!(s.status, StackStatus::Deployed | StackStatus::Error)
            && s.deployed_commit.as_deref() != Some(commit);
        if !due {
            continue;
        }
        let init = match init.authority {
            Some(a) => {
                let scope = ScopePath {
                    organization: s.organization_id,
                    project: Some(s.project_id),
                    environment: Some(s.environment_id),
                };
                if authz::require_for(&core.db, a, &scope, Permission::StacksDeploy)
                    .await
                    .is_err()
                {
                    log(&format!(
                        "stack {}: not redeployed: stacks:deploy is missing",
                        s.name
                    ));
                    continue;
                }
                init.clone()
            }
            None => init.acting_as(
                authority_of(core, s.created_by).await,
                s.privileged_auto_deploy,
            ),
        };
        let name = s.name.clone();
        match redeploy(core, &init, s).await {
            Ok(d) => {
                log(&format!("stack {name}: redeploy started (deployment {d})"));
                deployments.push(d);
            }
            Err(e) => log(&format!("stack {name}: redeploy refused: {e}")),
        }
    }
    deployments
}

/// The permissions of user `id` (the creator of a stack), for the privileged guard of
/// automatic deploys; `None` when the user is gone or disabled.
async fn authority_of(core: &Core, id: Option<Uuid>) -> Option<Authority> {
    let u = users::Entity::find_by_id(id?).one(&core.db).await.ok()??;
    u.is_active.then_some(Authority {
        user_id: u.id,
        is_superadmin: u.is_superadmin,
    })
}
