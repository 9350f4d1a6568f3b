//! Sorting a table by clicking its column headers, shared by a chart's table view and
//! the summary table: the click rule (same column flips, another sorts ascending), the
//! comparison of numbers, and the header cell with its `aria-sort` and arrow.

use std::cmp::Ordering;

use leptos::prelude::*;

/// Which column sorts a table, and in which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<C> {
    pub column: C,
    pub ascending: bool,
}

impl<C: Copy + PartialEq> Sort<C> {
    pub fn ascending(column: C) -> Sort<C> {
        Sort {
            column,
            ascending: true,
        }
    }

    /// Clicking the sorted column flips the direction; another column sorts ascending.
    pub fn clicked(self, column: C) -> Sort<C> {
        Sort {
            column,
            ascending: self.column != column || !self.ascending,
        }
    }

    /// Sorts `rows` by `compare` on the sorted column, in the sort's direction (stable).
    pub fn apply<T>(self, rows: &mut [T], compare: impl Fn(&T, &T, C) -> Ordering) {
        rows.sort_by(|a, b| {
            let order = compare(a, b, self.column);
            if self.ascending {
                order
            } else {
                order.reverse()
            }
        });
    }

    /// The `aria-sort` value of `column`'s header.
    pub fn aria(self, column: C) -> &'static str {
        match (self.column == column, self.ascending) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    }

    /// The arrow shown after `column`'s label.
    pub fn arrow(self, column: C) -> &'static str {
        match (self.column == column, self.ascending) {
            (false, _) => "",
            (true, true) => "▲",
            (true, false) => "▼",
        }
    }
}

/// Numbers in numeric order (never as text); a missing value comes first.
pub fn compare_numbers(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

/// A column header that sorts the table when clicked. `sort` is `None` while the table
/// keeps its own order.
pub fn sort_header<C>(
    column: C,
    label: impl Fn() -> String + Send + Sync + 'static,
    sort: Signal<Option<Sort<C>>>,
    on_sort: Callback<C>,
) -> impl IntoView
where
    C: Copy + PartialEq + Send + Sync + 'static,
{
    let aria = move || sort.get().map_or("none", |sort| sort.aria(column));
    let arrow = move || sort.get().map_or("", |sort| sort.arrow(column));
    view! {
        <th scope="col" aria-sort=aria>
            <button type="button" class="sort" on:click=move |_| on_sort.run(column)>
                {label}
                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_sorts_ascending_and_a_second_click_reverses() {
        let sort = Sort::ascending(0).clicked(1);
        assert_eq!(sort, Sort::ascending(1));
        let again = sort.clicked(1);
        assert!(!again.ascending);
        assert_eq!((again.aria(1), again.arrow(1)), ("descending", "▼"));
        assert_eq!((again.aria(0), again.arrow(0)), ("none", ""));
    }

    #[test]
    fn numbers_sort_as_numbers_with_missing_values_first() {
        let mut values = vec![Some(10.0), None, Some(9.5), Some(100.0)];
        Sort::ascending(()).apply(&mut values, |a, b, ()| compare_numbers(*a, *b));
        assert_eq!(values, vec![None, Some(9.5), Some(10.0), Some(100.0)]);
        Sort {
            column: (),
            ascending: false,
        }
        .apply(&mut values, |a, b, ()| compare_numbers(*a, *b));
        assert_eq!(values, vec![Some(100.0), Some(10.0), Some(9.5), None]);
    }
}
