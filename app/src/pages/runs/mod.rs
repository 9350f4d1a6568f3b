//! The runs behind the numbers: `/runs` lists them newest first (range, filters,
//! statuses and page in the URL, so that a link reopens the same list), and
//! `/runs/:run_id` shows one run: its steps as a waterfall on the run's time axis, its
//! error, and the probe's runs just before and after.

mod run_page;
mod runs_page;
mod url_state;
mod waterfall;

pub use run_page::RunPage;
pub use runs_page::{RunsPage, RunsTable};
pub use url_state::{run_href, RunsView};
