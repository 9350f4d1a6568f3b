//! A streaming reader for the drop's CSV files (RFC 4180, UTF-8 with an optional BOM,
//! comma, `"` quoting, LF or CRLF, quoted commas and newlines). It reads one record at
//! a time, checks the header against the file type's columns, and reports each record
//! with the line it starts on. Arbitrary bytes never make it panic, and a record longer
//! than [`MAX_RECORD_BYTES`] (an unclosed quote, say) ends the file with an error instead
//! of growing in memory.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use app::i18n::Message;

use super::files::FileType;
use super::ImportError;
use crate::ingest::validate::Record;

/// The longest record a drop file may hold. Real records are well under a kilobyte;
/// beyond this the reader stops with an error rather than hold the record in memory.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// A data row: the line it starts on (the header is line 1) and its cells in the
/// order of the file type's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A row that cannot be read as a record (wrong number of fields, not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableRow {
    pub line: u64,
    pub message: Message,
}

/// Remembers where the line-end bytes are in what the CSV reader has read ahead, so
/// that a record's byte offset gives its line number (the csv crate's own line count is
/// off after CRLF line ends and blank lines). Entries are (offset, is `\n`); `\r` is
/// kept too, to skip the blank lines a record's offset may point before.
struct NewlineTracker<R> {
    inner: R,
    consumed: u64,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
    /// Where the last complete record ended: reading more than [`MAX_RECORD_BYTES`]
    /// past it fails.
    record_end: Rc<Cell<u64>>,
}

impl<R: Read> Read for NewlineTracker<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.consumed > self.record_end.get() + MAX_RECORD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "a record is longer than {} KiB (an unclosed quote?)",
                    MAX_RECORD_BYTES / 1024
                ),
            ));
        }
        let count = self.inner.read(buffer)?;
        let mut newlines = self.newlines.borrow_mut();
        for (index, byte) in buffer[..count].iter().enumerate() {
            if *byte == b'\n' || *byte == b'\r' {
                newlines.push_back((self.consumed + index as u64, *byte == b'\n'));
            }
        }
        self.consumed += count as u64;
        Ok(count)
    }
}

pub struct CsvFile<R: Read> {
    file_type: FileType,
    reader: csv::Reader<NewlineTracker<R>>,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
    record_end: Rc<Cell<u64>>,
    /// Set after an error that ends the file.
    ended: bool,
    /// Newlines before the last record read.
    lines_before: u64,
    /// For each of the file type's columns, its position in the file.
    positions: Vec<usize>,
    record: csv::ByteRecord,
}

impl<R: Read> CsvFile<R> {
    /// Opens a file of `file_type` and checks its header: exactly the type's columns,
    /// in any order.
    pub fn open(file_type: FileType, input: R, file: &str) -> Result<CsvFile<R>, ImportError> {
        let newlines = Rc::new(RefCell::new(VecDeque::new()));
        let record_end = Rc::new(Cell::new(0));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(NewlineTracker {
                inner: input,
                consumed: 0,
                newlines: Rc::clone(&newlines),
                record_end: Rc::clone(&record_end),
            });
        let header = reader
            .byte_headers()
            .map_err(|error| ImportError::Unreadable {
                file: file.to_string(),
                cause: error.to_string(),
            })?
            .clone();
        record_end.set(reader.position().byte());
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let name = String::from_utf8_lossy(name).trim().to_string();
                // A BOM the csv crate left on the first name.
                if index == 0 {
                    name.trim_start_matches('\u{feff}').to_string()
                } else {
                    name
                }
            })
            .collect();
        let columns = file_type.columns();
        for (index, name) in names.iter().enumerate() {
            if !columns.contains(&name.as_str()) {
                // A header cell is repeated only when it looks like a column name of a
                // file without personal data: a prospects file without its header must
                // not put a prospect's data in an error.
                let looks_like_a_name = file_type.personal_columns().is_empty()
                    && (1..=64).contains(&name.len())
                    && name
                        .bytes()
                        .all(|byte| byte.is_ascii_lowercase() || byte == b'_');
                return Err(ImportError::UnknownColumn {
                    file: file.to_string(),
                    column: if looks_like_a_name {
                        name.clone()
                    } else {
                        format!("(column {})", index + 1)
                    },
                });
            }
            if names[..index].contains(name) {
                return Err(ImportError::RepeatedColumn {
                    file: file.to_string(),
                    column: name.clone(),
                });
            }
        }
        let mut positions = Vec::with_capacity(columns.len());
        for column in columns {
            match names.iter().position(|name| name == column) {
                Some(position) => positions.push(position),
                None => {
                    return Err(ImportError::MissingColumn {
                        file: file.to_string(),
                        column: column.to_string(),
                    })
                }
            }
        }
        Ok(CsvFile {
            file_type,
            reader,
            newlines,
            record_end,
            ended: false,
            lines_before: 0,
            positions,
            record: csv::ByteRecord::new(),
        })
    }

    pub fn file_type(&self) -> FileType {
        self.file_type
    }

    /// The line (from 1) of the record the csv crate places at `offset`, for offsets
    /// that only grow. The crate may place a record on the line ends (and blank lines)
    /// before its first byte: those are counted as before the record.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut ends = self.newlines.borrow_mut();
        while let Some(&(position, is_newline)) = ends.front() {
            if position >= offset {
                break;
            }
            ends.pop_front();
            self.lines_before += u64::from(is_newline);
        }
        let mut next = offset;
        while let Some(&(position, is_newline)) = ends.front() {
            if position != next {
                break;
            }
            ends.pop_front();
            self.lines_before += u64::from(is_newline);
            next += 1;
        }
        self.lines_before + 1
    }

    /// The next row; `None` at the end of the file, and after an error that ends it.
    pub fn next_row(&mut self) -> Option<Result<CsvRow, UnreadableRow>> {
        if self.ended {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                self.record_end.set(self.reader.position().byte());
                let offset = self.record.position().map_or(0, |position| position.byte());
                let line = self.line_at(offset);
                if self.record.len() != self.positions.len() {
                    return Some(Err(UnreadableRow {
                        line,
                        message: Message::new("rejection.field_count")
                            .arg(self.record.len())
                            .arg(self.positions.len()),
                    }));
                }
                let mut cells = Vec::with_capacity(self.positions.len());
                for &position in &self.positions {
                    match std::str::from_utf8(self.record.get(position).unwrap_or_default()) {
                        Ok(text) => cells.push(text.to_string()),
                        Err(_) => {
                            return Some(Err(UnreadableRow {
                                line,
                                message: Message::new("rejection.not_utf8"),
                            }))
                        }
                    }
                }
                Some(Ok(CsvRow { line, cells }))
            }
            Err(error) => {
                // The reader's errors (I/O, a record too long) carry no position: the
                // failed record starts where the last one ended.
                let offset = error
                    .position()
                    .map_or(self.record_end.get(), |position| position.byte());
                let line = self.line_at(offset);
                // A reader error (I/O, a record too long) ends the file.
                self.ended = true;
                Some(Err(UnreadableRow {
                    line,
                    message: Message::new("rejection.unreadable").arg(error),
                }))
            }
        }
    }
}

impl CsvRow {
    /// The row as a record of named fields, for the validation rules.
    pub fn record(&self, file_type: FileType) -> Record {
        Record::from_cells(
            file_type
                .columns()
                .iter()
                .copied()
                .zip(self.cells.iter().map(String::as_str)),
        )
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn rows(text: &[u8]) -> Result<Vec<Result<CsvRow, UnreadableRow>>, ImportError> {
        let mut file = CsvFile::open(FileType::Products, text, "products_20261121.csv")?;
        let mut rows = Vec::new();
        while let Some(row) = file.next_row() {
            rows.push(row);
            if rows.len() > 10_000 {
                break;
            }
        }
        Ok(rows)
    }

    #[test]
    fn bom_crlf_quotes_and_newlines_are_read() {
        let text = "\u{feff}label,product_code,active\r\n\"Livret, A\",LIVRET,true\r\n\"Plan\nd'épargne \"\"PEA\"\"\",PEA,false\r\n";
        let read = rows(text.as_bytes());
        let cells: Vec<(u64, Vec<String>)> = read
            .unwrap_or_default()
            .into_iter()
            .filter_map(Result::ok)
            .map(|row| (row.line, row.cells))
            .collect();
        assert_eq!(
            cells,
            vec![
                (2, vec!["LIVRET".into(), "Livret, A".into(), "true".into()]),
                (
                    3,
                    vec![
                        "PEA".into(),
                        "Plan\nd'épargne \"PEA\"".into(),
                        "false".into()
                    ]
                ),
            ]
        );
    }

    #[test]
    fn lines_count_quoted_newlines_and_blank_lines() {
        let text = b"product_code,label,active\nA,\"two\nlines\",true\n\nB,b,false\nC,c\n";
        let lines: Vec<(u64, bool)> = rows(text)
            .unwrap_or_default()
            .into_iter()
            .map(|row| match row {
                Ok(row) => (row.line, true),
                Err(error) => (error.line, false),
            })
            .collect();
        assert_eq!(lines, vec![(2, true), (5, true), (6, false)]);
        for (text, expected) in [
            (&b"product_code,label,active\n\n\n\nA,a,true\n"[..], 5),
            (&b"product_code,label,active\r\n\r\n\r\nA,a,true\r\n"[..], 4),
        ] {
            let first = rows(text)
                .unwrap_or_default()
                .into_iter()
                .next()
                .and_then(Result::ok)
                .map(|row| row.line);
            assert_eq!(first, Some(expected));
        }
    }

    #[test]
    fn headers_must_hold_exactly_the_columns() {
        assert_eq!(
            rows(b"product_code,label\nA,B\n").err(),
            Some(ImportError::MissingColumn {
                file: "products_20261121.csv".into(),
                column: "active".into()
            })
        );
        assert!(matches!(
            rows(b"product_code,label,active,colour\n"),
            Err(ImportError::UnknownColumn { .. })
        ));
        // A data row where the header should be is not repeated in the error.
        let error = CsvFile::open(
            FileType::Prospects,
            &b"P1,Camille,Durand,camille@example.test,,,,2026-11-21T08:00:00Z,true\n"[..],
            "prospects_20261121.csv",
        )
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
        assert!(
            !error.contains("Camille") && !error.contains("camille@"),
            "{error}"
        );
        assert!(matches!(
            rows(b"product_code,label,active,label\n"),
            Err(ImportError::RepeatedColumn { .. })
        ));
    }

    #[test]
    fn short_rows_and_bad_utf8_are_reported_with_their_line() {
        let read = rows(b"product_code,label,active\nA,B\nC,\xff\xfe,true\nD,E,true\n")
            .unwrap_or_default();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].as_ref().err().map(|e| e.line), Some(2));
        assert_eq!(read[1].as_ref().err().map(|e| e.line), Some(3));
        assert!(read[2].is_ok());
    }

    #[test]
    fn an_unclosed_quote_ends_the_file_at_its_line_without_holding_it() {
        let mut text = b"product_code,label,active\nA,a,true\nB,\"never closed".to_vec();
        text.extend(std::iter::repeat_n(b'x', 3 * MAX_RECORD_BYTES as usize));
        text.extend(b"\"\nC,c,true\n");
        let read = rows(&text).unwrap_or_default();
        assert_eq!(read.len(), 2, "{read:?}");
        assert_eq!(read[0].as_ref().ok().map(|row| row.line), Some(2));
        let error = read[1].as_ref().err();
        assert_eq!(error.map(|error| error.line), Some(3));
        assert!(
            error.is_some_and(|error| error
                .message
                .render(app::i18n::Lang::En)
                .contains("longer than 1024 KiB")),
            "{error:?}"
        );
        // A long record under the cap is read whole.
        let mut text = b"product_code,label,active\nA,\"".to_vec();
        text.extend(std::iter::repeat_n(b'y', 100_000));
        text.extend(b"\",true\nB,b,true\n");
        let read = rows(&text).unwrap_or_default();
        let lines: Vec<u64> = read
            .iter()
            .filter_map(|row| row.as_ref().ok())
            .map(|row| row.line)
            .collect();
        assert_eq!(lines, vec![2, 3]);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let alphabet = b"ab,\"\r\n\xff\xfe\xef\xbb\xbf0_";
        for round in 0..3_000 {
            let length = rng.gen_range(0..200);
            let mut bytes: Vec<u8> = if round % 2 == 0 {
                b"product_code,label,active\n".to_vec()
            } else {
                Vec::new()
            };
            bytes.extend((0..length).map(|_| {
                if rng.gen_bool(0.2) {
                    rng.gen()
                } else {
                    alphabet[rng.gen_range(0..alphabet.len())]
                }
            }));
            if let Ok(read) = rows(&bytes) {
                for row in read.into_iter().flatten() {
                    let _ = row.record(FileType::Products);
                }
            }
        }
    }
}
