//! Migrations that rewrite stored rows, run on the back end of the suite (SQLite, or
//! PostgreSQL with `WF_TEST_DATABASE_URL`).
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};
use windflow_migration::{Migrator, MigratorTrait};

/// `m20261203_000009_unify_runs`: a deployment stored before issue 12 (`created_at`, status
/// `completed`, no duration) reads afterwards as a run: `started_at`, `succeeded`, and the
/// duration from its two timestamps; a running one keeps a null duration.
#[tokio::test]
async fn unify_runs_rewrites_stored_deployments() {
    let dir = tempfile::tempdir().unwrap();
    let url = windflow_tests::fresh_database(dir.path()).await;
    let db = Database::connect(url.as_str()).await.unwrap();
    Migrator::up(&db, Some(8)).await.unwrap();
    let pg = db.get_database_backend() == DatabaseBackend::Postgres;
    // The rows stand alone: the stack they name is not the point of this test.
    db.execute_unprepared(if pg {
        "ALTER TABLE deployments DROP CONSTRAINT fk_deployments_stack"
    } else {
        "PRAGMA foreign_keys = OFF"
    })
    .await
    .unwrap();
    let insert = |id: &str, status: &str, finished: &str| {
        format!(
            "INSERT INTO deployments (id, stack_id, organization_id, kind, status, trigger, \
             pull, compose_content, variable_names, pinned_images, image_digests, logs, \
             created_at, finished_at) VALUES ('{id}', '{id}', '{id}', 'standard', '{status}', \
             'manual', false, '', '[]', '{{}}', '{{}}', '', \
             '2026-12-01 10:00:00+00:00', {finished})"
        )
    };
    let done = "0193a0b2-0000-7000-8000-000000000001";
    let busy = "0193a0b2-0000-7000-8000-000000000002";
    for sql in [
        insert(done, "completed", "'2026-12-01 10:00:02.500+00:00'"),
        insert(busy, "running", "NULL"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    Migrator::up(&db, None).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT status, duration_ms FROM deployments ORDER BY id",
        ))
        .await
        .unwrap();
    let got: Vec<(String, Option<i64>)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "status").unwrap(),
                r.try_get("", "duration_ms").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("succeeded".into(), Some(2500)), ("running".into(), None)]
    );
    // The column is renamed, not copied.
    let started = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT started_at FROM deployments",
        ))
        .await;
    assert_eq!(started.map(|r| r.len()).ok(), Some(2));
    assert!(
        db.query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT created_at FROM deployments",
        ))
        .await
        .is_err()
    );
}
