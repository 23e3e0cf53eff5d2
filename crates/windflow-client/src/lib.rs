//! Typed client of the WindFlow REST API: `reqwest` natively, the browser's `fetch` (gloo-net) on
//! `wasm32-unknown-unknown`. Errors come back as the server's RFC 9457 [`Problem`].
//!
//! Authentication: set a bearer token ([`Client::with_bearer`]) for API use, or rely on the
//! browser's same-origin cookies and set the CSRF token ([`Client::with_csrf`]) so mutations
//! carry `X-CSRF-Token`.
mod transport;

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use windflow_api::access::{CreateRole, CreateRoleBinding, PermissionInfo, Role, RoleBinding};
use windflow_api::audit::AuditEntry;
use windflow_api::auth::{
    CurrentSession, LoginRequest, SessionView, SetupRequest, SetupStatus, TokenResponse,
};
use windflow_api::tenancy::{
    AddGroupMember, AddMember, CreateEnvironment, CreateGroup, CreateOrganization, CreateProject,
    Environment, Group, GroupMember, Membership, Organization, Project,
};
use windflow_api::users::{CreateUser, UpdateUser, User};
use windflow_api::{CSRF_HEADER, ErrorCode, Page, Problem};

use crate::transport::{Transport, Verb};

/// A failed call.
#[derive(Debug, Clone)]
pub enum ClientError {
    /// The server answered with a problem document.
    Problem(Box<Problem>),
    /// The request did not complete (network, CORS, aborted).
    Network(String),
    /// The answer could not be decoded.
    Decode(String),
}

impl ClientError {
    /// The problem's machine code, if the server answered.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Problem(p) => Some(p.code),
            _ => None,
        }
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Problem(p) => {
                write!(f, "{}", p.detail.as_deref().unwrap_or(&p.title))?;
                if let Some(errs) = &p.errors {
                    for e in errs {
                        write!(f, "; {}: {}", e.field, e.message)?;
                    }
                }
                Ok(())
            }
            Self::Network(e) => write!(f, "network error: {e}"),
            Self::Decode(e) => write!(f, "unexpected answer: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// Result of a call.
pub type ClientResult<T> = Result<T, ClientError>;

/// The API client (cheap to clone).
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: Transport,
    bearer: Option<String>,
    csrf: Option<String>,
}

impl Client {
    /// A client of the server at `base` (e.g. `http://127.0.0.1:8080`, or the page's origin).
    pub fn new(base: impl Into<String>) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
            http: Transport::default(),
            bearer: None,
            csrf: None,
        }
    }
    /// Sends `Authorization: Bearer <token>`.
    pub fn with_bearer(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }
    /// Sends `X-CSRF-Token` on mutations (cookie-authenticated browsers).
    pub fn with_csrf(mut self, token: impl Into<String>) -> Self {
        self.csrf = Some(token.into());
        self
    }

    async fn call<T: DeserializeOwned>(
        &self,
        verb: Verb,
        path: &str,
        body: Option<String>,
    ) -> ClientResult<T> {
        let mut headers: Vec<(&str, String)> = vec![("accept", "application/json".into())];
        if let Some(t) = &self.bearer {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        if let (Some(c), false) = (&self.csrf, verb == Verb::Get) {
            headers.push((CSRF_HEADER, c.clone()));
        }
        let url = format!("{}/api/v1{path}", self.base);
        let (status, text) = self
            .http
            .send(verb, &url, &headers, body)
            .await
            .map_err(ClientError::Network)?;
        if !(200..300).contains(&status) {
            return Err(match serde_json::from_str::<Problem>(&text) {
                Ok(p) => ClientError::Problem(Box::new(p)),
                Err(_) => ClientError::Decode(format!("HTTP {status}")),
            });
        }
        let text = if status == 204 || text.is_empty() {
            "null"
        } else {
            text.as_str()
        };
        serde_json::from_str(text).map_err(|e| ClientError::Decode(e.to_string()))
    }

    fn json<B: Serialize>(body: &B) -> ClientResult<Option<String>> {
        serde_json::to_string(body)
            .map(Some)
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// `GET path` (relative to `/api/v1`).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> ClientResult<T> {
        self.call(Verb::Get, path, None).await
    }
    /// `POST path` with a JSON body.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ClientResult<T> {
        self.call(Verb::Post, path, Self::json(body)?).await
    }
    /// `PATCH path` with a JSON body.
    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ClientResult<T> {
        self.call(Verb::Patch, path, Self::json(body)?).await
    }
    /// `PUT path` with a JSON body.
    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ClientResult<T> {
        self.call(Verb::Put, path, Self::json(body)?).await
    }
    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> ClientResult<()> {
        self.call::<serde_json::Value>(Verb::Delete, path, None)
            .await
            .map(|_| ())
    }

    /// Whether first-run setup is open.
    pub async fn setup_status(&self) -> ClientResult<SetupStatus> {
        self.get("/setup").await
    }
    /// Creates the first superadmin.
    pub async fn setup(&self, req: &SetupRequest) -> ClientResult<TokenResponse> {
        self.post("/setup", req).await
    }
    /// Logs in.
    pub async fn login(&self, req: &LoginRequest) -> ClientResult<TokenResponse> {
        self.post("/auth/login", req).await
    }
    /// Logs out.
    pub async fn logout(&self) -> ClientResult<()> {
        self.call::<serde_json::Value>(Verb::Post, "/auth/logout", None)
            .await
            .map(|_| ())
    }
    /// The current session.
    pub async fn session(&self) -> ClientResult<CurrentSession> {
        self.get("/auth/session").await
    }
    /// My sessions.
    pub async fn my_sessions(&self) -> ClientResult<Vec<SessionView>> {
        self.get("/users/me/sessions").await
    }
    /// Revokes one of my sessions.
    pub async fn revoke_session(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/users/me/sessions/{id}")).await
    }
    /// Organizations I belong to.
    pub async fn organizations(&self, query: &str) -> ClientResult<Page<Organization>> {
        self.get(&format!("/organizations{query}")).await
    }
    /// Creates an organization.
    pub async fn create_organization(
        &self,
        req: &CreateOrganization,
    ) -> ClientResult<Organization> {
        self.post("/organizations", req).await
    }
    /// Members of an organization.
    pub async fn members(&self, org: Uuid) -> ClientResult<Page<Membership>> {
        self.get(&format!("/organizations/{org}/members?limit=200"))
            .await
    }
    /// Adds a member.
    pub async fn add_member(&self, org: Uuid, req: &AddMember) -> ClientResult<Membership> {
        self.post(&format!("/organizations/{org}/members"), req)
            .await
    }
    /// Groups of an organization.
    pub async fn groups(&self, org: Uuid) -> ClientResult<Page<Group>> {
        self.get(&format!("/organizations/{org}/groups?limit=200&sort=name"))
            .await
    }
    /// Creates a group.
    pub async fn create_group(&self, org: Uuid, req: &CreateGroup) -> ClientResult<Group> {
        self.post(&format!("/organizations/{org}/groups"), req)
            .await
    }
    /// Members of a group.
    pub async fn group_members(&self, group: Uuid) -> ClientResult<Vec<GroupMember>> {
        self.get(&format!("/groups/{group}/members")).await
    }
    /// Adds a user to a group.
    pub async fn add_group_member(
        &self,
        group: Uuid,
        req: &AddGroupMember,
    ) -> ClientResult<GroupMember> {
        self.post(&format!("/groups/{group}/members"), req).await
    }
    /// Projects of an organization.
    pub async fn projects(&self, org: Uuid) -> ClientResult<Page<Project>> {
        self.get(&format!(
            "/organizations/{org}/projects?limit=200&sort=name"
        ))
        .await
    }
    /// Creates a project.
    pub async fn create_project(&self, org: Uuid, req: &CreateProject) -> ClientResult<Project> {
        self.post(&format!("/organizations/{org}/projects"), req)
            .await
    }
    /// Environments of a project.
    pub async fn environments(&self, project: Uuid) -> ClientResult<Page<Environment>> {
        self.get(&format!(
            "/projects/{project}/environments?limit=200&sort=name"
        ))
        .await
    }
    /// Creates an environment.
    pub async fn create_environment(
        &self,
        project: Uuid,
        req: &CreateEnvironment,
    ) -> ClientResult<Environment> {
        self.post(&format!("/projects/{project}/environments"), req)
            .await
    }
    /// Roles visible in an organization.
    pub async fn roles(&self, org: Uuid) -> ClientResult<Page<Role>> {
        self.get(&format!("/organizations/{org}/roles?limit=200&sort=name"))
            .await
    }
    /// Creates a role.
    pub async fn create_role(&self, org: Uuid, req: &CreateRole) -> ClientResult<Role> {
        self.post(&format!("/organizations/{org}/roles"), req).await
    }
    /// Role bindings of an organization.
    pub async fn role_bindings(&self, org: Uuid) -> ClientResult<Page<RoleBinding>> {
        self.get(&format!("/organizations/{org}/role-bindings?limit=200"))
            .await
    }
    /// Creates a role binding.
    pub async fn create_role_binding(
        &self,
        org: Uuid,
        req: &CreateRoleBinding,
    ) -> ClientResult<RoleBinding> {
        self.post(&format!("/organizations/{org}/role-bindings"), req)
            .await
    }
    /// The permission catalog.
    pub async fn permissions(&self) -> ClientResult<Vec<PermissionInfo>> {
        self.get("/permissions").await
    }
    /// All users (superadmins).
    pub async fn users(&self, query: &str) -> ClientResult<Page<User>> {
        self.get(&format!("/users{query}")).await
    }
    /// Creates a user (superadmins).
    pub async fn create_user(&self, req: &CreateUser) -> ClientResult<User> {
        self.post("/users", req).await
    }
    /// Updates a user.
    pub async fn update_user(&self, id: Uuid, req: &UpdateUser) -> ClientResult<User> {
        self.patch(&format!("/users/{id}"), req).await
    }
    /// One page of the audit log; `query` is the encoded filter string (`?organization_id=…`).
    pub async fn audit(&self, query: &str) -> ClientResult<Page<AuditEntry>> {
        self.get(&format!("/audit{query}")).await
    }
}

/// Docker endpoints and containers.
impl Client {
    /// Endpoints of an environment.
    pub async fn endpoints(&self, env: Uuid) -> ClientResult<Page<windflow_api::docker::Endpoint>> {
        self.get(&format!(
            "/environments/{env}/endpoints?limit=200&sort=name"
        ))
        .await
    }
    /// Adds an endpoint.
    pub async fn create_endpoint(
        &self,
        env: Uuid,
        req: &windflow_api::docker::CreateEndpoint,
    ) -> ClientResult<windflow_api::docker::Endpoint> {
        self.post(&format!("/environments/{env}/endpoints"), req)
            .await
    }
    /// Checks an endpoint's engine now.
    pub async fn test_endpoint(&self, id: Uuid) -> ClientResult<windflow_api::docker::Endpoint> {
        self.post(&format!("/endpoints/{id}/test"), &serde_json::json!({}))
            .await
    }
    /// Containers of every endpoint the caller may see; `query` like `?all=true`.
    pub async fn all_containers(
        &self,
        query: &str,
    ) -> ClientResult<windflow_api::docker::AllContainers> {
        self.get(&format!("/containers{query}")).await
    }
    /// Runs a lifecycle action (`start`, `stop`, `restart`, `kill`, `pause`, `unpause`).
    pub async fn container_action(
        &self,
        endpoint: Uuid,
        container: &str,
        action: &str,
    ) -> ClientResult<()> {
        self.call::<serde_json::Value>(
            Verb::Post,
            &format!("/endpoints/{endpoint}/containers/{container}/{action}"),
            None,
        )
        .await
        .map(|_| ())
    }
    /// Inspects a container.
    pub async fn inspect_container(
        &self,
        endpoint: Uuid,
        container: &str,
    ) -> ClientResult<windflow_api::docker::ContainerDetails> {
        self.get(&format!("/endpoints/{endpoint}/containers/{container}"))
            .await
    }
    /// The last `tail` log lines.
    pub async fn container_logs(
        &self,
        endpoint: Uuid,
        container: &str,
        tail: u32,
    ) -> ClientResult<Vec<windflow_api::docker::LogLine>> {
        self.get(&format!(
            "/endpoints/{endpoint}/containers/{container}/logs?tail={tail}"
        ))
        .await
    }
    /// One stats sample.
    pub async fn container_stats(
        &self,
        endpoint: Uuid,
        container: &str,
    ) -> ClientResult<windflow_api::docker::StatsSnapshot> {
        self.get(&format!(
            "/endpoints/{endpoint}/containers/{container}/stats"
        ))
        .await
    }
}
