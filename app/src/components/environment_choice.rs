//! Production first: the buttons that choose the environments a view shows
//! (production, recette, or both), and the mark a view carries while recette figures
//! are in it. A view whose URL names no environment (and no probe) shows production
//! only (`pages::url_query::filters_from`).

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;

pub const PRODUCTION: &str = "prod";
pub const RECETTE: &str = "recette";

/// Whether a view's environments let recette figures in.
pub fn shows_recette(environments: &[String]) -> bool {
    environments
        .iter()
        .any(|environment| environment == RECETTE)
}

/// Production, recette, or both; `on_choose` gets the environments chosen.
#[component]
pub fn EnvironmentChoice(
    current: Signal<Vec<String>>,
    on_choose: Callback<Vec<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choices: [(&str, Vec<String>); 3] = [
        ("env.prod", vec![PRODUCTION.into()]),
        ("env.recette", vec![RECETTE.into()]),
        ("env.both", vec![PRODUCTION.into(), RECETTE.into()]),
    ];
    view! {
        <div class="status-choices environment-choice" role="group" aria-label=move || i18n.t("env.choice")>
            {choices.into_iter().map(|(key, environments)| {
                let pressed = {
                    let environments = environments.clone();
                    move || current.with(|now| {
                        let mut now = now.clone();
                        now.sort();
                        now == environments
                    }).to_string()
                };
                view! {
                    <button type="button" class="environment" aria-pressed=pressed
                        on:click=move |_| on_choose.run(environments.clone())>{move || i18n.t(key)}</button>
                }
            }).collect_view()}
        </div>
    }
}

/// "Recette figures included", shown while a view's environments let them in.
#[component]
pub fn RecetteMark(environments: Signal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        environments
            .with(|environments| shows_recette(environments))
            .then(|| {
                view! { <p class="recette-mark" role="note">{i18n.t("env.recette_included")}</p> }
            })
    }
}
