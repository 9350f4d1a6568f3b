//! The daily drops the import tests read, kept as files under `server/tests/fixtures/`:
//! `drop/` holds the ten files of business date 2026-11-20 (a small catalogue, a day of
//! runs every 5 minutes for two probes with a partner outage from 10:00 to 10:30, their
//! steps, prospects and journey events); `drop-with-defects/` the same with known bad
//! rows. Beside each, `<name>.expected/` says what an import must make of it:
//! `rejections.csv` (file, line, column, rule of each rejected row) and `counts.csv` (the
//! rows it keeps). The products file starts with a BOM, the services file has CRLF line
//! ends, some fields hold quoted commas and newlines; with the defects, one journey event
//! line holds a stray quote.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub const DATE: &str = "20261120";

/// A rejected row the test expects: (file, line, column, rule).
pub type Expected = (String, i64, String, String);

/// Personal values written in the prospects file (to search for in clear).
pub const SECRET_NAMES: [&str; 3] = ["Zéphyrine", "Bartholomew", "zephyrine.secret@example.org"];

/// What a written drop holds.
pub struct WrittenDrop {
    pub expected_rejections: BTreeSet<Expected>,
    pub valid_runs: usize,
    pub valid_steps: usize,
    pub valid_prospects: usize,
    pub valid_events: usize,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies the drop (with its defects when `defects`) into `folder`, and answers what an
/// import of it must reject and keep.
pub fn write_drop(folder: &Path, defects: bool) -> std::io::Result<WrittenDrop> {
    let name = if defects { "drop-with-defects" } else { "drop" };
    for entry in std::fs::read_dir(fixtures().join(name))? {
        let entry = entry?;
        std::fs::copy(entry.path(), folder.join(entry.file_name()))?;
    }
    let expected = fixtures().join(format!("{name}.expected"));
    let rejections = std::fs::read_to_string(expected.join("rejections.csv"))?;
    let expected_rejections = rejections
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            match cells.as_slice() {
                [file, line, column, rule] => Some((
                    file.to_string(),
                    line.parse().ok()?,
                    column.to_string(),
                    rule.to_string(),
                )),
                _ => None,
            }
        })
        .collect();
    let counts = std::fs::read_to_string(expected.join("counts.csv"))?;
    let counts: Vec<usize> = counts
        .lines()
        .nth(1)
        .unwrap_or_default()
        .split(',')
        .filter_map(|count| count.parse().ok())
        .collect();
    let count = |index: usize| counts.get(index).copied().unwrap_or_default();
    Ok(WrittenDrop {
        expected_rejections,
        valid_runs: count(0),
        valid_steps: count(1),
        valid_prospects: count(2),
        valid_events: count(3),
    })
}
