use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::board::BoardSnapshot;
use crate::i18n::format_time;

/// The banner at the top of the board: what is down right now, or that all is well.
#[component]
pub fn DownBanner(snapshot: BoardSnapshot) -> impl IntoView {
    let i18n = use_i18n();
    let down: Vec<(String, Option<i64>, Option<String>)> = snapshot
        .down()
        .into_iter()
        .map(|(_, probe)| {
            (
                probe.label.clone(),
                probe.down_since_ms,
                probe.last_failed_step.clone(),
            )
        })
        .collect();
    if down.is_empty() {
        return view! { <div class="banner all-up" role="status">{i18n.t("board.all_up")}</div> }
            .into_any();
    }
    view! {
        <div class="banner down" role="alert">
            <strong>{i18n.t("board.down_banner")}</strong>
            <ul>
                {down.into_iter().map(|(probe, since, step)| view! {
                    <li>
                        <strong>{probe}</strong>
                        {since.map(|at| format!(" · {} {}", i18n.t("board.down_since"), format_time(at)))}
                        {step.map(|step| format!(" · {} {step}", i18n.t("board.failed_at")))}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}
