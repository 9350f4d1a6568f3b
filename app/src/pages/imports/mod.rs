//! The Imports page (support and admins): the file imports, one import's stages, files
//! and rejected rows, resume and restart for admins, and the recent alerts.

mod alerts_table;
mod continue_actions;
mod import_detail;
mod import_table;
mod imports_page;
mod labels;
mod rejected_rows;
mod url_state;

pub use imports_page::ImportsPage;
