//! A series answer sent in parts (the explorer's streaming server function): one JSON
//! line per part, each part the whole answer for a slice of the time range, cut on the
//! series' bucket boundaries so that a bucket never straddles two parts. The browser
//! merges the parts as they arrive into one series per key, in time order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::indicators::{Series, SeriesResponse};

/// One part of a streamed answer: the series of `response.from .. response.to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPart {
    /// Position of this part in the order of sending (0 first).
    pub index: usize,
    /// How many parts the answer has.
    pub count: usize,
    pub response: SeriesResponse,
}

/// One line of the stream: a part, or the error that ended the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesLine {
    Part(SeriesPart),
    Error(AppError),
}

impl SeriesLine {
    /// The line as sent: JSON and a newline.
    pub fn to_json_line(&self) -> String {
        let mut text = serde_json::to_string(self).unwrap_or_else(|_| {
            // Serialising plain data cannot fail; answer an error line rather than panic.
            r#"{"error":"Internal"}"#.to_string()
        });
        text.push('\n');
        text
    }

    pub fn parse(line: &str) -> Result<SeriesLine, AppError> {
        serde_json::from_str(line).map_err(|error| AppError::Transport(error.to_string()))
    }
}

/// Cuts text that arrives in arbitrary pieces into whole lines.
#[derive(Debug, Default)]
pub struct LineBuffer {
    pending: String,
}

impl LineBuffer {
    /// Adds a piece of text; answers the lines it completed (without their newline).
    pub fn push(&mut self, piece: &str) -> Vec<String> {
        self.pending.push_str(piece);
        let mut lines = Vec::new();
        while let Some(end) = self.pending.find('\n') {
            let line: String = self.pending.drain(..=end).collect();
            let line = line.trim_end();
            if !line.is_empty() {
                lines.push(line.to_string());
            }
        }
        lines
    }

    /// What is left after the last newline, if anything.
    pub fn finish(self) -> Option<String> {
        let rest = self.pending.trim();
        (!rest.is_empty()).then(|| rest.to_string())
    }
}

/// Series merged from parts: one series per key, its points in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedSeries {
    by_key: BTreeMap<BTreeMap<String, String>, BTreeMap<i64, f64>>,
}

impl MergedSeries {
    pub fn add(&mut self, series: Vec<Series>) {
        for Series { key, points } in series {
            self.by_key.entry(key).or_default().extend(points);
        }
    }

    /// The merged series, ordered by key like a whole answer.
    pub fn series(&self) -> Vec<Series> {
        self.by_key
            .iter()
            .map(|(key, points)| Series {
                key: key.clone(),
                points: points.iter().map(|(time, value)| (*time, *value)).collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::indicators::{Bucket, Metric};

    fn series(group: &str, points: &[(i64, f64)]) -> Series {
        Series {
            key: BTreeMap::from([("probe".to_string(), group.to_string())]),
            points: points.to_vec(),
        }
    }

    #[test]
    fn parts_merge_into_one_series_per_key_in_time_order() {
        let mut merged = MergedSeries::default();
        merged.add(vec![series("B", &[(30, 3.0)]), series("A", &[(40, 4.0)])]);
        merged.add(vec![series("A", &[(10, 1.0), (20, 2.0)])]);
        assert_eq!(
            merged.series(),
            vec![
                series("A", &[(10, 1.0), (20, 2.0), (40, 4.0)]),
                series("B", &[(30, 3.0)]),
            ]
        );
    }

    #[test]
    fn lines_are_whole_whatever_the_pieces() {
        let line = SeriesLine::Part(SeriesPart {
            index: 0,
            count: 2,
            response: SeriesResponse {
                metric: Metric::Runs,
                bucket: Bucket::Hour,
                bucket_ms: 3_600_000,
                from: "a".into(),
                to: "b".into(),
                series: vec![series("A", &[(1, 2.0)])],
            },
        });
        let text = format!(
            "{}{}",
            line.to_json_line(),
            SeriesLine::Error(AppError::Internal).to_json_line()
        );
        let (head, tail) = text.split_at(7);
        let mut buffer = LineBuffer::default();
        assert!(buffer.push(head).is_empty());
        let lines = buffer.push(tail);
        assert_eq!(lines.len(), 2);
        assert_eq!(SeriesLine::parse(&lines[0]), Ok(line));
        assert_eq!(
            SeriesLine::parse(&lines[1]),
            Ok(SeriesLine::Error(AppError::Internal))
        );
        assert_eq!(buffer.finish(), None);
    }

    #[test]
    fn an_unfinished_line_is_kept_for_the_end() {
        let mut buffer = LineBuffer::default();
        assert!(buffer.push("{\"part\"").is_empty());
        assert_eq!(buffer.finish().as_deref(), Some("{\"part\""));
    }
}
