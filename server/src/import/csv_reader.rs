//! A streaming reader for the drop's CSV files (RFC 4180, UTF-8 with an optional BOM,
//! comma, `"` quoting, LF or CRLF, quoted commas and newlines). It reads one record at
//! a time, checks the header against the file type's columns, and reports each record
//! with the line it starts on. Arbitrary bytes never make it panic.
//!
//! A stray quote makes the record it opens run over the lines after it, until the next
//! quote or the end of the file. Such a record is reported on its first line, and
//! reading starts again on the next line, so that one broken line does not take the
//! rows after it: when a record runs over several lines and does not have the header's
//! number of fields, or when it grows past [`MAX_RECORD_BYTES`] (which it is never
//! allowed to do in memory).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use app::i18n::Message;

use super::files::FileType;
use super::ImportError;
use crate::ingest::validate::Record;

/// The longest record a drop file may hold. Real records are well under a kilobyte;
/// beyond this the record is rejected rather than held in memory.
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

/// What the csv reader reads through. It remembers where the line-end bytes are in
/// what was handed over, so that a record's byte offset gives its line number (the csv
/// crate's own line count is off after CRLF line ends and blank lines): entries are
/// (offset, is `\n`); `\r` is kept too, to skip the blank lines a record's offset may
/// point before. It also keeps the bytes since the last complete record, so that
/// reading can start again on the line after a broken record's first one. Offsets count
/// from the start of the file.
struct Tracker<R> {
    inner: R,
    /// Offset of the next byte handed over.
    consumed: u64,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
    /// Where the last complete record ended: reading more than [`MAX_RECORD_BYTES`]
    /// past it fails.
    record_end: Rc<Cell<u64>>,
    /// The bytes handed over from offset `kept_from` on (everything since the last
    /// complete record, and what the csv reader read ahead).
    kept: Vec<u8>,
    kept_from: u64,
    /// Bytes to hand over again, from `replay_at`, before reading `inner` on.
    replay: Vec<u8>,
    replay_at: usize,
    /// Set when a read failed because a record grew past [`MAX_RECORD_BYTES`].
    overflowed: bool,
}

impl<R: Read> Read for Tracker<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let record_end = self.record_end.get();
        if self.consumed > record_end + MAX_RECORD_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "a record is too long",
            ));
        }
        if record_end > self.kept_from {
            let done = usize::try_from(record_end - self.kept_from)
                .unwrap_or(usize::MAX)
                .min(self.kept.len());
            self.kept.drain(..done);
            self.kept_from += done as u64;
        }
        let count = if self.replay_at < self.replay.len() {
            let count = (self.replay.len() - self.replay_at).min(buffer.len());
            buffer[..count].copy_from_slice(&self.replay[self.replay_at..self.replay_at + count]);
            self.replay_at += count;
            count
        } else {
            self.inner.read(buffer)?
        };
        let mut newlines = self.newlines.borrow_mut();
        for (index, byte) in buffer[..count].iter().enumerate() {
            if *byte == b'\n' || *byte == b'\r' {
                newlines.push_back((self.consumed + index as u64, *byte == b'\n'));
            }
        }
        self.kept.extend_from_slice(&buffer[..count]);
        self.consumed += count as u64;
        Ok(count)
    }
}

impl<R: Read> Tracker<R> {
    /// Skips to the line after the one `offset` is on (`offset` at or after
    /// `kept_from`): answers the offset of that line's first byte, or `None` when the
    /// file ends first.
    fn skip_line(&mut self, offset: u64) -> Option<u64> {
        let start = usize::try_from(offset.saturating_sub(self.kept_from)).ok()?;
        if let Some(at) = self
            .kept
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            let cut = start + at + 1;
            let mut replay = self.kept.split_off(cut);
            replay.extend_from_slice(&self.replay[self.replay_at..]);
            self.restart_at(self.kept_from + cut as u64, replay);
            return Some(self.consumed);
        }
        // The line goes on past what was kept: drop it up to its end.
        let mut skipped = self.consumed;
        let pending = std::mem::take(&mut self.replay).split_off(self.replay_at);
        if let Some(at) = pending.iter().position(|b| *b == b'\n') {
            self.restart_at(skipped + at as u64 + 1, pending[at + 1..].to_vec());
            return Some(self.consumed);
        }
        skipped += pending.len() as u64;
        let mut buffer = vec![0; 64 << 10];
        loop {
            let count = match self.inner.read(&mut buffer) {
                Ok(0) | Err(_) => return None,
                Ok(count) => count,
            };
            if let Some(at) = buffer[..count].iter().position(|b| *b == b'\n') {
                self.restart_at(skipped + at as u64 + 1, buffer[at + 1..count].to_vec());
                return Some(self.consumed);
            }
            skipped += count as u64;
        }
    }

    /// Hands over `replay` from `offset` on, then the rest of `inner`.
    fn restart_at(&mut self, offset: u64, replay: Vec<u8>) {
        self.replay = replay;
        self.replay_at = 0;
        self.kept.clear();
        self.kept_from = offset;
        self.consumed = offset;
        self.record_end.set(offset);
        self.overflowed = false;
        self.newlines.borrow_mut().clear();
    }

    /// Whether the record kept at `[from, to)` runs over several lines: a line end
    /// before its own final one.
    fn spans_lines(&self, from: u64, to: u64) -> bool {
        let start = usize::try_from(from.saturating_sub(self.kept_from)).unwrap_or(usize::MAX);
        let end = usize::try_from(to.saturating_sub(self.kept_from)).unwrap_or(usize::MAX);
        let mut record = self
            .kept
            .get(start..end.min(self.kept.len()))
            .unwrap_or_default();
        while let Some((b'\n' | b'\r', rest)) = record.split_last() {
            record = rest;
        }
        record.contains(&b'\n')
    }
}

type Reader<R> = csv::Reader<Tracker<R>>;

pub struct CsvFile<R: Read> {
    file_type: FileType,
    /// `None` after an error that ends the file.
    reader: Option<Reader<R>>,
    /// Offset in the file of the reader's first byte (it starts again after a broken
    /// record).
    base: u64,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
    record_end: Rc<Cell<u64>>,
    /// Newlines before the last record read.
    lines_before: u64,
    /// For each of the file type's columns, its position in the file.
    positions: Vec<usize>,
    record: csv::ByteRecord,
}

fn reader<R: Read>(tracker: Tracker<R>, has_headers: bool) -> Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(has_headers)
        .flexible(true)
        .from_reader(tracker)
}

impl<R: Read> CsvFile<R> {
    /// Opens a file of `file_type` and checks its header: exactly the type's columns,
    /// in any order.
    // Over 80 lines: the reader and its position tracking set up together, then the
    // header checked; the parts share the tracker's state.
    pub fn open(file_type: FileType, input: R, file: &str) -> Result<CsvFile<R>, ImportError> {
        let newlines = Rc::new(RefCell::new(VecDeque::new()));
        let record_end = Rc::new(Cell::new(0));
        let mut reader = reader(
            Tracker {
                inner: input,
                consumed: 0,
                newlines: Rc::clone(&newlines),
                record_end: Rc::clone(&record_end),
                kept: Vec::new(),
                kept_from: 0,
                replay: Vec::new(),
                replay_at: 0,
                overflowed: false,
            },
            true,
        );
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
            reader: Some(reader),
            base: 0,
            newlines,
            record_end,
            lines_before: 0,
            positions,
            record: csv::ByteRecord::new(),
        })
    }

    pub fn file_type(&self) -> FileType {
        self.file_type
    }

    /// The line (from 1) of the record the csv crate places at `offset` (in the file),
    /// and the offset of its first byte, for offsets that only grow. The crate may
    /// place a record on the line ends (and blank lines) before its first byte: those
    /// are counted as before the record.
    fn line_at(&mut self, offset: u64) -> (u64, u64) {
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
        (self.lines_before + 1, next)
    }

    /// Reads on from the line after `line` (whose first byte is at `first_byte`);
    /// ends the file when there is none.
    fn resume_after(&mut self, line: u64, first_byte: u64) {
        let Some(mut tracker) = self.reader.take().map(csv::Reader::into_inner) else {
            return;
        };
        if let Some(offset) = tracker.skip_line(first_byte) {
            // The record's line is whole before `offset`, and holds no other line end.
            self.lines_before = line;
            self.base = offset;
            self.reader = Some(reader(tracker, false));
        }
    }

    /// The next row; `None` at the end of the file, and after an error that ends it.
    pub fn next_row(&mut self) -> Option<Result<CsvRow, UnreadableRow>> {
        let reader = self.reader.as_mut()?;
        match reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let end = self.base + reader.position().byte();
                let offset =
                    self.base + self.record.position().map_or(0, |position| position.byte());
                let (line, first_byte) = self.line_at(offset);
                if self.record.len() != self.positions.len() {
                    let broken = self
                        .reader
                        .as_ref()
                        .is_some_and(|reader| reader.get_ref().spans_lines(first_byte, end));
                    let key = if broken {
                        self.resume_after(line, first_byte);
                        "rejection.stray_quote"
                    } else {
                        self.record_end.set(end);
                        "rejection.field_count"
                    };
                    let message = Message::new(key)
                        .arg(self.record.len())
                        .arg(self.positions.len());
                    return Some(Err(UnreadableRow { line, message }));
                }
                self.record_end.set(end);
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
                let overflowed = reader.get_ref().overflowed;
                // The reader's errors (I/O, a record too long) carry no position: the
                // failed record starts where the last one ended.
                let offset = error.position().map_or(self.record_end.get(), |position| {
                    self.base + position.byte()
                });
                let (line, first_byte) = self.line_at(offset);
                if overflowed {
                    self.resume_after(line, first_byte);
                    return Some(Err(UnreadableRow {
                        line,
                        message: Message::new("rejection.too_long").arg(MAX_RECORD_BYTES / 1024),
                    }));
                }
                // Any other reader error (I/O) ends the file.
                self.reader = None;
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
            if rows.len() > 1_000_000 {
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

    /// Each row's line, with its cells when read and its message (in English) when not.
    fn outcome(text: &[u8]) -> Vec<(u64, Result<Vec<String>, String>)> {
        rows(text)
            .unwrap_or_default()
            .into_iter()
            .map(|row| match row {
                Ok(row) => (row.line, Ok(row.cells)),
                Err(error) => (error.line, Err(error.message.render(app::i18n::Lang::En))),
            })
            .collect()
    }

    fn cells(cells: &[&str]) -> Result<Vec<String>, String> {
        Ok(cells.iter().map(|cell| cell.to_string()).collect())
    }

    /// Whether a row of [`outcome`] was rejected with a message holding `text`.
    fn rejected_with(row: &(u64, Result<Vec<String>, String>), text: &str) -> bool {
        row.1.as_ref().is_err_and(|message| message.contains(text))
    }

    #[test]
    fn a_stray_quote_costs_its_line_only() {
        // Never closed: the record runs to the end of the file.
        let read = outcome(b"product_code,label,active\nA,\"a,true\nB,b,true\r\nC,c,true\n");
        assert_eq!(read.len(), 3, "{read:?}");
        assert_eq!(read[0].0, 2);
        assert!(
            rejected_with(&read[0], "runs over several lines"),
            "{read:?}"
        );
        assert_eq!(read[1], (3, cells(&["B", "b", "true"])));
        assert_eq!(read[2], (4, cells(&["C", "c", "true"])));
        // Closed by the next quoted field, lines later; that field is read whole again.
        let read = outcome(
            b"product_code,label,active\nA,\"a,true\nB,b,true\nC,\"c, inc, more\nwide\",true\nD,d,true\n",
        );
        let lines: Vec<u64> = read.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![2, 3, 4, 6], "{read:?}");
        assert!(read[0].1.is_err());
        assert_eq!(read[2].1, cells(&["C", "c, inc, more\nwide", "true"]));
        assert_eq!(read[3].1, cells(&["D", "d", "true"]));
        // A quoted newline in a record with the right fields is not a stray quote.
        let read = outcome(b"product_code,label,active\nA,\"a\nb\",true\nB,b\n");
        assert_eq!(read[0], (2, cells(&["A", "a\nb", "true"])));
        assert!(rejected_with(&read[1], "has 2 fields"), "{read:?}");
        assert_eq!(read.len(), 2);
    }

    #[test]
    fn an_over_long_record_is_rejected_without_being_held_and_reading_goes_on() {
        // The unclosed quote's line itself is longer than the cap.
        let mut text = b"product_code,label,active\nA,a,true\nB,\"never closed".to_vec();
        text.extend(std::iter::repeat_n(b'x', 3 * MAX_RECORD_BYTES as usize));
        text.extend(b"\"\nC,c,true\n");
        let read = outcome(&text);
        assert_eq!(read.len(), 3, "{read:?}");
        assert_eq!(read[0], (2, cells(&["A", "a", "true"])));
        assert_eq!(read[1].0, 3);
        assert!(rejected_with(&read[1], "longer than 1024 KiB"), "{read:?}");
        assert_eq!(read[2], (4, cells(&["C", "c", "true"])));
        // An unclosed quote followed by more than the cap of short lines.
        let mut text = b"product_code,label,active\nA,\"a,true\n".to_vec();
        let lines = 2 * MAX_RECORD_BYTES as usize / 10;
        for _ in 0..lines {
            text.extend(b"B,b,true\n");
        }
        let read = outcome(&text);
        assert_eq!(read.len(), lines + 1);
        assert!(rejected_with(&read[0], "longer than"));
        assert!(read[1..]
            .iter()
            .all(|(_, row)| row == &cells(&["B", "b", "true"])));
        assert_eq!(read.last().map(|(line, _)| *line), Some(lines as u64 + 2));
        // A long record under the cap is read whole.
        let mut text = b"product_code,label,active\nA,\"".to_vec();
        text.extend(std::iter::repeat_n(b'y', 100_000));
        text.extend(b"\",true\nB,b,true\n");
        let lines: Vec<u64> = outcome(&text)
            .into_iter()
            .filter(|(_, row)| row.is_ok())
            .map(|(line, _)| line)
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
                // Lines only grow (reading again after a stray quote never goes back),
                // and stay within the file.
                let last_line = bytes.iter().filter(|byte| **byte == b'\n').count() as u64 + 1;
                let lines: Vec<u64> = read
                    .iter()
                    .map(|row| row.as_ref().map_or_else(|error| error.line, |row| row.line))
                    .collect();
                assert!(lines.windows(2).all(|pair| pair[0] <= pair[1]), "{bytes:?}");
                assert!(lines.iter().all(|line| *line <= last_line), "{bytes:?}");
                for row in read.into_iter().flatten() {
                    let _ = row.record(FileType::Products);
                }
            }
        }
    }
}
