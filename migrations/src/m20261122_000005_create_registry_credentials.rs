//! Registry credentials per organization (passwords encrypted at rest).
use crate::catalog_frozen::PERMISSIONS_2026_12_02 as PERMISSIONS;
use sea_orm_migration::prelude::*;

/// Creates `registry_credentials` and adds the new permissions to the catalog table.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("registry_credentials")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(ColumnDef::new("name").string().not_null())
                    .col(ColumnDef::new("server").string().not_null())
                    .col(ColumnDef::new("username").string().not_null())
                    .col(ColumnDef::new("password_enc").text().not_null())
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
                            .name("fk_registry_credentials_org")
                            .from("registry_credentials", "organization_id")
                            .to("organizations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_registry_credentials_org_name")
                    .table("registry_credentials")
                    .col("organization_id")
                    .col("name")
                    .unique()
                    .to_owned(),
            )
            .await?;
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
            .drop_table(
                Table::drop()
                    .table("registry_credentials")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
