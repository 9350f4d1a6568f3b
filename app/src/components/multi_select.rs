//! A drop-down list of checkboxes with a search box, for choosing several codes.

use leptos::prelude::*;

use crate::domain::indicators::Choice;

use super::i18n_context::use_i18n;

/// Several codes among `choices`; the search box narrows the list by label or code.
#[component]
pub fn MultiSelect(
    /// What is chosen (`Produit`), also the name of the group of checkboxes.
    #[prop(into)]
    label: Signal<String>,
    #[prop(into)] choices: Signal<Vec<Choice>>,
    #[prop(into)] selected: Signal<Vec<String>>,
    on_change: Callback<Vec<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let visible = move || {
        let needle = search.get().to_lowercase();
        choices.with(|choices| {
            choices
                .iter()
                .filter(|choice| {
                    needle.is_empty()
                        || choice.label.to_lowercase().contains(&needle)
                        || choice.code.to_lowercase().contains(&needle)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let toggle = move |code: String| {
        let mut codes = selected.get_untracked();
        if codes.contains(&code) {
            codes.retain(|known| *known != code);
        } else {
            codes.push(code);
        }
        on_change.run(codes);
    };
    let summary = move || {
        let count = selected.with(Vec::len);
        if count == 0 {
            label.get()
        } else {
            format!("{} ({count})", label.get())
        }
    };
    view! {
        <details class="multi-select" class:active=move || selected.with(|codes| !codes.is_empty())>
            <summary>{summary}</summary>
            <div class="multi-select-panel" role="group" aria-label=move || label.get()>
                <input type="search" bind:value=search
                    aria-label=move || format!("{} : {}", i18n.t("common.search"), label.get())
                    placeholder=move || i18n.t("common.search")/>
                <Show when=move || selected.with(|codes| !codes.is_empty())>
                    <button type="button" class="link" on:click=move |_| on_change.run(Vec::new())>
                        {move || i18n.t("common.clear")}
                    </button>
                </Show>
                <ul>
                    <For each=visible key=|choice| choice.code.clone() let:choice>
                        {
                            let code = choice.code.clone();
                            let checked_code = choice.code.clone();
                            view! {
                                <li>
                                    <label title=choice.code.clone()>
                                        <input type="checkbox"
                                            prop:checked=move || selected.with(|codes| codes.contains(&checked_code))
                                            on:change=move |_| toggle(code.clone())/>
                                        {choice.label.clone()}
                                    </label>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </div>
        </details>
    }
}
