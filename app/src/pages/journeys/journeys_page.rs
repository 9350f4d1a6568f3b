//! `/journeys`: choose a product, a range and a channel; see its funnel.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::funnel::journey_funnel;
use crate::api::indicators::load_explorer_options;
use crate::components::i18n_context::use_i18n;
use crate::components::quick_ranges::QuickRanges;

use super::funnel_view::FunnelView;
use super::url_state::JourneysView;

const CHANNELS: [(Option<&str>, &str); 4] = [
    (None, "journeys.channel.all"),
    (Some("web"), "channel.web"),
    (Some("mobile"), "channel.mobile"),
    (Some("api"), "channel.api"),
];

#[component]
pub fn JourneysPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let view_state = Memo::new(move |_| query.with(JourneysView::from_query));
    let navigate = use_navigate();
    let go = Callback::new(move |next: JourneysView| navigate(&next.href(), Default::default()));
    let options = LocalResource::new(load_explorer_options);
    let products = Memo::new(move |_| {
        options
            .get()
            .and_then(Result::ok)
            .map(|options| options.products)
            .unwrap_or_default()
    });
    let funnel = LocalResource::new(move || {
        let first = products.with(|products| products.first().map(|p| p.code.clone()));
        let asked = first.map(|first| view_state.get().query(&first));
        async move {
            match asked {
                Some(asked) => Some(journey_funnel(asked).await),
                None => None,
            }
        }
    });
    let chosen = move || {
        view_state
            .with(|view| view.product.clone())
            .or_else(|| products.with(|p| p.first().map(|p| p.code.clone())))
    };
    view! {
        <h1>{move || i18n.t("journeys.title")}</h1>
        <div class="status-choices" role="group" aria-label=move || i18n.t("journeys.product")>
            {move || products.get().into_iter().map(|product| {
                let code = product.code.clone();
                let pressed = {
                    let code = code.clone();
                    move || (chosen().as_deref() == Some(code.as_str())).to_string()
                };
                view! { <button type="button" aria-pressed=pressed
                    on:click=move |_| go.run(view_state.get_untracked().of_product(&code))>{product.label}</button> }
            }).collect_view()}
        </div>
        <div class="status-choices" role="group" aria-label=move || i18n.t("incidents.range")>
            <QuickRanges range=Signal::derive(move || view_state.with(|view| (view.from.clone(), view.to.clone())))
                on_choose=Callback::new(move |from| go.run(view_state.get_untracked().over(from)))/>
            {CHANNELS.into_iter().map(|(channel, key)| {
                let pressed = move || view_state.with(|view| view.channels.first().map(String::as_str) == channel && view.channels.len() <= 1).to_string();
                view! { <button type="button" class="lanes" aria-pressed=pressed
                    on:click=move |_| go.run(view_state.get_untracked().on_channel(channel))>{move || i18n.t(key)}</button> }
            }).collect_view()}
        </div>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t("common.loading")}</p> }>
            {move || {
                i18n.lang();
                funnel.get().map(|answer| match answer {
                    None => view! { <p class="empty">{i18n.t("journeys.no_product")}</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="error" role="alert">{i18n.t(error.message_key())}</p> }.into_any(),
                    Some(Ok(found)) => view! { <FunnelView i18n funnel=found/> }.into_any(),
                })
            }}
        </Suspense>
        <p class="hint">{move || i18n.t("journeys.definitions")}</p>
    }
}
