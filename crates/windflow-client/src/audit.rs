//! The audit log: filtered pages and exports.
use windflow_api::Page;
use windflow_api::audit::{AuditEntry, AuditQuery};

use crate::transport::Verb;
use crate::{Client, ClientResult, query};

impl Client {
    /// `GET /audit` with a raw, already encoded filter string (`?organization_id=…`, or
    /// empty). Prefer [`Client::list_audit`].
    pub async fn audit(&self, query: &str) -> ClientResult<Page<AuditEntry>> {
        self.get(&format!("/audit{query}")).await
    }
    /// `GET /audit`: one page of audit rows, newest first, filtered by actor, action prefix,
    /// resource, organization and time. Permission: `audit:read` on `organization_id` (without
    /// one: superadmins only).
    pub async fn list_audit(&self, filter: &AuditQuery) -> ClientResult<Page<AuditEntry>> {
        self.get(&format!("/audit{}", query(filter)?)).await
    }
    /// `GET /audit/export`: the matching rows (up to 100 000, newest first) as one download,
    /// answered whole as text: CSV with a header line for `format=csv`, one JSON object per
    /// line for `format=ndjson` (the default). Permission: `audit:export`; 422 on another format.
    pub async fn export_audit(&self, filter: &AuditQuery) -> ClientResult<String> {
        let path = format!("/audit/export{}", query(filter)?);
        self.call_text(Verb::Get, &path, None, "*/*", &[])
            .await
            .map(|(_, text)| text)
    }
}
