//! Users (the superadmins' user administration, and oneself).
use uuid::Uuid;
use windflow_api::users::{CreateUser, UpdateUser, User};
use windflow_api::{Page, PageQuery};

use crate::{Client, ClientResult, query};

impl Client {
    /// `GET /users` with a raw, already encoded query string (`?q=…&limit=…`, or empty).
    /// Prefer [`Client::list_users`].
    pub async fn users(&self, query: &str) -> ClientResult<Page<User>> {
        self.get(&format!("/users{query}")).await
    }
    /// `GET /users`: one page of all users (`q` on the username, `sort=name`). Permission:
    /// `users:read` (superadmins).
    pub async fn list_users(&self, page: &PageQuery) -> ClientResult<Page<User>> {
        self.get(&format!("/users{}", query(page)?)).await
    }
    /// `POST /users`: creates a local user. Permission: `users:create` (superadmins); 409 on a
    /// taken username or email, 422 on invalid fields.
    pub async fn create_user(&self, req: &CreateUser) -> ClientResult<User> {
        self.post("/users", req).await
    }
    /// `GET /users/{id}`: a user: oneself, or anyone for superadmins (others: 404).
    pub async fn user(&self, id: Uuid) -> ClientResult<User> {
        self.get(&format!("/users/{id}")).await
    }
    /// `PATCH /users/{id}`: updates a user. Oneself: profile fields; email, `is_active` and
    /// `is_superadmin` need `users:update` (superadmins).
    pub async fn update_user(&self, id: Uuid, req: &UpdateUser) -> ClientResult<User> {
        self.patch(&format!("/users/{id}"), req).await
    }
    /// `DELETE /users/{id}`: deletes a user (not oneself: 409). Permission: `users:delete`
    /// (superadmins).
    pub async fn delete_user(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/users/{id}")).await
    }
}
