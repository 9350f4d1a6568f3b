use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::i18n_context::use_i18n;
use crate::domain::imports::ImportSummary;
use crate::i18n::{format_datetime, format_duration_ms};

use super::labels::{label, StatusBadge};
use super::url_state::ImportsView;

/// The latest imports, newest first; an id is a link that selects the import.
#[component]
pub fn ImportTable(imports: Vec<ImportSummary>, selected: Memo<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    if imports.is_empty() {
        return view! { <p class="empty">{move || i18n.t("imports.none")}</p> }.into_any();
    }
    view! {
        <table class="data-table imports-table">
            <thead><tr>
                <th>{move || i18n.t("imports.id")}</th>
                <th>{move || i18n.t("imports.phase")}</th>
                <th>{move || i18n.t("imports.business_date")}</th>
                <th>{move || i18n.t("imports.status")}</th>
                <th>{move || i18n.t("imports.stage")}</th>
                <th>{move || i18n.t("imports.created")}</th>
                <th>{move || i18n.t("imports.duration")}</th>
            </tr></thead>
            <tbody>
                {imports.into_iter().map(|import| {
                    let id = import.import_id.clone();
                    let is_selected = {
                        let id = id.clone();
                        move || selected.with(|selected| selected.as_deref() == Some(id.as_str()))
                    };
                    let href = ImportsView::selecting(&id).href();
                    let (phase, stage) = (import.phase, import.stage);
                    let created = import.created_at_ms;
                    let duration = import.finished_at_ms.map(|finished| finished - created);
                    view! {
                        <tr class:selected=is_selected.clone()
                            aria-current=move || is_selected().then_some("true")>
                            <td><A href=href>{id}</A></td>
                            <td>{move || label(i18n, "imports.phase", phase.as_str())}</td>
                            <td>{import.business_date.unwrap_or_else(|| "—".into())}</td>
                            <td><StatusBadge i18n status=import.status.as_str()/></td>
                            <td>{move || label(i18n, "imports.stage", stage.as_str())}</td>
                            <td>{move || format_datetime(i18n.lang(), created)}</td>
                            <td>{move || duration
                                .map(|ms| format_duration_ms(i18n.lang(), ms))
                                .unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
