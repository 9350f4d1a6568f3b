//! Codes shown as words (phase, status, stage, rule, severity) and the status badge.

use leptos::prelude::*;

use crate::components::i18n_context::I18n;

/// The translation of `<prefix>.<code>`, or the code itself when there is none.
pub fn label(i18n: I18n, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}.{code}");
    let text = i18n.t(&key);
    if text == key {
        code.to_string()
    } else {
        text
    }
}

/// A status (`running`, `failed`, `succeeded`, `interrupted`) as a colored badge.
#[component]
pub fn StatusBadge(i18n: I18n, status: &'static str) -> impl IntoView {
    let class = format!("state-badge import-{status}");
    view! { <span class=class>{move || label(i18n, "imports.status", status)}</span> }
}
