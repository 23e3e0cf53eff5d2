//! Docker: endpoints (engine connections), containers, images, volumes, networks, engine
//! activity (events, host metrics, system documents) and registry credentials.
//!
//! Container, image, volume and network references are engine names or ids, percent-encoded in
//! the path (`library/nginx:1.27` is one segment). Inspect documents, image history, image
//! removal reports and system documents are the engine's own JSON, answered as
//! [`serde_json::Value`].
use serde_json::Value;
use uuid::Uuid;
use windflow_api::docker::{
    AllContainers, ContainerDetails, ContainerEvent, ContainerQuery, ContainerSpec,
    ContainerSummary, CreateEndpoint, CreateNetwork, CreateRegistryCredential, CreateVolume,
    Endpoint, ExecQuery, ForceQuery, HostMetric, ImageSummary, LogLine, LogQuery, MetricsQuery,
    NetworkMember, NetworkSummary, ProcessList, PruneReport, PullImage, PullProgress,
    RegistryCredential, RemoveQuery, RenameContainer, StatsSnapshot, TagImage, UpdateEndpoint,
    UpdateRegistryCredential, VolumeSummary,
};
use windflow_api::{Page, PageQuery};

use crate::transport::Verb;
use crate::{Client, ClientResult, CreatedId, encode, query};

/// Endpoints.
impl Client {
    /// The first 200 endpoints of an environment by name ([`Client::list_endpoints`]).
    pub async fn endpoints(&self, env: Uuid) -> ClientResult<Page<Endpoint>> {
        let page = PageQuery {
            limit: Some(200),
            sort: Some("name".into()),
            ..PageQuery::default()
        };
        self.list_endpoints(env, &page).await
    }
    /// `GET /environments/{id}/endpoints`: one page of an environment's endpoints.
    /// Permission: `endpoints:read` at environment scope.
    pub async fn list_endpoints(
        &self,
        env: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<Endpoint>> {
        self.get(&format!("/environments/{env}/endpoints{}", query(page)?))
            .await
    }
    /// `POST /environments/{id}/endpoints`: adds an engine connection (`socket` or
    /// plain-http `direct`). Permission: `endpoints:create` at the environment; 422 on
    /// invalid fields.
    pub async fn create_endpoint(&self, env: Uuid, req: &CreateEndpoint) -> ClientResult<Endpoint> {
        self.post(&format!("/environments/{env}/endpoints"), req)
            .await
    }
    /// `GET /endpoints/{id}`. Permission: `endpoints:read`.
    pub async fn endpoint(&self, id: Uuid) -> ClientResult<Endpoint> {
        self.get(&format!("/endpoints/{id}")).await
    }
    /// `PATCH /endpoints/{id}`: updates an endpoint. Permission: `endpoints:update`.
    pub async fn update_endpoint(&self, id: Uuid, req: &UpdateEndpoint) -> ClientResult<Endpoint> {
        self.patch(&format!("/endpoints/{id}"), req).await
    }
    /// `DELETE /endpoints/{id}`: deletes an endpoint (its containers are untouched).
    /// Permission: `endpoints:delete`.
    pub async fn delete_endpoint(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/endpoints/{id}")).await
    }
    /// `POST /endpoints/{id}/test`: checks the engine now and answers the endpoint with its
    /// recorded status and facts (an unreachable engine is `down`, not an error). Permission:
    /// `endpoints:read`.
    pub async fn test_endpoint(&self, id: Uuid) -> ClientResult<Endpoint> {
        self.post(&format!("/endpoints/{id}/test"), &serde_json::json!({}))
            .await
    }
    /// `GET /endpoints/{id}/system/{what}`: the engine's `info`, `version` or `df` (disk
    /// usage) document. Permission: `system:read`.
    pub async fn engine_system(&self, id: Uuid, what: &str) -> ClientResult<Value> {
        self.get(&format!("/endpoints/{id}/system/{}", encode(what)))
            .await
    }
}

/// Containers.
impl Client {
    /// `GET /containers` with a raw, already encoded query string (`?all=true`, or empty).
    /// Prefer [`Client::list_all_containers`].
    pub async fn all_containers(&self, query: &str) -> ClientResult<AllContainers> {
        self.get(&format!("/containers{query}")).await
    }
    /// `GET /containers`: containers of every endpoint the caller may read containers of; a
    /// failing engine is listed among the answer's errors instead of failing the call.
    /// Permission: `containers:read` per endpoint.
    pub async fn list_all_containers(
        &self,
        filter: &ContainerQuery,
    ) -> ClientResult<AllContainers> {
        self.get(&format!("/containers{}", query(filter)?)).await
    }
    /// `GET /endpoints/{id}/containers`: containers of one endpoint (`all`, `status`, `name`,
    /// `label`, `image` filters). Permission: `containers:read`; 502 `engine_unavailable`
    /// when the engine is down.
    pub async fn list_containers(
        &self,
        endpoint: Uuid,
        filter: &ContainerQuery,
    ) -> ClientResult<Vec<ContainerSummary>> {
        self.get(&format!(
            "/endpoints/{endpoint}/containers{}",
            query(filter)?
        ))
        .await
    }
    /// `POST /endpoints/{id}/containers`: creates (and starts, per the spec) a container and
    /// answers its id. Permission: `containers:create` (privileged options also need
    /// `containers:create_privileged`, checked before the engine is called).
    pub async fn create_container(
        &self,
        endpoint: Uuid,
        spec: &ContainerSpec,
    ) -> ClientResult<CreatedId> {
        self.post(&format!("/endpoints/{endpoint}/containers"), spec)
            .await
    }
    /// `GET /endpoints/{id}/containers/{cid}`: inspects a container. Permission:
    /// `containers:read`.
    pub async fn inspect_container(
        &self,
        endpoint: Uuid,
        container: &str,
    ) -> ClientResult<ContainerDetails> {
        self.get(&format!(
            "/endpoints/{endpoint}/containers/{}",
            encode(container)
        ))
        .await
    }
    /// `DELETE /endpoints/{id}/containers/{cid}`: removes a container (`force`, `volumes`).
    /// Permission: `containers:delete`.
    pub async fn remove_container(
        &self,
        endpoint: Uuid,
        container: &str,
        opts: &RemoveQuery,
    ) -> ClientResult<()> {
        self.delete(&format!(
            "/endpoints/{endpoint}/containers/{}{}",
            encode(container),
            query(opts)?
        ))
        .await
    }
    /// `POST /endpoints/{id}/containers/{cid}/{action}`: runs a lifecycle action (`start`,
    /// `stop`, `restart`, `kill`, `pause`, `unpause`; see
    /// [`windflow_api::docker::ContainerAction`]). Permission: the action's
    /// (`containers:start` for start and unpause, `containers:stop` for stop and pause,
    /// `containers:restart`, `containers:kill`).
    pub async fn container_action(
        &self,
        endpoint: Uuid,
        container: &str,
        action: &str,
    ) -> ClientResult<()> {
        let path = format!(
            "/endpoints/{endpoint}/containers/{}/{}",
            encode(container),
            encode(action)
        );
        self.call_unit(Verb::Post, &path, None).await
    }
    /// `POST /endpoints/{id}/containers/{cid}/rename`: renames a container (204).
    /// Permission: `containers:update`.
    pub async fn rename_container(
        &self,
        endpoint: Uuid,
        container: &str,
        req: &RenameContainer,
    ) -> ClientResult<()> {
        let path = format!(
            "/endpoints/{endpoint}/containers/{}/rename",
            encode(container)
        );
        self.call_unit(Verb::Post, &path, Self::json(req)?).await
    }
    /// `POST /endpoints/{id}/containers/{cid}/recreate`: replaces a container with one of an
    /// edited configuration (same name unless the spec gives one) and answers the new id.
    /// Permission: `containers:create` and `containers:delete` (plus
    /// `containers:create_privileged` for privileged options).
    pub async fn recreate_container(
        &self,
        endpoint: Uuid,
        container: &str,
        spec: &ContainerSpec,
    ) -> ClientResult<CreatedId> {
        self.post(
            &format!(
                "/endpoints/{endpoint}/containers/{}/recreate",
                encode(container)
            ),
            spec,
        )
        .await
    }
    /// The last `tail` log lines of a container ([`Client::container_logs_with`]).
    pub async fn container_logs(
        &self,
        endpoint: Uuid,
        container: &str,
        tail: u32,
    ) -> ClientResult<Vec<LogLine>> {
        let q = LogQuery {
            tail: Some(tail.to_string()),
            ..LogQuery::default()
        };
        self.container_logs_with(endpoint, container, &q).await
    }
    /// `GET /endpoints/{id}/containers/{cid}/logs`: the last log lines (`tail`, `since`,
    /// `timestamps`, `stdout`, `stderr`). Permission: `containers:read`.
    pub async fn container_logs_with(
        &self,
        endpoint: Uuid,
        container: &str,
        opts: &LogQuery,
    ) -> ClientResult<Vec<LogLine>> {
        self.get(&format!(
            "/endpoints/{endpoint}/containers/{}/logs{}",
            encode(container),
            query(opts)?
        ))
        .await
    }
    /// URL of `GET /endpoints/{id}/containers/{cid}/logs/stream`: the container's logs
    /// followed live as server-sent events, each `data:` a [`LogLine`]. Open it with an
    /// `EventSource` (browser) or a streaming HTTP client with the bearer header; the stream
    /// ends when the container stops or the session is revoked. Permission: `containers:read`.
    ///
    /// # Errors
    ///
    /// [`crate::ClientError::Decode`] if `opts` cannot be encoded.
    pub fn container_logs_stream_url(
        &self,
        endpoint: Uuid,
        container: &str,
        opts: &LogQuery,
    ) -> ClientResult<String> {
        Ok(self.url(&format!(
            "/endpoints/{endpoint}/containers/{}/logs/stream{}",
            encode(container),
            query(opts)?
        )))
    }
    /// `GET /endpoints/{id}/containers/{cid}/stats`: one stats sample (never streamed).
    /// Permission: `containers:read`.
    pub async fn container_stats(
        &self,
        endpoint: Uuid,
        container: &str,
    ) -> ClientResult<StatsSnapshot> {
        self.get(&format!(
            "/endpoints/{endpoint}/containers/{}/stats",
            encode(container)
        ))
        .await
    }
    /// `GET /endpoints/{id}/containers/{cid}/top`: processes of a running container.
    /// Permission: `containers:read`.
    pub async fn container_top(
        &self,
        endpoint: Uuid,
        container: &str,
    ) -> ClientResult<ProcessList> {
        self.get(&format!(
            "/endpoints/{endpoint}/containers/{}/top",
            encode(container)
        ))
        .await
    }
    /// URL of the console WebSocket `GET /endpoints/{id}/containers/{cid}/exec` (`ws://` or
    /// `wss://` from the base URL's scheme; a relative base is kept as is). Protocol: see
    /// [`ExecQuery`]. Permission: `containers:exec`; browsers authenticate with cookies (the
    /// server checks `Origin`), native clients with the bearer header.
    ///
    /// # Errors
    ///
    /// [`crate::ClientError::Decode`] if `opts` cannot be encoded.
    pub fn exec_url(
        &self,
        endpoint: Uuid,
        container: &str,
        opts: &ExecQuery,
    ) -> ClientResult<String> {
        let url = self.url(&format!(
            "/endpoints/{endpoint}/containers/{}/exec{}",
            encode(container),
            query(opts)?
        ));
        Ok(if let Some(rest) = url.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = url.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            url
        })
    }
}

/// Images.
impl Client {
    /// `GET /endpoints/{id}/images`. Permission: `images:read`.
    pub async fn list_images(&self, endpoint: Uuid) -> ClientResult<Vec<ImageSummary>> {
        self.get(&format!("/endpoints/{endpoint}/images")).await
    }
    /// `POST /endpoints/{id}/images/pull`: pulls an image and answers its per-layer progress
    /// events once the stream has ended; the last one is `completed` or `failed`. Permission:
    /// `images:pull`; an engine error mid-stream is [`crate::ClientError::Stream`].
    pub async fn pull_image(
        &self,
        endpoint: Uuid,
        req: &PullImage,
    ) -> ClientResult<Vec<PullProgress>> {
        self.call_sse(
            Verb::Post,
            &format!("/endpoints/{endpoint}/images/pull"),
            Self::json(req)?,
        )
        .await
    }
    /// `POST /endpoints/{id}/images/prune`: removes dangling images. Permission:
    /// `images:delete`.
    pub async fn prune_images(&self, endpoint: Uuid) -> ClientResult<PruneReport> {
        self.call(
            Verb::Post,
            &format!("/endpoints/{endpoint}/images/prune"),
            None,
        )
        .await
    }
    /// `GET /endpoints/{id}/images/{name}`: an image's inspect document. Permission:
    /// `images:read`.
    pub async fn inspect_image(&self, endpoint: Uuid, image: &str) -> ClientResult<Value> {
        self.get(&format!("/endpoints/{endpoint}/images/{}", encode(image)))
            .await
    }
    /// `DELETE /endpoints/{id}/images/{name}`: removes an image (`force`) and answers the
    /// engine's report of untagged and deleted layers. Permission: `images:delete`.
    pub async fn remove_image(
        &self,
        endpoint: Uuid,
        image: &str,
        opts: &ForceQuery,
    ) -> ClientResult<Value> {
        let path = format!(
            "/endpoints/{endpoint}/images/{}{}",
            encode(image),
            query(opts)?
        );
        self.call(Verb::Delete, &path, None).await
    }
    /// `GET /endpoints/{id}/images/{name}/history`: an image's layer history. Permission:
    /// `images:read`.
    pub async fn image_history(&self, endpoint: Uuid, image: &str) -> ClientResult<Value> {
        self.get(&format!(
            "/endpoints/{endpoint}/images/{}/history",
            encode(image)
        ))
        .await
    }
    /// `POST /endpoints/{id}/images/{name}/tag`: tags an image (204). Permission:
    /// `images:update`.
    pub async fn tag_image(&self, endpoint: Uuid, image: &str, req: &TagImage) -> ClientResult<()> {
        let path = format!("/endpoints/{endpoint}/images/{}/tag", encode(image));
        self.call_unit(Verb::Post, &path, Self::json(req)?).await
    }
}

/// Volumes.
impl Client {
    /// `GET /endpoints/{id}/volumes`. Permission: `volumes:read`.
    pub async fn list_volumes(&self, endpoint: Uuid) -> ClientResult<Vec<VolumeSummary>> {
        self.get(&format!("/endpoints/{endpoint}/volumes")).await
    }
    /// `POST /endpoints/{id}/volumes`: creates a volume. Permission: `volumes:create`.
    pub async fn create_volume(
        &self,
        endpoint: Uuid,
        req: &CreateVolume,
    ) -> ClientResult<VolumeSummary> {
        self.post(&format!("/endpoints/{endpoint}/volumes"), req)
            .await
    }
    /// `POST /endpoints/{id}/volumes/prune`: removes unused volumes. Permission:
    /// `volumes:delete`.
    pub async fn prune_volumes(&self, endpoint: Uuid) -> ClientResult<PruneReport> {
        self.call(
            Verb::Post,
            &format!("/endpoints/{endpoint}/volumes/prune"),
            None,
        )
        .await
    }
    /// `GET /endpoints/{id}/volumes/{name}`: a volume's inspect document. Permission:
    /// `volumes:read`.
    pub async fn inspect_volume(&self, endpoint: Uuid, volume: &str) -> ClientResult<Value> {
        self.get(&format!("/endpoints/{endpoint}/volumes/{}", encode(volume)))
            .await
    }
    /// `DELETE /endpoints/{id}/volumes/{name}`: removes a volume (`force`). Permission:
    /// `volumes:delete`.
    pub async fn remove_volume(
        &self,
        endpoint: Uuid,
        volume: &str,
        opts: &ForceQuery,
    ) -> ClientResult<()> {
        self.delete(&format!(
            "/endpoints/{endpoint}/volumes/{}{}",
            encode(volume),
            query(opts)?
        ))
        .await
    }
}

/// Networks.
impl Client {
    /// `GET /endpoints/{id}/networks`. Permission: `networks:read`.
    pub async fn list_networks(&self, endpoint: Uuid) -> ClientResult<Vec<NetworkSummary>> {
        self.get(&format!("/endpoints/{endpoint}/networks")).await
    }
    /// `POST /endpoints/{id}/networks`: creates a network and answers its id. Permission:
    /// `networks:create`.
    pub async fn create_network(
        &self,
        endpoint: Uuid,
        req: &CreateNetwork,
    ) -> ClientResult<CreatedId> {
        self.post(&format!("/endpoints/{endpoint}/networks"), req)
            .await
    }
    /// `POST /endpoints/{id}/networks/prune`: removes unused networks. Permission:
    /// `networks:delete`.
    pub async fn prune_networks(&self, endpoint: Uuid) -> ClientResult<PruneReport> {
        self.call(
            Verb::Post,
            &format!("/endpoints/{endpoint}/networks/prune"),
            None,
        )
        .await
    }
    /// `GET /endpoints/{id}/networks/{net}`: a network's inspect document. Permission:
    /// `networks:read`.
    pub async fn inspect_network(&self, endpoint: Uuid, network: &str) -> ClientResult<Value> {
        self.get(&format!(
            "/endpoints/{endpoint}/networks/{}",
            encode(network)
        ))
        .await
    }
    /// `DELETE /endpoints/{id}/networks/{net}`: removes a network. Permission:
    /// `networks:delete`.
    pub async fn remove_network(&self, endpoint: Uuid, network: &str) -> ClientResult<()> {
        self.delete(&format!(
            "/endpoints/{endpoint}/networks/{}",
            encode(network)
        ))
        .await
    }
    /// `POST /endpoints/{id}/networks/{net}/connect`: connects a container (204).
    /// Permission: `networks:update`.
    pub async fn connect_network(
        &self,
        endpoint: Uuid,
        network: &str,
        req: &NetworkMember,
    ) -> ClientResult<()> {
        let path = format!("/endpoints/{endpoint}/networks/{}/connect", encode(network));
        self.call_unit(Verb::Post, &path, Self::json(req)?).await
    }
    /// `POST /endpoints/{id}/networks/{net}/disconnect`: disconnects a container (204).
    /// Permission: `networks:update`.
    pub async fn disconnect_network(
        &self,
        endpoint: Uuid,
        network: &str,
        req: &NetworkMember,
    ) -> ClientResult<()> {
        let path = format!(
            "/endpoints/{endpoint}/networks/{}/disconnect",
            encode(network)
        );
        self.call_unit(Verb::Post, &path, Self::json(req)?).await
    }
}

/// Engine activity: collected events and host metrics.
impl Client {
    /// `GET /endpoints/{id}/events`: one page of collected engine events, newest first.
    /// Permission: `containers:read`.
    pub async fn list_events(
        &self,
        endpoint: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<ContainerEvent>> {
        self.get(&format!("/endpoints/{endpoint}/events{}", query(page)?))
            .await
    }
    /// URL of `GET /endpoints/{id}/events/stream`: collected events from now on as
    /// server-sent events, each `data:` a [`ContainerEvent`]. Open it like
    /// [`Client::container_logs_stream_url`]. Permission: `containers:read`.
    pub fn events_stream_url(&self, endpoint: Uuid) -> String {
        self.url(&format!("/endpoints/{endpoint}/events/stream"))
    }
    /// `GET /endpoints/{id}/metrics`: host CPU and memory samples between `from` and `to`
    /// (default: the last hour). Permission: `containers:read`.
    pub async fn host_metrics(
        &self,
        endpoint: Uuid,
        range: &MetricsQuery,
    ) -> ClientResult<Vec<HostMetric>> {
        self.get(&format!("/endpoints/{endpoint}/metrics{}", query(range)?))
            .await
    }
}

/// Registry credentials.
impl Client {
    /// `GET /organizations/{id}/registries`: one page of registry credentials (never
    /// passwords). Permission: `registries:read`.
    pub async fn list_registries(
        &self,
        org: Uuid,
        page: &PageQuery,
    ) -> ClientResult<Page<RegistryCredential>> {
        self.get(&format!("/organizations/{org}/registries{}", query(page)?))
            .await
    }
    /// `POST /organizations/{id}/registries`: adds a registry credential (password stored
    /// encrypted). Permission: `registries:create`.
    pub async fn create_registry(
        &self,
        org: Uuid,
        req: &CreateRegistryCredential,
    ) -> ClientResult<RegistryCredential> {
        self.post(&format!("/organizations/{org}/registries"), req)
            .await
    }
    /// `PATCH /registries/{id}`: updates a registry credential. Permission:
    /// `registries:update`.
    pub async fn update_registry(
        &self,
        id: Uuid,
        req: &UpdateRegistryCredential,
    ) -> ClientResult<RegistryCredential> {
        self.patch(&format!("/registries/{id}"), req).await
    }
    /// `DELETE /registries/{id}`: removes a registry credential. Permission:
    /// `registries:delete`.
    pub async fn delete_registry(&self, id: Uuid) -> ClientResult<()> {
        self.delete(&format!("/registries/{id}")).await
    }
}
