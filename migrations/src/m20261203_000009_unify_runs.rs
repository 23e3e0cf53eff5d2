//! Issue 12 (one record shape for long-running work): deployments take the column names and
//! status words that schedule executions already use. `deployments.created_at` becomes
//! `started_at`, `deployments.duration_ms` is added (filled for finished rows), and the
//! deployment status `completed` becomes `succeeded`.
use sea_orm_migration::prelude::*;

/// Renames `deployments.created_at` to `started_at`, adds `deployments.duration_ms`
/// (milliseconds, null while running) and rewrites `status = 'completed'` to `'succeeded'`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("deployments")
                    .rename_column("created_at", "started_at")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("deployments")
                    .add_column(ColumnDef::new("duration_ms").big_integer().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE deployments SET status = 'succeeded' WHERE status = 'completed'",
        )
        .await?;
        // Both back ends store these timestamps as text (SQLite) or timestamptz (PostgreSQL);
        // the duration of a finished row is computed in each one's own date arithmetic.
        let fill = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                "UPDATE deployments SET duration_ms = CAST(EXTRACT(EPOCH FROM (finished_at - started_at)) * 1000 AS BIGINT) WHERE finished_at IS NOT NULL"
            }
            _ => {
                "UPDATE deployments SET duration_ms = CAST((julianday(finished_at) - julianday(started_at)) * 86400000 AS INTEGER) WHERE finished_at IS NOT NULL"
            }
        };
        db.execute_unprepared(fill).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE deployments SET status = 'completed' WHERE status = 'succeeded'",
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("deployments")
                    .drop_column("duration_ms")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("deployments")
                    .rename_column("started_at", "created_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
