//! Logs, stats, processes, images, volumes, networks and system data of an endpoint's engine,
//! read live. Permissions at the endpoint's environment: `containers:read` (logs, stats, top),
//! `images:read|pull|update|delete`, `volumes:read|create|delete`,
//! `networks:read|create|update|delete`, `system:read`. Mutations are audited after the engine
//! answered.
use futures_util::Stream;
use uuid::Uuid;
use windflow_api::docker::{
    CreateNetwork, CreateVolume, ImageSummary, LogLine, LogQuery, NetworkSummary, ProcessList,
    PruneReport, PullProgress, StatsSnapshot, VolumeSummary,
};
use windflow_api::rules::Rule;

use super::endpoints::{audit_engine_call, engine, load, mutate, read};
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};

fn check_ref(field: &str, v: &str) -> ServiceResult<()> {
    match Rule::EngineName.check(v) {
        None => Ok(()),
        Some(b) => Err(ServiceError::field(field, b.code, b.message)),
    }
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
    let m = load(core, ctx, id, "containers:read").await?;
    let q = LogQuery {
        follow: Some(false),
        ..q.clone()
    };
    let e = engine(core, &m).await?;
    let labels = e.inspect(container).await?.labels;
    let hidden = super::stacks::secrets_hidden_from(core, ctx, &m, &labels).await?;
    let mut lines: Vec<LogLine> = e.logs(container, &q).try_collect().await?;
    for l in &mut lines {
        l.text = super::stacks::mask(&l.text, &hidden);
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
    let m = load(core, ctx, id, "containers:read").await?;
    let e = engine(core, &m).await?;
    let labels = e.inspect(container).await?.labels;
    let hidden = super::stacks::secrets_hidden_from(core, ctx, &m, &labels).await?;
    let q = LogQuery {
        follow: Some(true),
        ..q.clone()
    };
    Ok(e.logs(container, &q).map(move |r| {
        r.map(|mut l| {
            l.text = super::stacks::mask(&l.text, &hidden);
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
    read(core, ctx, id, "containers:read", |e| async move {
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
    read(core, ctx, id, "containers:read", |e| async move {
        e.top(container).await
    })
    .await
}

/// Images (`images:read`).
pub async fn images(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<ImageSummary>> {
    read(
        core,
        ctx,
        id,
        "images:read",
        |e| async move { e.images().await },
    )
    .await
}

/// An image's inspect document (`images:read`).
pub async fn inspect_image(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, "images:read", |e| async move {
        e.inspect_image(name).await
    })
    .await
}

/// An image's history (`images:read`).
pub async fn image_history(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, "images:read", |e| async move {
        e.image_history(name).await
    })
    .await
}

/// The registry host of an image reference, as Docker resolves it: the first path component
/// when it has a `.` or a `:` or is `localhost`, else Docker Hub (`docker.io`). Lower case.
pub fn registry_host(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => {
            normalize_registry(first)
        }
        _ => "docker.io".into(),
    }
}

/// Docker Hub's aliases are one host; others are compared in lower case.
fn normalize_registry(host: &str) -> String {
    let h = host.to_ascii_lowercase();
    match h.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".into()
        }
        _ => h,
    }
}

/// Starts a pull (`images:pull`) and returns its progress stream. With `registry`, the
/// credential is sent only when the image's registry host is the credential's `server` (422
/// `registry_mismatch` otherwise: issue 11, section 4; review M3).
///
/// The audit row `image.pull` is written when the stream **ends**, with outcome `success` only
/// if the engine reported no error; the last event is always `status: "completed"` or
/// `status: "failed"` with the engine's reason in `error` (issue 11, section 6).
pub async fn pull(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    image: &str,
    tag: &str,
    registry: Option<Uuid>,
) -> ServiceResult<impl Stream<Item = Result<PullProgress, windflow_docker::EngineError>> + use<>> {
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};
    check_ref("image", image)?;
    check_ref("tag", tag)?;
    let m = load(core, ctx, id, "images:pull").await?;
    let auth = match registry {
        Some(r) => {
            let (user, pass, server) =
                super::registries::for_pull(core, m.organization_id, r).await?;
            if normalize_registry(&server) != registry_host(image) {
                return Err(ServiceError::field(
                    "registry_id",
                    "registry_mismatch",
                    format!(
                        "this credential is for {server}; the image is on {}",
                        registry_host(image)
                    ),
                ));
            }
            Some((user, pass, server))
        }
        None => None,
    };
    let e = engine(core, &m).await?;
    let failure: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = failure.clone();
    let progress = e.pull(image, tag, auth).map(move |item| {
        let err = match &item {
            Ok(p) => p.error.clone(),
            Err(e) => Some(e.to_string()),
        };
        if let (Some(err), Ok(mut f)) = (err, seen.lock()) {
            f.get_or_insert(err);
        }
        item
    });
    let (core, actor, meta, reference) = (
        core.clone(),
        crate::audit::Actor::user(ctx.principal.user_id, &ctx.principal.username),
        ctx.meta.clone(),
        format!("{image}:{tag}"),
    );
    let end = futures_util::stream::once(async move {
        let error = failure.lock().ok().and_then(|f| f.clone());
        let mut ev = crate::audit::AuditEvent::new("image.pull", "image")
            .resource(reference.as_str(), None)
            .org(m.organization_id)
            .project(m.project_id)
            .environment(m.environment_id)
            .details(serde_json::json!({"endpoint_id": m.id, "error": error}));
        if error.is_some() {
            ev = ev.outcome(windflow_api::audit::AuditOutcome::Error);
        }
        if let Err(e) = crate::audit::record(&core.db, &actor, &meta, ev).await {
            tracing::error!(error = %e, "image pull audit row not recorded");
        }
        Ok(PullProgress {
            layer: None,
            status: if error.is_some() {
                "failed"
            } else {
                "completed"
            }
            .into(),
            current: None,
            total: None,
            error,
        })
    });
    Ok(progress.chain(end))
}

/// Tags an image (`images:update`). Audited as `image.tag`.
pub async fn tag_image(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
    repo: &str,
    tag: &str,
) -> ServiceResult<()> {
    check_ref("repo", repo)?;
    check_ref("tag", tag)?;
    mutate(
        core,
        ctx,
        id,
        "images:update",
        "image.tag",
        name,
        |e| async move { e.tag_image(name, repo, tag).await },
    )
    .await
}

/// Removes an image (`images:delete`). Audited as `image.delete`.
pub async fn remove_image(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
    force: bool,
) -> ServiceResult<serde_json::Value> {
    mutate(
        core,
        ctx,
        id,
        "images:delete",
        "image.delete",
        name,
        |e| async move { e.remove_image(name, force).await },
    )
    .await
}

/// Removes dangling images (`images:delete`). Audited as `image.prune`.
pub async fn prune_images(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<PruneReport> {
    mutate(
        core,
        ctx,
        id,
        "images:delete",
        "image.prune",
        "dangling",
        |e| async move { e.prune_images().await },
    )
    .await
}

/// Volumes (`volumes:read`).
pub async fn volumes(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<VolumeSummary>> {
    read(core, ctx, id, "volumes:read", |e| async move {
        e.volumes().await
    })
    .await
}

/// A volume's inspect document (`volumes:read`).
pub async fn inspect_volume(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, "volumes:read", |e| async move {
        e.inspect_volume(name).await
    })
    .await
}

/// Creates a volume (`volumes:create`). Audited as `volume.create`.
pub async fn create_volume(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: CreateVolume,
) -> ServiceResult<VolumeSummary> {
    check_ref("name", &req.name)?;
    let req = &req;
    mutate(
        core,
        ctx,
        id,
        "volumes:create",
        "volume.create",
        &req.name,
        |e| async move {
            e.create_volume(&req.name, req.driver.clone(), req.labels.clone())
                .await
        },
    )
    .await
}

/// Removes a volume (`volumes:delete`). Audited as `volume.delete`.
pub async fn remove_volume(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
    force: bool,
) -> ServiceResult<()> {
    mutate(
        core,
        ctx,
        id,
        "volumes:delete",
        "volume.delete",
        name,
        |e| async move { e.remove_volume(name, force).await },
    )
    .await
}

/// Removes unused volumes (`volumes:delete`). Audited as `volume.prune`.
pub async fn prune_volumes(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<PruneReport> {
    mutate(
        core,
        ctx,
        id,
        "volumes:delete",
        "volume.prune",
        "unused",
        |e| async move { e.prune_volumes().await },
    )
    .await
}

/// Networks (`networks:read`).
pub async fn networks(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<NetworkSummary>> {
    read(core, ctx, id, "networks:read", |e| async move {
        e.networks().await
    })
    .await
}

/// A network's inspect document (`networks:read`).
pub async fn inspect_network(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, "networks:read", |e| async move {
        e.inspect_network(name).await
    })
    .await
}

/// Creates a network (`networks:create`); returns its id. Audited as `network.create`.
pub async fn create_network(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: CreateNetwork,
) -> ServiceResult<String> {
    check_ref("name", &req.name)?;
    let req = &req;
    mutate(
        core,
        ctx,
        id,
        "networks:create",
        "network.create",
        &req.name,
        |e| async move {
            e.create_network(
                &req.name,
                req.driver.clone(),
                req.internal,
                req.labels.clone(),
            )
            .await
        },
    )
    .await
}

/// Removes a network (`networks:delete`). Audited as `network.delete`.
pub async fn remove_network(core: &Core, ctx: Ctx<'_>, id: Uuid, name: &str) -> ServiceResult<()> {
    mutate(
        core,
        ctx,
        id,
        "networks:delete",
        "network.delete",
        name,
        |e| async move { e.remove_network(name).await },
    )
    .await
}

/// Removes unused networks (`networks:delete`). Audited as `network.prune`.
pub async fn prune_networks(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<PruneReport> {
    mutate(
        core,
        ctx,
        id,
        "networks:delete",
        "network.prune",
        "unused",
        |e| async move { e.prune_networks().await },
    )
    .await
}

/// Connects (`connect = true`) or disconnects a container (`networks:update`). Audited as
/// `network.connect` / `network.disconnect`.
pub async fn membership(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    network: &str,
    container: &str,
    connect: bool,
) -> ServiceResult<()> {
    let action = if connect {
        "network.connect"
    } else {
        "network.disconnect"
    };
    mutate(
        core,
        ctx,
        id,
        "networks:update",
        action,
        network,
        |e| async move {
            if connect {
                e.network_connect(network, container).await
            } else {
                e.network_disconnect(network, container, false).await
            }
        },
    )
    .await
}

/// Engine system document: `info`, `version` or `df` (`system:read`).
pub async fn system(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    what: &str,
) -> ServiceResult<serde_json::Value> {
    let m = load(core, ctx, id, "system:read").await?;
    let e = engine(core, &m).await?;
    Ok(match what {
        "info" => e.system_info().await?,
        "version" => e.system_version().await?,
        "df" => e.system_df().await?,
        _ => return Err(ServiceError::NotFound),
    })
}

fn event_to_api(
    r: windflow_entity::container_events::Model,
) -> windflow_api::docker::ContainerEvent {
    windflow_api::docker::ContainerEvent {
        id: r.id,
        endpoint_id: r.endpoint_id,
        occurred_at: r.occurred_at,
        kind: r.kind,
        action: r.action,
        actor_id: r.actor_id,
        actor_name: r.actor_name,
        attributes: serde_json::from_value(r.attributes).unwrap_or_default(),
    }
}

/// Collected engine events, newest first, keyset-paged (`containers:read`).
pub async fn events(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &windflow_api::PageQuery,
) -> ServiceResult<windflow_api::Page<windflow_api::docker::ContainerEvent>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use windflow_entity::container_events as ev;
    load(core, ctx, id, "containers:read").await?;
    let spec = crate::pagination::PageSpec::newest_first(q.limit, q.cursor.clone())?;
    let s = ev::Entity::find().filter(ev::Column::EndpointId.eq(id));
    let (rows, next_cursor) =
        crate::pagination::fetch_page(&core.db, s, ev::Column::Id, None, &spec, |m| (m.id, None))
            .await?;
    Ok(windflow_api::Page {
        items: rows.into_iter().map(event_to_api).collect(),
        next_cursor,
    })
}

/// Events collected after `after` (oldest first, at most 200), for the live feed
/// (`containers:read` checked once by [`events_feed_start`]).
pub async fn events_after(
    core: &Core,
    id: Uuid,
    after: Uuid,
) -> ServiceResult<Vec<windflow_api::docker::ContainerEvent>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use windflow_entity::container_events as ev;
    let rows = ev::Entity::find()
        .filter(ev::Column::EndpointId.eq(id))
        .filter(ev::Column::Id.gt(after))
        .order_by_asc(ev::Column::Id)
        .limit(200)
        .all(&core.db)
        .await?;
    Ok(rows.into_iter().map(event_to_api).collect())
}

/// Authorizes a live feed (`containers:read`) and returns the id to start after: events
/// collected from now on are sent (the feed reads the table, so it works on every replica).
pub async fn events_feed_start(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Uuid> {
    load(core, ctx, id, "containers:read").await?;
    Ok(Uuid::now_v7())
}

/// Host metrics between `from` and `to` (default: the last hour), oldest first, at most 10 000
/// samples (`containers:read`).
pub async fn metrics(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &windflow_api::docker::MetricsQuery,
) -> ServiceResult<Vec<windflow_api::docker::HostMetric>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use windflow_entity::host_metrics as hm;
    load(core, ctx, id, "containers:read").await?;
    let to = q.to.unwrap_or_else(crate::now);
    let from = q.from.unwrap_or(to - chrono::Duration::hours(1));
    if from >= to {
        return Err(ServiceError::field(
            "from",
            "out_of_range",
            "must be before to",
        ));
    }
    let rows = hm::Entity::find()
        .filter(hm::Column::EndpointId.eq(id))
        .filter(hm::Column::SampledAt.gte(from))
        .filter(hm::Column::SampledAt.lt(to))
        .order_by_asc(hm::Column::SampledAt)
        .limit(10_000)
        .all(&core.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| windflow_api::docker::HostMetric {
            sampled_at: r.sampled_at,
            cpu_percent: r.cpu_percent,
            memory_used_bytes: r.memory_used_bytes,
            memory_total_bytes: r.memory_total_bytes,
            containers_running: r.containers_running,
        })
        .collect())
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
) -> ServiceResult<(windflow_docker::Engine, windflow_docker::ExecSession)> {
    if cmd.is_empty() || cmd.iter().any(|c| c.is_empty() || c.len() > 4096) {
        return Err(ServiceError::field(
            "cmd",
            "invalid_value",
            "a non-empty command is required",
        ));
    }
    let m = load(core, ctx, id, "containers:exec").await?;
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
