//! One chart of the explorer: streamed on its own, drawn part by part as its data arrives,
//! with a table view, CSV and XLSX exports, and an empty state that says why.

use leptos::prelude::*;

use crate::components::i18n_context::{use_i18n, I18n};
use crate::domain::error::AppError;
use crate::domain::indicators::ExplorerOptions;
use crate::domain::time_range::resolve;

use super::csv::rows_to_csv;
use super::data::{has_points, name_series, rows, KeyedSeries, NamedSeries, Row};
use super::echarts_view::{draw, ChartEvents, DrawnChart, Picture};
use super::failure_split::FailureSplit;
use super::kind::{ChartKind, ChartQuery};
use super::series_loader::{stream_chart, LatestOnly};
use super::table::ChartTable;
use crate::pages::explorer::browser::download_text;
use crate::pages::explorer::empty_state::EmptyState;
use crate::pages::explorer::paris_time::now_ms;
use crate::pages::explorer::url_state::ViewState;

/// What a chart has received: its series so far, the time range they cover, and whether
/// every part has arrived.
#[derive(Clone)]
struct Loaded {
    result: Result<Vec<KeyedSeries>, AppError>,
    range: (i64, i64),
    complete: bool,
}

/// What the body of a chart shows.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    Failed(AppError),
    Empty,
    Ready,
}

#[component]
pub fn ExplorerChart(
    kind: ChartKind,
    state: Memo<ViewState>,
    options: Signal<ExplorerOptions>,
    /// Changes when every chart should fetch again (auto-refresh).
    tick: ReadSignal<u64>,
    on_change: Callback<ViewState>,
) -> impl IntoView {
    let i18n = use_i18n();
    let retry = RwSignal::new(0_u64);
    let loaded = stream_parts(kind, state, tick, retry);
    let title = Signal::derive(move || i18n.t(&kind.title_key()));
    let named = Memo::new(move |_| {
        loaded.with(|loaded| match loaded {
            Some(Loaded {
                result: Ok(series), ..
            }) => options.with(|options| name_series(series, options, i18n.lang(), &title.get())),
            _ => Vec::new(),
        })
    });
    let phase = Memo::new(move |_| phase_of(loaded, named));
    let busy = move || {
        loaded
            .with(|loaded| !loaded.as_ref().is_some_and(|loaded| loaded.complete))
            .to_string()
    };
    let as_table = Memo::new(move |_| state.with(|state| state.shows_table(kind.id())));
    let node = NodeRef::<leptos::html::Div>::new();
    draw_when_mounted(kind, state, loaded, named, node, on_change);

    let export_csv = move |_| export_csv(i18n, kind, named);
    let toggle_table =
        move |_| on_change.run(state.with_untracked(|state| state.with_table_toggled(kind.id())));

    view! {
        <section class="chart-card" aria-labelledby=format!("title-{}", kind.id())
            data-chart=kind.id() aria-busy=busy>
            <header class="chart-head">
                <h2 id=format!("title-{}", kind.id())>{title}</h2>
                {(kind == ChartKind::Failures).then(|| view! { <FailureSplit state on_change/> })}
                <div class="chart-actions">
                    <button type="button" aria-pressed=move || as_table.get().to_string()
                        on:click=toggle_table>
                        {move || i18n.t("explorer.table.toggle")}
                    </button>
                    <button type="button" on:click=export_csv
                        disabled=move || named.with(|series| !has_points(series))>
                        {move || i18n.t("explorer.export.csv")}
                    </button>
                    <a class="button" download=""
                        href=move || state.with(|state| kind.xlsx_href(state, now_ms()))>
                        {move || i18n.t("explorer.export.xlsx")}
                    </a>
                </div>
            </header>
            {move || {
                state
                    .with(|state| kind.notes(state))
                    .into_iter()
                    .map(|note| view! { <p class="chart-note">{note.render(i18n.lang())}</p> })
                    .collect_view()
            }}
            <ChartBody kind state phase named as_table title node retry on_change/>
        </section>
    }
}

/// Streams the chart's parts whenever its queries change, on retry and on each
/// auto-refresh tick; only the newest load reports.
fn stream_parts(
    kind: ChartKind,
    state: Memo<ViewState>,
    tick: ReadSignal<u64>,
    retry: RwSignal<u64>,
) -> RwSignal<Option<Loaded>> {
    let queries = Memo::new(move |_| state.with(|state| kind.queries(state, now_ms())));
    let loaded = RwSignal::new(None::<Loaded>);
    let latest = LatestOnly::new();
    // What is on screen was asked for with these queries (and retry count): an
    // auto-refresh keeps it until the new parts arrive, any other change clears it.
    let shown = StoredValue::new((Vec::<ChartQuery>::new(), 0_u64));
    Effect::new(move |_| {
        tick.track();
        let asked = (queries.get(), retry.get());
        if shown.with_value(|shown| *shown != asked) {
            loaded.set(None);
            shown.set_value(asked.clone());
        }
        let now = now_ms();
        let range = state.with_untracked(|state| {
            (
                resolve(&state.from, now).unwrap_or(now),
                resolve(&state.to, now).unwrap_or(now),
            )
        });
        latest.start(move |generation| {
            stream_chart(asked.0, move |progress| {
                if latest.is_current(generation) {
                    loaded.set(Some(Loaded {
                        result: progress.result,
                        range,
                        complete: progress.complete,
                    }));
                }
            })
        });
    });
    on_cleanup(move || latest.cancel());
    loaded
}

/// Loading until a point arrives, empty only once every part has.
fn phase_of(loaded: RwSignal<Option<Loaded>>, named: Memo<Vec<NamedSeries>>) -> Phase {
    loaded.with(|loaded| match loaded {
        None => Phase::Loading,
        Some(Loaded {
            result: Err(error), ..
        }) => Phase::Failed(error.clone()),
        Some(loaded) if !named.with(|series| has_points(series)) => {
            if loaded.complete {
                Phase::Empty
            } else {
                Phase::Loading
            }
        }
        Some(_) => Phase::Ready,
    })
}

/// Draws the series with ECharts whenever they or the language change, once the chart's
/// element is on the page; a brush on the time axis zooms the view.
fn draw_when_mounted(
    kind: ChartKind,
    state: Memo<ViewState>,
    loaded: RwSignal<Option<Loaded>>,
    named: Memo<Vec<NamedSeries>>,
    node: NodeRef<leptos::html::Div>,
    on_change: Callback<ViewState>,
) {
    let i18n = use_i18n();
    let drawn = StoredValue::new_local(None::<DrawnChart>);
    let navigate = leptos_router::hooks::use_navigate();
    let events = ChartEvents {
        on_zoom: Callback::new(move |(from, to): (i64, i64)| {
            on_change.run(state.get_untracked().zoomed(from, to));
        }),
        // A point or bar opens the runs behind it.
        on_pick: Callback::new(move |(index, time): (usize, i64)| {
            let href = named.with_untracked(|series| {
                let picked = series.get(index)?;
                state
                    .with_untracked(|state| kind.runs_href(state, &picked.key, time, picked.bucket))
            });
            if let Some(href) = href {
                navigate(&href, Default::default());
            }
        }),
    };
    let element_id = element_id(kind);
    Effect::new(move |_| {
        let mounted = node.get().is_some();
        let lang = i18n.lang();
        drawn.set_value(None);
        if !mounted {
            return;
        }
        let range = loaded.with(|loaded| loaded.as_ref().map(|loaded| loaded.range));
        if let Some(range) = range {
            named.with(|series| {
                let picture = Picture {
                    kind,
                    series,
                    range,
                    lang,
                };
                drawn.set_value(draw(&element_id, picture, events));
            });
        }
    });
    on_cleanup(move || drawn.set_value(None));
}

fn element_id(kind: ChartKind) -> String {
    format!("explorer-chart-{}", kind.id())
}

/// Downloads what the chart shows as CSV (with a BOM, for spreadsheets).
fn export_csv(i18n: I18n, kind: ChartKind, named: Memo<Vec<NamedSeries>>) {
    let header = [
        i18n.t("explorer.table.time"),
        i18n.t("explorer.table.series"),
        match kind.unit().symbol() {
            Some(symbol) => format!("{} ({symbol})", i18n.t("explorer.table.value")),
            None => i18n.t("explorer.table.value"),
        },
    ];
    let text = named.with(|series| rows_to_csv(header, &rows(series)));
    download_text(
        &format!("vigie-{}.csv", kind.id()),
        "text/csv;charset=utf-8",
        &format!("\u{feff}{text}"),
    );
}

/// The chart itself, its table, or why there is nothing to show.
#[component]
fn ChartBody(
    kind: ChartKind,
    state: Memo<ViewState>,
    phase: Memo<Phase>,
    named: Memo<Vec<NamedSeries>>,
    as_table: Memo<bool>,
    title: Signal<String>,
    node: NodeRef<leptos::html::Div>,
    retry: RwSignal<u64>,
    on_change: Callback<ViewState>,
) -> impl IntoView {
    let i18n = use_i18n();
    let clear_filters = Callback::new(move |()| {
        let mut next = state.get_untracked();
        next.filters = Default::default();
        on_change.run(next);
    });
    let table_rows = Signal::derive(move || named.with(|series| rows(series)));
    let runs_link = Callback::new(move |row: Row| {
        state.with_untracked(|state| kind.runs_href(state, &row.key, row.time_ms, row.bucket))
    });
    move || {
        match phase.get() {
        Phase::Loading => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
        Phase::Failed(error) => view! {
            <EmptyState message=i18n.t(error.message_key()) alert=true
                action_label=i18n.t("common.retry")
                on_action=Callback::new(move |()| retry.update(|count| *count += 1))/>
        }
        .into_any(),
        Phase::Empty if state.with_untracked(ViewState::is_filtered) => view! {
            <EmptyState message=i18n.t("explorer.empty.filtered") alert=false
                action_label=i18n.t("explorer.filters.clear") on_action=clear_filters/>
        }
        .into_any(),
        Phase::Empty => {
            view! { <EmptyState message=i18n.t("explorer.empty.no_data") alert=false/> }.into_any()
        }
        Phase::Ready if as_table.get() => view! {
            <ChartTable rows=table_rows unit=kind.unit() label=title.get() runs_link/>
        }
        .into_any(),
        Phase::Ready => view! {
            <div class="chart" id=element_id(kind) node_ref=node role="img"
                aria-label=move || format!("{} — {}", title.get(), i18n.t("explorer.chart.aria"))></div>
        }
        .into_any(),
    }
    }
}
