//! Vigie's user interface and the types it shares with the server.
//!
//! - [`domain`]: types that cross a server function;
//! - [`api`]: server function declarations (thin doors to the server's services);
//! - [`i18n`]: French and English texts, number and date formats;
//! - [`pages`] and [`components`]: the Leptos front end, one page per folder.

pub mod api;
pub mod components;
pub mod domain;
pub mod i18n;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use components::i18n_context::provide_i18n;
use components::require_login::RequireLogin;
use pages::board::BoardPage;
use pages::explorer::ExplorerPage;
use pages::imports::ImportsPage;
use pages::incidents::{IncidentPage, IncidentsPage};
use pages::journeys::JourneysPage;
use pages::login::LoginPage;
use pages::runs::{RunPage, RunsPage};
use pages::tokens::TokensPage;
use pages::users::UsersPage;

/// The whole application: the login page is public, every other page needs a session.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    view! {
        <Router>
            <Routes fallback=|| view! { <RequireLogin><BoardPage/></RequireLogin> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/") view=|| view! { <RequireLogin><BoardPage/></RequireLogin> }/>
                <Route path=path!("/explorer") view=|| view! { <RequireLogin><ExplorerPage/></RequireLogin> }/>
                <Route path=path!("/runs") view=|| view! { <RequireLogin><RunsPage/></RequireLogin> }/>
                <Route path=path!("/runs/:run_id") view=|| view! { <RequireLogin><RunPage/></RequireLogin> }/>
                <Route path=path!("/incidents") view=|| view! { <RequireLogin><IncidentsPage/></RequireLogin> }/>
                <Route path=path!("/incidents/:incident_id") view=|| view! { <RequireLogin><IncidentPage/></RequireLogin> }/>
                <Route path=path!("/journeys") view=|| view! { <RequireLogin><JourneysPage/></RequireLogin> }/>
                <Route path=path!("/imports") view=|| view! { <RequireLogin><ImportsPage/></RequireLogin> }/>
                <Route path=path!("/admin/users") view=|| view! { <RequireLogin><UsersPage/></RequireLogin> }/>
                <Route path=path!("/admin/tokens") view=|| view! { <RequireLogin><TokensPage/></RequireLogin> }/>
            </Routes>
        </Router>
    }
}
