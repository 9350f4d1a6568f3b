//! The auto-refresh period (kept in the URL as `refresh=30s`).

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;

use crate::pages::explorer::url_state::{Refresh, ViewState};

#[component]
pub fn RefreshSelect(state: Memo<ViewState>, on_change: Callback<ViewState>) -> impl IntoView {
    let i18n = use_i18n();
    let choose = move |event: leptos::ev::Event| {
        let mut next = state.get_untracked();
        next.refresh = Refresh::parse(&event_target_value(&event)).unwrap_or_default();
        on_change.run(next);
    };
    view! {
        <label class="refresh-select">
            {move || i18n.t("explorer.refresh")}
            <select on:change=choose>
                {Refresh::ALL.into_iter().map(|refresh| view! {
                    <option value=refresh.as_str()
                        selected=move || state.with(|state| state.refresh == refresh)>
                        {move || i18n.t(&format!("explorer.refresh.{}", refresh.as_str()))}
                    </option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// Bumps `tick` every period of the view's refresh setting, while the page is open.
pub fn run_auto_refresh(state: Memo<ViewState>, tick: RwSignal<u64>) {
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        let period = state.with(|state| state.refresh.period_ms());
        stop();
        if let Some(period) = period {
            let started = set_interval_with_handle(
                move || tick.update(|count| *count += 1),
                std::time::Duration::from_millis(period),
            );
            timer.set_value(started.ok());
        }
    });
    on_cleanup(stop);
}
