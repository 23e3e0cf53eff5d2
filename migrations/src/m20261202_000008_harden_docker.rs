//! Issue 11 (safety of Docker and stack management): the platform setting that lets
//! non-superadmins register local engine targets, and the per-stack opt-in that lets automatic
//! (webhook, schedule) redeploys use privileged compose options.
use sea_orm_migration::prelude::*;

/// Adds `platform_settings.allow_local_endpoints` and `stacks.privileged_auto_deploy` (both
/// default false).
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
