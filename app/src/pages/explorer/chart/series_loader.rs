//! A chart's series read through the streaming server function: every query of the chart
//! at once, each part merged as soon as it arrives. [`LatestOnly`] keeps one load per
//! chart: starting a new one drops the older (which closes its requests, so the server
//! stops computing), and an older load can never report again.

use std::future::Future;

use futures::future::{abortable, join_all, AbortHandle};
use futures::stream::{select_all, StreamExt};
use leptos::prelude::*;

use crate::api::indicators::indicators_series_stream;
use crate::domain::error::AppError;
use crate::domain::indicators::Bucket;
use crate::domain::series_parts::{LineBuffer, MergedSeries, SeriesLine};

use super::data::KeyedSeries;
use super::kind::ChartQuery;

/// What a load has received so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub result: Result<Vec<KeyedSeries>, AppError>,
    /// Whether every part of every query has arrived (or the load failed).
    pub complete: bool,
}

/// The merged parts of one query of a chart.
struct QueryParts {
    prefix: Option<&'static str>,
    /// The buckets of the answer.
    bucket: Option<Bucket>,
    merged: MergedSeries,
    lines: LineBuffer,
    received: usize,
    expected: Option<usize>,
}

impl QueryParts {
    /// Takes the lines a piece of text completed; answers whether a part arrived.
    fn take(&mut self, lines: Vec<String>) -> Result<bool, AppError> {
        let mut arrived = false;
        for line in lines {
            match SeriesLine::parse(&line)? {
                SeriesLine::Part(part) => {
                    self.bucket = Some(part.response.bucket);
                    self.merged.add(part.response.series);
                    self.received += 1;
                    self.expected = Some(part.count);
                    arrived = true;
                }
                SeriesLine::Error(error) => return Err(error),
            }
        }
        Ok(arrived)
    }

    fn is_complete(&self) -> bool {
        self.expected == Some(self.received)
    }
}

fn keyed(queries: &[QueryParts]) -> Vec<KeyedSeries> {
    queries
        .iter()
        .flat_map(|query| {
            query.merged.series().into_iter().map(|series| KeyedSeries {
                prefix: query.prefix,
                key: series.key,
                points: series.points,
                bucket: query.bucket,
            })
        })
        .collect()
}

fn failure(error: AppError) -> Progress {
    Progress {
        result: Err(error),
        complete: true,
    }
}

/// Reads every query of a chart; calls `report` after each part with all that was
/// merged so far, and a last time with `complete` set.
pub async fn stream_chart(queries: Vec<ChartQuery>, mut report: impl FnMut(Progress)) {
    let mut parts: Vec<QueryParts> = queries
        .iter()
        .map(|query| QueryParts {
            prefix: query.prefix,
            bucket: None,
            merged: MergedSeries::default(),
            lines: LineBuffer::default(),
            received: 0,
            expected: None,
        })
        .collect();
    let opened = join_all(
        queries
            .into_iter()
            .map(|query| indicators_series_stream(query.query)),
    )
    .await;
    let mut streams = Vec::new();
    for (position, stream) in opened.into_iter().enumerate() {
        match stream {
            Ok(stream) => streams.push(
                stream
                    .into_inner()
                    .map(move |piece| (position, piece))
                    .boxed_local(),
            ),
            Err(error) => return report(failure(error)),
        }
    }
    let mut pieces = select_all(streams);
    while let Some((position, piece)) = pieces.next().await {
        let Some(query) = parts.get_mut(position) else {
            continue;
        };
        let arrived = piece.and_then(|text| {
            let lines = query.lines.push(&text);
            query.take(lines)
        });
        match arrived {
            Ok(true) => report(Progress {
                result: Ok(keyed(&parts)),
                complete: false,
            }),
            Ok(false) => {}
            Err(error) => return report(failure(error)),
        }
    }
    if !parts.iter().all(QueryParts::is_complete) {
        return report(failure(AppError::Transport("incomplete answer".into())));
    }
    report(Progress {
        result: Ok(keyed(&parts)),
        complete: true,
    });
}

/// At most one running load: a new one cancels the one before, whose reports are
/// ignored from then on even if it was about to send one.
#[derive(Clone, Copy)]
pub struct LatestOnly {
    generation: StoredValue<u64>,
    running: StoredValue<Option<AbortHandle>>,
}

impl LatestOnly {
    pub fn new() -> LatestOnly {
        LatestOnly {
            generation: StoredValue::new(0),
            running: StoredValue::new(None),
        }
    }

    /// Cancels the running load and starts `load(generation)`; reports of the load
    /// should pass through [`LatestOnly::is_current`] with that generation.
    pub fn start<F>(&self, load: impl FnOnce(u64) -> F)
    where
        F: Future<Output = ()> + 'static,
    {
        self.cancel();
        let Some(generation) = self.generation.try_get_value() else {
            return;
        };
        let (task, handle) = abortable(load(generation));
        self.running.set_value(Some(handle));
        leptos::task::spawn_local(async move {
            let _ = task.await;
        });
    }

    pub fn is_current(&self, generation: u64) -> bool {
        self.generation
            .try_get_value()
            .is_some_and(|current| current == generation)
    }

    /// Drops the running load, if any.
    pub fn cancel(&self) {
        self.generation
            .try_update_value(|generation| *generation += 1);
        if let Some(Some(handle)) = self.running.try_update_value(Option::take) {
            handle.abort();
        }
    }
}

impl Default for LatestOnly {
    fn default() -> Self {
        LatestOnly::new()
    }
}
