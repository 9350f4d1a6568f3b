//! The summary tab: one row per group with runs, availability, percentiles, incidents
//! and downtime ([`table`]), sorted by any column with the sort kept in the URL
//! ([`sort`]).

pub(super) mod sort;
pub(super) mod table;
