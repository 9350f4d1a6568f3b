//! Journeys (parcours): `/journeys` shows a product's funnel from real prospects'
//! events (how many reached each step, converted, failed, gave up), beside each step
//! the probes' success rate there, and the conversion of each step over time.

mod funnel_view;
mod journeys_page;
mod url_state;

pub use journeys_page::JourneysPage;
pub use url_state::JourneysView;
