//! Keyset pagination over any entity, with an opaque cursor.
//!
//! Order is by the sort column then the UUIDv7 id (time-ordered, so `created_at` order is id
//! order). The cursor is base64url(JSON `{"k": <sort value or null>, "id": <uuid>}`) of the last
//! row of the page; the next page starts strictly after it, so inserts and deletes between
//! requests never duplicate or skip the rows already seen.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use windflow_api::page::{PageQuery, SortDir};

use crate::error::{ServiceError, ServiceResult};

pub use windflow_api::page::{DEFAULT_LIMIT, MAX_LIMIT};

#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    k: Option<String>,
    id: Uuid,
}

/// Validated paging parameters.
#[derive(Debug, Clone)]
pub struct PageSpec {
    /// Page size.
    pub limit: u64,
    /// Start after this (sort value, id).
    after: Option<(Option<String>, Uuid)>,
    /// Sort by name instead of creation.
    pub by_name: bool,
    /// Descending.
    pub desc: bool,
    /// Lower-cased substring filter on the name.
    pub q: Option<String>,
}

impl PageSpec {
    /// Validates a [`PageQuery`]; `sortable_by_name` says whether `sort=name` is allowed.
    pub fn parse(q: &PageQuery, sortable_by_name: bool) -> ServiceResult<Self> {
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ServiceError::field(
                "limit",
                "out_of_range",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let by_name = match q.sort.as_deref() {
            None | Some("created_at") => false,
            Some("name") if sortable_by_name => true,
            Some(_) => {
                let allowed = if sortable_by_name {
                    "created_at or name"
                } else {
                    "created_at"
                };
                return Err(ServiceError::field(
                    "sort",
                    "invalid_value",
                    format!("must be {allowed}"),
                ));
            }
        };
        // An empty cursor is the first page (clients that always send the parameter).
        let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => {
                let bad =
                    || ServiceError::field("cursor", "invalid_format", "not a cursor of this list");
                let raw = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
                let cur: Cursor = serde_json::from_slice(&raw).map_err(|_| bad())?;
                if cur.k.is_some() != by_name {
                    return Err(bad());
                }
                Some((cur.k, cur.id))
            }
        };
        Ok(Self {
            limit,
            after,
            by_name,
            desc: q.dir == Some(SortDir::Desc),
            q: q.q
                .as_ref()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty()),
        })
    }

    /// A spec for newest-first id order (audit log).
    pub fn newest_first(limit: Option<u64>, cursor: Option<String>) -> ServiceResult<Self> {
        Self::parse(
            &PageQuery {
                limit,
                cursor,
                sort: None,
                dir: Some(SortDir::Desc),
                q: None,
            },
            false,
        )
    }
}

/// Fetches one page of `select` ordered per `spec`. `key` gives a row's id and, when the list
/// can be sorted by name, its name. Returns the rows and the next cursor.
pub async fn fetch_page<E, C>(
    db: &C,
    mut select: Select<E>,
    id_col: E::Column,
    name_col: Option<E::Column>,
    spec: &PageSpec,
    key: impl Fn(&E::Model) -> (Uuid, Option<String>),
) -> ServiceResult<(Vec<E::Model>, Option<String>)>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let order = if spec.desc { Order::Desc } else { Order::Asc };
    let sort_col = if spec.by_name { name_col } else { None };
    if let (Some(q), Some(nc)) = (&spec.q, name_col) {
        let pattern = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(nc)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        );
    }
    if let Some((k, id)) = &spec.after {
        let past_id = if spec.desc {
            id_col.lt(*id)
        } else {
            id_col.gt(*id)
        };
        let cond = match (sort_col, k) {
            (Some(sc), Some(k)) => {
                let past_k = if spec.desc {
                    sc.lt(k.clone())
                } else {
                    sc.gt(k.clone())
                };
                Condition::any()
                    .add(past_k)
                    .add(Condition::all().add(sc.eq(k.clone())).add(past_id))
            }
            _ => Condition::all().add(past_id),
        };
        select = select.filter(cond);
    }
    if let Some(sc) = sort_col {
        select = select.order_by(sc, order.clone());
    }
    let mut rows = select
        .order_by(id_col, order)
        .limit(spec.limit + 1)
        .all(db)
        .await?;
    let next = if rows.len() as u64 > spec.limit {
        rows.truncate(spec.limit as usize);
        rows.last().map(|last| {
            let (id, name) = key(last);
            let cur = Cursor {
                k: if spec.by_name {
                    name.or(Some(String::new()))
                } else {
                    None
                },
                id,
            };
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cur).unwrap_or_default())
        })
    } else {
        None
    };
    Ok((rows, next))
}
