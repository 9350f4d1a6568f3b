//! The drill-down behind the numbers: from a chart's bucket or a board tile to the runs
//! behind it ([`runs`]: a page of runs, newest first, and one run with its steps).
//! Questions use the explorer's filters and time grammar, and answer
//! [`IndicatorError`]s, so that a bad parameter is named as everywhere else.

mod cursor;
pub mod runs;

pub use crate::indicators::IndicatorError;
pub use runs::RunService;
