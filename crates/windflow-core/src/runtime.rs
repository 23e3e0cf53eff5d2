//! What the services share at run time, held by [`Core`](crate::Core) and built once at
//! start-up: the engine clients of the endpoints and the compose CLI with its process limit.
//! No service is imported here, so `context.rs` depends on no service.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use uuid::Uuid;
use windflow_docker::{ComposeCli, Engine};

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
