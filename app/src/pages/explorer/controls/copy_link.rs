//! Copies the page's address, so a colleague can open the same view.

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;

use crate::pages::explorer::browser::{copy_to_clipboard, current_href};

#[component]
pub fn CopyLink() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(None::<bool>);
    let copy = move |_| {
        outcome.set(None);
        copy_to_clipboard(current_href(), move |worked| outcome.set(Some(worked)));
    };
    view! {
        <span class="copy-link">
            <button type="button" on:click=copy>{move || i18n.t("explorer.copy_link")}</button>
            <span role="status" class="copy-outcome">
                {move || outcome.get().map(|worked| {
                    i18n.t(if worked { "explorer.link_copied" } else { "explorer.link_not_copied" })
                })}
            </span>
        </span>
    }
}
