use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::auth::logout;
use crate::domain::auth::Role;

use super::i18n_context::use_i18n;
use super::language_switch::LanguageSwitch;
use super::require_login::CurrentUser;

/// The header of every page behind login: navigation, language switch, user and logout.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_context::<CurrentUser>().map(|current| current.0);
    let name = move || {
        user.and_then(|user| user.get())
            .map(|user| user.display_name)
            .unwrap_or_default()
    };
    let is_admin = move || {
        user.and_then(|user| user.get())
            .is_some_and(|user| user.has(Role::Admin))
    };
    let is_support = move || {
        user.and_then(|user| user.get())
            .is_some_and(|user| user.has(Role::Support))
    };
    let do_logout = move |_| {
        leptos::task::spawn_local(async move {
            let _ = logout().await;
            go_to("/login");
        });
    };
    view! {
        <header class="top-bar">
            <a class="brand" href="/">{move || i18n.t("app.title")}</a>
            <nav aria-label="main">
                <A href="/">{move || i18n.t("nav.board")}</A>
                <A href="/explorer">{move || i18n.t("nav.explorer")}</A>
                <A href="/runs">{move || i18n.t("nav.runs")}</A>
                <A href="/incidents">{move || i18n.t("nav.incidents")}</A>
                <A href="/journeys">{move || i18n.t("nav.journeys")}</A>
                <Show when=is_support>
                    <A href="/imports">{move || i18n.t("nav.imports")}</A>
                </Show>
                <Show when=is_admin>
                    <A href="/admin/users">{move || i18n.t("nav.users")}</A>
                    <A href="/admin/tokens">{move || i18n.t("nav.tokens")}</A>
                </Show>
            </nav>
            <div class="top-bar-end">
                <span class="user-name">{name}</span>
                <LanguageSwitch/>
                <button type="button" class="logout" on:click=do_logout>
                    {move || i18n.t("nav.logout")}
                </button>
            </div>
        </header>
    }
}

/// Full navigation (drops every client state, as a logout should).
pub fn go_to(path: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = path;
}
