use leptos::prelude::*;

use crate::api::auth::list_users;
use crate::components::i18n_context::use_i18n;

/// Administration: local accounts and their roles (admin only, checked by the server).
#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let users = LocalResource::new(list_users);
    view! {
        <h1>{move || i18n.t("users.title")}</h1>
        {move || match users.get() {
            None => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
            Some(Err(error)) => view! {
                <p class="error" role="alert">{i18n.t(error.message_key())}</p>
            }.into_any(),
            Some(Ok(list)) => view! {
                <table class="data-table">
                    <thead><tr>
                        <th>{i18n.t("users.username")}</th>
                        <th>{i18n.t("users.name")}</th>
                        <th>{i18n.t("users.roles")}</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|user| {
                            let roles = user.roles.iter()
                                .map(|role| i18n.t(&format!("role.{}", role.as_str())))
                                .collect::<Vec<_>>()
                                .join(", ");
                            view! { <tr><td>{user.username}</td><td>{user.display_name}</td><td>{roles}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
