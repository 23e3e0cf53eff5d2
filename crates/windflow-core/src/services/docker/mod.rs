//! The Docker area: endpoints (an environment's engine connections) and the resources read live
//! from their engines. One file per resource, with the same names as the routes, the contract,
//! the web pages and the tests: `endpoints`, `containers`, `images`, `volumes`, `networks`, and
//! `activity` (collected events, host metrics, system documents).
//!
//! Rules, and where they come from:
//! - Permissions are checked at the endpoint's environment scope, so environment-scoped role
//!   bindings apply: `endpoints:*`, `containers:read` (also logs, stats, top, events, metrics),
//!   `containers:create|update|delete|exec|start|stop|restart|kill`,
//!   `containers:create_privileged` for privileged options, `images:read|pull|update|delete`,
//!   `volumes:read|create|delete`, `networks:read|create|update|delete`, `system:read`.
//! - Engine calls are not database changes: their audit row is written right after the engine
//!   answered (outcome `success`, or `error` with the engine's message), by `mutate` or
//!   `audit_engine_call`; reads (`read`) write none.
//! - Privileged container options (`crate::docker_guard`) need `containers:create_privileged`,
//!   checked before the engine is called; create and recreate share one guard. Widening an
//!   endpoint's bind allow-list needs it too.
//! - A unix socket or a loopback, link-local or unspecified engine address reaches the WindFlow
//!   host: only superadmins may register one, unless the platform setting `allow_local_endpoints`
//!   is on (issue 11, section 4; review H2).
//! - TLS material is encrypted at rest, bound to its endpoint and role, and never returned.
//! - A pull sends a registry credential only to that credential's registry host (issue 11,
//!   section 4; review M3); its audit row is written when the stream ends (issue 11, section 6).
//! - Logs and inspect documents of a stack's containers mask its secret variable values for
//!   callers without `stacks:update` on it.
//! - One engine client per endpoint is reused (`crate::runtime::engine`, which the stacks and
//!   the collectors use too) until the endpoint's connection settings change.
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::audit::AuditOutcome;
use windflow_docker::EngineError;
use windflow_entity::endpoints as endpoint;

use crate::audit::AuditEvent;

use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::rbac::ScopePath;
use crate::resource::load_for;
use crate::runtime::engine;

pub mod activity;
pub mod containers;
pub mod endpoints;
pub mod images;
pub mod networks;
pub mod volumes;

impl From<EngineError> for ServiceError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::NotFound(_) => ServiceError::NotFound,
            EngineError::Conflict(m) => ServiceError::Conflict(m),
            EngineError::BadRequest(m) => ServiceError::BadRequest(m),
            EngineError::Unreachable(m) => ServiceError::EngineUnavailable(m),
            EngineError::Engine { status, message } if status >= 500 => {
                ServiceError::EngineUnavailable(message)
            }
            EngineError::Engine { message, .. } => ServiceError::BadRequest(message),
        }
    }
}

/// The scope of an endpoint: its organization, project and environment.
pub(crate) fn path_of(m: &endpoint::Model) -> ScopePath {
    <endpoint::Entity as crate::resource::Scoped>::scope(m)
}

/// Audits one engine call on endpoint `m` as `action` on `resource`: outcome success, or error
/// with the engine's message in the details.
pub(crate) async fn audit_engine_call<T>(
    core: &Core,
    ctx: Ctx<'_>,
    m: &endpoint::Model,
    action: &str,
    resource: &str,
    result: &ServiceResult<T>,
) -> ServiceResult<()> {
    let kind = action.split('.').next().unwrap_or("container");
    let mut ev = AuditEvent::new(action, kind)
        .resource(resource, None)
        .org(m.organization_id)
        .project(m.project_id)
        .environment(m.environment_id)
        .details(serde_json::json!({"endpoint_id": m.id}));
    if let Err(e) = result {
        ev = ev
            .outcome(AuditOutcome::Error)
            .details(serde_json::json!({"endpoint_id": m.id, "error": e.to_string()}));
    }
    ctx.audit(&core.db, ev).await
}

/// Loads the endpoint with `perm` and runs one engine read (no audit row).
pub(crate) async fn read<T, F, Fut>(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: Permission,
    f: F,
) -> ServiceResult<T>
where
    F: FnOnce(windflow_docker::Engine) -> Fut,
    Fut: std::future::Future<Output = Result<T, windflow_docker::EngineError>>,
{
    let m = load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, perm).await?;
    Ok(f(engine(core, &m).await?).await?)
}

/// Loads the endpoint with `perm`, runs one engine mutation, and audits it as `action` on
/// `resource` (outcome success, or error with the engine's message).
pub(crate) async fn mutate<T, F, Fut>(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: Permission,
    action: &str,
    resource: &str,
    f: F,
) -> ServiceResult<T>
where
    F: FnOnce(windflow_docker::Engine) -> Fut,
    Fut: std::future::Future<Output = Result<T, windflow_docker::EngineError>>,
{
    let m = load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, perm).await?;
    let r: ServiceResult<T> = async { Ok(f(engine(core, &m).await?).await?) }.await;
    audit_engine_call(core, ctx, &m, action, resource, &r).await?;
    r
}

/// An image, tag, volume or network name: letters, digits and `/ : . _ - @`, 1 to 255
/// ([`windflow_api::rules::Rule::EngineName`], the rule the contract declares).
fn check_ref(field: &str, v: &str) -> ServiceResult<()> {
    match windflow_api::rules::Rule::EngineName.check(v) {
        None => Ok(()),
        Some(b) => Err(ServiceError::field(field, b.code, b.message)),
    }
}
