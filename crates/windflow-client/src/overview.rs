//! The home dashboard and the global search.
use uuid::Uuid;
use windflow_api::overview::{Overview, SearchQuery, SearchResults};

use crate::{Client, ClientResult, query};

impl Client {
    /// `GET /organizations/{id}/overview`: the organization's dashboard (counts, recent
    /// deployments and audit rows, what needs attention), filtered by the caller's read
    /// permissions. 404 for an organization the caller is not a member of.
    pub async fn overview(&self, organization: Uuid) -> ClientResult<Overview> {
        self.get(&format!("/organizations/{organization}/overview"))
            .await
    }
    /// `GET /search`: objects whose name contains `q.q`, grouped by kind, among what the
    /// caller may read. 422 for an empty or over-long text or a `per_kind` outside 1 to 20.
    pub async fn search(&self, q: &SearchQuery) -> ClientResult<SearchResults> {
        self.get(&format!("/search{}", query(q)?)).await
    }
}
