//! A chart's numbers as a table (time, series, value), sorted by clicking a header.

use std::cmp::Ordering;

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::i18n::format_datetime;

use super::data::Row;
use super::kind::Unit;
use crate::pages::explorer::table_sort::{compare_numbers, sort_header, Sort};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Time,
    Series,
    Value,
}

fn compare(a: &Row, b: &Row, column: SortColumn) -> Ordering {
    match column {
        SortColumn::Time => a.time_ms.cmp(&b.time_ms),
        SortColumn::Series => a.series.cmp(&b.series),
        SortColumn::Value => compare_numbers(Some(a.value), Some(b.value)),
    }
}

#[component]
pub fn ChartTable(
    rows: Signal<Vec<Row>>,
    unit: Unit,
    label: String,
    /// The page of the runs behind a row, if it has one.
    runs_link: Callback<Row, Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sort = RwSignal::new(Sort::ascending(SortColumn::Time));
    let sorted = move || {
        let mut rows = rows.get();
        sort.get().apply(&mut rows, compare);
        rows
    };
    let current = Signal::derive(move || Some(sort.get()));
    let on_sort = Callback::new(move |column| sort.update(|sort| *sort = sort.clicked(column)));
    let header = move |column: SortColumn, key: &'static str| {
        sort_header(column, move || i18n.t(key), current, on_sort)
    };
    view! {
        <div class="chart-table-wrap">
            <table class="chart-table">
                <caption>{label}</caption>
                <thead>
                    <tr>
                        {header(SortColumn::Time, "explorer.table.time")}
                        {header(SortColumn::Series, "explorer.table.series")}
                        {header(SortColumn::Value, "explorer.table.value")}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let lang = i18n.lang();
                        sorted().into_iter().map(|row| {
                            let time = format_datetime(lang, row.time_ms);
                            let time = match runs_link.run(row.clone()) {
                                Some(href) => view! { <a href=href title=i18n.t("explorer.table.open_runs")>{time}</a> }.into_any(),
                                None => time.into_any(),
                            };
                            view! {
                                <tr>
                                    <td>{time}</td>
                                    <td>{row.series}</td>
                                    <td class="number">{unit.format(lang, row.value)}</td>
                                </tr>
                            }
                        }).collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(time_ms: i64, series: &str, value: f64) -> Row {
        Row {
            time_ms,
            series: series.into(),
            value,
            key: Default::default(),
            bucket: None,
        }
    }

    #[test]
    fn a_click_sorts_by_the_column_and_a_second_click_reverses() {
        let mut rows = vec![row(1, "b", 3.0), row(2, "a", 1.0), row(3, "c", 2.0)];
        let sort = Sort::ascending(SortColumn::Time).clicked(SortColumn::Value);
        sort.apply(&mut rows, compare);
        assert_eq!(
            rows.iter().map(|r| r.value).collect::<Vec<_>>(),
            vec![1.0, 2.0, 3.0]
        );
        let again = sort.clicked(SortColumn::Value);
        assert!(!again.ascending);
        again.apply(&mut rows, compare);
        assert_eq!(rows[0].series, "b");
    }
}
