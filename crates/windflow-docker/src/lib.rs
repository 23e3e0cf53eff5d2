//! Docker Engine adapter over bollard. Bollard's types stop here: callers get WindFlow's own
//! types (`windflow_api::docker`), errors as [`EngineError`].
//!
//! One [`Engine`] per endpoint, reused: the API version is negotiated once on connect (the
//! Debian engine here speaks 1.41; bollard 0.21 defaults to a newer one).
use std::collections::HashMap;

mod compose;
mod exec;
mod refs;
mod resources;
mod tls;

pub use compose::{ComposeCli, ComposeError, ComposeInvocation};
pub use exec::{ExecInput, ExecOutput, ExecSession};
pub use refs::{image_ref, object_ref};

pub use resources::{EngineEvent, HostSample};
pub use tls::{TlsMaterial, check_material};

use bollard::Docker;
use bollard::models::{
    ContainerCreateBody, DeviceMapping, HostConfig, Mount, MountType, PortBinding, RestartPolicy,
    RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, KillContainerOptionsBuilder, ListContainersOptionsBuilder,
    RemoveContainerOptionsBuilder, RenameContainerOptionsBuilder, RestartContainerOptionsBuilder,
    StopContainerOptionsBuilder,
};
use windflow_api::docker::{
    ContainerAction, ContainerDetails, ContainerSpec, ContainerSummary, EngineInfo, MountKind,
    PortMapping,
};

/// Request timeout towards the engine, in seconds.
pub const TIMEOUT_SECS: u64 = 30;

/// What went wrong talking to an engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine cannot be reached (socket missing, connection refused, timeout).
    #[error("engine unreachable: {0}")]
    Unreachable(String),
    /// The engine answered 404.
    #[error("not found: {0}")]
    NotFound(String),
    /// The engine answered 409 (state conflict, name in use).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The engine refused the request as invalid (400).
    #[error("invalid request: {0}")]
    BadRequest(String),
    /// Anything else the engine answered.
    #[error("engine error {status}: {message}")]
    Engine {
        /// HTTP status from the engine.
        status: u16,
        /// Engine message.
        message: String,
    },
}

impl From<bollard::errors::Error> for EngineError {
    fn from(e: bollard::errors::Error) -> Self {
        use bollard::errors::Error as B;
        match e {
            B::DockerResponseServerError {
                status_code: 404,
                message,
            } => Self::NotFound(message),
            B::DockerResponseServerError {
                status_code: 304,
                message,
            }
            | B::DockerResponseServerError {
                status_code: 409,
                message,
            } => Self::Conflict(message),
            B::DockerResponseServerError {
                status_code: 400,
                message,
            } => Self::BadRequest(message),
            B::DockerResponseServerError {
                status_code,
                message,
            } => Self::Engine {
                status: status_code,
                message,
            },
            other => {
                // The cause chain says why (refused, TLS: unknown issuer, bad certificate...).
                let mut msg = other.to_string();
                let mut cause = std::error::Error::source(&other);
                while let Some(c) = cause {
                    let text = c.to_string();
                    if !msg.contains(&text) {
                        msg.push_str(": ");
                        msg.push_str(&text);
                    }
                    cause = c.source();
                }
                Self::Unreachable(msg)
            }
        }
    }
}

/// Where an engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A unix socket path.
    Socket(String),
    /// Plain HTTP over TCP (`host:port`).
    Http(String),
    /// HTTPS over TCP (`host:port`) with its TLS material.
    Https(String, TlsMaterial),
}

/// A connected engine (cheap to clone).
#[derive(Debug, Clone)]
pub struct Engine {
    docker: Docker,
}

impl Engine {
    /// Connects and negotiates the API version.
    pub async fn connect(target: &Target) -> Result<Self, EngineError> {
        let docker = match target {
            Target::Socket(path) => {
                Docker::connect_with_socket(path, TIMEOUT_SECS, bollard::API_DEFAULT_VERSION)?
            }
            Target::Http(addr) => Docker::connect_with_http(
                &format!("http://{addr}"),
                TIMEOUT_SECS,
                bollard::API_DEFAULT_VERSION,
            )?,
            Target::Https(addr, tls) => tls::connect(addr, tls)?,
        };
        let docker = docker.negotiate_version().await?;
        Ok(Self { docker })
    }

    /// Engine facts and container counts.
    pub async fn info(&self) -> Result<EngineInfo, EngineError> {
        let v = self.docker.version().await?;
        let i = self.docker.info().await?;
        Ok(EngineInfo {
            engine_version: v.version.unwrap_or_default(),
            api_version: v.api_version.unwrap_or_default(),
            os: i.operating_system.unwrap_or_default(),
            architecture: i.architecture.unwrap_or_default(),
            cpus: i.ncpu.unwrap_or_default(),
            memory_bytes: i.mem_total.unwrap_or_default(),
            containers_running: i.containers_running.unwrap_or_default(),
            containers_stopped: i.containers_stopped.unwrap_or_default()
                + i.containers_paused.unwrap_or_default(),
        })
    }

    /// Lists containers. `filters` uses the engine's filter names (`status`, `name`, `label`,
    /// `ancestor`), each with one or more values.
    pub async fn list_containers(
        &self,
        all: bool,
        filters: &HashMap<String, Vec<String>>,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        let opts = ListContainersOptionsBuilder::new()
            .all(all)
            .filters(filters)
            .build();
        let rows = self.docker.list_containers(Some(opts)).await?;
        Ok(rows
            .into_iter()
            .map(|c| ContainerSummary {
                id: c.id.unwrap_or_default(),
                name: c
                    .names
                    .unwrap_or_default()
                    .first()
                    .map(|n| n.trim_start_matches('/').to_owned())
                    .unwrap_or_default(),
                image: c.image.unwrap_or_default(),
                command: c.command.unwrap_or_default(),
                state: c.state.map(|s| s.to_string()).unwrap_or_default(),
                status: c.status.unwrap_or_default(),
                created: c.created.unwrap_or_default(),
                labels: c.labels.unwrap_or_default(),
                ports: c
                    .ports
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| PortMapping {
                        container_port: p.private_port,
                        host_port: p.public_port,
                        host_ip: p.ip,
                        protocol: p.typ.map(|t| t.to_string()).unwrap_or_else(|| "tcp".into()),
                    })
                    .collect(),
            })
            .collect())
    }

    /// Inspects a container.
    pub async fn inspect(&self, id: &str) -> Result<ContainerDetails, EngineError> {
        let id = &object_ref(id)?;
        let c = self.docker.inspect_container(id, None).await?;
        let state = c.state.as_ref();
        let raw = serde_json::to_value(&c).unwrap_or_default();
        Ok(ContainerDetails {
            id: c.id.clone().unwrap_or_default(),
            name: c
                .name
                .clone()
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_owned(),
            image: c
                .config
                .as_ref()
                .and_then(|x| x.image.clone())
                .unwrap_or_default(),
            state: state
                .and_then(|s| s.status)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            running: state.and_then(|s| s.running).unwrap_or_default(),
            exit_code: state.and_then(|s| s.exit_code),
            created: c.created.clone().unwrap_or_default(),
            labels: c
                .config
                .as_ref()
                .and_then(|x| x.labels.clone())
                .unwrap_or_default(),
            raw,
        })
    }

    /// Creates a container from WindFlow's spec; returns its id.
    pub async fn create(&self, spec: &ContainerSpec) -> Result<String, EngineError> {
        let mut port_bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
        let mut exposed: Vec<String> = vec![];
        for p in &spec.ports {
            let key = format!("{}/{}", p.container_port, p.protocol);
            exposed.push(key.clone());
            port_bindings.insert(
                key,
                Some(vec![PortBinding {
                    host_ip: p.host_ip.clone(),
                    host_port: p.host_port.map(|h| h.to_string()),
                }]),
            );
        }
        let host = HostConfig {
            binds: (!spec.binds.is_empty()).then(|| spec.binds.clone()),
            mounts: (!spec.mounts.is_empty()).then(|| {
                spec.mounts
                    .iter()
                    .map(|m| Mount {
                        target: Some(m.target.clone()),
                        source: Some(m.source.clone()),
                        typ: Some(match m.kind {
                            MountKind::Bind => MountType::BIND,
                            MountKind::Volume => MountType::VOLUME,
                            MountKind::Tmpfs => MountType::TMPFS,
                        }),
                        read_only: Some(m.read_only),
                        ..Default::default()
                    })
                    .collect()
            }),
            port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
            restart_policy: spec.restart_policy.as_ref().map(|r| RestartPolicy {
                name: Some(match r.as_str() {
                    "always" => RestartPolicyNameEnum::ALWAYS,
                    "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
                    "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
                    _ => RestartPolicyNameEnum::NO,
                }),
                maximum_retry_count: None,
            }),
            memory: spec.memory_bytes,
            nano_cpus: spec.nano_cpus,
            network_mode: spec.network_mode.clone(),
            privileged: Some(spec.privileged),
            pid_mode: spec.pid_mode.clone(),
            ipc_mode: spec.ipc_mode.clone(),
            uts_mode: spec.uts_mode.clone(),
            devices: (!spec.devices.is_empty()).then(|| {
                spec.devices
                    .iter()
                    .map(|d| DeviceMapping {
                        path_on_host: Some(d.clone()),
                        path_in_container: Some(d.clone()),
                        cgroup_permissions: Some("rwm".into()),
                    })
                    .collect()
            }),
            cap_add: (!spec.cap_add.is_empty()).then(|| spec.cap_add.clone()),
            sysctls: (!spec.sysctls.is_empty()).then(|| spec.sysctls.clone()),
            security_opt: (!spec.security_opt.is_empty()).then(|| spec.security_opt.clone()),
            init: Some(spec.init),
            ..Default::default()
        };
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: (!spec.command.is_empty()).then(|| spec.command.clone()),
            env: (!spec.env.is_empty())
                .then(|| spec.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
            labels: (!spec.labels.is_empty()).then(|| spec.labels.clone()),
            exposed_ports: (!exposed.is_empty()).then_some(exposed),
            host_config: Some(host),
            ..Default::default()
        };
        let mut opts = CreateContainerOptionsBuilder::new();
        if let Some(n) = &spec.name {
            opts = opts.name(n);
        }
        Ok(self
            .docker
            .create_container(Some(opts.build()), body)
            .await?
            .id)
    }

    /// Runs a lifecycle action.
    pub async fn action(&self, id: &str, action: ContainerAction) -> Result<(), EngineError> {
        let id = &object_ref(id)?;
        match action {
            ContainerAction::Start => self.docker.start_container(id, None).await?,
            ContainerAction::Stop => {
                self.docker
                    .stop_container(id, Some(StopContainerOptionsBuilder::new().t(10).build()))
                    .await?
            }
            ContainerAction::Restart => {
                self.docker
                    .restart_container(
                        id,
                        Some(RestartContainerOptionsBuilder::new().t(10).build()),
                    )
                    .await?
            }
            ContainerAction::Kill => {
                self.docker
                    .kill_container(
                        id,
                        Some(KillContainerOptionsBuilder::new().signal("SIGKILL").build()),
                    )
                    .await?
            }
            ContainerAction::Pause => self.docker.pause_container(id).await?,
            ContainerAction::Unpause => self.docker.unpause_container(id).await?,
        }
        Ok(())
    }

    /// Renames a container.
    pub async fn rename(&self, id: &str, name: &str) -> Result<(), EngineError> {
        let id = &object_ref(id)?;
        Ok(self
            .docker
            .rename_container(id, RenameContainerOptionsBuilder::new().name(name).build())
            .await?)
    }

    /// Removes a container (`force` kills a running one; `volumes` removes its anonymous volumes).
    pub async fn remove(&self, id: &str, force: bool, volumes: bool) -> Result<(), EngineError> {
        let id = &object_ref(id)?;
        Ok(self
            .docker
            .remove_container(
                id,
                Some(
                    RemoveContainerOptionsBuilder::new()
                        .force(force)
                        .v(volumes)
                        .build(),
                ),
            )
            .await?)
    }
}
