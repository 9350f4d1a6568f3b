//! `/incidents`: the incidents of a range (newest first) on a timeline and in a table,
//! with MTTR and MTBF per probe over the same range; range, filters, lanes and page
//! in the URL.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::pages::url_query::scope_text;

use crate::api::incidents::list_incidents;
use crate::api::indicators::indicators_summary;
use crate::components::environment_choice::{EnvironmentChoice, RecetteMark, RECETTE};
use crate::components::i18n_context::{use_i18n, I18n};
use crate::components::quick_ranges::QuickRanges;
use crate::domain::incidents::IncidentItem;
use crate::domain::indicators::{GroupBy, SummaryQuery, SummaryRow};
use crate::i18n::{format_count, format_datetime, format_span_s};

use super::timeline::Timeline;
use super::url_state::{incident_href, IncidentsView, Lanes};

#[component]
pub fn IncidentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let view_state = Memo::new(move |_| query.with(IncidentsView::from_query));
    let navigate = use_navigate();
    let go = Callback::new(move |next: IncidentsView| navigate(&next.href(), Default::default()));
    let page = LocalResource::new(move || {
        let asked = view_state.get().query();
        async move { list_incidents(asked).await }
    });
    let reliability = LocalResource::new(move || {
        let view = view_state.get();
        let asked = SummaryQuery {
            group_by: Some(GroupBy::Probe),
            filters: view.filters.clone(),
            from: view.from.clone(),
            to: view.to.clone(),
        };
        async move { indicators_summary(asked).await }
    });
    let environments =
        Signal::derive(move || view_state.with(|view| view.filters.environment.clone()));
    let scope = move || view_state.with(|view| scope_text(&view.from, &view.to, &view.filters));
    view! {
        <h1>{move || i18n.t("incidents.title")}</h1>
        <p class="hint runs-scope">{scope}</p>
        <EnvironmentChoice current=environments
            on_choose=Callback::new(move |chosen| go.run(view_state.get_untracked().with_environments(chosen)))/>
        <RecetteMark environments/>
        <div class="status-choices" role="group" aria-label=move || i18n.t("incidents.range")>
            <QuickRanges range=Signal::derive(move || view_state.with(|view| (view.from.clone(), view.to.clone())))
                on_choose=Callback::new(move |from| go.run(view_state.get_untracked().over(from)))/>
            {[(Lanes::Probe, "incidents.lanes.probe"), (Lanes::Service, "incidents.lanes.service")].into_iter().map(|(lanes, key)| {
                let pressed = move || view_state.with(|view| view.lanes == lanes).to_string();
                view! { <button type="button" class="lanes" aria-pressed=pressed
                    on:click=move |_| go.run(view_state.get_untracked().with_lanes(lanes))>{move || i18n.t(key)}</button> }
            }).collect_view()}
        </div>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t("common.loading")}</p> }>
            {move || {
                i18n.lang();
                page.get().map(|answer| match answer {
                    Err(error) => view! { <p class="error" role="alert">{i18n.t(error.message_key())}</p> }.into_any(),
                    Ok(found) => {
                        let lanes = view_state.get_untracked().lanes;
                        let next = found.next_cursor.clone();
                        let empty = found.incidents.is_empty();
                        view! {
                            <Timeline incidents=found.incidents.clone() maintenance=found.maintenance
                                range=(found.from_ms, found.to_ms) lanes/>
                            {if empty {
                                view! { <p class="empty">{i18n.t("incidents.empty")}</p> }.into_any()
                            } else {
                                view! { <IncidentsTable i18n incidents=found.incidents/> }.into_any()
                            }}
                            <nav class="pager" aria-label=i18n.t("runs.pages")>
                                {view_state.get_untracked().cursor.is_some().then(|| view! {
                                    <button type="button" on:click=move |_| go.run(view_state.get_untracked().at(None))>
                                        {i18n.t("runs.first_page")}</button>
                                })}
                                {next.map(|cursor| view! {
                                    <button type="button" on:click=move |_| go.run(view_state.get_untracked().at(Some(cursor.clone())))>
                                        {i18n.t("runs.next_page")}</button>
                                })}
                            </nav>
                        }.into_any()
                    }
                })
            }}
        </Suspense>
        <h2>{move || i18n.t("incidents.reliability")}</h2>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t("common.loading")}</p> }>
            {move || {
                i18n.lang();
                reliability.get().map(|answer| match answer {
                    Err(error) => view! { <p class="error" role="alert">{i18n.t(error.message_key())}</p> }.into_any(),
                    Ok(summary) => view! { <ReliabilityTable i18n rows=summary.rows/> }.into_any(),
                })
            }}
        </Suspense>
        <p class="hint">{move || i18n.t("incidents.definitions")}</p>
    }
}

/// The incidents of the page, each opening its incident page.
#[component]
fn IncidentsTable(i18n: I18n, incidents: Vec<IncidentItem>) -> impl IntoView {
    let lang = i18n.lang();
    view! {
        <div class="table-scroll">
        <table class="runs-table incidents-table" aria-label=i18n.t("incidents.title")>
            <thead><tr>
                <th scope="col">{i18n.t("incidents.started_at")}</th>
                <th scope="col">{i18n.t("incidents.ended_at")}</th>
                <th scope="col" class="number">{i18n.t("incidents.duration")}</th>
                <th scope="col">{i18n.t("runs.probe")}</th>
                <th scope="col">{i18n.t("runs.failed_step")}</th>
                <th scope="col">{i18n.t("incidents.service")}</th>
                <th scope="col">{i18n.t("incidents.cause")}</th>
                <th scope="col" class="number">{i18n.t("incidents.failed_runs")}</th>
                <th scope="col" class="number">{i18n.t("incidents.impacted")}</th>
            </tr></thead>
            <tbody>
                {incidents.into_iter().map(|incident| {
                    let ended = match incident.ended_at_ms {
                        Some(at) => format_datetime(lang, at),
                        None => i18n.t("incidents.ongoing"),
                    };
                    view! {
                        <tr class:open=incident.ended_at_ms.is_none()>
                            <td><a href=incident_href(&incident.incident_id)>{format_datetime(lang, incident.started_at_ms)}</a></td>
                            <td>{ended}</td>
                            <td class="number">{format_span_s(lang, incident.duration_ms / 1000)}</td>
                            <td class="code">{incident.probe_code}
                                {(incident.environment.as_deref() == Some(RECETTE)).then(|| view! {
                                    " " <span class="tag env-recette">{i18n.t("env.recette")}</span>
                                })}
                            </td>
                            <td class="code">{incident.failed_step_code.unwrap_or_default()}</td>
                            <td class="code">{incident.service_code.unwrap_or_default()}</td>
                            <td><span class=format!("cause-badge cause-{}", incident.cause)>{i18n.t(&format!("incidents.cause.{}", incident.cause))}</span></td>
                            <td class="number">{format_count(lang, incident.failed_runs)}</td>
                            <td class="number">{format_count(lang, incident.impacted_prospects)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// Per probe: incidents, downtime, MTTR and MTBF over the range.
#[component]
fn ReliabilityTable(i18n: I18n, rows: Vec<SummaryRow>) -> impl IntoView {
    let lang = i18n.lang();
    let span =
        move |value: Option<i64>| value.map_or_else(|| "—".to_string(), |s| format_span_s(lang, s));
    view! {
        <div class="table-scroll">
        <table class="runs-table reliability-table" aria-label=i18n.t("incidents.reliability")>
            <thead><tr>
                <th scope="col">{i18n.t("runs.probe")}</th>
                <th scope="col" class="number">{i18n.t("explorer.summary.incidents")}</th>
                <th scope="col" class="number">{i18n.t("explorer.summary.downtime")}</th>
                <th scope="col" class="number">{i18n.t("explorer.summary.mttr")}</th>
                <th scope="col" class="number">{i18n.t("explorer.summary.mtbf")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <th scope="row" class="code">{row.key.values().next().cloned().unwrap_or_default()}</th>
                        <td class="number">{format_count(lang, row.incidents)}</td>
                        <td class="number">{format_span_s(lang, row.downtime_s)}</td>
                        <td class="number">{span(row.mttr_s)}</td>
                        <td class="number">{span(row.mtbf_s)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
