use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::components::require_login::CurrentUser;
use crate::domain::auth::Role;
use crate::domain::imports::{ImportDetail, ImportFile, ImportStage, ImportStatus};
use crate::i18n::{format_count, format_duration_ms, format_time};

use super::continue_actions::{ContinueActions, Notice};
use super::labels::{label, StatusBadge};

/// One import: its status and failure, its stages and its files, and for admins the
/// resume and restart buttons when it failed or was interrupted.
#[component]
pub fn ImportDetailView(detail: ImportDetail, on_action: Callback<Notice>) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_context::<CurrentUser>().map(|current| current.0);
    let is_admin = move || {
        user.and_then(|user| user.get())
            .is_some_and(|user| user.has(Role::Admin))
    };
    let now = chrono::Utc::now().timestamp_millis();
    let can_continue = detail.can_continue(now);
    let status = if can_continue && detail.import.status == ImportStatus::Running {
        "interrupted"
    } else {
        detail.import.status.as_str()
    };
    let import_id = detail.import.import_id.clone();
    let heading = {
        let import_id = import_id.clone();
        move || i18n.t("imports.detail").replace("{id}", &import_id)
    };
    let stage = detail.import.stage;
    let failure = detail.import.failure.clone();
    view! {
        <section class="import-detail" aria-labelledby="import-detail">
            <h2 id="import-detail">{heading}</h2>
            <p class="import-state">
                <StatusBadge i18n status/>
                " · " {move || i18n.t("imports.stage")} {move || i18n.t("common.colon")}
                {move || label(i18n, "imports.stage", stage.as_str())}
            </p>
            {failure.map(|failure| view! {
                <p class="failure-reason">
                    <strong>{move || i18n.t("imports.failure")}</strong>
                    {move || i18n.t("common.colon")}
                    {move || failure.render(i18n.lang())}
                </p>
            })}
            <Show when=move || can_continue && is_admin()>
                <ContinueActions import_id=import_id.clone() on_action/>
            </Show>
            <div class="import-tables">
                <StagesTable stages=detail.stages/>
                <FilesTable files=detail.files/>
            </div>
        </section>
    }
}

#[component]
fn StagesTable(stages: Vec<ImportStage>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="data-table" aria-label=move || i18n.t("imports.stages")>
            <caption>{move || i18n.t("imports.stages")}</caption>
            <thead><tr>
                <th>{move || i18n.t("imports.stage")}</th>
                <th>{move || i18n.t("imports.status")}</th>
                <th>{move || i18n.t("imports.stages.started")}</th>
                <th class="number">{move || i18n.t("imports.stages.rows")}</th>
                <th class="number">{move || i18n.t("imports.duration")}</th>
                <th class="number">{move || i18n.t("imports.stages.rate")}</th>
            </tr></thead>
            <tbody>
                {stages.into_iter().map(|stage| {
                    let duration = stage.ended_at_ms.map(|ended| ended - stage.started_at_ms);
                    let rate = duration.filter(|ms| *ms > 0).map(|ms| stage.rows as f64 * 1000.0 / ms as f64);
                    let name = stage.stage;
                    view! {
                        <tr>
                            <td>{move || label(i18n, "imports.stage", name.as_str())}</td>
                            <td><StatusBadge i18n status=stage.status.as_str()/></td>
                            <td>{format_time(stage.started_at_ms)}</td>
                            <td class="number">{move || format_count(i18n.lang(), stage.rows)}</td>
                            <td class="number">{move || duration
                                .map(|ms| format_duration_ms(i18n.lang(), ms))
                                .unwrap_or_else(|| "—".into())}</td>
                            <td class="number">{move || rate
                                .map(|rate| format_count(i18n.lang(), rate.round() as i64))
                                .unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn FilesTable(files: Vec<ImportFile>) -> impl IntoView {
    let i18n = use_i18n();
    if files.is_empty() {
        return view! { <p class="empty">{move || i18n.t("imports.files.none")}</p> }.into_any();
    }
    view! {
        <table class="data-table" aria-label=move || i18n.t("imports.files")>
            <caption>{move || i18n.t("imports.files")}</caption>
            <thead><tr>
                <th>{move || i18n.t("imports.files.type")}</th>
                <th>{move || i18n.t("imports.files.name")}</th>
                <th class="number">{move || i18n.t("imports.files.read")}</th>
                <th class="number">{move || i18n.t("imports.files.accepted")}</th>
                <th class="number">{move || i18n.t("imports.files.rejected")}</th>
            </tr></thead>
            <tbody>
                {files.into_iter().map(|file| view! {
                    <tr>
                        <td>{file.file_type}</td>
                        <td>{file.file_name}</td>
                        <td class="number">{move || format_count(i18n.lang(), file.read_rows)}</td>
                        <td class="number">{move || format_count(i18n.lang(), file.accepted_rows)}</td>
                        <td class={if file.rejected_rows > 0 { "number has-rejects" } else { "number" }}>
                            {move || format_count(i18n.lang(), file.rejected_rows)}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
