//! A Docker Engine connection of an environment (DOMAIN.md docker.endpoints).
use sea_orm::entity::prelude::*;

/// Row of `endpoints`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub project_id: Uuid,
    pub environment_id: Uuid,
    pub name: String,
    pub connection_type: windflow_api::docker::ConnectionType,
    pub socket_path: Option<String>,
    pub host: Option<String>,
    pub port: Option<i32>,
    pub protocol: Option<String>,
    /// TLS material (PEM), encrypted by the crypto module (AAD `endpoint:{id}:{part}`).
    pub tls_ca_enc: Option<String>,
    pub tls_cert_enc: Option<String>,
    pub tls_key_enc: Option<String>,
    pub tls_skip_verify: bool,
    pub icon: Option<String>,
    pub labels: Json,
    pub collect_activity: bool,
    pub collect_metrics: bool,
    pub highlight_changes: bool,
    pub bind_allowlist: Json,
    pub status: windflow_api::docker::EndpointStatus,
    pub last_error: Option<String>,
    pub last_seen_at: Option<DateTimeUtc>,
    pub engine_info: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: services join explicitly and scope by tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
