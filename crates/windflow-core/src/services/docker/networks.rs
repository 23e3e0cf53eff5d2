//! Networks: list, inspect, create, remove, prune, and connecting or disconnecting a container.
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::docker::{CreateNetwork, NetworkSummary, PruneReport};

use super::{check_ref, mutate, read};
use crate::context::{Core, Ctx};
use crate::error::ServiceResult;

/// Networks (`networks:read`).
pub async fn list(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<NetworkSummary>> {
    read(core, ctx, id, Permission::NetworksRead, |e| async move {
        e.networks().await
    })
    .await
}

/// A network's inspect document (`networks:read`).
pub async fn inspect(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    name: &str,
) -> ServiceResult<serde_json::Value> {
    read(core, ctx, id, Permission::NetworksRead, |e| async move {
        e.inspect_network(name).await
    })
    .await
}

/// Creates a network (`networks:create`); returns its id. Audited as `network.create`.
pub async fn create(
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
        Permission::NetworksCreate,
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
pub async fn remove(core: &Core, ctx: Ctx<'_>, id: Uuid, name: &str) -> ServiceResult<()> {
    mutate(
        core,
        ctx,
        id,
        Permission::NetworksDelete,
        "network.delete",
        name,
        |e| async move { e.remove_network(name).await },
    )
    .await
}

/// Removes unused networks (`networks:delete`). Audited as `network.prune`.
pub async fn prune(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<PruneReport> {
    mutate(
        core,
        ctx,
        id,
        Permission::NetworksDelete,
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
        Permission::NetworksUpdate,
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
