//! The drill-down behind the numbers: from a chart's bucket or a board tile to the runs
//! behind it ([`runs`]: a page of runs, newest first, and one run with its steps), and
//! from an availability figure to its incidents ([`incidents`]: a page of incidents with
//! the range's maintenance windows, and one incident with its runs and impact), and
//! from a product to its real prospects' journeys ([`funnel`]).
//! Questions use the explorer's filters and time grammar, and answer
//! [`IndicatorError`]s, so that a bad parameter is named as everywhere else.

mod cursor;
pub mod funnel;
pub mod incidents;
pub mod runs;

pub use crate::indicators::IndicatorError;
pub use funnel::FunnelService;
pub use incidents::IncidentService;
pub use runs::RunService;
