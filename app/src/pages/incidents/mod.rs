//! Incidents (indisponibilités): `/incidents` draws the incidents of a range on a
//! timeline (lanes per probe or service, maintenance windows apart) above their table
//! and the MTTR/MTBF per probe; `/incidents/:incident_id` shows one incident with its
//! impact, its steps' errors and its failed runs.

mod incident_page;
mod incidents_page;
mod timeline;
mod url_state;

pub use incident_page::IncidentPage;
pub use incidents_page::IncidentsPage;
pub use url_state::{incident_href, IncidentsView};
