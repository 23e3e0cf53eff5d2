//! Writers of downloadable files: the audit export as CSV or NDJSON.
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use windflow_api::ErrorCode;
use windflow_api::audit::{AuditEntry, AuditExportFormat};

use crate::error::{ApiError, ApiResult};

/// Columns of the audit CSV, in order.
const AUDIT_COLUMNS: [&str; 17] = [
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
];

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::http(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        e.to_string(),
    )
}

/// The audit rows as a download: NDJSON (`application/x-ndjson`, one entry per line) or CSV
/// (`text/csv`, the columns of `AUDIT_COLUMNS`, cells escaped by `csv_cell`).
pub fn audit(rows: &[AuditEntry], format: AuditExportFormat) -> ApiResult<HttpResponse> {
    let (body, content_type, file) = match format {
        AuditExportFormat::Ndjson => {
            let mut out = String::new();
            for r in rows {
                out.push_str(&serde_json::to_string(r).map_err(internal)?);
                out.push('\n');
            }
            (out.into_bytes(), "application/x-ndjson", "audit.ndjson")
        }
        AuditExportFormat::Csv => (audit_csv(rows)?, "text/csv; charset=utf-8", "audit.csv"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\""),
        ))
        .body(body))
}

fn audit_csv(rows: &[AuditEntry]) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(AUDIT_COLUMNS).map_err(internal)?;
    let s = |o: &Option<String>| csv_cell(o.clone().unwrap_or_default());
    let id = |o: Option<uuid::Uuid>| o.map(|u| u.to_string()).unwrap_or_default();
    for r in rows {
        let outcome = r.outcome.as_str().to_owned();
        w.write_record([
            r.id.to_string(),
            r.occurred_at.to_rfc3339(),
            r.actor_type.as_str().to_owned(),
            id(r.actor_id),
            s(&r.actor_name),
            id(r.organization_id),
            id(r.project_id),
            id(r.environment_id),
            csv_cell(r.action.clone()),
            csv_cell(r.resource_type.clone()),
            s(&r.resource_id),
            s(&r.resource_name),
            outcome,
            csv_cell(r.details.to_string()),
            s(&r.ip),
            s(&r.user_agent),
            s(&r.request_id),
        ])
        .map_err(internal)?;
    }
    w.into_inner().map_err(internal)
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
