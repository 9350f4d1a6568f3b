use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::imports::{list_imports, recent_alerts, show_import};
use crate::components::i18n_context::use_i18n;
use crate::domain::imports::ImportStatus;

use super::alerts_table::AlertsTable;
use super::continue_actions::Notice;
use super::import_detail::ImportDetailView;
use super::import_table::ImportTable;
use super::rejected_rows::{FilterChoices, RejectedRows};
use super::url_state::ImportsView;

/// While an import may be moving (one is running, or an admin just resumed or restarted
/// one), the list and the selected import are fetched again this often.
const FOLLOW_PERIOD_MS: u64 = 2_000;
/// How many periods to follow after a resume or restart, even before the import shows
/// as running (it starts in the background).
const FOLLOW_AFTER_ACTION: u32 = 10;

/// Every part of the view comes from the URL query, and every choice is a navigation to
/// the edited query, so that a link, Back and reload give the same view.
#[component]
// Over 80 lines: mostly its `view!`, the page's layout in one place.
pub fn ImportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let view_state = Memo::new(move |_| query.with(ImportsView::from_query));
    let navigate = use_navigate();
    let on_change = Callback::new(move |next: ImportsView| {
        navigate(
            &next.href(),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    });

    let imports = LocalResource::new(list_imports);
    let alerts = LocalResource::new(recent_alerts);
    let selected = Memo::new(move |_| view_state.with(|view| view.import.clone()));
    let detail = LocalResource::new(move || {
        let import_id = selected.get();
        async move {
            match import_id {
                Some(import_id) => Some(show_import(import_id).await),
                None => None,
            }
        }
    });
    let allowed = Memo::new(move |_| imports.get().map(|answer| answer.is_ok()));
    let choices = Memo::new(move |_| {
        detail
            .get()
            .flatten()
            .and_then(Result::ok)
            .map(|found| FilterChoices::of(&found))
            .unwrap_or_default()
    });

    let notice = RwSignal::new(None::<Notice>);
    let follow = RwSignal::new(0_u32);
    let refresh = move || {
        imports.refetch();
        detail.refetch();
        alerts.refetch();
    };
    let on_action = Callback::new(move |outcome: Notice| {
        if !outcome.failed {
            follow.set(FOLLOW_AFTER_ACTION);
        }
        notice.set(Some(outcome));
        refresh();
    });
    follow_moving_imports(move || {
        let following = follow.get_untracked() > 0;
        if following {
            follow.update(|left| *left -= 1);
        }
        let running = imports
            .get_untracked()
            .and_then(Result::ok)
            .is_some_and(|list| {
                list.iter()
                    .any(|import| import.status == ImportStatus::Running)
            });
        if following || running {
            refresh();
        }
    });

    view! {
        <div class="imports">
            <h1>{move || i18n.t("imports.title")}</h1>
            {move || notice.get().map(|notice| view! {
                <p class={if notice.failed { "error" } else { "notice" }}
                    role={if notice.failed { "alert" } else { "status" }}>
                    {notice.text}
                </p>
            })}
            {move || match imports.get() {
                None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! {
                    <p class="error" role="alert">{i18n.t(error.message_key())}</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <section aria-labelledby="imports-list">
                        <h2 id="imports-list">{i18n.t("imports.list")}</h2>
                        <ImportTable imports=list selected/>
                    </section>
                }.into_any(),
            }}
            <Show when=move || allowed.get() == Some(true)>
                {move || match detail.get() {
                    None => ().into_any(),
                    Some(None) => view! {
                        <p class="hint">{i18n.t("imports.select_hint")}</p>
                    }.into_any(),
                    Some(Some(Err(error))) => view! {
                        <p class="error" role="alert">{i18n.t(error.message_key())}</p>
                    }.into_any(),
                    Some(Some(Ok(found))) => view! {
                        <ImportDetailView detail=found on_action/>
                    }.into_any(),
                }}
                <Show when=move || selected.with(Option::is_some)>
                    <RejectedRows view_state choices on_change/>
                </Show>
                <AlertsTable alerts/>
            </Show>
        </div>
    }
}

/// Calls `tick` every [`FOLLOW_PERIOD_MS`] while the page is open.
fn follow_moving_imports(tick: impl Fn() + 'static) {
    let timer = set_interval_with_handle(tick, std::time::Duration::from_millis(FOLLOW_PERIOD_MS));
    if let Ok(handle) = timer {
        on_cleanup(move || handle.clear());
    }
}
