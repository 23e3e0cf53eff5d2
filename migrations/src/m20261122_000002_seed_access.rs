//! Seeds the permission catalog, the system roles of seed 000 (`admin` = `*`, `user`,
//! `viewer` = `*:read`) and the `auth_settings` singleton.
use sea_orm_migration::prelude::*;
use windflow_api::access::{SYSTEM_ROLE_ADMIN, SYSTEM_ROLE_USER, SYSTEM_ROLE_VIEWER};

use crate::catalog_frozen::{
    PERMISSIONS_2026_12_02 as PERMISSIONS,
    USER_ROLE_PERMISSIONS_2026_11_22 as USER_ROLE_PERMISSIONS,
};

/// Seeds access reference data.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut perms = Query::insert();
        perms
            .into_table("permissions")
            .columns(["name", "description"]);
        for (name, description) in PERMISSIONS {
            perms.values_panic([(*name).into(), (*description).into()]);
        }
        manager.exec_stmt(perms).await?;

        let now = chrono::Utc::now();
        let roles: [(_, &str, &str, Vec<&str>); 3] = [
            (SYSTEM_ROLE_ADMIN, "admin", "Full access", vec!["*"]),
            (
                SYSTEM_ROLE_USER,
                "user",
                "Standard user",
                USER_ROLE_PERMISSIONS.to_vec(),
            ),
            (
                SYSTEM_ROLE_VIEWER,
                "viewer",
                "Read-only access",
                vec!["*:read"],
            ),
        ];
        for (id, name, description, grants) in roles {
            let mut role = Query::insert();
            role.into_table("roles")
                .columns([
                    "id",
                    "organization_id",
                    "name",
                    "description",
                    "is_system",
                    "created_at",
                    "updated_at",
                ])
                .values_panic([
                    id.into(),
                    Option::<sea_orm_migration::sea_orm::prelude::Uuid>::None.into(),
                    name.into(),
                    description.into(),
                    true.into(),
                    now.into(),
                    now.into(),
                ]);
            manager.exec_stmt(role).await?;
            let mut rp = Query::insert();
            rp.into_table("role_permissions")
                .columns(["role_id", "permission"]);
            for g in grants {
                rp.values_panic([id.into(), g.into()]);
            }
            manager.exec_stmt(rp).await?;
        }

        let mut settings = Query::insert();
        settings
            .into_table("auth_settings")
            .columns([
                "id",
                "session_timeout_minutes",
                "lockout_max_attempts_per_user",
                "lockout_max_attempts_per_ip",
                "lockout_window_seconds",
                "password_min_length",
                "password_max_length",
                "updated_at",
            ])
            .values_panic([
                1.into(),
                10080i64.into(),
                5i64.into(),
                50i64.into(),
                900i64.into(),
                12i64.into(),
                128i64.into(),
                now.into(),
            ]);
        manager.exec_stmt(settings).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["auth_settings", "role_permissions", "roles", "permissions"] {
            manager
                .exec_stmt(Query::delete().from_table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
