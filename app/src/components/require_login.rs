use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::api::auth::current_user;
use crate::domain::auth::SessionUser;
use crate::domain::error::AppError;

use super::i18n_context::use_i18n;
use super::import_banner::ImportBanner;
use super::top_bar::TopBar;

/// The logged-in user, provided to the pages inside [`RequireLogin`].
#[derive(Clone, Copy)]
pub struct CurrentUser(pub RwSignal<Option<SessionUser>>);

/// Shows its children to a logged-in user. Without a session, sends the user to the
/// login page with the URL they opened (path and query) so they land on it afterwards.
#[component]
pub fn RequireLogin(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let navigate = use_navigate();
    let user = RwSignal::new(None::<SessionUser>);
    provide_context(CurrentUser(user));
    let check = LocalResource::new(current_user);

    Effect::new(move |_| {
        if let Some(Err(AppError::Unauthenticated)) = check.get() {
            let opened = opened_url(
                &location.pathname.get_untracked(),
                &location.search.get_untracked(),
            );
            let target = format!("/login?next={}", encode_component(&opened));
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(found)) = check.get() {
            user.set(Some(found));
        }
    });

    view! {
        {move || match check.get() {
            None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
            Some(Ok(_)) => view! {
                <TopBar/>
                <ImportBanner/>
                <main class="page">{children()}</main>
            }.into_any(),
            Some(Err(AppError::Unauthenticated)) => ().into_any(),
            Some(Err(error)) => view! {
                <p class="error" role="alert">{i18n.t(error.message_key())}</p>
            }.into_any(),
        }}
    }
}

/// The path and query the user opened (the router gives the query without its `?`).
pub fn opened_url(path: &str, search: &str) -> String {
    let query = search.trim_start_matches('?');
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// What a URL component keeps as it is: RFC 3986's unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a URL component (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Where to go after login: only a path of this site (never another origin).
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/explorer?range=now-24h".into())),
            "/explorer?range=now-24h"
        );
        assert_eq!(safe_next(Some("//evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_opened_url_keeps_its_query() {
        assert_eq!(
            opened_url("/admin/users", "sort=name"),
            "/admin/users?sort=name"
        );
        assert_eq!(
            opened_url("/admin/users", "?sort=name"),
            "/admin/users?sort=name"
        );
        assert_eq!(opened_url("/", ""), "/");
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("/a?b=c&d"), "%2Fa%3Fb%3Dc%26d");
    }
}
