//! The audit log: filtered list and CSV / NDJSON export.
use actix_web::web::{Data, Json, Query};
use actix_web::{HttpResponse, get};
use utoipa_actix_web::service_config::ServiceConfig;
use windflow_api::Page;
use windflow_api::access::Permission;
use windflow_api::audit::{AuditEntry, AuditQuery};
use windflow_core::audit;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Most rows one export returns.
pub const EXPORT_MAX_ROWS: usize = 100_000;

pub(super) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(export);
}

/// Lists audit rows newest first, filtered by actor, action prefix, resource, organization and
/// time range. Permission: `audit:read` on `organization_id` (without it: superadmins only).
#[utoipa::path(tag = "audit", params(AuditQuery), responses((status = 200, body = Page<AuditEntry>)))]
#[get("/audit")]
async fn list(
    st: Data<AppState>,
    u: AuthUser,
    q: Query<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    Ok(Json(
        audit::list(&st.core, u.ctx(), &q, Permission::AuditRead).await?,
    ))
}

/// Exports matching audit rows (up to 100 000, newest first) as `format=csv` or
/// `format=ndjson` (the default). Permission: `audit:export`.
#[utoipa::path(tag = "audit", params(AuditQuery), responses(
    (status = 200, description = "CSV (text/csv) or NDJSON (application/x-ndjson), by `format`", content((String = "text/csv"), (String = "application/x-ndjson")))))]
#[get("/audit/export")]
async fn export(st: Data<AppState>, u: AuthUser, q: Query<AuditQuery>) -> ApiResult<HttpResponse> {
    let rows = audit::export(&st.core, u.ctx(), &q, EXPORT_MAX_ROWS).await?;
    crate::export::audit(&rows, q.format.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use crate::export::csv_cell;

    #[test]
    fn formula_cells_are_escaped() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")".into()),
            "'=HYPERLINK(\"http://x\")"
        );
        for v in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_cell(v.into()).starts_with('\''), "{v}");
        }
        assert_eq!(csv_cell("alice".into()), "alice");
    }
}
