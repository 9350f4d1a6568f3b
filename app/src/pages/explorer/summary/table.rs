//! The "Synthèse" tab: one row per group (probe by default) with runs, availability,
//! percentiles, failures, incidents, downtime, MTTR and MTBF; each row opens the
//! explorer on it.
//! Clicking a header sorts the rows (the order lives in the URL).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::indicators::indicators_summary;
use crate::components::i18n_context::use_i18n;
use crate::domain::indicators::{ExplorerOptions, GroupBy, SummaryQuery, SummaryRow};
use crate::i18n::{format_count, format_duration_ms, format_percent, format_span_s, Lang};

use super::sort::{compare_rows, SummaryColumn};
use crate::pages::explorer::chart::data::label_of;
use crate::pages::explorer::empty_state::EmptyState;
use crate::pages::explorer::table_sort::sort_header;
use crate::pages::explorer::url_state::{Tab, ViewState};

/// The summary's group-by: the chosen one when the summary can group by it, or probes.
pub fn summary_group(state: &ViewState) -> GroupBy {
    state
        .group_by
        .filter(|group| group.splits_rates())
        .unwrap_or(GroupBy::Probe)
}

/// The explorer's charts filtered on one row's key, over the same range.
pub fn row_view(state: &ViewState, row: &SummaryRow) -> ViewState {
    let mut next = ViewState {
        group_by: None,
        tab: Tab::Charts,
        ..state.clone()
    };
    for (name, code) in &row.key {
        if let Some(values) = next.filters.named_mut(name) {
            *values = vec![code.clone()];
        }
        // A probe has its environment: the row of a recette probe opens on it.
        if name == "probe" {
            next.filters.environment.clear();
        }
    }
    next
}

fn optional(value: Option<f64>, format: impl Fn(f64) -> String) -> String {
    value.map(format).unwrap_or_else(|| "—".to_string())
}

#[component]
pub fn SummaryTable(
    state: Memo<ViewState>,
    options: Signal<ExplorerOptions>,
    tick: ReadSignal<u64>,
    on_change: Callback<ViewState>,
) -> impl IntoView {
    let i18n = use_i18n();
    let retry = RwSignal::new(0_u64);
    let query = Memo::new(move |_| {
        state.with(|state| SummaryQuery {
            group_by: Some(summary_group(state)),
            filters: state.filters.clone(),
            from: state.from.clone(),
            to: state.to.clone(),
        })
    });
    let fetched = LocalResource::new(move || {
        tick.track();
        retry.track();
        indicators_summary(query.get())
    });
    let sort = Signal::derive(move || state.with(|state| state.summary_sort));
    let on_sort = Callback::new(move |column: SummaryColumn| {
        on_change.run(state.with_untracked(|state| state.with_summary_sorted(column)));
    });
    let group_key = move || {
        format!(
            "explorer.filter.{}",
            state.with(|state| summary_group(state).as_str())
        )
    };
    let body = move || match fetched.get() {
        None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
        Some(Err(error)) => view! {
            <EmptyState message=i18n.t(error.message_key()) alert=true
                action_label=i18n.t("common.retry")
                on_action=Callback::new(move |()| retry.update(|count| *count += 1))/>
        }
        .into_any(),
        Some(Ok(summary)) if summary.rows.is_empty() => {
            let key = if state.with_untracked(ViewState::is_filtered) {
                "explorer.empty.filtered"
            } else {
                "explorer.empty.no_data"
            };
            view! { <EmptyState message=i18n.t(key) alert=false/> }.into_any()
        }
        Some(Ok(summary)) => {
            let lang = i18n.lang();
            let current = state.get_untracked();
            let options = options.get();
            let mut rows = summary.rows;
            if let Some(order) = sort.get() {
                order.apply(&mut rows, |a, b, column| {
                    compare_rows(a, b, column, |row| row_name(row, &options))
                });
            }
            let header = move |column: SummaryColumn| {
                let key = format!("explorer.summary.{}", column.as_str());
                sort_header(column, move || i18n.t(&key), sort, on_sort)
            };
            view! {
                <table class="summary-table">
                    <caption>{i18n.t("explorer.tab.summary")}</caption>
                    <thead>
                        <tr>
                            {sort_header(SummaryColumn::Name, move || i18n.t(&group_key()), sort, on_sort)}
                            {SummaryColumn::MEASURES.into_iter().map(header).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| summary_row(lang, &current, &row, &options)).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }
    };
    view! { <section class="summary" aria-label=move || i18n.t("explorer.tab.summary")>{body}</section> }
}

/// A row's group as people read it (labels, not codes).
fn row_name(row: &SummaryRow, options: &ExplorerOptions) -> String {
    row.key
        .iter()
        .map(|(name, code)| label_of(options, name, code))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn summary_row(
    lang: Lang,
    state: &ViewState,
    row: &SummaryRow,
    options: &ExplorerOptions,
) -> impl IntoView {
    let name = row_name(row, options);
    let href = row_view(state, row).href();
    let span = move |value: Option<i64>| {
        optional(value.map(|s| s as f64), |s| format_span_s(lang, s as i64))
    };
    let duration =
        move |value: Option<f64>| optional(value, |ms| format_duration_ms(lang, ms.round() as i64));
    view! {
        <tr>
            <th scope="row"><A href=href>{name}</A></th>
            <td class="number">{format_count(lang, row.runs)}</td>
            <td class="number">{optional(row.availability_pct, |pct| format_percent(lang, pct))}</td>
            <td class="number">{duration(row.p50_ms)}</td>
            <td class="number">{duration(row.p95_ms)}</td>
            <td class="number">{duration(row.p99_ms)}</td>
            <td class="number">{format_count(lang, row.failed)}</td>
            <td class="number">{format_count(lang, row.incidents)}</td>
            <td class="number">{format_span_s(lang, row.downtime_s)}</td>
            <td class="number">{span(row.mttr_s)}</td>
            <td class="number">{span(row.mtbf_s)}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_row_opens_the_charts_filtered_on_its_key() {
        let state = ViewState {
            tab: Tab::Summary,
            from: "now-7d".into(),
            ..ViewState::default()
        };
        let row = SummaryRow {
            key: BTreeMap::from([("probe".to_string(), "PRB_X".to_string())]),
            runs: 1,
            ok: 1,
            failed: 0,
            availability_pct: Some(100.0),
            p50_ms: None,
            p95_ms: None,
            p99_ms: None,
            incidents: 0,
            downtime_s: 0,
            mttr_s: None,
            mtbf_s: None,
        };
        assert_eq!(
            row_view(&state, &row).href(),
            "/explorer?from=now-7d&to=now&probe=PRB_X"
        );
    }
}
