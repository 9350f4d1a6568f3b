//! A funnel drawn: the journeys' totals, one bar per step (its width the share of the
//! started journeys that reached it) with conversion, drop-off, failures and give-ups,
//! the probes' success rate beside the prospects' failure rate, and each step's
//! conversion per day (or hour) as a table shaded by value.

use leptos::prelude::*;

use crate::components::i18n_context::I18n;
use crate::domain::funnel::{percent, Funnel};
use crate::i18n::{format_count, format_datetime, format_percent};

fn optional_percent(i18n: I18n, value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |pct| format_percent(i18n.lang(), pct))
}

#[component]
pub fn FunnelView(i18n: I18n, funnel: Funnel) -> impl IntoView {
    let lang = i18n.lang();
    let started = funnel.journeys.started;
    let totals = format!(
        "{} {} · {} {} ({}) · {} {} · {} {}",
        format_count(lang, started),
        i18n.t("journeys.started"),
        format_count(lang, funnel.journeys.completed),
        i18n.t("journeys.completed"),
        optional_percent(i18n, funnel.conversion_pct()),
        format_count(lang, funnel.journeys.failed),
        i18n.t("journeys.failed"),
        format_count(lang, funnel.journeys.abandoned),
        i18n.t("journeys.abandoned"),
    );
    let mut before = started;
    let rows = funnel
        .steps
        .iter()
        .map(|step| {
            let width = percent(step.reached, started)
                .unwrap_or(0.0)
                .clamp(0.0, 100.0);
            let drop_off = (before - step.reached).max(0);
            before = step.reached;
            // The probe says the step is broken, and the events say people hit it.
            let alarm = step.probe_success_pct.is_some_and(|pct| pct < 99.0) && step.failed > 0;
            view! {
                <tr class:alarm=alarm data-step=step.step_code.clone()>
                    <th scope="row">{format!("{}. {}", step.position, step.label)}</th>
                    <td class="funnel-bar-cell">
                        <span class="funnel-bar" style=format!("width: {width:.1}%")></span>
                        <span class="funnel-count">{format_count(lang, step.reached)}</span>
                    </td>
                    <td class="number">{optional_percent(i18n, step.conversion_pct)}</td>
                    <td class="number">{format_count(lang, drop_off)}</td>
                    <td class="number">{format_count(lang, step.failed)}</td>
                    <td class="number">{format_count(lang, step.abandoned)}</td>
                    <td class="number">{optional_percent(i18n, step.failure_pct)}</td>
                    <td class="number">{optional_percent(i18n, step.probe_success_pct)}</td>
                </tr>
            }
        })
        .collect_view();
    let step_names: Vec<String> = funnel
        .steps
        .iter()
        .map(|step| step.step_code.clone())
        .collect();
    let bucket_label = if funnel.hourly {
        "journeys.by_hour"
    } else {
        "journeys.by_day"
    };
    view! {
        <p class="funnel-totals">{totals}</p>
        <div class="table-scroll">
        <table class="runs-table funnel-table" aria-label=i18n.t("journeys.funnel")>
            <thead><tr>
                <th scope="col">{i18n.t("incident.step")}</th>
                <th scope="col">{i18n.t("journeys.reached")}</th>
                <th scope="col" class="number">{i18n.t("journeys.conversion")}</th>
                <th scope="col" class="number">{i18n.t("journeys.drop_off")}</th>
                <th scope="col" class="number">{i18n.t("journeys.failed")}</th>
                <th scope="col" class="number">{i18n.t("journeys.abandoned")}</th>
                <th scope="col" class="number">{i18n.t("journeys.failure_rate")}</th>
                <th scope="col" class="number">{i18n.t("journeys.probe_success")}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
        <h2>{i18n.t(bucket_label)}</h2>
        <div class="table-scroll">
            <table class="runs-table funnel-over-time" aria-label=i18n.t(bucket_label)>
                <thead><tr>
                    <th scope="col">{i18n.t("journeys.period")}</th>
                    <th scope="col" class="number">{i18n.t("journeys.started_column")}</th>
                    {step_names.iter().map(|name| view! { <th scope="col" class="number code">{name.clone()}</th> }).collect_view()}
                    <th scope="col" class="number">{i18n.t("journeys.conversion")}</th>
                </tr></thead>
                <tbody>
                    {funnel.buckets.into_iter().rev().map(|bucket| {
                        let mut before = bucket.started;
                        let cells = bucket.reached.iter().map(|reached| {
                            let pct = percent(*reached, before);
                            before = *reached;
                            let shade = pct.unwrap_or(100.0).clamp(0.0, 100.0);
                            view! {
                                <td class="number heat" style=format!("--heat: {:.2}", (100.0 - shade) / 100.0)
                                    title=format_count(lang, *reached)>
                                    {optional_percent(i18n, pct)}
                                </td>
                            }
                        }).collect_view();
                        view! {
                            <tr>
                                <th scope="row">{format_datetime(lang, bucket.start_ms)}</th>
                                <td class="number">{format_count(lang, bucket.started)}</td>
                                {cells}
                                <td class="number">{optional_percent(i18n, percent(bucket.completed, bucket.started))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
