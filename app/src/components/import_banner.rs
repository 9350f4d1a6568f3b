use leptos::prelude::*;

use crate::api::imports::import_banner;

use super::i18n_context::use_i18n;

/// How often the banner asks whether an import is loading data.
const POLL_PERIOD_MS: u64 = 15_000;

/// "Data update in progress", at the top of every page behind login while an import
/// loads data (its load or rollups stage): figures may move meanwhile.
#[component]
pub fn ImportBanner() -> impl IntoView {
    let i18n = use_i18n();
    let activity = LocalResource::new(import_banner);
    let timer = set_interval_with_handle(
        move || activity.refetch(),
        std::time::Duration::from_millis(POLL_PERIOD_MS),
    );
    if let Ok(handle) = timer {
        on_cleanup(move || handle.clear());
    }
    let loading = move || {
        activity
            .get()
            .and_then(Result::ok)
            .is_some_and(|activity| activity.loading.is_some())
    };
    view! {
        <Show when=loading>
            <div class="banner data-update" role="status">{move || i18n.t("imports.banner")}</div>
        </Show>
    }
}
