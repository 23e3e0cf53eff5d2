//! The last log lines of a stack's containers.
use std::collections::HashMap;
use windflow_api::access::Permission;

use uuid::Uuid;
use windflow_api::stacks::{StackLogLine, StackLogQuery};

use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::masking::mask;
use crate::runtime::engine;

use super::variables::load_vars;
use super::{PROJECT_LABEL, SERVICE_LABEL, load};
/// The last lines of every container of the stack (`stacks:read`), per container in service
/// order, secrets masked.
pub async fn logs(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    q: &StackLogQuery,
) -> ServiceResult<Vec<StackLogLine>> {
    use futures_util::TryStreamExt;
    let tail = q.tail.unwrap_or(100);
    if let Some(b) = windflow_api::rules::STACK_LOG_TAIL.check_int(i64::from(tail)) {
        return Err(ServiceError::field("tail", b.code, b.message));
    }
    let (m, ep) = load(core, ctx, id, Permission::StacksRead).await?;
    let vars = load_vars(core, &core.db, id).await?;
    let e = engine(core, &ep).await?;
    let filters = HashMap::from([(
        "label".to_owned(),
        vec![format!("{PROJECT_LABEL}={}", m.name)],
    )]);
    let mut containers = e.list_containers(true, &filters).await?;
    containers.sort_by(|a, b| {
        (a.labels.get(SERVICE_LABEL), &a.name).cmp(&(b.labels.get(SERVICE_LABEL), &b.name))
    });
    let lq = windflow_api::docker::LogQuery {
        tail: Some(tail.to_string()),
        follow: Some(false),
        ..Default::default()
    };
    let mut out = vec![];
    for c in containers {
        let service = c.labels.get(SERVICE_LABEL).cloned().unwrap_or_default();
        let lines: Vec<_> = e.logs(&c.id, &lq).try_collect().await?;
        out.extend(lines.into_iter().map(|l| StackLogLine {
            service: service.clone(),
            container: c.name.clone(),
            stream: l.stream,
            text: mask(&l.text, &vars.secrets),
        }));
    }
    Ok(out)
}
