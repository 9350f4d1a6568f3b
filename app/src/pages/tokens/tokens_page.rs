use leptos::prelude::*;

use crate::api::tokens::{create_token, list_tokens, revoke_token};
use crate::components::i18n_context::use_i18n;
use crate::domain::tokens::{ApiTokenSummary, NewApiToken, Scope};
use crate::i18n::format_datetime;

/// Administration: API tokens for probes, the event consumer and scripts. A new token's
/// secret is shown once; tokens can be revoked (admin only, checked by the server).
#[component]
// Over 80 lines: mostly its `view!` (form, new secret, list).
pub fn TokensPage() -> impl IntoView {
    let i18n = use_i18n();
    let tokens = LocalResource::new(list_tokens);
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![Scope::Ingest]);
    let created = RwSignal::new(None::<NewApiToken>);
    let failure = RwSignal::new(None::<String>);

    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (token_name, scopes) = (name.get_untracked(), chosen.get_untracked());
        leptos::task::spawn_local(async move {
            match create_token(token_name, scopes).await {
                Ok(new_token) => {
                    failure.set(None);
                    name.set(String::new());
                    created.set(Some(new_token));
                    tokens.refetch();
                }
                Err(error) => failure.set(Some(i18n.t(error.message_key()))),
            }
        });
    };
    let revoke = move |token_id: String| {
        leptos::task::spawn_local(async move {
            match revoke_token(token_id).await {
                Ok(()) => tokens.refetch(),
                Err(error) => failure.set(Some(i18n.t(error.message_key()))),
            }
        });
    };

    view! {
        <h1>{move || i18n.t("tokens.title")}</h1>
        <p class="hint">{move || i18n.t("tokens.intro")}</p>
        <form class="token-form" on:submit=create>
            <label>
                {move || i18n.t("tokens.name")}
                <input type="text" required maxlength="100"
                    prop:value=move || name.get()
                    on:input=move |event| name.set(event_target_value(&event))/>
            </label>
            <fieldset>
                <legend>{move || i18n.t("tokens.scopes")}</legend>
                {Scope::ALL.iter().map(|&scope| {
                    let checked = move || chosen.get().contains(&scope);
                    let toggle = move |_| chosen.update(|list| {
                        if let Some(index) = list.iter().position(|item| *item == scope) {
                            list.remove(index);
                        } else {
                            list.push(scope);
                        }
                    });
                    let label = format!("tokens.scope.{scope}");
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=checked on:change=toggle/>
                            {move || i18n.t(&label)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit">{move || i18n.t("tokens.create")}</button>
        </form>
        {move || failure.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {move || created.get().map(|new_token| view! {
            <div class="token-secret" role="status">
                <p>{i18n.t("tokens.secret_once")}</p>
                <code aria-label=i18n.t("tokens.secret")>{new_token.secret}</code>
            </div>
        })}
        {move || match tokens.get() {
            None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
            Some(Err(error)) => view! {
                <p class="error" role="alert">{i18n.t(error.message_key())}</p>
            }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <p class="empty">{i18n.t("tokens.none")}</p>
            }.into_any(),
            Some(Ok(list)) => view! { <TokenTable tokens=list on_revoke=revoke/> }.into_any(),
        }}
    }
}

#[component]
fn TokenTable(
    tokens: Vec<ApiTokenSummary>,
    on_revoke: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="data-table">
            <thead><tr>
                <th>{move || i18n.t("tokens.name")}</th>
                <th>{move || i18n.t("tokens.scopes")}</th>
                <th>{move || i18n.t("tokens.created")}</th>
                <th>{move || i18n.t("tokens.last_used")}</th>
                <th>{move || i18n.t("tokens.status")}</th>
                <th></th>
            </tr></thead>
            <tbody>
                {tokens.into_iter().map(|token| {
                    let lang = i18n.lang();
                    let created = format!("{} ({})", format_datetime(lang, token.created_at_ms), token.created_by);
                    let used = token.last_used_at_ms.map(|at| format_datetime(lang, at)).unwrap_or_else(|| "—".into());
                    let scopes = token.scopes.iter()
                        .map(|scope| i18n.t(&format!("tokens.scope.{scope}")))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let status = i18n.t(if token.revoked { "tokens.revoked" } else { "tokens.active" });
                    let id = token.token_id.clone();
                    let revoke_label = format!("{} {}", i18n.t("tokens.revoke"), token.name);
                    view! {
                        <tr>
                            <td>{token.name}</td>
                            <td>{scopes}</td>
                            <td>{created}</td>
                            <td>{used}</td>
                            <td>{status}</td>
                            <td>
                                <Show when=move || !token.revoked>
                                    <button type="button" aria-label=revoke_label.clone()
                                        on:click={
                                            let id = id.clone();
                                            move |_| on_revoke(id.clone())
                                        }>
                                        {i18n.t("tokens.revoke")}
                                    </button>
                                </Show>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
