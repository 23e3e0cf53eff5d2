//! The home dashboard of an organization and the global search (issue 13, "Home and
//! navigation"): reads that gather rows of many modules, each row filtered by the permission
//! reading it needs at its own scope ([`Visibility`]). Nothing here writes.
use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::audit::AuditQuery;
use windflow_api::docker::{ContainerSummary, EndpointStatus};
use windflow_api::git::GitSyncStatus;
use windflow_api::overview::{
    AttentionItem, AttentionKind, ContainerCounts, EndpointCounts, EndpointRef, Overview,
    OverviewDeployment, SearchHit, SearchKind, SearchQuery, SearchResults, StackCounts,
};
use windflow_api::rules::{SEARCH_PER_KIND, SEARCH_TEXT};
use windflow_api::runs::RunStatus;
use windflow_api::stacks::StackStatus;
use windflow_entity::{
    deployments, endpoints, environments, git_repositories, memberships, organizations, projects,
    stacks, users,
};

use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::{Scoped, Visibility};
use crate::runs::RunRecord;
use crate::validate::Checks;
use crate::{audit, authz, runtime};

/// How long the dashboard waits for one engine's container list.
const ENGINE_WAIT: Duration = Duration::from_secs(3);
/// Rows in the dashboard's recent lists.
const RECENT: usize = 10;
/// Entries in the attention list.
const ATTENTION_MAX: usize = 20;

/// The dashboard of organization `org`. Errors: NotFound when the organization does not exist
/// or the caller is not a member (DOMAIN.md tenant rule). Each section is filtered by its own
/// read permission (see [`Overview`]).
pub async fn overview(core: &Core, ctx: Ctx<'_>, org: Uuid) -> ServiceResult<Overview> {
    let (_, org_path) = authz::org_scope(&core.db, org).await?;
    // Members only (superadmins are members of everything): anyone else gets 404.
    authz::effective(&core.db, ctx.principal, &org_path).await?;
    let mut vis = Visibility::new(core, ctx);

    let all_endpoints = endpoints::Entity::find()
        .filter(endpoints::Column::OrganizationId.eq(org))
        .order_by_asc(endpoints::Column::Name)
        .all(&core.db)
        .await?;
    let mut attention = vec![];

    let readable = vis
        .filter::<endpoints::Entity>(all_endpoints.clone(), Permission::EndpointsRead)
        .await?;
    let endpoint_counts = if readable.is_empty()
        && !any_scope(&mut vis, org, &all_endpoints, Permission::EndpointsRead).await?
    {
        None
    } else {
        let mut n = EndpointCounts::default();
        for m in &readable {
            n.total += 1;
            match m.status {
                EndpointStatus::Up => n.up += 1,
                EndpointStatus::Down => {
                    n.down += 1;
                    attention.push(AttentionItem {
                        kind: AttentionKind::EndpointDown,
                        id: m.id,
                        name: m.name.clone(),
                        project_id: m.project_id,
                        detail: m.last_error.clone(),
                    });
                }
                EndpointStatus::Unknown => n.unknown += 1,
            }
        }
        Some(n)
    };

    let with_containers = vis
        .filter::<endpoints::Entity>(all_endpoints.clone(), Permission::ContainersRead)
        .await?;
    let containers = if with_containers.is_empty()
        && !any_scope(&mut vis, org, &all_endpoints, Permission::ContainersRead).await?
    {
        None
    } else {
        Some(count_containers(core, &with_containers).await)
    };

    let all_stacks = stacks::Entity::find()
        .filter(stacks::Column::OrganizationId.eq(org))
        .order_by_asc(stacks::Column::Name)
        .all(&core.db)
        .await?;
    let readable_stacks = vis
        .filter::<stacks::Entity>(all_stacks, Permission::StacksRead)
        .await?;
    let stack_names: HashMap<Uuid, String> = readable_stacks
        .iter()
        .map(|s| (s.id, s.name.clone()))
        .collect();
    let stack_counts = if readable_stacks.is_empty()
        && !any_scope(&mut vis, org, &all_endpoints, Permission::StacksRead).await?
    {
        None
    } else {
        let mut n = StackCounts::default();
        for s in &readable_stacks {
            n.add(s.status);
            if s.status == StackStatus::Error {
                attention.push(AttentionItem {
                    kind: AttentionKind::StackError,
                    id: s.id,
                    name: s.name.clone(),
                    project_id: s.project_id,
                    detail: s.last_error.clone(),
                });
            }
        }
        Some(n)
    };

    // Deployments of the readable stacks: the newest ten, the running ones, the day's failures.
    let ids: Vec<Uuid> = stack_names.keys().copied().collect();
    let (recent_deployments, failed_deployments_24h) = if ids.is_empty() {
        (vec![], 0)
    } else {
        let recent = deployments::Entity::find()
            .filter(deployments::Column::StackId.is_in(ids.clone()))
            .order_by_desc(deployments::Column::StartedAt)
            .order_by_desc(deployments::Column::Id)
            .limit(RECENT as u64)
            .all(&core.db)
            .await?;
        let running = deployments::Entity::find()
            .filter(deployments::Column::StackId.is_in(ids.clone()))
            .filter(deployments::Column::Status.eq(RunStatus::Running))
            .order_by_desc(deployments::Column::StartedAt)
            .limit(ATTENTION_MAX as u64)
            .all(&core.db)
            .await?;
        for d in running {
            attention.push(AttentionItem {
                kind: AttentionKind::DeploymentRunning,
                id: d.stack_id,
                name: stack_names.get(&d.stack_id).cloned().unwrap_or_default(),
                project_id: readable_stacks
                    .iter()
                    .find(|s| s.id == d.stack_id)
                    .map(|s| s.project_id)
                    .unwrap_or_default(),
                detail: None,
            });
        }
        let failed = deployments::Entity::find()
            .filter(deployments::Column::StackId.is_in(ids))
            .filter(deployments::Column::Status.eq(RunStatus::Failed))
            .filter(deployments::Column::StartedAt.gte(Utc::now() - chrono::Duration::hours(24)))
            .count(&core.db)
            .await?;
        let recent = recent
            .into_iter()
            .map(|d| OverviewDeployment {
                id: d.id,
                stack_id: d.stack_id,
                stack_name: stack_names.get(&d.stack_id).cloned().unwrap_or_default(),
                run: d.run(),
            })
            .collect();
        (recent, failed)
    };

    let repos = git_repositories::Entity::find()
        .filter(git_repositories::Column::OrganizationId.eq(org))
        .filter(git_repositories::Column::SyncStatus.eq(GitSyncStatus::Error))
        .order_by_asc(git_repositories::Column::Name)
        .all(&core.db)
        .await?;
    for r in vis
        .filter::<git_repositories::Entity>(repos, Permission::GitRead)
        .await?
    {
        attention.push(AttentionItem {
            kind: AttentionKind::GitSyncFailed,
            id: r.id,
            name: r.name,
            project_id: r.project_id,
            detail: r.sync_error,
        });
    }
    attention.truncate(ATTENTION_MAX);

    let recent_audit = if vis.allows(&org_path, Permission::AuditRead).await? {
        let q = AuditQuery {
            organization_id: Some(org),
            limit: Some(RECENT as u64),
            ..Default::default()
        };
        Some(
            audit::list(core, ctx, &q, Permission::AuditRead)
                .await?
                .items,
        )
    } else {
        None
    };

    Ok(Overview {
        organization_id: org,
        endpoints: endpoint_counts,
        containers,
        stacks: stack_counts,
        recent_deployments,
        failed_deployments_24h,
        recent_audit,
        attention,
    })
}

/// True when the caller holds `perm` somewhere a row of this kind could be: at the
/// organization itself or at the scope of one of its endpoints (a section is `null` only when
/// none of them allows it).
async fn any_scope(
    vis: &mut Visibility<'_>,
    org: Uuid,
    endpoints: &[endpoints::Model],
    perm: Permission,
) -> ServiceResult<bool> {
    let org_path = crate::rbac::ScopePath {
        organization: org,
        project: None,
        environment: None,
    };
    if vis.allows(&org_path, perm).await? {
        return Ok(true);
    }
    for m in endpoints {
        if vis.allows(&endpoints::Entity::scope(m), perm).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Asks each engine for its containers (all states, `filters` applied), at most
/// [`ENGINE_WAIT`] each, all at once; `None` for an engine that failed or did not answer.
async fn ask_engines<'m>(
    core: &Core,
    eps: &'m [endpoints::Model],
    filters: &HashMap<String, Vec<String>>,
) -> Vec<(&'m endpoints::Model, Option<Vec<ContainerSummary>>)> {
    futures_util::future::join_all(eps.iter().map(|m| async move {
        let r = tokio::time::timeout(ENGINE_WAIT, async {
            runtime::engine(core, m)
                .await?
                .list_containers(true, filters)
                .await
                .map_err(ServiceError::from)
        })
        .await;
        (m, r.ok().and_then(Result::ok))
    }))
    .await
}

/// Containers by state over `eps`; engines that did not answer are named.
async fn count_containers(core: &Core, eps: &[endpoints::Model]) -> ContainerCounts {
    let mut n = ContainerCounts::default();
    for (m, list) in ask_engines(core, eps, &HashMap::new()).await {
        let Some(list) = list else {
            n.unreachable.push(EndpointRef {
                id: m.id,
                name: m.name.clone(),
            });
            continue;
        };
        for c in list {
            n.total += 1;
            if c.state == "running" {
                n.running += 1;
                if c.status.contains("(unhealthy)") {
                    n.unhealthy += 1;
                }
            } else {
                n.stopped += 1;
            }
        }
    }
    n
}

/// Objects whose name contains `q.q` (case-insensitive), of every kind the caller may read,
/// at most `q.per_kind` (default 5) per kind. Errors: 422 `q` (1 to 100 characters once trimmed,
/// [`SEARCH_TEXT`]) and `per_kind` (1 to 20, [`SEARCH_PER_KIND`]).
pub async fn search(core: &Core, ctx: Ctx<'_>, q: &SearchQuery) -> ServiceResult<SearchResults> {
    let mut checks = Checks::new();
    checks.rule("q", &q.q, SEARCH_TEXT);
    let limit = q.per_kind.unwrap_or(5);
    if let Some(b) = SEARCH_PER_KIND.check_int(limit.min(i64::MAX as u64) as i64) {
        checks.push("per_kind", b.code, b.message);
    }
    checks.finish()?;
    let needle = q.q.trim().to_lowercase();
    let limit = limit as usize;
    let p = ctx.principal;
    let mut vis = Visibility::new(core, ctx);

    // Organizations the caller belongs to (superadmins: all).
    let mut orgs = organizations::Entity::find().order_by_asc(organizations::Column::Name);
    if !p.is_superadmin {
        let mine: Vec<Uuid> = memberships::Entity::find()
            .filter(memberships::Column::UserId.eq(p.user_id))
            .all(&core.db)
            .await?
            .into_iter()
            .map(|m| m.organization_id)
            .collect();
        orgs = orgs.filter(organizations::Column::Id.is_in(mine));
    }
    let orgs = orgs.all(&core.db).await?;
    let org_ids: Vec<Uuid> = orgs.iter().map(|o| o.id).collect();
    let org_name: HashMap<Uuid, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let hit = |m: &str| m.to_lowercase().contains(&needle);
    let mut items = vec![];

    let org_hits: Vec<_> = orgs.iter().filter(|o| hit(&o.name)).cloned().collect();
    for o in vis
        .filter::<organizations::Entity>(org_hits, Permission::OrganizationsRead)
        .await?
        .into_iter()
        .take(limit)
    {
        items.push(SearchHit {
            kind: SearchKind::Organization,
            id: o.id.to_string(),
            name: o.name,
            context: String::new(),
            organization_id: Some(o.id),
            project_id: None,
            endpoint_id: None,
        });
    }

    let all_projects = projects::Entity::find()
        .filter(projects::Column::OrganizationId.is_in(org_ids.clone()))
        .order_by_asc(projects::Column::Name)
        .all(&core.db)
        .await?;
    let project_name: HashMap<Uuid, String> = all_projects
        .iter()
        .map(|p| (p.id, p.name.clone()))
        .collect();
    let found: Vec<_> = all_projects.into_iter().filter(|x| hit(&x.name)).collect();
    for x in vis
        .filter::<projects::Entity>(found, Permission::ProjectsRead)
        .await?
        .into_iter()
        .take(limit)
    {
        items.push(SearchHit {
            kind: SearchKind::Project,
            id: x.id.to_string(),
            context: org_name
                .get(&x.organization_id)
                .cloned()
                .unwrap_or_default(),
            name: x.name,
            organization_id: Some(x.organization_id),
            project_id: Some(x.id),
            endpoint_id: None,
        });
    }
    let path = |o: &Uuid, p: &Uuid, rest: &[&str]| {
        let mut parts = vec![
            org_name.get(o).cloned().unwrap_or_default(),
            project_name.get(p).cloned().unwrap_or_default(),
        ];
        parts.extend(rest.iter().map(|s| s.to_string()));
        parts.join(" › ")
    };

    let all_envs = environments::Entity::find()
        .filter(environments::Column::OrganizationId.is_in(org_ids.clone()))
        .order_by_asc(environments::Column::Name)
        .all(&core.db)
        .await?;
    let env_name: HashMap<Uuid, String> = all_envs.iter().map(|e| (e.id, e.name.clone())).collect();
    let found: Vec<_> = all_envs.into_iter().filter(|x| hit(&x.name)).collect();
    for x in vis
        .filter::<environments::Entity>(found, Permission::EnvironmentsRead)
        .await?
        .into_iter()
        .take(limit)
    {
        items.push(SearchHit {
            kind: SearchKind::Environment,
            id: x.id.to_string(),
            context: path(&x.organization_id, &x.project_id, &[]),
            name: x.name,
            organization_id: Some(x.organization_id),
            project_id: Some(x.project_id),
            endpoint_id: None,
        });
    }

    let all_eps = endpoints::Entity::find()
        .filter(endpoints::Column::OrganizationId.is_in(org_ids.clone()))
        .order_by_asc(endpoints::Column::Name)
        .all(&core.db)
        .await?;
    let ep_context = |m: &endpoints::Model| {
        path(
            &m.organization_id,
            &m.project_id,
            &[env_name.get(&m.environment_id).map_or("", |s| s.as_str())],
        )
    };
    let found: Vec<_> = all_eps.iter().filter(|x| hit(&x.name)).cloned().collect();
    for x in vis
        .filter::<endpoints::Entity>(found, Permission::EndpointsRead)
        .await?
        .into_iter()
        .take(limit)
    {
        items.push(SearchHit {
            kind: SearchKind::Endpoint,
            id: x.id.to_string(),
            context: ep_context(&x),
            name: x.name,
            organization_id: Some(x.organization_id),
            project_id: Some(x.project_id),
            endpoint_id: Some(x.id),
        });
    }

    let ep_by_id: HashMap<Uuid, &endpoints::Model> = all_eps.iter().map(|m| (m.id, m)).collect();
    let found: Vec<_> = stacks::Entity::find()
        .filter(stacks::Column::OrganizationId.is_in(org_ids.clone()))
        .order_by_asc(stacks::Column::Name)
        .all(&core.db)
        .await?
        .into_iter()
        .filter(|x| hit(&x.name))
        .collect();
    for x in vis
        .filter::<stacks::Entity>(found, Permission::StacksRead)
        .await?
        .into_iter()
        .take(limit)
    {
        items.push(SearchHit {
            kind: SearchKind::Stack,
            id: x.id.to_string(),
            context: ep_by_id
                .get(&x.endpoint_id)
                .map(|m| format!("{} › {}", ep_context(m), m.name))
                .unwrap_or_default(),
            name: x.name,
            organization_id: Some(x.organization_id),
            project_id: Some(x.project_id),
            endpoint_id: Some(x.endpoint_id),
        });
    }

    // Containers: asked of the engines that were up at their last check (name filter, which
    // the engine matches as a substring), at most ENGINE_WAIT each.
    let up: Vec<_> = all_eps
        .iter()
        .filter(|m| m.status == EndpointStatus::Up)
        .cloned()
        .collect();
    let with_containers = vis
        .filter::<endpoints::Entity>(up, Permission::ContainersRead)
        .await?;
    let filter = HashMap::from([("name".to_owned(), vec![regex_literal(q.q.trim())])]);
    let mut found = vec![];
    for (m, list) in ask_engines(core, &with_containers, &filter).await {
        for c in list.into_iter().flatten().filter(|c| hit(&c.name)) {
            found.push((m, c));
        }
    }
    found.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (m, c) in found.into_iter().take(limit) {
        items.push(SearchHit {
            kind: SearchKind::Container,
            id: c.id,
            name: c.name,
            context: format!("{} › {}", ep_context(m), m.name),
            organization_id: Some(m.organization_id),
            project_id: Some(m.project_id),
            endpoint_id: Some(m.id),
        });
    }

    // Users: superadmins search every account; members the members of the organizations
    // whose members they may read.
    let mut user_ids: Option<Vec<Uuid>> = None;
    if !p.is_superadmin {
        let mut allowed = vec![];
        for o in &org_ids {
            let path = crate::rbac::ScopePath {
                organization: *o,
                project: None,
                environment: None,
            };
            if vis.allows(&path, Permission::MembersRead).await? {
                allowed.push(*o);
            }
        }
        user_ids = Some(
            memberships::Entity::find()
                .filter(memberships::Column::OrganizationId.is_in(allowed))
                .all(&core.db)
                .await?
                .into_iter()
                .map(|m| m.user_id)
                .collect(),
        );
    }
    let mut s = users::Entity::find().order_by_asc(users::Column::Username);
    if let Some(ids) = user_ids {
        s = s.filter(users::Column::Id.is_in(ids));
    }
    for u in s
        .all(&core.db)
        .await?
        .into_iter()
        .filter(|u| hit(&u.username) || u.display_name.as_deref().is_some_and(hit))
        .take(limit)
    {
        items.push(SearchHit {
            kind: SearchKind::User,
            id: u.id.to_string(),
            context: u.display_name.unwrap_or_default(),
            name: u.username,
            organization_id: None,
            project_id: None,
            endpoint_id: None,
        });
    }
    Ok(SearchResults { items })
}

/// The engine's `name` filter is a regular expression: the search text matched literally.
fn regex_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if "\\.+*?()|[]{}^$".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::regex_literal;

    #[test]
    fn engine_name_filter_is_literal() {
        assert_eq!(regex_literal("web.1"), "web\\.1");
        assert_eq!(regex_literal("a(b)*"), "a\\(b\\)\\*");
        assert_eq!(regex_literal("plain-name_2"), "plain-name_2");
    }
}
