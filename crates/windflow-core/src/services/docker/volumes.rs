//! Volumes: list, inspect, create, remove and prune.
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::docker::{CreateVolume, PruneReport, VolumeSummary};

use super::{check_ref, mutate, read};
use crate::context::{Core, Ctx};
use crate::error::ServiceResult;

/// Volumes (`volumes:read`).
pub async fn list(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<VolumeSummary>> {
    read(core, ctx, id, Permission::VolumesRead, |e| async move {
        e.volumes().await
    })
    .await
}

/// A volume's inspect document (`volumes:read`).
pub async fn inspect(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, Permission::VolumesRead, |e| async move {
        e.inspect_volume(name).await
    })
    .await
}

/// Creates a volume (`volumes:create`). Audited as `volume.create`.
pub async fn create(
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
        Permission::VolumesCreate,
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
pub async fn remove(
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
        Permission::VolumesDelete,
        "volume.delete",
        name,
        |e| async move { e.remove_volume(name, force).await },
    )
    .await
}

/// Removes unused volumes (`volumes:delete`). Audited as `volume.prune`.
pub async fn prune(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<PruneReport> {
    mutate(
        core,
        ctx,
        id,
        Permission::VolumesDelete,
        "volume.prune",
        "unused",
        |e| async move { e.prune_volumes().await },
    )
    .await
}
