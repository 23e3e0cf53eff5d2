//! The permission catalog table kept in line with the code (issue 12): at start-up, after the
//! migrations, every [`Permission`] is upserted into `permissions` with its current
//! description. Migrations stay schema-only for the catalog's future changes, and an old
//! migration never has to change to add a permission. Rows for names the code no longer has are
//! left in place (grants that name them simply match nothing); removing a permission is a
//! migration's job, with a decision about the grants that name it.
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use windflow_api::access::Permission;
use windflow_entity::permissions;

use crate::error::ServiceResult;

/// Upserts every permission of the code into `permissions` (idempotent; safe when several
/// replicas start at once: each statement is one `INSERT … ON CONFLICT (name) DO UPDATE`).
pub async fn sync<C: ConnectionTrait>(db: &C) -> ServiceResult<()> {
    let rows = Permission::ALL.iter().map(|p| permissions::ActiveModel {
        name: Set(p.as_str().to_owned()),
        description: Set(p.description().to_owned()),
    });
    permissions::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(permissions::Column::Name)
                .update_column(permissions::Column::Description)
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::{Database, EntityTrait, PaginatorTrait};
    use windflow_migration::{Migrator, MigratorTrait};

    use super::*;

    /// A catalog entry the migrations never inserted reaches the table, a changed description
    /// is updated, and running it twice changes nothing.
    #[tokio::test]
    async fn sync_brings_the_table_in_line_with_the_code() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        permissions::Entity::delete_by_id(Permission::StacksDeploy.as_str())
            .exec(&db)
            .await
            .unwrap();
        permissions::Entity::update(permissions::ActiveModel {
            name: Set(Permission::GitSync.as_str().to_owned()),
            description: Set("stale".into()),
        })
        .exec(&db)
        .await
        .unwrap();
        sync(&db).await.unwrap();
        sync(&db).await.unwrap();
        assert_eq!(
            permissions::Entity::find().count(&db).await.unwrap(),
            Permission::ALL.len() as u64
        );
        let git = permissions::Entity::find_by_id(Permission::GitSync.as_str())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(git.description, Permission::GitSync.description());
        assert!(
            permissions::Entity::find_by_id(Permission::StacksDeploy.as_str())
                .one(&db)
                .await
                .unwrap()
                .is_some()
        );
    }
}
