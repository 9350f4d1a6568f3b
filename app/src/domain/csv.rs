//! CSV cells as every export writes them, in the browser and on the server: RFC 4180
//! quoting, and text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`)
//! prefixed with `'` (also for XLSX text cells, through [`neutralise`]).

/// Text that a spreadsheet would read as a formula gets a leading quote.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// One cell: neutralised, then quoted when it holds a comma, a quote or a line break.
pub fn escape_cell(text: &str) -> String {
    let safe = neutralise(text);
    if safe.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// One line of cells, each escaped, CRLF-terminated as RFC 4180 says.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let cells: Vec<String> = cells
        .iter()
        .map(|cell| escape_cell(cell.as_ref()))
        .collect();
    format!("{}\r\n", cells.join(","))
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
        assert_eq!(neutralise("-1+1"), "'-1+1");
    }

    #[test]
    fn cells_are_quoted_per_rfc_4180() {
        assert_eq!(escape_cell("a,b"), "\"a,b\"");
        assert_eq!(escape_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(escape_cell("l'API"), "l'API");
        assert_eq!(line(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }
}
