use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::login;
use crate::components::i18n_context::use_i18n;
use crate::components::language_switch::LanguageSwitch;
use crate::components::require_login::safe_next;
use crate::components::top_bar::go_to;

/// The login form. After login the user lands on the page they had opened (`?next=`).
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let pending = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let next = safe_next(query.get_untracked().get("next"));
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match login(user, pass).await {
                Ok(_) => go_to(&next),
                Err(failure) => {
                    error.set(Some(failure.message_key()));
                    pending.set(false);
                }
            }
        });
    };

    view! {
        <main class="login-page">
            <div class="login-card">
                <div class="login-head">
                    <h1>{move || i18n.t("app.title")}</h1>
                    <LanguageSwitch/>
                </div>
                <p class="tagline">{move || i18n.t("app.tagline")}</p>
                <h2>{move || i18n.t("login.title")}</h2>
                <form on:submit=submit>
                    <label for="username">{move || i18n.t("login.username")}</label>
                    <input id="username" name="username" autocomplete="username" required
                        bind:value=username/>
                    <label for="password">{move || i18n.t("login.password")}</label>
                    <input id="password" name="password" type="password"
                        autocomplete="current-password" required bind:value=password/>
                    {move || error.get().map(|key| view! {
                        <p class="error" role="alert">{i18n.t(key)}</p>
                    })}
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { i18n.t("login.in_progress") } else { i18n.t("login.submit") }}
                    </button>
                </form>
            </div>
        </main>
    }
}
