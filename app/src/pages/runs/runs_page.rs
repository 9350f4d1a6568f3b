//! `/runs`: the runs of a range, newest first, a page at a time, with the counts per
//! status of the whole range as buttons that show only those runs.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::pages::url_query::scope_text;

use crate::api::runs::list_runs;
use crate::components::environment_choice::{EnvironmentChoice, RecetteMark};
use crate::components::i18n_context::{use_i18n, I18n};
use crate::domain::runs::RunItem;
use crate::domain::status::RunStatus;
use crate::i18n::{format_count, format_datetime, format_duration_ms};

use super::url_state::{run_href, RunsView};

/// The status buttons: every run, failed runs (KO and TIMEOUT), then each status.
fn status_choices() -> [(&'static str, Vec<RunStatus>); 5] {
    [
        ("runs.status.all", vec![]),
        (
            "runs.status.failed",
            vec![RunStatus::Ko, RunStatus::Timeout],
        ),
        ("status.OK", vec![RunStatus::Ok]),
        ("status.KO", vec![RunStatus::Ko]),
        ("status.TIMEOUT", vec![RunStatus::Timeout]),
    ]
}

#[component]
pub fn RunsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let view_state = Memo::new(move |_| query.with(RunsView::from_query));
    let navigate = use_navigate();
    let go = Callback::new(move |next: RunsView| navigate(&next.href(), Default::default()));
    let page = LocalResource::new(move || {
        let asked = view_state.get().query();
        async move { list_runs(asked).await }
    });
    let counts = Memo::new(move |_| {
        page.get()
            .and_then(Result::ok)
            .map(|page| page.counts)
            .unwrap_or_default()
    });
    let environments =
        Signal::derive(move || view_state.with(|view| view.filters.environment.clone()));
    let scope = move || view_state.with(|view| scope_text(&view.from, &view.to, &view.filters));
    view! {
        <h1>{move || i18n.t("runs.title")}</h1>
        <p class="hint runs-scope">{scope}</p>
        <EnvironmentChoice current=environments
            on_choose=Callback::new(move |chosen| go.run(view_state.get_untracked().with_environments(chosen)))/>
        <RecetteMark environments/>
        <div class="status-choices" role="group" aria-label=move || i18n.t("runs.status")>
            {status_choices().into_iter().map(|(key, statuses)| {
                let pressed = {
                    let statuses = statuses.clone();
                    move || view_state.with(|view| view.statuses == statuses).to_string()
                };
                let label = {
                    let statuses = statuses.clone();
                    move || format!("{} ({})", i18n.t(key),
                        format_count(i18n.lang(), counts.with(|counts| counts.of(&statuses))))
                };
                let choose = move |_| go.run(view_state.get_untracked().with_statuses(statuses.clone()));
                view! { <button type="button" aria-pressed=pressed on:click=choose>{label}</button> }
            }).collect_view()}
        </div>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t("common.loading")}</p> }>
            // Read the language here: the table is drawn again when it changes.
            {move || {
                i18n.lang();
                page.get().map(|answer| match answer {
                Err(error) => view! { <p class="error" role="alert">{i18n.t(error.message_key())}</p> }.into_any(),
                Ok(found) if found.runs.is_empty() => view! { <p class="empty">{i18n.t("runs.empty")}</p> }.into_any(),
                Ok(found) => {
                    let next = found.next_cursor.clone();
                    view! {
                        <RunsTable i18n runs=found.runs label=i18n.t("runs.title")/>
                        <Pager i18n view_state next go/>
                    }.into_any()
                }
            })
            }}
        </Suspense>
    }
}

/// Runs, each opening its run page; `label` names the table.
#[component]
pub fn RunsTable(i18n: I18n, runs: Vec<RunItem>, label: String) -> impl IntoView {
    let lang = i18n.lang();
    view! {
        <table class="runs-table" aria-label=label>
            <thead><tr>
                <th scope="col">{i18n.t("runs.started_at")}</th>
                <th scope="col">{i18n.t("runs.probe")}</th>
                <th scope="col">{i18n.t("runs.status")}</th>
                <th scope="col" class="number">{i18n.t("runs.duration")}</th>
                <th scope="col">{i18n.t("runs.failed_step")}</th>
                <th scope="col">{i18n.t("runs.error")}</th>
            </tr></thead>
            <tbody>
                {runs.into_iter().map(|run| {
                    let status = run.status.as_str();
                    view! {
                        <tr class=format!("run status-{}", status.to_lowercase())>
                            <td><a href=run_href(&run.run_id)>{format_datetime(lang, run.started_at_ms)}</a></td>
                            <td class="code">{run.probe_code}</td>
                            <td><span class=format!("run-badge {}", status.to_lowercase())>{i18n.t(&format!("status.{status}"))}</span></td>
                            <td class="number">{format_duration_ms(lang, run.duration_ms)}</td>
                            <td class="code">{run.failed_step_code.unwrap_or_default()}</td>
                            <td class="code">{run.error_code.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Back to the first page, and on to the next one.
#[component]
fn Pager(
    i18n: I18n,
    view_state: Memo<RunsView>,
    next: Option<String>,
    go: Callback<RunsView>,
) -> impl IntoView {
    let on_first = view_state.with_untracked(|view| view.cursor.is_none());
    view! {
        <nav class="pager" aria-label=i18n.t("runs.pages")>
            {(!on_first).then(|| view! {
                <button type="button" on:click=move |_| go.run(view_state.get_untracked().at(None))>
                    {i18n.t("runs.first_page")}
                </button>
            })}
            {next.map(|cursor| view! {
                <button type="button" on:click=move |_| go.run(view_state.get_untracked().at(Some(cursor.clone())))>
                    {i18n.t("runs.next_page")}
                </button>
            })}
        </nav>
    }
}
