//! The ranges a list offers as buttons (24 hours, 7 days, 30 days until now), pressed
//! when the view shows that range.

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;

/// `from` (until `now`) and the label's key.
pub const QUICK_RANGES: [(&str, &str); 3] = [
    ("now-24h", "incidents.range.24h"),
    ("now-7d", "incidents.range.7d"),
    ("now-30d", "incidents.range.30d"),
];

/// One button per quick range; `range` is the view's `(from, to)`, `on_choose` gets the
/// chosen `from`.
#[component]
pub fn QuickRanges(
    range: Signal<(String, String)>,
    on_choose: Callback<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    QUICK_RANGES
        .into_iter()
        .map(|(from, key)| {
            let pressed = move || {
                range
                    .with(|(start, end)| start == from && end == "now")
                    .to_string()
            };
            view! {
                <button type="button" aria-pressed=pressed on:click=move |_| on_choose.run(from)>
                    {move || i18n.t(key)}
                </button>
            }
        })
        .collect_view()
}
