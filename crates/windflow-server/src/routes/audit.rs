//! The audit log: filtered list and CSV / NDJSON export.
use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Query};
use actix_web::{HttpResponse, get};
use utoipa_actix_web::service_config::ServiceConfig;
use windflow_api::audit::{AuditEntry, AuditQuery};
use windflow_api::{ErrorCode, Page};
use windflow_core::audit;

use crate::error::{ApiError, ApiResult};
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
        audit::list(&st.core, u.ctx(), &q, "audit:read").await?,
    ))
}

/// Exports matching audit rows (up to 100 000, newest first) as `format=csv` or
/// `format=ndjson`. Permission: `audit:export`.
#[utoipa::path(tag = "audit", params(AuditQuery), responses(
    (status = 200, description = "CSV (text/csv) or NDJSON (application/x-ndjson), by `format`", content((String = "text/csv"), (String = "application/x-ndjson")))))]
#[get("/audit/export")]
async fn export(st: Data<AppState>, u: AuthUser, q: Query<AuditQuery>) -> ApiResult<HttpResponse> {
    let format = q.format.clone().unwrap_or_else(|| "ndjson".into());
    if format != "csv" && format != "ndjson" {
        return Err(windflow_core::ServiceError::field(
            "format",
            "invalid_value",
            "must be csv or ndjson",
        )
        .into());
    }
    let rows = audit::export(&st.core, u.ctx(), &q, EXPORT_MAX_ROWS).await?;
    let internal =
        |e: String| ApiError::http(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, e);
    if format == "ndjson" {
        let mut out = String::new();
        for r in &rows {
            out.push_str(&serde_json::to_string(r).map_err(|e| internal(e.to_string()))?);
            out.push('\n');
        }
        return Ok(HttpResponse::Ok()
            .content_type("application/x-ndjson")
            .insert_header((
                "Content-Disposition",
                "attachment; filename=\"audit.ndjson\"",
            ))
            .body(out));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "occurred_at",
        "actor_type",
        "actor_id",
        "actor_name",
        "organization_id",
        "project_id",
        "environment_id",
        "action",
        "resource_type",
        "resource_id",
        "resource_name",
        "outcome",
        "details",
        "ip",
        "user_agent",
        "request_id",
    ])
    .map_err(|e| internal(e.to_string()))?;
    let s = |o: Option<String>| csv_cell(o.unwrap_or_default());
    let id = |o: Option<uuid::Uuid>| o.map(|u| u.to_string()).unwrap_or_default();
    for r in rows {
        let outcome = serde_json::to_value(r.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        w.write_record([
            r.id.to_string(),
            r.occurred_at.to_rfc3339(),
            r.actor_type,
            id(r.actor_id),
            s(r.actor_name),
            id(r.organization_id),
            id(r.project_id),
            id(r.environment_id),
            csv_cell(r.action),
            csv_cell(r.resource_type),
            s(r.resource_id),
            s(r.resource_name),
            outcome,
            csv_cell(r.details.to_string()),
            s(r.ip),
            s(r.user_agent),
            s(r.request_id),
        ])
        .map_err(|e| internal(e.to_string()))?;
    }
    let body = w.into_inner().map_err(|e| internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"audit.csv\""))
        .body(body))
}

/// A CSV cell that a spreadsheet will not run as a formula: a value starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP "CSV injection"; issue 11,
/// section 5). Login names of failed logins are attacker-chosen text.
pub(crate) fn csv_cell(v: String) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

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
