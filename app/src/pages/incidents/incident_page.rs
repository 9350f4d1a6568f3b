//! `/incidents/:incident_id`: one incident: when, how long, where (probe, product,
//! step, service), whose (cause), its impact on real prospects, its steps' errors and
//! its failed runs, each opening its waterfall.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::incidents::show_incident;
use crate::components::i18n_context::{use_i18n, I18n};
use crate::domain::incidents::IncidentDetail;
use crate::domain::indicators::Filters;
use crate::domain::status::RunStatus;
use crate::i18n::{format_count, format_datetime, format_span_s};
use crate::pages::runs::{run_href, RunsTable, RunsView};

#[component]
pub fn IncidentPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let incident_id =
        Memo::new(move |_| params.with(|params| params.get("incident_id").unwrap_or_default()));
    let detail = LocalResource::new(move || {
        let incident_id = incident_id.get();
        async move { show_incident(incident_id).await }
    });
    view! {
        <Suspense fallback=move || view! { <p class="loading">{i18n.t("common.loading")}</p> }>
            {move || {
                i18n.lang();
                detail.get().map(|answer| match answer {
                    Ok(found) => view! { <IncidentView i18n detail=found/> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{i18n.t(error.message_key())}</p> }.into_any(),
                })
            }}
        </Suspense>
    }
}

/// The probe's failed runs over the incident, in the runs list.
fn runs_during(detail: &IncidentDetail) -> String {
    let incident = &detail.incident;
    RunsView {
        from: incident.started_at_ms.to_string(),
        to: incident
            .ended_at_ms
            .map_or_else(|| "now".to_string(), |end| end.to_string()),
        filters: Filters {
            probe: vec![incident.probe_code.clone()],
            ..Filters::default()
        },
        statuses: vec![RunStatus::Ko, RunStatus::Timeout],
        cursor: None,
    }
    .href()
}

#[component]
fn IncidentView(i18n: I18n, detail: IncidentDetail) -> impl IntoView {
    let lang = i18n.lang();
    let incident = detail.incident.clone();
    let runs_list = runs_during(&detail);
    let fact = |key: &str, value: String| {
        view! { <div><dt>{i18n.t(key)}</dt><dd>{value}</dd></div> }
    };
    let ended = match incident.ended_at_ms {
        Some(at) => format_datetime(lang, at),
        None => i18n.t("incidents.ongoing"),
    };
    let error = incident.error_code.clone().map(|code| {
        let label = incident
            .error_label
            .clone()
            .map(|label| format!(" — {label}"))
            .unwrap_or_default();
        format!("{code}{label}")
    });
    view! {
        <h1>{format!("{} · {} {}", i18n.t("incidents.one"), incident.probe_code, format_datetime(lang, incident.started_at_ms))}</h1>
        <p class="run-summary">
            <span class=format!("cause-badge cause-{}", incident.cause)>{i18n.t(&format!("incidents.cause.{}", incident.cause))}</span>
            " " {format!("{} {}", i18n.t("incidents.duration"), format_span_s(lang, incident.duration_ms / 1000))}
            {incident.ended_at_ms.is_none().then(|| view! { " " <span class="run-badge ko">{i18n.t("incidents.ongoing")}</span> })}
        </p>
        <dl class="run-facts">
            {fact("incidents.started_at", format_datetime(lang, incident.started_at_ms))}
            {fact("incidents.ended_at", ended)}
            {fact("runs.probe", incident.probe_code.clone())}
            {incident.product_code.clone().map(|product| fact("incidents.product", product))}
            {incident.failed_step_code.clone().map(|step| fact("runs.failed_step", step))}
            {incident.service_code.clone().map(|service| fact("incidents.service", service))}
            {error.map(|text| fact("runs.error", text))}
            {fact("incidents.failed_runs", format_count(lang, incident.failed_runs))}
            {fact("incidents.impacted", format_count(lang, incident.impacted_prospects))}
        </dl>
        <h2>{i18n.t("incident.step_errors")}</h2>
        <table class="runs-table" aria-label=i18n.t("incident.step_errors")>
            <thead><tr>
                <th scope="col">{i18n.t("incident.step")}</th>
                <th scope="col">{i18n.t("runs.error")}</th>
                <th scope="col" class="number">{i18n.t("incident.count")}</th>
            </tr></thead>
            <tbody>
                {detail.step_errors.into_iter().map(|error| view! {
                    <tr>
                        <td class="code">{error.step_code}</td>
                        <td>{format!("{}{}", error.error_code.unwrap_or_default(),
                            error.error_label.map(|label| format!(" — {label}")).unwrap_or_default())}</td>
                        <td class="number">{format_count(lang, error.count)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <h2>{i18n.t("incident.runs")}</h2>
        <RunsTable i18n runs=detail.runs.clone() label=i18n.t("incident.runs")/>
        <nav class="run-links" aria-label=i18n.t("run.around")>
            <a href=runs_list>{i18n.t("incident.runs_list")}</a>
            {detail.recovery_run_id.clone().map(|id| view! { <a href=run_href(&id)>{i18n.t("incident.recovery")}</a> })}
            <a href=RunsView::of_probe(&incident.probe_code).href()>{i18n.t("run.probe_runs")}</a>
            <a href="/incidents">{i18n.t("incident.all")}</a>
        </nav>
    }
}
