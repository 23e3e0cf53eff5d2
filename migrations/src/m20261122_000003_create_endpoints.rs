//! Docker endpoints (DOMAIN.md docker.endpoints) and the docker permissions of the catalog.
use crate::catalog_frozen::PERMISSIONS_2026_12_02 as PERMISSIONS;
use sea_orm_migration::prelude::*;

/// Creates `endpoints` and adds the docker permissions to the catalog table.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("endpoints")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(ColumnDef::new("project_id").uuid().not_null())
                    .col(ColumnDef::new("environment_id").uuid().not_null())
                    .col(ColumnDef::new("name").string().not_null())
                    .col(ColumnDef::new("connection_type").string().not_null())
                    .col(ColumnDef::new("socket_path").string().null())
                    .col(ColumnDef::new("host").string().null())
                    .col(ColumnDef::new("port").integer().null())
                    .col(ColumnDef::new("protocol").string().null())
                    .col(ColumnDef::new("tls_ca_enc").text().null())
                    .col(ColumnDef::new("tls_cert_enc").text().null())
                    .col(ColumnDef::new("tls_key_enc").text().null())
                    .col(ColumnDef::new("tls_skip_verify").boolean().not_null())
                    .col(ColumnDef::new("icon").string().null())
                    .col(ColumnDef::new("labels").json().not_null())
                    .col(ColumnDef::new("collect_activity").boolean().not_null())
                    .col(ColumnDef::new("collect_metrics").boolean().not_null())
                    .col(ColumnDef::new("highlight_changes").boolean().not_null())
                    .col(ColumnDef::new("bind_allowlist").json().not_null())
                    .col(ColumnDef::new("status").string().not_null())
                    .col(ColumnDef::new("last_error").text().null())
                    .col(
                        ColumnDef::new("last_seen_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new("engine_info").json().null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new("updated_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_endpoints_org")
                            .from("endpoints", "organization_id")
                            .to("organizations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_endpoints_project")
                            .from("endpoints", "project_id")
                            .to("projects", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_endpoints_env")
                            .from("endpoints", "environment_id")
                            .to("environments", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_endpoints_environment_name")
                    .table("endpoints")
                    .col("environment_id")
                    .col("name")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_endpoints_organization")
                    .table("endpoints")
                    .col("organization_id")
                    .to_owned(),
            )
            .await?;
        // The catalog table holds every permission of the code; add those new since 000002
        // (a fresh database already got them there, hence "do nothing" on conflict).
        let mut perms = Query::insert();
        perms
            .into_table("permissions")
            .columns(["name", "description"])
            .on_conflict(OnConflict::column("name").do_nothing().to_owned());
        for (name, description) in PERMISSIONS {
            perms.values_panic([(*name).into(), (*description).into()]);
        }
        manager.exec_stmt(perms).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("endpoints").if_exists().to_owned())
            .await
    }
}
