//! A run's steps as a waterfall: one row per step, its bar placed on the run's time axis
//! from its start offset for its duration, coloured by status; the failing step stands
//! out. Plain HTML and CSS, so that it prints and reads without a chart library.

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::runs::StepItem;
use crate::i18n::format_duration_ms;

/// Where a bar starts and how wide it is, in percent of the axis.
fn placement(step: &StepItem, axis_ms: i64) -> (f64, f64) {
    let axis = axis_ms.max(1) as f64;
    let left = (step.offset_ms.max(0) as f64 / axis * 100.0).min(100.0);
    // A step too short to see still shows as a sliver.
    let width = (step.duration_ms.max(0) as f64 / axis * 100.0)
        .max(0.4)
        .min(100.0 - left);
    (left, width)
}

/// The axis: the run's duration, or the last step's end if it is later.
fn axis_ms(steps: &[StepItem], run_duration_ms: i64) -> i64 {
    steps
        .iter()
        .map(|step| step.offset_ms + step.duration_ms)
        .fold(run_duration_ms, i64::max)
}

#[component]
pub fn Waterfall(
    steps: Vec<StepItem>,
    run_duration_ms: i64,
    failed_step: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let axis = axis_ms(&steps, run_duration_ms);
    view! {
        <figure class="waterfall" aria-label=i18n.t("run.waterfall")>
            <ol>
                {steps.into_iter().map(|step| {
                    let (left, width) = placement(&step, axis);
                    let status = step.status.as_str().to_lowercase();
                    let failing = failed_step.as_deref() == Some(step.step_code.as_str());
                    let title = format!(
                        "{} · {} · +{} · {}",
                        step.step_code,
                        i18n.t(&format!("status.{}", step.status.as_str())),
                        format_duration_ms(lang, step.offset_ms),
                        format_duration_ms(lang, step.duration_ms),
                    );
                    view! {
                        <li class=format!("waterfall-row status-{status}") class:failing=failing
                            data-step=step.step_code.clone()>
                            <span class="step-name">{format!("{}. {}", step.position, step.step_code)}</span>
                            <span class="bar-track">
                                <span class="bar" title=title
                                    style=format!("left: {left:.2}%; width: {width:.2}%")></span>
                            </span>
                            <span class="step-duration">{format_duration_ms(lang, step.duration_ms)}</span>
                            <span class=format!("run-badge {status}")>{i18n.t(&format!("status.{}", step.status.as_str()))}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <figcaption class="waterfall-axis">
                <span>"0"</span>
                <span>{format_duration_ms(lang, axis / 2)}</span>
                <span>{format_duration_ms(lang, axis)}</span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::StepStatus;

    fn step(offset_ms: i64, duration_ms: i64) -> StepItem {
        StepItem {
            step_code: "S".into(),
            position: 1,
            offset_ms,
            duration_ms,
            status: StepStatus::Ok,
            http_status: None,
            error_code: None,
            error_label: None,
            message: None,
        }
    }

    #[test]
    fn bars_are_placed_on_the_run_axis() {
        let steps = [step(0, 1_000), step(1_000, 3_000)];
        let axis = axis_ms(&steps, 2_000);
        assert_eq!(axis, 4_000);
        assert_eq!(placement(&steps[0], axis), (0.0, 25.0));
        assert_eq!(placement(&steps[1], axis), (25.0, 75.0));
        // A zero-length step is still drawn.
        assert_eq!(placement(&step(2_000, 0), axis), (50.0, 0.4));
        assert_eq!(placement(&step(4_000, 0), axis), (100.0, 0.0));
    }
}
