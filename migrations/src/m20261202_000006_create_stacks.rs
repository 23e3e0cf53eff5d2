//! Compose stacks (DOMAIN.md module `stacks`): `stacks`, `stack_variables`, `deployments`,
//! `deployment_events`; and the `stacks:*` permissions in the catalog.
use crate::catalog_frozen::PERMISSIONS_2026_12_02 as PERMISSIONS;
use sea_orm_migration::prelude::*;

/// Creates the stack tables and adds the new permissions to the catalog table.
#[derive(DeriveMigrationName)]
pub struct Migration;

fn ts(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn fk(
    name: &str,
    from: (&'static str, &'static str),
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("stacks")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(ColumnDef::new("project_id").uuid().not_null())
                    .col(ColumnDef::new("environment_id").uuid().not_null())
                    .col(ColumnDef::new("endpoint_id").uuid().not_null())
                    .col(ColumnDef::new("name").string().not_null())
                    .col(ColumnDef::new("source").string().not_null())
                    .col(ColumnDef::new("compose_content").text().null())
                    .col(ColumnDef::new("compose_path").string().null())
                    .col(ColumnDef::new("env_path").string().null())
                    .col(ColumnDef::new("status").string().not_null())
                    .col(ColumnDef::new("locked").boolean().not_null())
                    .col(ColumnDef::new("adopted").boolean().not_null())
                    .col(ColumnDef::new("last_error").text().null())
                    .col(
                        ColumnDef::new("last_deployed_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new("created_by").uuid().null())
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_stacks_endpoint",
                        ("stacks", "endpoint_id"),
                        "endpoints",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_stacks_endpoint_name")
                    .table("stacks")
                    .col("endpoint_id")
                    .col("name")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("stack_variables")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("stack_id").uuid().not_null())
                    .col(ColumnDef::new("key").string().not_null())
                    .col(ColumnDef::new("value").text().null())
                    .col(ColumnDef::new("value_enc").text().null())
                    .col(ColumnDef::new("is_secret").boolean().not_null())
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_stack_variables_stack",
                        ("stack_variables", "stack_id"),
                        "stacks",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_stack_variables_stack_key")
                    .table("stack_variables")
                    .col("stack_id")
                    .col("key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("deployments")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("stack_id").uuid().not_null())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(ColumnDef::new("kind").string().not_null())
                    .col(ColumnDef::new("status").string().not_null())
                    .col(ColumnDef::new("trigger").string().not_null())
                    .col(ColumnDef::new("triggered_by").uuid().null())
                    .col(ColumnDef::new("parent_id").uuid().null())
                    .col(ColumnDef::new("pull").boolean().not_null())
                    .col(ColumnDef::new("compose_content").text().not_null())
                    .col(ColumnDef::new("variable_names").json().not_null())
                    .col(ColumnDef::new("pinned_images").json().not_null())
                    .col(ColumnDef::new("image_digests").json().not_null())
                    .col(ColumnDef::new("git_commit").string().null())
                    .col(ColumnDef::new("exit_code").integer().null())
                    .col(ColumnDef::new("logs").text().not_null())
                    .col(ts("created_at"))
                    .col(
                        ColumnDef::new("finished_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut fk(
                        "fk_deployments_stack",
                        ("deployments", "stack_id"),
                        "stacks",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_deployments_stack")
                    .table("deployments")
                    .col("stack_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("deployment_events")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("deployment_id").uuid().not_null())
                    .col(ColumnDef::new("kind").string().not_null())
                    .col(ColumnDef::new("message").text().not_null())
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "fk_deployment_events_deployment",
                        ("deployment_events", "deployment_id"),
                        "deployments",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_deployment_events_deployment")
                    .table("deployment_events")
                    .col("deployment_id")
                    .col("id")
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
        for t in [
            "deployment_events",
            "deployments",
            "stack_variables",
            "stacks",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
