use leptos::prelude::*;

use crate::api::board::status_board;
use crate::components::i18n_context::use_i18n;
use crate::domain::board::BoardSnapshot;
use crate::i18n::format_time;

use super::down_banner::DownBanner;
use super::live_updates::subscribe_to_runs;
use super::probe_tile::ProbeTileView;

#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0_u64);
    let live = RwSignal::new(false);
    let snapshot = RwSignal::new(None::<BoardSnapshot>);
    let failure = RwSignal::new(None::<&'static str>);

    let board = LocalResource::new(move || {
        refresh.track();
        status_board()
    });
    Effect::new(move |_| match board.get() {
        Some(Ok(fresh)) => {
            snapshot.set(Some(fresh));
            failure.set(None);
        }
        Some(Err(error)) => failure.set(Some(error.message_key())),
        None => {}
    });
    subscribe_to_runs(move || refresh.update(|count| *count += 1), live);

    view! {
        <div class="board-head">
            <h1>{move || i18n.t("board.title")}</h1>
            <p class="live-indicator" class:live=move || live.get() aria-live="polite">
                {move || if live.get() { i18n.t("board.live") } else { i18n.t("board.reconnecting") }}
                {move || snapshot.with(|snap| snap.as_ref().map(|snap| {
                    format!(" · {} {}", i18n.t("board.updated"), format_time(snap.generated_at_ms))
                }))}
            </p>
        </div>
        {move || failure.get().map(|key| view! { <p class="error" role="alert">{i18n.t(key)}</p> })}
        {move || match snapshot.get() {
            None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
            Some(snap) if snap.products.is_empty() => view! { <p class="empty">{i18n.t("board.empty")}</p> }.into_any(),
            Some(snap) => view! {
                <DownBanner snapshot=snap.clone()/>
                {snap.products.into_iter().map(|product| view! {
                    <section class="product" aria-label=product.label.clone()>
                        <h2>
                            {product.label.clone()}
                            <span class="count">{format!("{} {}", product.probes.len(), i18n.t("board.probes"))}</span>
                        </h2>
                        <div class="tiles">
                            {product.probes.into_iter().map(|probe| view! { <ProbeTileView probe/> }).collect_view()}
                        </div>
                    </section>
                }).collect_view()}
            }.into_any(),
        }}
    }
}
