//! Database leases: background work that must run once across server replicas (one collector
//! per endpoint, one retention job) is done by whichever replica holds its named lease. A lease
//! is taken when free or expired and renewed by its holder; both are single conditional
//! statements, so they are atomic on SQLite and PostgreSQL alike.
use chrono::Duration;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};
use windflow_entity::leases;

use crate::error::ServiceResult;

/// Takes or renews lease `name` for `holder` for `ttl`; true when `holder` now holds it.
pub async fn try_acquire<C: ConnectionTrait>(
    db: &C,
    name: &str,
    holder: &str,
    ttl: Duration,
) -> ServiceResult<bool> {
    let now = crate::now();
    let expires = now + ttl;
    let renewed = leases::Entity::update_many()
        .col_expr(leases::Column::Holder, Expr::value(holder))
        .col_expr(leases::Column::ExpiresAt, Expr::value(expires))
        .filter(leases::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(leases::Column::Holder.eq(holder))
                .add(leases::Column::ExpiresAt.lt(now)),
        )
        .exec(db)
        .await?;
    if renewed.rows_affected == 1 {
        return Ok(true);
    }
    let row = leases::ActiveModel {
        name: Set(name.to_owned()),
        holder: Set(holder.to_owned()),
        expires_at: Set(expires),
    };
    let inserted = leases::Entity::insert(row)
        .on_conflict(
            OnConflict::column(leases::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Gives lease `name` up if `holder` holds it.
pub async fn release<C: ConnectionTrait>(db: &C, name: &str, holder: &str) -> ServiceResult<()> {
    leases::Entity::delete_many()
        .filter(leases::Column::Name.eq(name))
        .filter(leases::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

/// True while lease `name` is held by anyone (present and not expired).
pub async fn held<C: ConnectionTrait>(db: &C, name: &str) -> ServiceResult<bool> {
    Ok(leases::Entity::find()
        .filter(leases::Column::Name.eq(name))
        .filter(leases::Column::ExpiresAt.gt(crate::now()))
        .one(db)
        .await?
        .is_some())
}

/// Keeps a lease alive while long work runs: renews it for `ttl` every `ttl / 3` (only while
/// `holder` still holds it; never re-takes it). A crashed process stops renewing, so its lease
/// lapses within `ttl` and the interrupted-work sweep can close its rows. Stops on
/// [`Heartbeat::stop`] or drop.
pub struct Heartbeat(tokio::task::JoinHandle<()>);

impl Heartbeat {
    /// Starts renewing `name` for `holder`.
    pub fn start(
        db: sea_orm::DatabaseConnection,
        name: String,
        holder: String,
        ttl: Duration,
    ) -> Self {
        let every = std::time::Duration::from_millis((ttl.num_milliseconds().max(3) / 3) as u64);
        Self(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let _ = leases::Entity::update_many()
                    .col_expr(leases::Column::ExpiresAt, Expr::value(crate::now() + ttl))
                    .filter(leases::Column::Name.eq(name.as_str()))
                    .filter(leases::Column::Holder.eq(holder.as_str()))
                    .exec(&db)
                    .await;
            }
        }))
    }

    /// Stops renewing (call before releasing the lease).
    pub fn stop(&self) {
        self.0.abort();
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}
