//! The summary table's columns, their order as written in the URL (`sort=p95`,
//! `sort=-availability` for descending), and how two rows compare on each.

use std::cmp::Ordering;

use crate::domain::indicators::SummaryRow;

use crate::pages::explorer::table_sort::{compare_numbers, Sort};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryColumn {
    /// The group (probe, product, ...), by the label people read.
    Name,
    Runs,
    Availability,
    P50,
    P95,
    P99,
    Failures,
    Incidents,
    Downtime,
    Mttr,
    Mtbf,
}

pub type SummarySort = Sort<SummaryColumn>;

impl SummaryColumn {
    /// The measured columns, in the order of the table.
    pub const MEASURES: [SummaryColumn; 10] = [
        SummaryColumn::Runs,
        SummaryColumn::Availability,
        SummaryColumn::P50,
        SummaryColumn::P95,
        SummaryColumn::P99,
        SummaryColumn::Failures,
        SummaryColumn::Incidents,
        SummaryColumn::Downtime,
        SummaryColumn::Mttr,
        SummaryColumn::Mtbf,
    ];

    /// Name in the URL, also the end of the header's translation key.
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryColumn::Name => "name",
            SummaryColumn::Runs => "runs",
            SummaryColumn::Availability => "availability",
            SummaryColumn::P50 => "p50",
            SummaryColumn::P95 => "p95",
            SummaryColumn::P99 => "p99",
            SummaryColumn::Failures => "failures",
            SummaryColumn::Incidents => "incidents",
            SummaryColumn::Downtime => "downtime",
            SummaryColumn::Mttr => "mttr",
            SummaryColumn::Mtbf => "mtbf",
        }
    }

    pub fn parse(text: &str) -> Option<SummaryColumn> {
        std::iter::once(SummaryColumn::Name)
            .chain(SummaryColumn::MEASURES)
            .find(|column| column.as_str() == text)
    }

    /// The number shown in this column (`None` for the name, or when there is none).
    fn number(self, row: &SummaryRow) -> Option<f64> {
        match self {
            SummaryColumn::Name => None,
            SummaryColumn::Runs => Some(row.runs as f64),
            SummaryColumn::Availability => row.availability_pct,
            SummaryColumn::P50 => row.p50_ms,
            SummaryColumn::P95 => row.p95_ms,
            SummaryColumn::P99 => row.p99_ms,
            SummaryColumn::Failures => Some(row.failed as f64),
            SummaryColumn::Incidents => Some(row.incidents as f64),
            SummaryColumn::Downtime => Some(row.downtime_s as f64),
            SummaryColumn::Mttr => row.mttr_s.map(|s| s as f64),
            SummaryColumn::Mtbf => row.mtbf_s.map(|s| s as f64),
        }
    }
}

/// `p95` or `-p95` (descending).
pub fn sort_to_url(sort: SummarySort) -> String {
    let sign = if sort.ascending { "" } else { "-" };
    format!("{sign}{}", sort.column.as_str())
}

pub fn sort_from_url(text: &str) -> Option<SummarySort> {
    let (ascending, name) = match text.strip_prefix('-') {
        Some(name) => (false, name),
        None => (true, text),
    };
    SummaryColumn::parse(name).map(|column| Sort { column, ascending })
}

/// Orders two rows on `column`; `name` gives a row's label for the name column.
pub fn compare_rows(
    a: &SummaryRow,
    b: &SummaryRow,
    column: SummaryColumn,
    name: impl Fn(&SummaryRow) -> String,
) -> Ordering {
    match column {
        SummaryColumn::Name => name(a).to_lowercase().cmp(&name(b).to_lowercase()),
        numeric => compare_numbers(numeric.number(a), numeric.number(b)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn row(probe: &str, runs: i64, p95_ms: Option<f64>) -> SummaryRow {
        SummaryRow {
            key: BTreeMap::from([("probe".to_string(), probe.to_string())]),
            runs,
            ok: runs,
            failed: 0,
            availability_pct: None,
            p50_ms: None,
            p95_ms,
            p99_ms: None,
            incidents: 0,
            downtime_s: 0,
            mttr_s: None,
            mtbf_s: None,
        }
    }

    fn probes(rows: &[SummaryRow]) -> Vec<&str> {
        rows.iter().map(|row| row.key["probe"].as_str()).collect()
    }

    #[test]
    fn the_sort_round_trips_through_the_url() {
        for column in SummaryColumn::MEASURES {
            for ascending in [true, false] {
                let sort = Sort { column, ascending };
                assert_eq!(sort_from_url(&sort_to_url(sort)), Some(sort));
            }
        }
        assert_eq!(sort_to_url(Sort::ascending(SummaryColumn::Name)), "name");
        assert_eq!(sort_from_url("-colour"), None);
    }

    #[test]
    fn numeric_columns_sort_as_numbers_and_names_by_label() {
        let mut rows = vec![
            row("b", 9, Some(1_200.0)),
            row("a", 100, None),
            row("C", 10, Some(800.0)),
        ];
        let label = |row: &SummaryRow| row.key["probe"].clone();
        Sort::ascending(SummaryColumn::Runs)
            .apply(&mut rows, |a, b, c| compare_rows(a, b, c, label));
        assert_eq!(probes(&rows), vec!["b", "C", "a"]);
        Sort::ascending(SummaryColumn::P95)
            .apply(&mut rows, |a, b, c| compare_rows(a, b, c, label));
        assert_eq!(probes(&rows), vec!["a", "C", "b"]);
        Sort::ascending(SummaryColumn::Name)
            .apply(&mut rows, |a, b, c| compare_rows(a, b, c, label));
        assert_eq!(probes(&rows), vec!["a", "b", "C"]);
    }
}
