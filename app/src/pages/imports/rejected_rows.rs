use leptos::prelude::*;

use crate::api::imports::import_rejections;
use crate::components::i18n_context::{use_i18n, I18n};
use crate::domain::imports::{ImportDetail, RejectedQuery, RejectedRow};

use super::labels::label;
use super::url_state::{page_bounds, ImportsView, PAGE_SIZE};

/// What the file and rule filters offer: files with rejected rows, rules they broke.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterChoices {
    pub files: Vec<String>,
    pub rules: Vec<String>,
}

impl FilterChoices {
    pub fn of(detail: &ImportDetail) -> FilterChoices {
        FilterChoices {
            files: detail
                .files
                .iter()
                .filter(|file| file.rejected_rows > 0)
                .map(|file| file.file_type.clone())
                .collect(),
            rules: detail.rules.clone(),
        }
    }
}

/// The selected import's rejected rows: filters by file and rule, a CSV of the filtered
/// rows, and pages of [`PAGE_SIZE`] rows.
#[component]
// Over 80 lines: mostly its `view!` (filters, table, pager).
pub fn RejectedRows(
    view_state: Memo<ImportsView>,
    choices: Memo<FilterChoices>,
    on_change: Callback<ImportsView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(move || {
        let view = view_state.get();
        async move {
            let query = RejectedQuery {
                import_id: view.import.clone().unwrap_or_default(),
                file_type: view.file.clone(),
                rule: view.rule.clone(),
                offset: view.offset(),
                limit: PAGE_SIZE,
            };
            import_rejections(query).await
        }
    });
    let choose_file = move |event: leptos::ev::Event| {
        let view = view_state.get_untracked();
        let file = Some(event_target_value(&event)).filter(|value| !value.is_empty());
        on_change.run(view.filtered(file, view.rule.clone()));
    };
    let choose_rule = move |event: leptos::ev::Event| {
        let view = view_state.get_untracked();
        let rule = Some(event_target_value(&event)).filter(|value| !value.is_empty());
        on_change.run(view.filtered(view.file.clone(), rule));
    };
    let file_options = Signal::derive(move || {
        with_chosen(
            choices.get().files,
            view_state.with(|view| view.file.clone()),
        )
    });
    let rule_options = Signal::derive(move || {
        with_chosen(
            choices.get().rules,
            view_state.with(|view| view.rule.clone()),
        )
    });
    let csv_href = move || {
        view_state
            .with(|view| view.csv_href(i18n.lang()))
            .unwrap_or_default()
    };

    view! {
        <section class="rejections" aria-labelledby="imports-rejections">
            <h2 id="imports-rejections">{move || i18n.t("imports.rejections")}</h2>
            <div class="rejection-filters">
                <label for="rejections-file">{move || i18n.t("imports.rejections.file")}</label>
                <select id="rejections-file" on:change=choose_file>
                        <FilterOptions i18n options=file_options
                            chosen=Signal::derive(move || view_state.with(|view| view.file.clone()))
                            prefix=None/>
                </select>
                <label for="rejections-rule">{move || i18n.t("imports.rejections.rule")}</label>
                <select id="rejections-rule" on:change=choose_rule>
                        <FilterOptions i18n options=rule_options
                            chosen=Signal::derive(move || view_state.with(|view| view.rule.clone()))
                            prefix=Some("imports.rule")/>
                </select>
                <a class="button" href=csv_href download="">
                    {move || i18n.t("imports.rejections.export")}
                </a>
            </div>
            {move || match page.get() {
                None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! {
                    <p class="error" role="alert">{i18n.t(error.message_key())}</p>
                }.into_any(),
                Some(Ok(found)) if found.rows.is_empty() => view! {
                    <p class="empty">{i18n.t("imports.rejections.none")}</p>
                }.into_any(),
                Some(Ok(found)) => {
                    let view = view_state.get_untracked();
                    view! {
                        <RejectedTable rows=found.rows.clone()/>
                        <Pager view total=found.total shown=found.rows.len() on_change/>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The choices, plus the one in the URL if the import does not list it (a shared link).
fn with_chosen(mut options: Vec<String>, chosen: Option<String>) -> Vec<String> {
    if let Some(chosen) = chosen {
        if !options.contains(&chosen) {
            options.push(chosen);
        }
    }
    options
}

#[component]
fn FilterOptions(
    i18n: I18n,
    options: Signal<Vec<String>>,
    chosen: Signal<Option<String>>,
    prefix: Option<&'static str>,
) -> impl IntoView {
    let text = move |code: &str| match prefix {
        Some(prefix) => label(i18n, prefix, code),
        None => code.to_string(),
    };
    view! {
        <option value="" selected=move || chosen.with(Option::is_none)>
            {move || i18n.t("imports.rejections.all")}
        </option>
        {move || options.get().into_iter().map(|code| {
            let selected = {
                let code = code.clone();
                move || chosen.with(|chosen| chosen.as_deref() == Some(code.as_str()))
            };
            let shown = text(&code);
            view! { <option value=code selected=selected>{shown}</option> }
        }).collect_view()}
    }
}

#[component]
fn RejectedTable(rows: Vec<RejectedRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="data-table rejected-table">
            <thead><tr>
                <th>{move || i18n.t("imports.rejections.file")}</th>
                <th class="number">{move || i18n.t("imports.rejections.line")}</th>
                <th>{move || i18n.t("imports.rejections.column")}</th>
                <th>{move || i18n.t("imports.rejections.rule")}</th>
                <th>{move || i18n.t("imports.rejections.message")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let rule = row.rule.clone();
                    let message = row.message.clone();
                    // A rejection of the whole line (it could not be read) names no column.
                    let column = row.column.clone();
                    let column = move || {
                        if column.is_empty() {
                            i18n.t("imports.rejections.whole_line")
                        } else {
                            column.clone()
                        }
                    };
                    view! {
                        <tr>
                            <td>{row.file_type}</td>
                            <td class="number">{row.line}</td>
                            <td>{column}</td>
                            <td title=row.rule>{move || label(i18n, "imports.rule", &rule)}</td>
                            <td>{move || message.render(i18n.lang())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "rows X–Y of N" with previous and next.
#[component]
fn Pager(
    view: ImportsView,
    total: i64,
    shown: usize,
    on_change: Callback<ImportsView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let bounds = page_bounds(view.offset(), shown);
    let range = move || {
        bounds
            .map(|(from, to)| {
                i18n.t("imports.rejections.range")
                    .replace("{from}", &from.to_string())
                    .replace("{to}", &to.to_string())
                    .replace("{total}", &total.to_string())
            })
            .unwrap_or_default()
    };
    let has_previous = view.page > 1;
    let has_next = bounds.is_some_and(|(_, to)| to < total);
    let (previous, next) = (view.on_page(view.page - 1), view.on_page(view.page + 1));
    view! {
        <nav class="pager" aria-label=move || i18n.t("imports.rejections")>
            <button type="button" disabled=!has_previous
                on:click=move |_| on_change.run(previous.clone())>
                {move || i18n.t("imports.rejections.previous")}
            </button>
            <span class="pager-range" role="status">{range}</span>
            <button type="button" disabled=!has_next
                on:click=move |_| on_change.run(next.clone())>
                {move || i18n.t("imports.rejections.next")}
            </button>
        </nav>
    }
}
