//! Keyset pagination shapes shared by every list endpoint.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Page size when a list request gives no `limit`.
pub const DEFAULT_LIMIT: u64 = 50;
/// Largest page size a list accepts (`limit` is `1..=MAX_LIMIT`).
pub const MAX_LIMIT: u64 = 200;

/// One page of a list. `next_cursor` is absent on the last page; pass it back as `cursor` to get
/// the next page. Cursors are opaque: clients must not build or parse them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page, in the requested order.
    pub items: Vec<T>,
    /// Cursor of the next page, or `null` when this is the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The same page with each item converted by `f` (a row to its wire shape).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// Sort direction of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortDir {
    /// Ascending (oldest or A first). The default.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

/// Paging parameters accepted by every list endpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<u64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Sort field: `created_at` (default) or `name` where the resource has one.
    pub sort: Option<String>,
    /// Sort direction (default `asc`).
    pub dir: Option<SortDir>,
    /// Case-insensitive substring filter on the name (where the resource has one).
    pub q: Option<String>,
}
