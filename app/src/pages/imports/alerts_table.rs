use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::alerts::AlertSummary;
use crate::domain::error::AppError;
use crate::i18n::format_datetime;

use super::labels::label;

/// The latest in-app alerts, newest first.
#[component]
pub fn AlertsTable(alerts: LocalResource<Result<Vec<AlertSummary>, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="imports-alerts">
            <h2 id="imports-alerts">{move || i18n.t("imports.alerts")}</h2>
            {move || match alerts.get() {
                None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! {
                    <p class="error" role="alert">{i18n.t(error.message_key())}</p>
                }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty">{i18n.t("imports.alerts.none")}</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="data-table alerts-table">
                        <thead><tr>
                            <th>{i18n.t("imports.alerts.severity")}</th>
                            <th>{i18n.t("imports.alerts.time")}</th>
                            <th>{i18n.t("imports.alerts.subject")}</th>
                            <th>{i18n.t("imports.alerts.message")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|alert| {
                                let class = format!("state-badge severity-{}", alert.severity);
                                view! {
                                    <tr>
                                        <td><span class=class>{label(i18n, "imports.severity", alert.severity.as_str())}</span></td>
                                        <td>{format_datetime(i18n.lang(), alert.raised_at_ms)}</td>
                                        <td>{alert.subject}</td>
                                        <td>{alert.message.render(i18n.lang())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
