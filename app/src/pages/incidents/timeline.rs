//! The incidents of a range on a time axis: one lane per probe (or per service), a bar
//! from each incident's start to its end (to now while open), each opening its page;
//! maintenance windows on a lane of their own and shaded behind every lane, so that a
//! planned stop is never read as an incident. Plain HTML and CSS, like the waterfall.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::incidents::{IncidentItem, MaintenanceSpan};
use crate::i18n::{format_datetime, format_span_s};

use super::url_state::{incident_href, Lanes};

/// Where a span starts and how wide it is, in percent of `[from, to)`.
pub fn placement(start_ms: i64, end_ms: i64, (from, to): (i64, i64)) -> (f64, f64) {
    let axis = (to - from).max(1) as f64;
    let left = ((start_ms.max(from) - from) as f64 / axis * 100.0).clamp(0.0, 100.0);
    // A short incident still shows as a sliver.
    let right = ((end_ms.min(to) - from) as f64 / axis * 100.0).clamp(0.0, 100.0);
    (left, (right - left).max(0.3).min(100.0 - left))
}

/// The lane an incident is drawn in.
fn lane_of(incident: &IncidentItem, lanes: Lanes) -> String {
    match lanes {
        Lanes::Probe => incident.probe_code.clone(),
        Lanes::Service => incident.service_code.clone().unwrap_or_else(|| "—".into()),
    }
}

#[component]
pub fn Timeline(
    incidents: Vec<IncidentItem>,
    maintenance: Vec<MaintenanceSpan>,
    range: (i64, i64),
    lanes: Lanes,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut by_lane: BTreeMap<String, Vec<IncidentItem>> = BTreeMap::new();
    for incident in incidents {
        by_lane
            .entry(lane_of(&incident, lanes))
            .or_default()
            .push(incident);
    }
    let shading: Vec<(f64, f64)> = maintenance
        .iter()
        .map(|window| placement(window.starts_at_ms, window.ends_at_ms, range))
        .collect();
    let shade = move || {
        shading
            .iter()
            .map(|(left, width)| view! {
                <span class="maintenance-shade" style=format!("left: {left:.2}%; width: {width:.2}%")></span>
            })
            .collect_view()
    };
    let maintenance_bars = maintenance
        .into_iter()
        .map(|window| {
            let (left, width) = placement(window.starts_at_ms, window.ends_at_ms, range);
            let scope = match &window.scope_code {
                Some(code) => format!("{} {code}", i18n.t(&format!("maintenance.scope.{}", window.scope))),
                None => i18n.t("maintenance.scope.all"),
            };
            let title = format!(
                "{scope} · {} → {}{}",
                format_datetime(lang, window.starts_at_ms),
                format_datetime(lang, window.ends_at_ms),
                window.reason.map(|reason| format!(" · {reason}")).unwrap_or_default(),
            );
            view! { <span class="bar maintenance" title=title style=format!("left: {left:.2}%; width: {width:.2}%")></span> }
        })
        .collect_view();
    let lane_name = match lanes {
        Lanes::Probe => i18n.t("incidents.lanes.probe"),
        Lanes::Service => i18n.t("incidents.lanes.service"),
    };
    view! {
        <figure class="timeline" aria-label=i18n.t("incidents.timeline")>
            <ol>
                <li class="timeline-row maintenance-row">
                    <span class="lane-name">{i18n.t("incidents.maintenance")}</span>
                    <span class="bar-track">{maintenance_bars}</span>
                </li>
                {by_lane.into_iter().map(|(lane, incidents)| view! {
                    <li class="timeline-row" data-lane=lane.clone()>
                        <span class="lane-name" title=lane_name.clone()>{lane.clone()}</span>
                        <span class="bar-track">
                            {shade()}
                            {incidents.into_iter().map(|incident| {
                                let end = incident.started_at_ms + incident.duration_ms;
                                let (left, width) = placement(incident.started_at_ms, end, range);
                                let title = format!(
                                    "{} · {} · {} · {}",
                                    incident.probe_code,
                                    format_datetime(lang, incident.started_at_ms),
                                    format_span_s(lang, incident.duration_ms / 1000),
                                    incident.failed_step_code.clone().unwrap_or_default(),
                                );
                                view! {
                                    <a class=format!("bar incident cause-{}", incident.cause)
                                        class:open=incident.ended_at_ms.is_none()
                                        href=incident_href(&incident.incident_id) title=title
                                        style=format!("left: {left:.2}%; width: {width:.2}%")></a>
                                }
                            }).collect_view()}
                        </span>
                    </li>
                }).collect_view()}
            </ol>
            <figcaption class="timeline-axis">
                <span>{format_datetime(lang, range.0)}</span>
                <span>{format_datetime(lang, range.1)}</span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::placement;

    #[test]
    fn spans_are_clipped_to_the_axis_and_never_vanish() {
        assert_eq!(placement(25, 75, (0, 100)), (25.0, 50.0));
        assert_eq!(placement(-50, 50, (0, 100)), (0.0, 50.0));
        assert_eq!(placement(90, 500, (0, 100)), (90.0, 10.0));
        let (_, width) = placement(10, 10, (0, 100));
        assert!(width > 0.0);
    }
}
