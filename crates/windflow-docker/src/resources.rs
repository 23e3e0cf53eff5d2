//! Logs, stats, processes, images, volumes, networks and system data of an engine, converted to
//! WindFlow's types. Inspect-style answers are the engine's JSON document (`serde_json::Value`),
//! so bollard's structs never leave this crate.
use std::collections::HashMap;

use bollard::auth::DockerCredentials;
use bollard::container::LogOutput;
use bollard::models::{
    NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest, VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateImageOptionsBuilder, ListImagesOptionsBuilder, ListNetworksOptions, ListVolumesOptions,
    LogsOptionsBuilder, PruneImagesOptions, PruneNetworksOptions, PruneVolumesOptions,
    RemoveImageOptionsBuilder, RemoveVolumeOptionsBuilder, StatsOptionsBuilder,
    TagImageOptionsBuilder,
};
use futures_util::{Stream, StreamExt, TryStreamExt};
use windflow_api::docker::{
    ImageSummary, LogLine, LogQuery, NetworkSummary, ProcessList, PruneReport, PullProgress,
    StatsSnapshot, VolumeSummary,
};

use crate::{Engine, EngineError};

fn doc<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn line(out: LogOutput) -> LogLine {
    let (stream, bytes) = match out {
        LogOutput::StdErr { message } => ("stderr", message),
        LogOutput::StdOut { message } => ("stdout", message),
        LogOutput::StdIn { message } => ("stdin", message),
        LogOutput::Console { message } => ("stdout", message),
    };
    let text = String::from_utf8_lossy(&bytes)
        .trim_end_matches(['\n', '\r'])
        .to_owned();
    LogLine {
        stream: stream.into(),
        text,
    }
}

impl Engine {
    /// A container's logs as a stream of lines (`follow` keeps it open).
    pub fn logs(
        &self,
        id: &str,
        q: &LogQuery,
    ) -> impl Stream<Item = Result<LogLine, EngineError>> + use<> {
        let id = match crate::object_ref(id) {
            Ok(id) => id,
            Err(e) => return futures_util::stream::iter([Err(e)]).left_stream(),
        };
        let tail = q.tail.clone().unwrap_or_else(|| "100".into());
        let mut b = LogsOptionsBuilder::new()
            .stdout(q.stdout.unwrap_or(true))
            .stderr(q.stderr.unwrap_or(true))
            .timestamps(q.timestamps.unwrap_or(false))
            .follow(q.follow.unwrap_or(false))
            .tail(&tail);
        if let Some(s) = q.since {
            b = b.since(s);
        }
        self.docker
            .logs(&id, Some(b.build()))
            .map(|r| r.map(line).map_err(EngineError::from))
            .right_stream()
    }

    /// One stats sample (`one-shot`: no background streaming).
    pub async fn stats(&self, id: &str) -> Result<StatsSnapshot, EngineError> {
        let id = &crate::object_ref(id)?;
        let opts = StatsOptionsBuilder::new()
            .stream(false)
            .one_shot(true)
            .build();
        let s = self
            .docker
            .stats(id, Some(opts))
            .next()
            .await
            .ok_or_else(|| EngineError::NotFound(id.to_owned()))??;
        let mem = s.memory_stats.as_ref();
        let cpu_total = s
            .cpu_stats
            .as_ref()
            .and_then(|c| c.cpu_usage.as_ref())
            .and_then(|u| u.total_usage)
            .unwrap_or(0);
        let (rx, tx) = s
            .networks
            .as_ref()
            .map(|n| {
                n.values().fold((0, 0), |(r, t), v| {
                    (r + v.rx_bytes.unwrap_or(0), t + v.tx_bytes.unwrap_or(0))
                })
            })
            .unwrap_or((0, 0));
        Ok(StatsSnapshot {
            memory_usage_bytes: mem.and_then(|m| m.usage).unwrap_or(0),
            memory_limit_bytes: mem.and_then(|m| m.limit).unwrap_or(0),
            cpu_total_usage_ns: cpu_total,
            online_cpus: s
                .cpu_stats
                .as_ref()
                .and_then(|c| c.online_cpus)
                .unwrap_or(0) as u64,
            pids: s.pids_stats.as_ref().and_then(|p| p.current).unwrap_or(0),
            network_rx_bytes: rx,
            network_tx_bytes: tx,
            raw: doc(&s),
        })
    }

    /// Processes of a running container (`ps` columns).
    pub async fn top(&self, id: &str) -> Result<ProcessList, EngineError> {
        let id = &crate::object_ref(id)?;
        let t = self.docker.top_processes(id, None).await?;
        Ok(ProcessList {
            titles: t.titles.unwrap_or_default(),
            processes: t.processes.unwrap_or_default(),
        })
    }

    /// Images on the engine.
    pub async fn images(&self) -> Result<Vec<ImageSummary>, EngineError> {
        let list = self
            .docker
            .list_images(Some(ListImagesOptionsBuilder::new().all(false).build()))
            .await?;
        Ok(list
            .into_iter()
            .map(|i| ImageSummary {
                id: i.id,
                repo_tags: i.repo_tags,
                created: i.created,
                size: i.size,
                containers: i.containers,
                labels: i.labels,
            })
            .collect())
    }

    /// An image's inspect document.
    pub async fn inspect_image(&self, name: &str) -> Result<serde_json::Value, EngineError> {
        let name = &crate::image_ref(name)?;
        Ok(doc(&self.docker.inspect_image(name).await?))
    }

    /// An image's layer history (engine document).
    pub async fn image_history(&self, name: &str) -> Result<serde_json::Value, EngineError> {
        let name = &crate::image_ref(name)?;
        Ok(doc(&self.docker.image_history(name).await?))
    }

    /// Tags `name` as `repo:tag`.
    pub async fn tag_image(&self, name: &str, repo: &str, tag: &str) -> Result<(), EngineError> {
        let name = &crate::image_ref(name)?;
        Ok(self
            .docker
            .tag_image(
                name,
                Some(TagImageOptionsBuilder::new().repo(repo).tag(tag).build()),
            )
            .await?)
    }

    /// Removes an image (engine report of untagged/deleted items).
    pub async fn remove_image(
        &self,
        name: &str,
        force: bool,
    ) -> Result<serde_json::Value, EngineError> {
        let name = &crate::image_ref(name)?;
        Ok(doc(&self
            .docker
            .remove_image(
                name,
                Some(RemoveImageOptionsBuilder::new().force(force).build()),
                None,
            )
            .await?))
    }

    /// Removes dangling images.
    pub async fn prune_images(&self) -> Result<PruneReport, EngineError> {
        let r = self.docker.prune_images(None::<PruneImagesOptions>).await?;
        Ok(PruneReport {
            deleted: r.images_deleted.map(|v| v.len()).unwrap_or(0) as u64,
            space_reclaimed: r.space_reclaimed.unwrap_or(0),
        })
    }

    /// Pulls `image:tag`, streaming the engine's per-layer progress. `auth` is
    /// `(username, password, server)` for private registries.
    pub fn pull(
        &self,
        image: &str,
        tag: &str,
        auth: Option<(String, String, String)>,
    ) -> impl Stream<Item = Result<PullProgress, EngineError>> + use<> {
        let opts = CreateImageOptionsBuilder::new()
            .from_image(image)
            .tag(tag)
            .build();
        let creds = auth.map(|(username, password, serveraddress)| DockerCredentials {
            username: Some(username),
            password: Some(password),
            serveraddress: Some(serveraddress),
            ..Default::default()
        });
        self.docker
            .create_image(Some(opts), None, creds)
            .map_ok(|i| {
                let status = i.status.unwrap_or_default();
                PullProgress {
                    // "Pulling from <repo>" carries the tag as its id: it is not a layer.
                    layer: i.id.filter(|_| !status.starts_with("Pulling from")),
                    status,
                    current: i.progress_detail.as_ref().and_then(|p| p.current),
                    total: i.progress_detail.as_ref().and_then(|p| p.total),
                    error: i.error_detail.and_then(|e| e.message),
                }
            })
            .map_err(EngineError::from)
    }

    /// Volumes.
    pub async fn volumes(&self) -> Result<Vec<VolumeSummary>, EngineError> {
        let r = self.docker.list_volumes(None::<ListVolumesOptions>).await?;
        Ok(r.volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| VolumeSummary {
                name: v.name,
                driver: v.driver,
                mountpoint: v.mountpoint,
                labels: v.labels,
                created_at: v.created_at.map(|d| d.to_string()),
            })
            .collect())
    }

    /// A volume's inspect document.
    pub async fn inspect_volume(&self, name: &str) -> Result<serde_json::Value, EngineError> {
        let name = &crate::object_ref(name)?;
        Ok(doc(&self.docker.inspect_volume(name).await?))
    }

    /// Creates a volume.
    pub async fn create_volume(
        &self,
        name: &str,
        driver: Option<String>,
        labels: HashMap<String, String>,
    ) -> Result<VolumeSummary, EngineError> {
        let v = self
            .docker
            .create_volume(VolumeCreateRequest {
                name: Some(name.to_owned()),
                driver,
                labels: Some(labels),
                ..Default::default()
            })
            .await?;
        Ok(VolumeSummary {
            name: v.name,
            driver: v.driver,
            mountpoint: v.mountpoint,
            labels: v.labels,
            created_at: v.created_at.map(|d| d.to_string()),
        })
    }

    /// Removes a volume.
    pub async fn remove_volume(&self, name: &str, force: bool) -> Result<(), EngineError> {
        let name = &crate::object_ref(name)?;
        Ok(self
            .docker
            .remove_volume(
                name,
                Some(RemoveVolumeOptionsBuilder::new().force(force).build()),
            )
            .await?)
    }

    /// Removes unused volumes.
    pub async fn prune_volumes(&self) -> Result<PruneReport, EngineError> {
        let r = self
            .docker
            .prune_volumes(None::<PruneVolumesOptions>)
            .await?;
        Ok(PruneReport {
            deleted: r.volumes_deleted.map(|v| v.len()).unwrap_or(0) as u64,
            space_reclaimed: r.space_reclaimed.unwrap_or(0),
        })
    }

    /// Networks.
    pub async fn networks(&self) -> Result<Vec<NetworkSummary>, EngineError> {
        let list = self
            .docker
            .list_networks(None::<ListNetworksOptions>)
            .await?;
        Ok(list
            .into_iter()
            .map(|n| NetworkSummary {
                id: n.id.unwrap_or_default(),
                name: n.name.unwrap_or_default(),
                driver: n.driver.unwrap_or_default(),
                scope: n.scope.unwrap_or_default(),
                internal: n.internal.unwrap_or(false),
                labels: n.labels.unwrap_or_default(),
            })
            .collect())
    }

    /// A network's inspect document.
    pub async fn inspect_network(&self, name: &str) -> Result<serde_json::Value, EngineError> {
        let name = &crate::object_ref(name)?;
        Ok(doc(&self.docker.inspect_network(name, None).await?))
    }

    /// Creates a network; returns its id.
    pub async fn create_network(
        &self,
        name: &str,
        driver: Option<String>,
        internal: bool,
        labels: HashMap<String, String>,
    ) -> Result<String, EngineError> {
        let r = self
            .docker
            .create_network(NetworkCreateRequest {
                name: name.to_owned(),
                driver,
                internal: Some(internal),
                labels: Some(labels),
                ..Default::default()
            })
            .await?;
        Ok(r.id)
    }

    /// Removes a network.
    pub async fn remove_network(&self, name: &str) -> Result<(), EngineError> {
        let name = &crate::object_ref(name)?;
        Ok(self.docker.remove_network(name).await?)
    }

    /// Removes unused networks.
    pub async fn prune_networks(&self) -> Result<PruneReport, EngineError> {
        let r = self
            .docker
            .prune_networks(None::<PruneNetworksOptions>)
            .await?;
        Ok(PruneReport {
            deleted: r.networks_deleted.map(|v| v.len()).unwrap_or(0) as u64,
            space_reclaimed: 0,
        })
    }

    /// Connects a container to a network.
    pub async fn network_connect(&self, network: &str, container: &str) -> Result<(), EngineError> {
        let network = &crate::object_ref(network)?;
        crate::object_ref(container)?;
        Ok(self
            .docker
            .connect_network(
                network,
                NetworkConnectRequest {
                    container: container.to_owned(),
                    ..Default::default()
                },
            )
            .await?)
    }

    /// Disconnects a container from a network.
    pub async fn network_disconnect(
        &self,
        network: &str,
        container: &str,
        force: bool,
    ) -> Result<(), EngineError> {
        let network = &crate::object_ref(network)?;
        crate::object_ref(container)?;
        Ok(self
            .docker
            .disconnect_network(
                network,
                NetworkDisconnectRequest {
                    container: container.to_owned(),
                    force: Some(force),
                },
            )
            .await?)
    }

    /// `docker system info` (engine document).
    pub async fn system_info(&self) -> Result<serde_json::Value, EngineError> {
        Ok(doc(&self.docker.info().await?))
    }

    /// `docker version` (engine document).
    pub async fn system_version(&self) -> Result<serde_json::Value, EngineError> {
        Ok(doc(&self.docker.version().await?))
    }

    /// `docker system df` (engine document).
    pub async fn system_df(&self) -> Result<serde_json::Value, EngineError> {
        Ok(doc(&self.docker.df(None).await?))
    }
}

/// One engine event, in WindFlow's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineEvent {
    /// `container`, `image`, `network`, `volume`, …
    pub kind: String,
    /// `start`, `die`, `pull`, …
    pub action: String,
    /// Object id.
    pub actor_id: Option<String>,
    /// Object attributes (name, image, labels).
    pub attributes: HashMap<String, String>,
    /// Unix time in nanoseconds.
    pub time_nano: i64,
}

/// Engine-wide CPU and memory, summed over running containers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostSample {
    /// CPU use in percent of one CPU (may exceed 100 on several CPUs).
    pub cpu_percent: f64,
    /// Memory used by containers, bytes.
    pub memory_used_bytes: i64,
    /// Engine host memory, bytes.
    pub memory_total_bytes: i64,
    /// Running containers.
    pub containers_running: i64,
}

impl Engine {
    /// The engine's event stream from now on (until the connection ends).
    pub fn events(&self) -> impl Stream<Item = Result<EngineEvent, EngineError>> + use<> {
        self.docker.events(None).map(|r| {
            r.map(|e| EngineEvent {
                kind: e.typ.map(|t| t.to_string()).unwrap_or_default(),
                action: e.action.unwrap_or_default(),
                actor_id: e.actor.as_ref().and_then(|a| a.id.clone()),
                attributes: e.actor.and_then(|a| a.attributes).unwrap_or_default(),
                time_nano: e.time_nano.unwrap_or_default(),
            })
            .map_err(EngineError::from)
        })
    }

    /// One host sample: engine memory plus, per running container, one non-streamed stats
    /// reading (the engine measures CPU over its own ~1 s window).
    pub async fn host_sample(&self) -> Result<HostSample, EngineError> {
        let info = self.docker.info().await?;
        let running = self.list_containers(false, &HashMap::new()).await?;
        let mut cpu = 0.0;
        let mut mem = 0i64;
        for c in &running {
            let opts = StatsOptionsBuilder::new().stream(false).build();
            let Some(Ok(s)) = self.docker.stats(&c.id, Some(opts)).next().await else {
                continue;
            };
            let usage = |x: &Option<bollard::models::ContainerCpuStats>| {
                let c = x.as_ref();
                (
                    c.and_then(|c| c.cpu_usage.as_ref())
                        .and_then(|u| u.total_usage)
                        .unwrap_or(0),
                    c.and_then(|c| c.system_cpu_usage).unwrap_or(0),
                )
            };
            let (cu, sys) = usage(&s.cpu_stats);
            let (pcu, psys) = usage(&s.precpu_stats);
            let cpus = s
                .cpu_stats
                .as_ref()
                .and_then(|c| c.online_cpus)
                .unwrap_or(1)
                .max(1) as f64;
            if sys > psys && cu >= pcu {
                cpu += (cu - pcu) as f64 / (sys - psys) as f64 * cpus * 100.0;
            }
            mem += s.memory_stats.as_ref().and_then(|m| m.usage).unwrap_or(0) as i64;
        }
        Ok(HostSample {
            cpu_percent: cpu,
            memory_used_bytes: mem,
            memory_total_bytes: info.mem_total.unwrap_or(0),
            containers_running: running.len() as i64,
        })
    }
}
