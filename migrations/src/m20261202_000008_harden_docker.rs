//! Issue 11 (safety of Docker and stack management): the platform setting that lets
//! non-superadmins register local engine targets, the per-stack opt-in that lets automatic
//! (webhook, schedule) redeploys use privileged compose options, the host a Git credential is
//! bound to, and the SSH host key pinned per Git repository.
use sea_orm_migration::prelude::*;

/// Adds `platform_settings.allow_local_endpoints` and `stacks.privileged_auto_deploy` (both
/// default false), `git_credentials.bound_host` and `git_repositories.ssh_host_key` (null).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("platform_settings")
                    .add_column(
                        ColumnDef::new("allow_local_endpoints")
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("stacks")
                    .add_column(
                        ColumnDef::new("privileged_auto_deploy")
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        for (table, column) in [
            ("git_credentials", "bound_host"),
            ("git_repositories", "ssh_host_key"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new(column).string().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("git_credentials", "bound_host"),
            ("git_repositories", "ssh_host_key"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("stacks")
                    .drop_column("privileged_auto_deploy")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("platform_settings")
                    .drop_column("allow_local_endpoints")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
