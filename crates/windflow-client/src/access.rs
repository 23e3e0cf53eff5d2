//! Access control: roles, role bindings, the permission catalog and a user's effective
//! permissions.
use uuid::Uuid;
use windflow_api::access::{
    CreateRole, CreateRoleBinding, EffectivePermissions, PermissionInfo, PermissionsQuery, Role,
    RoleBinding, UpdateRole,
};
use windflow_api::{Page, PageQuery};

use crate::{Client, ClientResult, query};

impl Client {
    /// The first 200 roles visible in an organization by name ([`Client::list_roles`]).
    pub async fn roles(&self, org: Uuid) -> ClientResult<Page<Role>> {
        let page = PageQuery {
            limit: Some(200),
            sort: Some("name".into()),
            ..PageQuery::default()
        };
        self.list_roles(org, &page).await
    }
    /// `GET /organizations/{id}/roles`: one page of the system roles and the organization's
    /// roles. Permission: `roles:read`.
    pub async fn list_roles(&self, org: Uuid, page: &PageQuery) -> ClientResult<Page<Role>> {
        self.get(&format!("/organizations/{org}/roles{}", query(page)?))
            .await
    }
    /// `POST /organizations/{id}/roles`: creates a role with catalog permissions and parent
    /// roles. Permission: `roles:create`; 422 on an unknown permission or a parent cycle.
    pub async fn create_role(&self, org: Uuid, req: &CreateRole) -> ClientResult<Role> {
        self.post(&format!("/organizations/{org}/roles"), req).await
    }
    /// `GET /roles/{id}`. Permission: `roles:read` (system roles: any authenticated user).
    pub async fn role(&self, id: Uuid) -> ClientResult<Role> {
        self.get(&format!("/roles/{id}")).await
    }
    /// `PATCH /roles/{id}`: updates an organization role (system roles: 409). Permission:
    /// `roles:update`.
    pub async fn update_role(&self, id: Uuid, req: &UpdateRole) -> ClientResult<Role> {
        self.patch(&format!("/roles/{id}"), req).await
    }
    /// `DELETE /roles/{id}`: deletes an organization role and its bindings (system roles:
    /// 409). Permission: `roles:delete`.
    pub async fn delete_role(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/roles/{id}")).await
    }
    /// The first 200 role bindings of an organization ([`Client::list_role_bindings`]).
    pub async fn role_bindings(&self, org: Uuid) -> ClientResult<Page<RoleBinding>> {
        let page = PageQuery {
            limit: Some(200),
            ..PageQuery::default()
        };
        self.list_role_bindings(org, &page).await
    }
    /// `GET /organizations/{id}/role-bindings`: one page of role bindings. Permission:
    /// `role_bindings:read`.
    pub async fn list_role_bindings(
        &self,
        org: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<RoleBinding>> {
        self.get(&format!(
            "/organizations/{org}/role-bindings{}",
            query(page)?
        ))
        .await
    }
    /// `POST /organizations/{id}/role-bindings`: binds a role to a user or group at
    /// organization, project or environment scope. Permission: `role_bindings:create`; 409 on
    /// a duplicate, 422 when subject, role or scope is not of the organization.
    pub async fn create_role_binding(
        &self,
        org: Uuid,
        req: &CreateRoleBinding,
    ) -> ClientResult<RoleBinding> {
        self.post(&format!("/organizations/{org}/role-bindings"), req)
            .await
    }
    /// `DELETE /role-bindings/{id}`: deletes a role binding. Permission:
    /// `role_bindings:delete`.
    pub async fn delete_role_binding(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/role-bindings/{id}")).await
    }
    /// `GET /permissions`: the permission catalog. Any authenticated user.
    pub async fn permissions(&self) -> ClientResult<Vec<PermissionInfo>> {
        self.get("/permissions").await
    }
    /// `GET /users/{id}/permissions`: a user's effective permissions at a scope (`scope`
    /// absent: global). Oneself; others need `members:read`.
    pub async fn user_permissions(
        &self,
        user: Uuid,
        scope: &PermissionsQuery,
    ) -> ClientResult<EffectivePermissions> {
        self.get(&format!("/users/{user}/permissions{}", query(scope)?))
            .await
    }
}
