//! Sortable tables (review D27): one [`SortState`] per table (the column sorted on and the
//! direction), a [`SortHeader`] cell per sortable column (a button, so the keyboard can use it;
//! `aria-sort` says the order) and [`sort_rows`], the pure, stable sort the tables apply.
use std::cmp::Ordering;

use leptos::prelude::*;

/// The column a table is sorted on, and the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The column's key (as given to [`SortHeader`]).
    pub key: &'static str,
    /// Ascending (A → Z, small → large, old → new) or descending.
    pub ascending: bool,
}

impl Sort {
    /// Sorted on `key`, ascending.
    pub fn by(key: &'static str) -> Self {
        Sort {
            key,
            ascending: true,
        }
    }

    /// The state after a click on `key`'s header: the same column flips its direction; another
    /// column is sorted on, ascending.
    pub fn toggled(self, key: &'static str) -> Self {
        if self.key == key {
            Sort {
                key,
                ascending: !self.ascending,
            }
        } else {
            Sort::by(key)
        }
    }

    /// The `aria-sort` value of `key`'s header.
    pub fn aria(self, key: &str) -> &'static str {
        match (self.key == key, self.ascending) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    }
}

/// A table's sort, shared by its headers and its body.
pub type SortState = RwSignal<Sort>;

/// A new table sort on `key`, ascending.
pub fn sort_state(key: &'static str) -> SortState {
    RwSignal::new(Sort::by(key))
}

/// What a row is sorted by in one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    /// Text, compared ignoring case (then exactly, so that the order is total).
    Text(String),
    /// A number (sizes, timestamps, counts).
    Num(i64),
}

impl From<&str> for SortKey {
    fn from(s: &str) -> Self {
        SortKey::Text(s.to_owned())
    }
}

impl From<String> for SortKey {
    fn from(s: String) -> Self {
        SortKey::Text(s)
    }
}

impl From<i64> for SortKey {
    fn from(n: i64) -> Self {
        SortKey::Num(n)
    }
}

/// Compares two sort keys: text ignoring case first, numbers numerically; a number sorts before
/// text (a column holds one kind, so this only makes the order total).
pub fn compare(a: &SortKey, b: &SortKey) -> Ordering {
    match (a, b) {
        (SortKey::Num(x), SortKey::Num(y)) => x.cmp(y),
        (SortKey::Text(x), SortKey::Text(y)) => x
            .to_lowercase()
            .cmp(&y.to_lowercase())
            .then_with(|| x.cmp(y)),
        (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
        (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
    }
}

/// Sorts `rows` in place by `sort`: `key` gives a row's value in a column (by the column's key).
/// Stable, and rows with equal values are then ordered by `tie` (the name, say) so that the
/// order does not depend on the order the API returned them in.
pub fn sort_rows<T>(
    rows: &mut [T],
    sort: Sort,
    key: impl Fn(&T, &str) -> SortKey,
    tie: impl Fn(&T) -> SortKey,
) {
    rows.sort_by(|a, b| {
        let o =
            compare(&key(a, sort.key), &key(b, sort.key)).then_with(|| compare(&tie(a), &tie(b)));
        if sort.ascending { o } else { o.reverse() }
    });
}

/// A sortable column's header cell: `<th aria-sort><button class="sort">label</button></th>`;
/// a click (or Enter/Space) sorts on the column, or flips the direction when it is sorted on
/// already.
#[component]
pub fn SortHeader(state: SortState, key: &'static str, children: Children) -> impl IntoView {
    view! {
        <th aria-sort=move || state.get().aria(key) data-sort=key>
            <button type="button" class="sort" on:click=move |_| state.update(|s| *s = s.toggled(key))>
                {children()}
                <span class="sort-mark" aria-hidden="true">{move || match state.get().aria(key) {
                    "ascending" => " ▲",
                    "descending" => " ▼",
                    _ => "",
                }}</span>
            </button>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(rows: &[(&str, i64)]) -> Vec<String> {
        rows.iter().map(|r| r.0.to_owned()).collect()
    }

    fn key(r: &(&str, i64), col: &str) -> SortKey {
        match col {
            "size" => r.1.into(),
            _ => r.0.into(),
        }
    }

    #[test]
    fn rows_sort_by_name_ignoring_case_then_by_the_other_columns() {
        let mut rows = vec![("beta", 3), ("Alpha", 10), ("gamma", 1), ("alpha", 2)];
        sort_rows(&mut rows, Sort::by("name"), key, |r| r.0.into());
        assert_eq!(names(&rows), ["Alpha", "alpha", "beta", "gamma"]);
        sort_rows(&mut rows, Sort::by("name").toggled("name"), key, |r| {
            r.0.into()
        });
        assert_eq!(names(&rows), ["gamma", "beta", "alpha", "Alpha"]);
        sort_rows(&mut rows, Sort::by("size"), key, |r| r.0.into());
        assert_eq!(names(&rows), ["gamma", "alpha", "beta", "Alpha"]);
    }

    #[test]
    fn the_order_does_not_depend_on_the_input_order() {
        let a = vec![("b", 1), ("a", 1), ("c", 1)];
        let mut b = a.clone();
        b.reverse();
        let mut a = a;
        sort_rows(&mut a, Sort::by("size"), key, |r| r.0.into());
        sort_rows(&mut b, Sort::by("size"), key, |r| r.0.into());
        assert_eq!(a, b);
        assert_eq!(names(&a), ["a", "b", "c"]);
    }

    #[test]
    fn headers_toggle_and_say_their_order() {
        let s = Sort::by("name");
        assert_eq!(s.aria("name"), "ascending");
        assert_eq!(s.aria("size"), "none");
        let s = s.toggled("name");
        assert_eq!(s.aria("name"), "descending");
        let s = s.toggled("size");
        assert_eq!((s.key, s.ascending), ("size", true));
        assert_eq!(compare(&10.into(), &9.into()), Ordering::Greater);
    }
}
