//! `/runs/:run_id`: one run, its steps as a waterfall, its error (code, label,
//! category, message, agent), its incident, how many real prospects' events its failed
//! step saw around it, and the probe's runs just before and after.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::runs::show_run;
use crate::components::i18n_context::{use_i18n, I18n};
use crate::domain::runs::RunDetail;
use crate::i18n::{format_count, format_datetime, format_duration_ms, Message};
use crate::pages::incidents::incident_href;

use super::url_state::{run_href, RunsView};
use super::waterfall::Waterfall;

#[component]
pub fn RunPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let run_id = Memo::new(move |_| params.with(|params| params.get("run_id").unwrap_or_default()));
    let detail = LocalResource::new(move || {
        let run_id = run_id.get();
        async move { show_run(run_id).await }
    });
    view! {
        <Suspense fallback=move || view! { <p class="loading">{i18n.t("common.loading")}</p> }>
            // Read the language here: the run is drawn again when it changes.
            {move || {
                i18n.lang();
                detail.get().map(|answer| match answer {
                Ok(found) => view! { <RunView i18n detail=found/> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{i18n.t(error.message_key())}</p> }.into_any(),
            })
            }}
        </Suspense>
    }
}

#[component]
fn RunView(i18n: I18n, detail: RunDetail) -> impl IntoView {
    let lang = i18n.lang();
    let run = detail.run.clone();
    let status = run.status.as_str();
    let probe_runs = RunsView::of_probe(&run.probe_code).href();
    let error = run.error_code.clone().map(|code| {
        let category = detail
            .error_category
            .map(|category| format!(" · {}", i18n.t(&format!("error_category.{category}"))))
            .unwrap_or_default();
        let label = detail
            .error_label
            .clone()
            .map(|label| format!(" — {label}"))
            .unwrap_or_default();
        format!("{code}{label}{category}")
    });
    let http = detail
        .steps
        .iter()
        .find(|step| Some(&step.step_code) == run.failed_step_code.as_ref())
        .and_then(|step| step.http_status);
    view! {
        <h1>{format!("{} · {}", run.probe_code, format_datetime(lang, run.started_at_ms))}</h1>
        <p class="run-summary">
            <span class=format!("run-badge {}", status.to_lowercase())>{i18n.t(&format!("status.{status}"))}</span>
            " " {format!("{} {}", i18n.t("runs.duration"), format_duration_ms(lang, run.duration_ms))}
            {run.failed_step_code.clone().map(|step| format!(" · {} {step}", i18n.t("board.failed_at")))}
        </p>
        <dl class="run-facts">
            {error.map(|text| view! { <div><dt>{i18n.t("runs.error")}</dt><dd>{text}</dd></div> })}
            {http.map(|code| view! { <div><dt>{i18n.t("run.http_status")}</dt><dd>{code}</dd></div> })}
            {detail.error_message.clone().map(|text| view! { <div><dt>{i18n.t("run.message")}</dt><dd>{text}</dd></div> })}
            {detail.agent.clone().map(|text| view! { <div><dt>{i18n.t("run.agent")}</dt><dd>{text}</dd></div> })}
            {detail.incident_id.clone().map(|id| view! {
                <div><dt>{i18n.t("run.incident")}</dt><dd><a class="code" href=incident_href(&id)>{id.clone()}</a></dd></div>
            })}
            {detail.step_events.clone().map(|events| {
                let counts = Message::new("run.step_events.counts")
                    .arg(format_count(lang, events.started))
                    .arg(format_count(lang, events.completed))
                    .arg(format_count(lang, events.failed))
                    .arg(format_count(lang, events.abandoned))
                    .render(lang);
                view! { <div class="step-events"><dt>{i18n.t("run.step_events")}</dt><dd>{counts}</dd></div> }
            })}
        </dl>
        <h2>{i18n.t("run.waterfall")}</h2>
        <Waterfall steps=detail.steps.clone() run_duration_ms=run.duration_ms
            failed_step=run.failed_step_code.clone()/>
        <nav class="run-links" aria-label=i18n.t("run.around")>
            {detail.previous_run_id.clone().map(|id| view! { <a href=run_href(&id) rel="prev">{i18n.t("run.previous")}</a> })}
            <a href=probe_runs>{i18n.t("run.probe_runs")}</a>
            {detail.next_run_id.clone().map(|id| view! { <a href=run_href(&id) rel="next">{i18n.t("run.next")}</a> })}
        </nav>
    }
}
