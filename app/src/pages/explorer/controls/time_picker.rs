//! The time range: quick ranges (their expressions go to the URL as they are) and
//! absolute from/to inputs read as Europe/Paris time.

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::time_range::resolve;
use crate::i18n::format_datetime;

use crate::pages::explorer::paris_time::{expression_to_input, input_to_rfc3339, now_ms};
use crate::pages::explorer::url_state::ViewState;

/// Quick ranges: translation key, `from`, `to`.
pub const QUICK_RANGES: [(&str, &str, &str); 10] = [
    ("explorer.range.15m", "now-15m", "now"),
    ("explorer.range.1h", "now-1h", "now"),
    ("explorer.range.6h", "now-6h", "now"),
    ("explorer.range.24h", "now-24h", "now"),
    ("explorer.range.7d", "now-7d", "now"),
    ("explorer.range.30d", "now-30d", "now"),
    ("explorer.range.today", "now/d", "now"),
    ("explorer.range.yesterday", "now-1d/d", "now/d"),
    ("explorer.range.week", "now/w", "now"),
    ("explorer.range.month", "now/M", "now"),
];

#[component]
pub fn TimePicker(state: Memo<ViewState>, on_change: Callback<ViewState>) -> impl IntoView {
    let i18n = use_i18n();
    let from_input = RwSignal::new(String::new());
    let to_input = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| {
        let now = now_ms();
        state.with(|state| {
            from_input.set(expression_to_input(&state.from, now));
            to_input.set(expression_to_input(&state.to, now));
        });
        error.set(None);
    });
    let apply = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (from, to) = (
            input_to_rfc3339(&from_input.get_untracked()),
            input_to_rfc3339(&to_input.get_untracked()),
        );
        let (Some(from), Some(to)) = (from, to) else {
            error.set(Some("explorer.range.unreadable"));
            return;
        };
        let now = now_ms();
        if resolve(&from, now).ok() >= resolve(&to, now).ok() {
            error.set(Some("explorer.range.reversed"));
            return;
        }
        on_change.run(state.get_untracked().with_range(&from, &to));
    };
    let resolved = move || {
        let lang = i18n.lang();
        let now = now_ms();
        state.with(
            |state| match (resolve(&state.from, now), resolve(&state.to, now)) {
                (Ok(from), Ok(to)) => format!(
                    "{} → {}",
                    format_datetime(lang, from),
                    format_datetime(lang, to)
                ),
                _ => String::new(),
            },
        )
    };

    view! {
        <div class="time-picker" role="group" aria-label=move || i18n.t("explorer.range.title")>
            <div class="quick-ranges">
                {QUICK_RANGES.into_iter().map(|(key, from, to)| view! {
                    <button type="button"
                        aria-pressed=move || state.with(|state| (state.from == from && state.to == to).to_string())
                        on:click=move |_| on_change.run(state.get_untracked().with_range(from, to))>
                        {move || i18n.t(key)}
                    </button>
                }).collect_view()}
            </div>
            <form class="absolute-range" on:submit=apply>
                <label>
                    {move || i18n.t("explorer.range.from")}
                    <input type="datetime-local" bind:value=from_input required/>
                </label>
                <label>
                    {move || i18n.t("explorer.range.to")}
                    <input type="datetime-local" bind:value=to_input required/>
                </label>
                <button type="submit">{move || i18n.t("explorer.range.apply")}</button>
                <Show when=move || state.with(|state| state.zoom.is_some())>
                    <button type="button" on:click=move |_| on_change.run(state.get_untracked().unzoomed())>
                        {move || i18n.t("explorer.zoom.reset")}
                    </button>
                </Show>
                <span class="resolved-range">{resolved}</span>
            </form>
            {move || error.get().map(|key| view! { <p class="error" role="alert">{i18n.t(key)}</p> })}
        </div>
    }
}
