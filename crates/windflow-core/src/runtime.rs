//! What the services share at run time, held by [`Core`] and built once at
//! start-up: the engine clients of the endpoints and the compose CLI with its process limit;
//! and the way from an endpoint row to its engine (`engine`, `target`), which the Docker
//! and stacks services and the collectors use alike.
//! No service is imported here, so `context.rs` depends on no service.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use uuid::Uuid;
use windflow_docker::{ComposeCli, Engine, Target, TlsMaterial};
use windflow_entity::endpoints;

use crate::context::Core;
use crate::error::{ServiceError, ServiceResult};

/// One engine client per endpoint, reused until the endpoint's connection settings change.
#[derive(Default)]
pub struct EngineCache(Mutex<HashMap<Uuid, (DateTime<Utc>, Engine)>>);

impl EngineCache {
    pub(crate) fn get(&self, id: Uuid, version: DateTime<Utc>) -> Option<Engine> {
        let map = self.0.lock().ok()?;
        map.get(&id)
            .filter(|(v, _)| *v == version)
            .map(|(_, e)| e.clone())
    }
    pub(crate) fn put(&self, id: Uuid, version: DateTime<Utc>, e: Engine) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(id, (version, e));
        }
    }
    pub(crate) fn forget(&self, id: Uuid) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&id);
        }
    }
}

/// Shared handle.
pub type Engines = Arc<EngineCache>;

/// Associated data binding an encrypted TLS part (`tls_ca`, `tls_cert`, `tls_key`) to its
/// endpoint and role.
pub(crate) fn tls_aad(id: Uuid, part: &str) -> String {
    format!("endpoint:{id}:{part}")
}

/// Decrypts one TLS part of endpoint `id` (see [`tls_aad`]).
pub(crate) fn open_part(
    core: &Core,
    id: Uuid,
    part: &str,
    enc: &Option<String>,
) -> ServiceResult<Option<String>> {
    enc.as_deref()
        .map(|e| {
            let plain = core
                .crypto
                .decrypt(e, &tls_aad(id, part))
                .map_err(ServiceError::internal)?;
            String::from_utf8(plain).map_err(ServiceError::internal)
        })
        .transpose()
}

/// Where an endpoint's engine listens, with its TLS material decrypted.
pub(crate) fn target(core: &Core, m: &endpoints::Model) -> ServiceResult<Target> {
    use windflow_api::docker::ConnectionType::{Direct, Socket};
    Ok(match (m.connection_type, &m.host, m.port) {
        (Direct, Some(h), Some(p)) if m.protocol.as_deref() == Some("https") => Target::Https(
            format!("{h}:{p}"),
            TlsMaterial {
                ca: open_part(core, m.id, "tls_ca", &m.tls_ca_enc)?,
                cert: open_part(core, m.id, "tls_cert", &m.tls_cert_enc)?,
                key: open_part(core, m.id, "tls_key", &m.tls_key_enc)?,
                skip_verify: m.tls_skip_verify,
            },
        ),
        (Direct, Some(h), Some(p)) => Target::Http(format!("{h}:{p}")),
        (Direct, _, _) | (Socket, _, _) => {
            Target::Socket(m.socket_path.clone().unwrap_or_default())
        }
    })
}

/// The engine client of an endpoint: the cached one ([`EngineCache`]), or a new connection
/// (then cached).
pub(crate) async fn engine(core: &Core, m: &endpoints::Model) -> ServiceResult<Engine> {
    if let Some(e) = core.engines.get(m.id, m.updated_at) {
        return Ok(e);
    }
    let e = Engine::connect(&target(core, m)?).await?;
    core.engines.put(m.id, m.updated_at, e.clone());
    Ok(e)
}

/// The compose CLI, found once per process on first use, and the limit on concurrent compose
/// processes of this server (shared handle; not global state).
pub struct ComposeSlot(
    tokio::sync::OnceCell<ComposeCli>,
    std::sync::Arc<tokio::sync::Semaphore>,
);

/// Default number of compose processes one server runs at once (`stacks.max_compose_processes`).
pub const DEFAULT_MAX_COMPOSE: usize = 8;

impl Default for ComposeSlot {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_COMPOSE)
    }
}

impl ComposeSlot {
    /// A slot allowing `max` concurrent compose processes (at least 1).
    pub fn new(max: usize) -> Self {
        Self(
            tokio::sync::OnceCell::new(),
            std::sync::Arc::new(tokio::sync::Semaphore::new(max.max(1))),
        )
    }

    /// A permit for one compose process, or 429 `busy` when the server runs its maximum
    /// (issue 11, section 5).
    pub(crate) fn permit(&self) -> ServiceResult<tokio::sync::OwnedSemaphorePermit> {
        self.1.clone().try_acquire_owned().map_err(|_| {
            ServiceError::Busy(
                "the server runs its maximum of compose processes: retry in a few seconds".into(),
            )
        })
    }

    pub(crate) async fn get(&self) -> ServiceResult<ComposeCli> {
        self.0
            .get_or_try_init(ComposeCli::detect)
            .await
            .cloned()
            .map_err(|e| ServiceError::Upstream {
                service: "compose",
                message: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_processes_are_limited() {
        let slot = ComposeSlot::new(2);
        let a = slot.permit().unwrap();
        let _b = slot.permit().unwrap();
        assert!(
            matches!(slot.permit(), Err(ServiceError::Busy(_))),
            "a third is refused"
        );
        drop(a);
        assert!(slot.permit().is_ok(), "a finished one frees its slot");
    }
}
