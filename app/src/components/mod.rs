//! Components shared by several pages.

pub mod environment_choice;
pub mod i18n_context;
pub mod import_banner;
pub mod language_switch;
pub mod multi_select;
pub mod quick_ranges;
pub mod require_login;
pub mod top_bar;
