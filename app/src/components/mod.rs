//! Components shared by several pages.

pub mod i18n_context;
pub mod import_banner;
pub mod language_switch;
pub mod multi_select;
pub mod require_login;
pub mod top_bar;
