//! The filter bar: one multi-select per filter, the group-by, the bucket and, when
//! grouped, the percentile of the durations chart.

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::components::multi_select::MultiSelect;
use crate::domain::indicators::{Bucket, ExplorerOptions, Filters, GroupBy, Metric};

use crate::pages::explorer::chart::data::choices;
use crate::pages::explorer::url_state::{ViewState, DURATION_METRICS};

#[component]
// Over 80 lines: mostly its `view!`, one control per filter.
pub fn FilterBar(
    state: Memo<ViewState>,
    options: Signal<ExplorerOptions>,
    on_change: Callback<ViewState>,
) -> impl IntoView {
    let i18n = use_i18n();
    let names: Vec<&'static str> = Filters::default()
        .named()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let selects = names
        .into_iter()
        .map(|name| {
            let on_filter = Callback::new(move |codes: Vec<String>| {
                let mut next = state.get_untracked();
                if let Some(values) = next.filters.named_mut(name) {
                    *values = codes;
                }
                on_change.run(next);
            });
            view! {
                <MultiSelect
                    label=Signal::derive(move || i18n.t(&format!("explorer.filter.{name}")))
                    choices=Signal::derive(move || options.with(|options| choices(options, name).to_vec()))
                    selected=Signal::derive(move || state.with(|state| {
                        state.filters.named().into_iter()
                            .find(|(known, _)| *known == name)
                            .map(|(_, values)| values.clone())
                            .unwrap_or_default()
                    }))
                    on_change=on_filter/>
            }
        })
        .collect_view();

    let set_group = move |event: leptos::ev::Event| {
        let mut next = state.get_untracked();
        next.group_by = GroupBy::parse(&event_target_value(&event));
        on_change.run(next);
    };
    let set_bucket = move |event: leptos::ev::Event| {
        let mut next = state.get_untracked();
        next.bucket = Bucket::parse(&event_target_value(&event)).unwrap_or(Bucket::Auto);
        on_change.run(next);
    };
    let set_percentile = move |event: leptos::ev::Event| {
        let mut next = state.get_untracked();
        if let Some(metric) = Metric::parse(&event_target_value(&event)) {
            next.duration_metric = metric;
        }
        on_change.run(next);
    };
    let group_by = move || state.with(|state| state.group_by);
    let buckets = std::iter::once(Bucket::Auto).chain(Bucket::FIXED);

    view! {
        <div class="filter-bar">
            <div class="filters" role="group" aria-label=move || i18n.t("explorer.filters.title")>
                {selects}
            </div>
            <div class="view-choices">
                <label>
                    {move || i18n.t("explorer.group_by")}
                    <select on:change=set_group>
                        <option value="" selected=move || group_by().is_none()>
                            {move || i18n.t("explorer.group.none")}
                        </option>
                        {GroupBy::ALL.into_iter().map(|group| view! {
                            <option value=group.as_str() selected=move || group_by() == Some(group)>
                                {move || i18n.t(&format!("explorer.filter.{}", group.as_str()))}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    {move || i18n.t("explorer.bucket")}
                    <select on:change=set_bucket>
                        {buckets.map(|bucket| view! {
                            <option value=bucket.as_str()
                                selected=move || state.with(|state| state.bucket == bucket)>
                                {move || i18n.t(&format!("explorer.bucket.{}", bucket.as_str()))}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || group_by().is_some()>
                    <label>
                        {move || i18n.t("explorer.percentile")}
                        <select on:change=set_percentile>
                            {DURATION_METRICS.into_iter().map(|metric| view! {
                                <option value=metric.as_str()
                                    selected=move || state.with(|state| state.duration_metric == metric)>
                                    {move || i18n.t(&format!("explorer.metric.{}", metric.as_str()))}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
            </div>
        </div>
    }
}
