//! CSV files of what a chart or table shows, made in the browser: RFC 4180 quoting, and
//! cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) prefixed with `'`.

use super::chart_data::Row;
use super::paris_time::iso_paris;

/// One cell: neutralised if it could be read as a formula, quoted if it needs to be.
pub fn escape_cell(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if safe.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// One CSV line (CRLF-terminated, as RFC 4180 says).
pub fn line(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|cell| escape_cell(cell)).collect();
    format!("{}\r\n", cells.join(","))
}

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
    fn formula_cells_are_neutralised() {
        assert_eq!(
            escape_cell("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(escape_cell("+33"), "'+33");
        assert_eq!(escape_cell("-1"), "'-1");
        assert_eq!(escape_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_cell("IDV_TIMEOUT"), "IDV_TIMEOUT");
    }

    #[test]
    fn cells_are_quoted_per_rfc_4180() {
        assert_eq!(escape_cell("a,b"), "\"a,b\"");
        assert_eq!(escape_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(escape_cell("l'API"), "l'API");
    }

    #[test]
    fn a_file_has_a_header_and_one_line_per_point() {
        let rows = vec![Row {
            time_ms: 1_764_153_000_000,
            series: "=cmd".into(),
            value: 99.5,
        }];
        let text = rows_to_csv(["time".into(), "series".into(), "value (%)".into()], &rows);
        assert_eq!(
            text,
            "time,series,value (%)\r\n2025-11-26T11:30:00+01:00,'=cmd,99.5\r\n"
        );
    }
}
