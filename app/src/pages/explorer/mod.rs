//! The explorer (`/explorer`): indicators over a chosen time range, filtered and grouped,
//! as charts (each with a table view and CSV/XLSX exports) or a summary table. The whole
//! view lives in the URL query, so a link shows a colleague the same thing.
//!
//! Its parts: the page ([`explorer_page`]); the view state and its URL ([`url_state`]);
//! the controls ([`controls`]: time picker, filters, auto-refresh, shared link); the
//! charts ([`chart`]); the summary table ([`summary`]); and what they share: Paris
//! times ([`paris_time`]), sortable table headers ([`table_sort`]), empty states
//! ([`empty_state`]) and the browser's clipboard and downloads ([`browser`]).

mod browser;
mod chart;
mod controls;
mod empty_state;
mod explorer_page;
mod paris_time;
mod summary;
mod table_sort;
mod url_state;

pub use explorer_page::ExplorerPage;
pub use url_state::EXPLORER_PATH;
