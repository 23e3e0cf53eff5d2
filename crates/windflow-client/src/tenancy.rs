//! Tenancy: organizations and their members, groups and their members, projects and
//! environments.
//!
//! The short list methods kept from the first client ([`Client::members`], [`Client::groups`],
//! [`Client::projects`], [`Client::environments`]) ask for the first 200 items (by name where
//! the resource has one); the `list_*` methods take a [`PageQuery`].
use uuid::Uuid;
use windflow_api::tenancy::{
    AddGroupMember, AddMember, CreateEnvironment, CreateGroup, CreateOrganization, CreateProject,
    Environment, Group, GroupMember, Membership, Organization, Project, UpdateEnvironment,
    UpdateGroup, UpdateMember, UpdateOrganization, UpdateProject,
};
use windflow_api::{Page, PageQuery};

use crate::{Client, ClientResult, query};

/// The first 200 items sorted by name.
fn first_by_name() -> PageQuery {
    PageQuery {
        limit: Some(200),
        sort: Some("name".into()),
        ..PageQuery::default()
    }
}

/// Organizations.
impl Client {
    /// `GET /organizations` with a raw, already encoded query string (`?q=…`, or empty).
    /// Prefer [`Client::list_organizations`].
    pub async fn organizations(&self, query: &str) -> ClientResult<Page<Organization>> {
        self.get(&format!("/organizations{query}")).await
    }
    /// `GET /organizations`: one page of my organizations (all for superadmins); `q`,
    /// `sort=name`.
    pub async fn list_organizations(&self, page: &PageQuery) -> ClientResult<Page<Organization>> {
        self.get(&format!("/organizations{}", query(page)?)).await
    }
    /// `POST /organizations`: creates an organization; the caller becomes its owner.
    /// Permission: `organizations:create`; 409 on a taken name or slug.
    pub async fn create_organization(
        &self,
        req: &CreateOrganization,
    ) -> ClientResult<Organization> {
        self.post("/organizations", req).await
    }
    /// `GET /organizations/{id}`. Permission: `organizations:read`.
    pub async fn organization(&self, id: Uuid) -> ClientResult<Organization> {
        self.get(&format!("/organizations/{id}")).await
    }
    /// `PATCH /organizations/{id}`: updates an organization. Permission:
    /// `organizations:update`.
    pub async fn update_organization(
        &self,
        id: Uuid,
        req: &UpdateOrganization,
    ) -> ClientResult<Organization> {
        self.patch(&format!("/organizations/{id}"), req).await
    }
    /// `DELETE /organizations/{id}`: deletes an organization and all it contains.
    /// Permission: `organizations:delete`.
    pub async fn delete_organization(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/organizations/{id}")).await
    }
}

/// Organization members.
impl Client {
    /// The first 200 members of an organization ([`Client::list_members`]).
    pub async fn members(&self, org: Uuid) -> ClientResult<Page<Membership>> {
        let page = PageQuery {
            limit: Some(200),
            ..PageQuery::default()
        };
        self.list_members(org, &page).await
    }
    /// `GET /organizations/{id}/members`: one page of members. Permission: `members:read`.
    pub async fn list_members(
        &self,
        org: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<Membership>> {
        self.get(&format!("/organizations/{org}/members{}", query(page)?))
            .await
    }
    /// `POST /organizations/{id}/members`: adds a user as member. Permission:
    /// `members:create` (granting `owner`: owners only); 409 if already a member.
    pub async fn add_member(&self, org: Uuid, req: &AddMember) -> ClientResult<Membership> {
        self.post(&format!("/organizations/{org}/members"), req)
            .await
    }
    /// `PATCH /organizations/{id}/members/{user_id}`: changes a member's role. Permission:
    /// `members:update` (owner changes: owners only; the last owner stays: 409).
    pub async fn update_member(
        &self,
        org: Uuid,
        user: Uuid,
        req: &UpdateMember,
    ) -> ClientResult<Membership> {
        self.patch(&format!("/organizations/{org}/members/{user}"), req)
            .await
    }
    /// `DELETE /organizations/{id}/members/{user_id}`: removes a member. Permission:
    /// `members:delete` (owners: owners only; the last owner stays: 409).
    pub async fn remove_member(&self, org: Uuid, user: Uuid) -> ClientResult<()> {
        self.delete(&format!("/organizations/{org}/members/{user}"))
            .await
    }
}

/// Groups.
impl Client {
    /// The first 200 groups of an organization by name ([`Client::list_groups`]).
    pub async fn groups(&self, org: Uuid) -> ClientResult<Page<Group>> {
        self.list_groups(org, &first_by_name()).await
    }
    /// `GET /organizations/{id}/groups`: one page of groups. Permission: `groups:read`.
    pub async fn list_groups(&self, org: Uuid, page: &PageQuery) -> ClientResult<Page<Group>> {
        self.get(&format!("/organizations/{org}/groups{}", query(page)?))
            .await
    }
    /// `POST /organizations/{id}/groups`: creates a group. Permission: `groups:create`; 409 on
    /// a taken name.
    pub async fn create_group(&self, org: Uuid, req: &CreateGroup) -> ClientResult<Group> {
        self.post(&format!("/organizations/{org}/groups"), req)
            .await
    }
    /// `GET /groups/{id}`. Permission: `groups:read`.
    pub async fn group(&self, id: Uuid) -> ClientResult<Group> {
        self.get(&format!("/groups/{id}")).await
    }
    /// `PATCH /groups/{id}`: updates a group. Permission: `groups:update`.
    pub async fn update_group(&self, id: Uuid, req: &UpdateGroup) -> ClientResult<Group> {
        self.patch(&format!("/groups/{id}"), req).await
    }
    /// `DELETE /groups/{id}`: deletes a group with its bindings. Permission:
    /// `groups:delete`.
    pub async fn delete_group(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/groups/{id}")).await
    }
    /// `GET /groups/{id}/members`: members of a group. Permission: `groups:read`.
    pub async fn group_members(&self, group: Uuid) -> ClientResult<Vec<GroupMember>> {
        self.get(&format!("/groups/{group}/members")).await
    }
    /// `POST /groups/{id}/members`: adds an organization member to a group. Permission:
    /// `groups:update`; 422 if the user is not a member of the organization.
    pub async fn add_group_member(
        &self,
        group: Uuid,
        req: &AddGroupMember,
    ) -> ClientResult<GroupMember> {
        self.post(&format!("/groups/{group}/members"), req).await
    }
    /// `DELETE /groups/{id}/members/{user_id}`: removes a user from a group. Permission:
    /// `groups:update`.
    pub async fn remove_group_member(&self, group: Uuid, user: Uuid) -> ClientResult<()> {
        self.delete(&format!("/groups/{group}/members/{user}"))
            .await
    }
}

/// Projects.
impl Client {
    /// The first 200 projects of an organization by name ([`Client::list_projects`]).
    pub async fn projects(&self, org: Uuid) -> ClientResult<Page<Project>> {
        self.list_projects(org, &first_by_name()).await
    }
    /// `GET /organizations/{id}/projects`: one page of projects (`q`, `sort=name`).
    /// Permission: `projects:read`.
    pub async fn list_projects(&self, org: Uuid, page: &PageQuery) -> ClientResult<Page<Project>> {
        self.get(&format!("/organizations/{org}/projects{}", query(page)?))
            .await
    }
    /// `POST /organizations/{id}/projects`: creates a project. Permission: `projects:create`;
    /// 409 on a taken name, 422 on invalid fields.
    pub async fn create_project(&self, org: Uuid, req: &CreateProject) -> ClientResult<Project> {
        self.post(&format!("/organizations/{org}/projects"), req)
            .await
    }
    /// `GET /projects/{id}`. Permission: `projects:read` at project scope.
    pub async fn project(&self, id: Uuid) -> ClientResult<Project> {
        self.get(&format!("/projects/{id}")).await
    }
    /// `PATCH /projects/{id}`: updates a project. Permission: `projects:update` at project
    /// scope.
    pub async fn update_project(&self, id: Uuid, req: &UpdateProject) -> ClientResult<Project> {
        self.patch(&format!("/projects/{id}"), req).await
    }
    /// `DELETE /projects/{id}`: deletes a project and its environments. Permission:
    /// `projects:delete` at project scope.
    pub async fn delete_project(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/projects/{id}")).await
    }
}

/// Environments.
impl Client {
    /// The first 200 environments of a project by name ([`Client::list_environments`]).
    pub async fn environments(&self, project: Uuid) -> ClientResult<Page<Environment>> {
        self.list_environments(project, &first_by_name()).await
    }
    /// `GET /projects/{id}/environments`: one page of environments. Permission:
    /// `environments:read` at project scope.
    pub async fn list_environments(
        &self,
        project: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<Environment>> {
        self.get(&format!("/projects/{project}/environments{}", query(page)?))
            .await
    }
    /// `POST /projects/{id}/environments`: creates an environment (name unique per project:
    /// 409). Permission: `environments:create` at project scope.
    pub async fn create_environment(
        &self,
        project: Uuid,
        req: &CreateEnvironment,
    ) -> ClientResult<Environment> {
        self.post(&format!("/projects/{project}/environments"), req)
            .await
    }
    /// `GET /environments/{id}`. Permission: `environments:read` at environment scope.
    pub async fn environment(&self, id: Uuid) -> ClientResult<Environment> {
        self.get(&format!("/environments/{id}")).await
    }
    /// `PATCH /environments/{id}`: updates an environment. Permission: `environments:update`
    /// at environment scope.
    pub async fn update_environment(
        &self,
        id: Uuid,
        req: &UpdateEnvironment,
    ) -> ClientResult<Environment> {
        self.patch(&format!("/environments/{id}"), req).await
    }
    /// `DELETE /environments/{id}`: deletes an environment. Permission:
    /// `environments:delete` at environment scope.
    pub async fn delete_environment(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/environments/{id}")).await
    }
}
