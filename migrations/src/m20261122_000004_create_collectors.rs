//! Collected engine events and host metrics (DOMAIN.md docker), and the lease table that makes
//! background work run once across replicas.
use sea_orm_migration::prelude::*;

/// Creates `container_events`, `host_metrics` and `leases`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("container_events")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("endpoint_id").uuid().not_null())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(
                        ColumnDef::new("occurred_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new("kind").string().not_null())
                    .col(ColumnDef::new("action").string().not_null())
                    .col(ColumnDef::new("actor_id").string().null())
                    .col(ColumnDef::new("actor_name").string().null())
                    .col(ColumnDef::new("attributes").json().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_container_events_endpoint")
                            .from("container_events", "endpoint_id")
                            .to("endpoints", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_container_events_endpoint_id")
                    .table("container_events")
                    .col("endpoint_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_container_events_occurred_at")
                    .table("container_events")
                    .col("occurred_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("host_metrics")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("endpoint_id").uuid().not_null())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(
                        ColumnDef::new("sampled_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new("cpu_percent").double().not_null())
                    .col(ColumnDef::new("memory_used_bytes").big_integer().not_null())
                    .col(
                        ColumnDef::new("memory_total_bytes")
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new("containers_running")
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_host_metrics_endpoint")
                            .from("host_metrics", "endpoint_id")
                            .to("endpoints", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_host_metrics_endpoint_sampled")
                    .table("host_metrics")
                    .col("endpoint_id")
                    .col("sampled_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("leases")
                    .col(ColumnDef::new("name").string().not_null().primary_key())
                    .col(ColumnDef::new("holder").string().not_null())
                    .col(
                        ColumnDef::new("expires_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["leases", "host_metrics", "container_events"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
