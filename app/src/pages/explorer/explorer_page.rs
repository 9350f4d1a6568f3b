use leptos::prelude::*;

use crate::components::environment_choice::RecetteMark;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::indicators::load_explorer_options;
use crate::components::i18n_context::use_i18n;
use crate::domain::indicators::{Choice, ExplorerOptions};
use crate::i18n::{translate, Lang};

use super::chart::kind::ChartKind;
use super::chart::ExplorerChart;
use super::controls::copy_link::CopyLink;
use super::controls::filters::FilterBar;
use super::controls::refresh_select::{run_auto_refresh, RefreshSelect};
use super::controls::time_picker::TimePicker;
use super::summary::table::SummaryTable;
use super::url_state::{Tab, ViewState};

/// The explorer: every part of the view is read from the URL query, and every change is
/// a navigation to the edited query (so Back, reload and shared links give the same view).
#[component]
pub fn ExplorerPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let state = Memo::new(move |_| query.with(ViewState::from_query));
    let navigate = use_navigate();
    let on_change = Callback::new(move |next: ViewState| {
        navigate(
            &next.href(),
            NavigateOptions {
                replace: false,
                scroll: false,
                ..Default::default()
            },
        );
    });
    let options_resource = LocalResource::new(load_explorer_options);
    let options = Signal::derive(move || {
        let loaded = options_resource
            .get()
            .and_then(Result::ok)
            .unwrap_or_default();
        with_translated_labels(loaded, i18n.lang())
    });
    let options_error = move || {
        options_resource
            .get()
            .and_then(Result::err)
            .map(|error| view! { <p class="error" role="alert">{i18n.t(error.message_key())}</p> })
    };
    let tick = RwSignal::new(0_u64);
    run_auto_refresh(state, tick);
    let tab = move || state.with(|state| state.tab);
    let tab_button = move |target: Tab, key: &'static str| {
        view! {
            <button type="button" role="tab" aria-selected=move || (tab() == target).to_string()
                on:click=move |_| {
                    let mut next = state.get_untracked();
                    next.tab = target;
                    on_change.run(next);
                }>
                {move || i18n.t(key)}
            </button>
        }
    };

    view! {
        <div class="explorer">
            <div class="explorer-head">
                <h1>{move || i18n.t("explorer.title")}</h1>
                <div class="explorer-tools">
                    <RefreshSelect state on_change/>
                    <CopyLink/>
                </div>
            </div>
            <TimePicker state on_change/>
            {options_error}
            <FilterBar state options on_change/>
            <RecetteMark environments=Signal::derive(move || state.with(|state| state.filters.environment.clone()))/>
            <div class="tabs" role="tablist" aria-label=move || i18n.t("explorer.title")>
                {tab_button(Tab::Charts, "explorer.tab.charts")}
                {tab_button(Tab::Summary, "explorer.tab.summary")}
            </div>
            {move || match tab() {
                Tab::Charts => view! {
                    <div class="chart-grid" role="tabpanel">
                        {ChartKind::ALL.into_iter().map(|kind| view! {
                            <ExplorerChart kind state options tick=tick.read_only() on_change/>
                        }).collect_view()}
                    </div>
                }.into_any(),
                Tab::Summary => view! {
                    <div role="tabpanel">
                        <SummaryTable state options tick=tick.read_only() on_change/>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}

/// Channels and environments come as bare codes: give them the names the board uses
/// (`channel.web`, `env.prod`) when the translation files have them.
fn with_translated_labels(mut options: ExplorerOptions, lang: Lang) -> ExplorerOptions {
    let translated = |choices: &mut Vec<Choice>, prefix: &str| {
        for choice in choices.iter_mut() {
            let key = format!("{prefix}.{}", choice.code);
            let text = translate(lang, &key);
            if text != key {
                choice.label = text;
            }
        }
    };
    translated(&mut options.channels, "channel");
    translated(&mut options.environments, "env");
    options
}
