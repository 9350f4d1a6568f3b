//! The explorer (`/explorer`): indicators over a chosen time range, filtered and grouped,
//! as charts (each with a table view and CSV/XLSX exports) or a summary table. The whole
//! view lives in the URL query, so a link shows a colleague the same thing.

mod browser;
mod chart;
mod chart_data;
mod chart_kind;
mod chart_table;
mod copy_link;
mod csv;
mod echarts_view;
mod empty_state;
mod explorer_page;
mod failure_split;
mod filters;
mod paris_time;
mod refresh_select;
mod series_loader;
mod summary_sort;
mod summary_table;
mod table_sort;
mod time_picker;
mod url_state;

pub use explorer_page::ExplorerPage;
pub use url_state::EXPLORER_PATH;
