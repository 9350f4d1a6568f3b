//! One chart per kind of indicator ([`kind`]), each streamed on its own through the
//! series server function ([`series_loader`], where `LatestOnly` keeps one load per
//! chart, so that a chart never draws an older request's data), drawn with ECharts
//! ([`echarts_view`]) part by part as its data arrives, with its table view
//! ([`table`]), its CSV ([`csv`]) and XLSX exports, the buckets that the range cuts
//! shaded as incomplete ([`data`]`::partial_buckets`), and the failures chart's own split
//! ([`failure_split`]). [`card`] puts one chart together.

mod card;
pub(super) mod csv;
pub(super) mod data;
pub(super) mod echarts_view;
pub(super) mod failure_split;
pub(super) mod kind;
pub(super) mod series_loader;
pub(super) mod table;

pub use card::ExplorerChart;
