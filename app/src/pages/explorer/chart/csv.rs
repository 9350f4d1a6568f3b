//! CSV files of what a chart or table shows, made in the browser, with the cells every
//! export writes (`domain::csv`).

use super::data::Row;
use crate::domain::csv::line;
use crate::pages::explorer::paris_time::iso_paris;

/// The file: a header row, then one row per (time, series) with the time in ISO 8601,
/// Europe/Paris.
pub fn rows_to_csv(header: [String; 3], rows: &[Row]) -> String {
    let mut text = line(&header);
    for row in rows {
        text.push_str(&line(&[
            iso_paris(row.time_ms),
            row.series.clone(),
            row.value.to_string(),
        ]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_has_a_header_and_one_line_per_point() {
        let rows = vec![Row {
            time_ms: 1_764_153_000_000,
            series: "=cmd".into(),
            value: 99.5,
            key: Default::default(),
            bucket: None,
        }];
        let text = rows_to_csv(["time".into(), "series".into(), "value (%)".into()], &rows);
        assert_eq!(
            text,
            "time,series,value (%)\r\n2025-11-26T11:30:00+01:00,'=cmd,99.5\r\n"
        );
    }
}
