//! Git: a project's credentials and repositories, syncs and their executions, webhook
//! secrets and deliveries, and the platform settings.
use uuid::Uuid;
use windflow_api::git::{
    CreateGitCredential, GitCredential, GitRepository, GitRepositoryCreated, GitRepositoryInput,
    PlatformSettings, ScheduleExecution, SyncQuery, UpdateGitCredential, WebhookAccepted,
    WebhookSecret,
};
use windflow_api::{Page, PageQuery};

use crate::transport::Verb;
use crate::{Client, ClientResult, encode, query};

/// Credentials.
impl Client {
    /// `GET /projects/{id}/git-credentials`: one page of a project's Git credentials
    /// (secrets never returned). Permission: `git:read`.
    pub async fn list_git_credentials(
        &self,
        project: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<GitCredential>> {
        self.get(&format!(
            "/projects/{project}/git-credentials{}",
            query(page)?
        ))
        .await
    }
    /// `POST /projects/{id}/git-credentials`: adds a Git credential (secrets stored
    /// encrypted). Permission: `git:create`.
    pub async fn create_git_credential(
        &self,
        project: Uuid,
        req: &CreateGitCredential,
    ) -> ClientResult<GitCredential> {
        self.post(&format!("/projects/{project}/git-credentials"), req)
            .await
    }
    /// `PATCH /git-credentials/{id}`: changes a Git credential. Permission: `git:update`.
    pub async fn update_git_credential(
        &self,
        id: Uuid,
        req: &UpdateGitCredential,
    ) -> ClientResult<GitCredential> {
        self.patch(&format!("/git-credentials/{id}"), req).await
    }
    /// `DELETE /git-credentials/{id}`: removes a Git credential (409 while a repository uses
    /// it). Permission: `git:delete`.
    pub async fn delete_git_credential(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/git-credentials/{id}")).await
    }
}

/// Repositories, syncs and webhooks.
impl Client {
    /// `GET /projects/{id}/git-repositories`: one page of a project's Git repositories.
    /// Permission: `git:read`.
    pub async fn list_git_repositories(
        &self,
        project: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<GitRepository>> {
        self.get(&format!(
            "/projects/{project}/git-repositories{}",
            query(page)?
        ))
        .await
    }
    /// `POST /projects/{id}/git-repositories`: adds a Git repository; the answer carries its
    /// webhook secret, shown only once. Permission: `git:create`.
    pub async fn create_git_repository(
        &self,
        project: Uuid,
        req: &GitRepositoryInput,
    ) -> ClientResult<GitRepositoryCreated> {
        self.post(&format!("/projects/{project}/git-repositories"), req)
            .await
    }
    /// `GET /git-repositories/{id}`. Permission: `git:read`.
    pub async fn git_repository(&self, id: Uuid) -> ClientResult<GitRepository> {
        self.get(&format!("/git-repositories/{id}")).await
    }
    /// `PUT /git-repositories/{id}`: replaces a repository's settings. Permission:
    /// `git:update`.
    pub async fn update_git_repository(
        &self,
        id: Uuid,
        req: &GitRepositoryInput,
    ) -> ClientResult<GitRepository> {
        self.put(&format!("/git-repositories/{id}"), req).await
    }
    /// `DELETE /git-repositories/{id}`: removes a repository (409 while a stack uses it).
    /// Permission: `git:delete`.
    pub async fn delete_git_repository(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/git-repositories/{id}")).await
    }
    /// `GET /git-repositories/{id}/executions`: one page of a repository's sync executions
    /// (manual, webhook, schedule), newest first. Permission: `git:read`.
    pub async fn list_sync_executions(
        &self,
        id: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<ScheduleExecution>> {
        self.get(&format!(
            "/git-repositories/{id}/executions{}",
            query(page)?
        ))
        .await
    }
    /// `POST /git-repositories/{id}/sync`: syncs now (`redeploy`: then redeploy the Git
    /// stacks whose commit changed) and answers the finished execution; a failed fetch is an
    /// execution with status `failed`, not an error. Permission: `git:sync`.
    pub async fn sync_git_repository(
        &self,
        id: Uuid,
        opts: &SyncQuery,
    ) -> ClientResult<ScheduleExecution> {
        self.call(
            Verb::Post,
            &format!("/git-repositories/{id}/sync{}", query(opts)?),
            None,
        )
        .await
    }
    /// `POST /git-repositories/{id}/webhook-secret`: replaces the webhook secret and answers
    /// it, once. Permission: `git:update`.
    pub async fn rotate_webhook_secret(&self, id: Uuid) -> ClientResult<WebhookSecret> {
        self.call(
            Verb::Post,
            &format!("/git-repositories/{id}/webhook-secret"),
            None,
        )
        .await
    }
    /// `GET /schedule-executions/{id}`: one execution with its logs. Permission: `git:read`.
    pub async fn schedule_execution(&self, id: Uuid) -> ClientResult<ScheduleExecution> {
        self.get(&format!("/schedule-executions/{id}")).await
    }
    /// `POST /webhooks/git/{hook}`: delivers a Git host's webhook `payload` (JSON text, sent
    /// as is) with the host's `headers` (`X-Hub-Signature-256`, `X-GitHub-Event`, …). No user
    /// authentication: 401 `webhook_signature_invalid` when the signature does not match. A
    /// push to the tracked branch is accepted (HTTP 202, sync in the background), anything
    /// else is answered `ignored` (HTTP 200); both decode to [`WebhookAccepted`].
    pub async fn deliver_webhook(
        &self,
        hook: &str,
        headers: &[(&str, &str)],
        payload: &str,
    ) -> ClientResult<WebhookAccepted> {
        let path = format!("/webhooks/git/{}", encode(hook));
        let (status, text) = self
            .call_text(
                Verb::Post,
                &path,
                Some(payload.to_owned()),
                "application/json",
                headers,
            )
            .await?;
        crate::decode(status, &text)
    }
}

/// Platform settings.
impl Client {
    /// `GET /settings/platform`: the platform settings. Permission: `settings:read` (global).
    pub async fn platform_settings(&self) -> ClientResult<PlatformSettings> {
        self.get("/settings/platform").await
    }
    /// `PUT /settings/platform`: replaces the platform settings and answers them. Permission:
    /// `settings:update` (global); 422 on invalid values.
    pub async fn set_platform_settings(
        &self,
        req: &PlatformSettings,
    ) -> ClientResult<PlatformSettings> {
        self.put("/settings/platform", req).await
    }
}
