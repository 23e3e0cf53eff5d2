//! Stacks (compose projects managed by WindFlow): CRUD, validation, adoption, locking,
//! variables, logs, actions, deployments and rollback.
//!
//! Actions and rollback stream their output as server-sent events; [`Client::stack_action`]
//! and [`Client::rollback_stack`] read the stream to its end and answer its items (`line`
//! items, then one `done` item). The action goes on on the server even if the call is
//! dropped.
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use windflow_api::stacks::{
    AdoptStack, ComposeCheck, ComposeProject, CreateStack, Deployment, DeploymentDetails, Stack,
    StackAction, StackActionQuery, StackDeleted, StackLogLine, StackLogQuery, StackOutput,
    StackVariable, StackVariableInput, UpdateStack, ValidateCompose,
};
use windflow_api::{Page, PageQuery};

use crate::transport::Verb;
use crate::{Client, ClientResult, query};

/// Options of `DELETE /stacks/{id}` (every field optional, default false).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteStackQuery {
    /// Remove the stack even though its compose project still has containers (they keep
    /// running).
    pub force: Option<bool>,
    /// Take the compose project down first (needs `stacks:deploy` too).
    pub down: Option<bool>,
    /// With `down`: remove named volumes too.
    pub remove_volumes: Option<bool>,
}

/// The path segment of an action (`deploy`, `pull-redeploy`, `start`, `stop`, `restart`,
/// `down`), the inverse of [`StackAction::from_path`].
pub fn action_segment(action: StackAction) -> &'static str {
    match action {
        StackAction::Deploy => "deploy",
        StackAction::PullRedeploy => "pull-redeploy",
        StackAction::Start => "start",
        StackAction::Stop => "stop",
        StackAction::Restart => "restart",
        StackAction::Down => "down",
    }
}

impl Client {
    /// `GET /endpoints/{id}/stacks`: one page of an endpoint's stacks with their running
    /// state. Permission: `stacks:read`.
    pub async fn list_stacks(&self, endpoint: Uuid, page: &PageQuery) -> ClientResult<Page<Stack>> {
        self.get(&format!("/endpoints/{endpoint}/stacks{}", query(page)?))
            .await
    }
    /// `POST /endpoints/{id}/stacks`: creates a stack (compose YAML validated first: 422 with
    /// the error; 403 for privileged options without `containers:create_privileged`).
    /// Permission: `stacks:create`.
    pub async fn create_stack(&self, endpoint: Uuid, req: &CreateStack) -> ClientResult<Stack> {
        self.post(&format!("/endpoints/{endpoint}/stacks"), req)
            .await
    }
    /// `POST /endpoints/{id}/stacks/adopt`: adopts a compose project WindFlow did not create.
    /// Permission: `stacks:create`.
    pub async fn adopt_stack(&self, endpoint: Uuid, req: &AdoptStack) -> ClientResult<Stack> {
        self.post(&format!("/endpoints/{endpoint}/stacks/adopt"), req)
            .await
    }
    /// `GET /endpoints/{id}/compose-projects`: compose projects found on the endpoint (for
    /// adoption). Permission: `stacks:read`.
    pub async fn compose_projects(&self, endpoint: Uuid) -> ClientResult<Vec<ComposeProject>> {
        self.get(&format!("/endpoints/{endpoint}/compose-projects"))
            .await
    }
    /// `POST /stacks/validate`: validates compose YAML for an endpoint without saving; the
    /// verdict is in the answer. Permission: `stacks:create` at the endpoint, or
    /// `stacks:update` on `stack_id`.
    pub async fn validate_compose(&self, req: &ValidateCompose) -> ClientResult<ComposeCheck> {
        self.post("/stacks/validate", req).await
    }
    /// `GET /stacks/{id}`: a stack with its compose YAML. Permission: `stacks:read`.
    pub async fn stack(&self, id: Uuid) -> ClientResult<Stack> {
        self.get(&format!("/stacks/{id}")).await
    }
    /// `PATCH /stacks/{id}`: replaces the compose YAML (validated first; 409 while locked).
    /// Permission: `stacks:update`.
    pub async fn update_stack(&self, id: Uuid, req: &UpdateStack) -> ClientResult<Stack> {
        self.patch(&format!("/stacks/{id}"), req).await
    }
    /// `DELETE /stacks/{id}`: removes a stack and says what happened to its compose project
    /// (see [`DeleteStackQuery`]); 409 while locked, or while the project has containers and
    /// neither `down` nor `force` is given. Permission: `stacks:delete` (and `stacks:deploy`
    /// for `down`).
    pub async fn delete_stack(
        &self,
        id: Uuid,
        opts: &DeleteStackQuery,
    ) -> ClientResult<StackDeleted> {
        self.call(Verb::Delete, &format!("/stacks/{id}{}", query(opts)?), None)
            .await
    }
    /// `POST /stacks/{id}/lock`: locks a stack; every change and action is refused (409)
    /// until unlocked. Permission: `stacks:update`.
    pub async fn lock_stack(&self, id: Uuid) -> ClientResult<Stack> {
        self.call(Verb::Post, &format!("/stacks/{id}/lock"), None)
            .await
    }
    /// `POST /stacks/{id}/unlock`: unlocks a stack. Permission: `stacks:update`.
    pub async fn unlock_stack(&self, id: Uuid) -> ClientResult<Stack> {
        self.call(Verb::Post, &format!("/stacks/{id}/unlock"), None)
            .await
    }
    /// `GET /stacks/{id}/logs`: the last lines of every service's containers (secrets
    /// masked). Permission: `stacks:read`.
    pub async fn stack_logs(
        &self,
        id: Uuid,
        opts: &StackLogQuery,
    ) -> ClientResult<Vec<StackLogLine>> {
        self.get(&format!("/stacks/{id}/logs{}", query(opts)?))
            .await
    }
    /// `GET /stacks/{id}/variables`: the stack's variables; secret values are `null`.
    /// Permission: `stacks:read`.
    pub async fn stack_variables(&self, id: Uuid) -> ClientResult<Vec<StackVariable>> {
        self.get(&format!("/stacks/{id}/variables")).await
    }
    /// `PUT /stacks/{id}/variables`: replaces the variable set (an existing secret sent with
    /// `value: null` keeps its value) and answers it. Permission: `stacks:update`.
    pub async fn set_stack_variables(
        &self,
        id: Uuid,
        vars: &[StackVariableInput],
    ) -> ClientResult<Vec<StackVariable>> {
        self.put(&format!("/stacks/{id}/variables"), &vars).await
    }
    /// `POST /stacks/{id}/{action}`: runs `deploy`, `pull-redeploy`, `start`, `stop`,
    /// `restart` or `down` and answers its output once the stream has ended. 409 while locked
    /// or busy. Permission: `stacks:deploy`.
    pub async fn stack_action(
        &self,
        id: Uuid,
        action: StackAction,
        opts: &StackActionQuery,
    ) -> ClientResult<Vec<StackOutput>> {
        let path = format!("/stacks/{id}/{}{}", action_segment(action), query(opts)?);
        self.call_sse(Verb::Post, &path, None).await
    }
    /// `GET /stacks/{id}/deployments`: one page of the stack's deployments, newest first.
    /// Permission: `stacks:read`.
    pub async fn list_deployments(
        &self,
        id: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<Deployment>> {
        self.get(&format!("/stacks/{id}/deployments{}", query(page)?))
            .await
    }
    /// `GET /deployments/{id}`: one deployment with its compose YAML, logs and events.
    /// Permission: `stacks:read`.
    pub async fn deployment(&self, id: Uuid) -> ClientResult<DeploymentDetails> {
        self.get(&format!("/deployments/{id}")).await
    }
    /// `POST /stacks/{id}/deployments/{did}/rollback`: rolls the stack back to a completed
    /// deployment with its images pinned to the recorded digests, and answers the output like
    /// [`Client::stack_action`]. Permission: `stacks:deploy`.
    pub async fn rollback_stack(
        &self,
        id: Uuid,
        deployment: Uuid,
    ) -> ClientResult<Vec<StackOutput>> {
        let path = format!("/stacks/{id}/deployments/{deployment}/rollback");
        self.call_sse(Verb::Post, &path, None).await
    }
}
