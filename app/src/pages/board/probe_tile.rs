use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::board::ProbeTile;
use crate::i18n::{format_datetime, format_duration_ms, format_percent};

use super::sparkline::Sparkline;
use crate::pages::runs::RunsView;

/// One probe: state now, last run, availability today / 7 d / 30 d, recent durations.
#[component]
pub fn ProbeTileView(probe: ProbeTile) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let availability = move |value: Option<f64>| {
        value
            .map(|pct| format_percent(lang, pct))
            .unwrap_or_else(|| "—".to_string())
    };
    let last_run = match (probe.last_run_at_ms, probe.last_status) {
        (Some(at), Some(status)) => format!(
            "{} · {}{}",
            format_datetime(lang, at),
            i18n.t(&format!("status.{}", status.as_str())),
            probe
                .last_duration_ms
                .map(|ms| format!(" · {}", format_duration_ms(lang, ms)))
                .unwrap_or_default()
        ),
        _ => i18n.t("board.never"),
    };
    let failure = probe.last_failed_step.clone().map(|step| {
        let error = match (&probe.last_error_code, &probe.last_error_label) {
            (Some(code), Some(label)) => format!(" · {code} — {label}"),
            (Some(code), None) => format!(" · {code}"),
            _ => String::new(),
        };
        format!("{} {step}{error}", i18n.t("board.failed_at"))
    });
    view! {
        <article class=format!("tile state-{}", probe.state.css_class())
            aria-label=probe.label.clone()
            data-probe=probe.probe_code.clone()
            data-state=probe.state.css_class()
            data-last-run=probe.last_run_at_ms.map(|at| at.to_string()).unwrap_or_default()>
            <header>
                <h3 title=probe.label.clone()>
                    {i18n.t(&format!("channel.{}", probe.channel))}
                    <span class=format!("tag env-{}", probe.environment)>{i18n.t(&format!("env.{}", probe.environment))}</span>
                </h3>
                <span class=format!("state-badge {}", probe.state.css_class())>{i18n.t(probe.state.label_key())}</span>
            </header>
            <p class="code">{probe.probe_code.clone()}</p>
            <p class="last-run"><span class="label">{i18n.t("board.last_run")}</span>" "{last_run}</p>
            {failure.map(|text| view! { <p class="failure">{text}</p> })}
            <dl class="availability">
                <div><dt>{i18n.t("board.today")}</dt><dd>{availability(probe.availability_today)}</dd></div>
                <div><dt>{i18n.t("board.days7")}</dt><dd>{availability(probe.availability_7d)}</dd></div>
                <div><dt>{i18n.t("board.days30")}</dt><dd>{availability(probe.availability_30d)}</dd></div>
            </dl>
            <Sparkline probe_code=probe.probe_code.clone() recent=probe.recent.clone()
                label=format!("{} — {}", i18n.t("board.recent_durations"), probe.label)/>
            <a class="tile-runs" href=RunsView::of_probe(&probe.probe_code).href()>{i18n.t("board.open_runs")}</a>
        </article>
    }
}
