//! Images: list, inspect, history, pull (with streamed per-layer progress and an optional
//! registry credential), tag, remove and prune.
use futures_util::Stream;
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::docker::{ImageSummary, PruneReport, PullProgress};

use super::{check_ref, engine, mutate, read};
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::load_for;

/// Images (`images:read`).
pub async fn list(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<ImageSummary>> {
    read(core, ctx, id, Permission::ImagesRead, |e| async move {
        e.images().await
    })
    .await
}

/// An image's inspect document (`images:read`).
pub async fn inspect(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, Permission::ImagesRead, |e| async move {
        e.inspect_image(name).await
    })
    .await
}

/// An image's history (`images:read`).
pub async fn history(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, Permission::ImagesRead, |e| async move {
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
    let m = load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::ImagesPull)
        .await?;
    let auth = match registry {
        Some(r) => {
            let (user, pass, server) =
                crate::services::registries::for_pull(core, m.organization_id, r).await?;
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
pub async fn tag(
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
        Permission::ImagesUpdate,
        "image.tag",
        name,
        |e| async move { e.tag_image(name, repo, tag).await },
    )
    .await
}

/// Removes an image (`images:delete`). Audited as `image.delete`.
pub async fn remove(
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
        Permission::ImagesDelete,
        "image.delete",
        name,
        |e| async move { e.remove_image(name, force).await },
    )
    .await
}

/// Removes dangling images (`images:delete`). Audited as `image.prune`.
pub async fn prune(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<PruneReport> {
    mutate(
        core,
        ctx,
        id,
        Permission::ImagesDelete,
        "image.prune",
        "dangling",
        |e| async move { e.prune_images().await },
    )
    .await
}
