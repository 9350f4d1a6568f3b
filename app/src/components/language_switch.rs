use leptos::prelude::*;

use super::i18n_context::use_i18n;

/// A visible button that switches between French and English.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="language-switch"
            type="button"
            title=move || i18n.t("lang.switch_label")
            on:click=move |_| i18n.set(i18n.lang().other())
        >
            {move || i18n.t("lang.switch")}
        </button>
    }
}
