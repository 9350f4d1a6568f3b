use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::board::{BoardSnapshot, ProbeTile};
use crate::i18n::format_time;
use crate::pages::incidents::incident_href;

/// The banner at the top of the board: what is down right now (each opening its
/// incident), or that all is well.
#[component]
pub fn DownBanner(snapshot: BoardSnapshot) -> impl IntoView {
    let i18n = use_i18n();
    let down: Vec<ProbeTile> = snapshot
        .down()
        .into_iter()
        .map(|(_, probe)| probe.clone())
        .collect();
    if down.is_empty() {
        return view! { <div class="banner all-up" role="status">{i18n.t("board.all_up")}</div> }
            .into_any();
    }
    view! {
        <div class="banner down" role="alert">
            <strong>{i18n.t("board.down_banner")}</strong>
            <ul>
                {down.into_iter().map(|probe| view! {
                    <li>
                        <strong>{probe.label}</strong>
                        {probe.down_since_ms.map(|at| format!(" · {} {}", i18n.t("board.down_since"), format_time(at)))}
                        {probe.last_failed_step.map(|step| format!(" · {} {step}", i18n.t("board.failed_at")))}
                        {probe.incident_id.map(|id| view! { " · " <a href=incident_href(&id)>{i18n.t("board.open_incident")}</a> })}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}
