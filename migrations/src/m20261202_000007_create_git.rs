//! Git-backed stacks (DOMAIN.md module `stacks`: `git_credentials`, `git_repositories`; module
//! `docker`: `schedule_executions`), the platform settings singleton, the Git columns of
//! `stacks`, and the `git:*` permissions in the catalog.
use crate::catalog_frozen::PERMISSIONS_2026_12_02 as PERMISSIONS;
use sea_orm_migration::prelude::*;

/// Creates the Git tables and `platform_settings`, adds `stacks.repository_id` and
/// `stacks.deployed_commit`, and adds the new permissions to the catalog table.
#[derive(DeriveMigrationName)]
pub struct Migration;

fn ts(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
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

fn unique(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table).unique();
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("git_credentials")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(ColumnDef::new("project_id").uuid().not_null())
                    .col(ColumnDef::new("name").string().not_null())
                    .col(ColumnDef::new("kind").string().not_null())
                    .col(ColumnDef::new("username").string().null())
                    .col(ColumnDef::new("secret_enc").text().null())
                    .col(ColumnDef::new("passphrase_enc").text().null())
                    .col(ColumnDef::new("created_by").uuid().null())
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_git_credentials_project",
                        ("git_credentials", "project_id"),
                        "projects",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_git_credentials_project_name",
                "git_credentials",
                &["project_id", "name"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("git_repositories")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(ColumnDef::new("project_id").uuid().not_null())
                    .col(ColumnDef::new("name").string().not_null())
                    .col(ColumnDef::new("provider").string().not_null())
                    .col(ColumnDef::new("url").text().not_null())
                    .col(ColumnDef::new("branch").string().not_null())
                    .col(ColumnDef::new("compose_path").string().not_null())
                    .col(ColumnDef::new("credential_id").uuid().null())
                    .col(ColumnDef::new("sync_cron").string().null())
                    .col(ts_null("next_sync_at"))
                    .col(ColumnDef::new("webhook_id").string().not_null())
                    .col(ColumnDef::new("webhook_secret_enc").text().not_null())
                    .col(ColumnDef::new("last_commit").string().null())
                    .col(ColumnDef::new("sync_status").string().not_null())
                    .col(ColumnDef::new("sync_error").text().null())
                    .col(ts_null("last_synced_at"))
                    .col(ColumnDef::new("created_by").uuid().null())
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_git_repositories_project",
                        ("git_repositories", "project_id"),
                        "projects",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_git_repositories_project_name",
                "git_repositories",
                &["project_id", "name"],
            ))
            .await?;
        manager
            .create_index(unique(
                "ux_git_repositories_webhook",
                "git_repositories",
                &["webhook_id"],
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_git_repositories_next_sync")
                    .table("git_repositories")
                    .col("next_sync_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("schedule_executions")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(ColumnDef::new("organization_id").uuid().not_null())
                    .col(ColumnDef::new("project_id").uuid().not_null())
                    .col(ColumnDef::new("kind").string().not_null())
                    .col(ColumnDef::new("trigger").string().not_null())
                    .col(ColumnDef::new("status").string().not_null())
                    .col(ColumnDef::new("repository_id").uuid().null())
                    .col(ColumnDef::new("triggered_by").uuid().null())
                    .col(ts_null("scheduled_for"))
                    .col(ColumnDef::new("commit").string().null())
                    .col(ColumnDef::new("deployment_ids").json().not_null())
                    .col(ColumnDef::new("error").text().null())
                    .col(ColumnDef::new("logs").text().not_null())
                    .col(ts("started_at"))
                    .col(ts_null("finished_at"))
                    .col(ColumnDef::new("duration_ms").big_integer().null())
                    .foreign_key(&mut fk(
                        "fk_schedule_executions_repository",
                        ("schedule_executions", "repository_id"),
                        "git_repositories",
                    ))
                    .to_owned(),
            )
            .await?;
        // One row per (repository, due time): the second replica's insert fails, so a due
        // run executes once however many schedulers saw it.
        manager
            .create_index(unique(
                "ux_schedule_executions_due",
                "schedule_executions",
                &["repository_id", "kind", "scheduled_for"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("platform_settings")
                    .col(ColumnDef::new("id").integer().not_null().primary_key())
                    .col(
                        ColumnDef::new("allow_local_git_urls")
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ts("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("platform_settings")
                    .columns(["id", "allow_local_git_urls", "updated_at"])
                    .values_panic([1.into(), false.into(), Expr::current_timestamp()])
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("stacks")
                    .add_column(ColumnDef::new("repository_id").uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("stacks")
                    .add_column(ColumnDef::new("deployed_commit").string().null())
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
        for c in ["deployed_commit", "repository_id"] {
            manager
                .alter_table(Table::alter().table("stacks").drop_column(c).to_owned())
                .await?;
        }
        for t in [
            "platform_settings",
            "schedule_executions",
            "git_repositories",
            "git_credentials",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
