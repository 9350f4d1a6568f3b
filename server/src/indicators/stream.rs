//! Series in parts, for the explorer's streaming server function: `[from, to)` is cut
//! on the series' bucket starts into a few slices, and each slice is answered by
//! [`IndicatorService::series`] itself, so the numbers are those of a whole answer. The
//! stream is lazy: a part is computed only when the reader asks for it, and dropping
//! the stream (the browser went away) stops the work.

use std::future::Future;

use app::domain::indicators::{Bucket, Metric, SeriesQuery};
use app::domain::series_parts::SeriesPart;
use futures::stream::{self, Stream, StreamExt};

use super::service::series_window;
use super::{IndicatorError, IndicatorService};

/// How many parts a streamed answer aims for.
pub const PARTS: i64 = 6;

/// Conversion counts journeys started in a bucket and completed at any time of the range:
/// it cannot be cut. Every other metric lies within its bucket.
fn parts_for(metric: Metric) -> i64 {
    match metric {
        Metric::Conversion => 1,
        _ => PARTS,
    }
}

/// At most `parts` consecutive slices covering `[from, to)`, in time order, each inner
/// boundary the start of a series bucket (so that no bucket straddles two slices).
pub fn split_range(bucket: Bucket, from: i64, to: i64, parts: i64) -> Vec<(i64, i64)> {
    let step = (to - from) / parts.max(1);
    let mut bounds = vec![from];
    for index in 1..parts {
        let edge = bucket.start_of(from + index * step);
        if bounds.last().is_some_and(|last| edge > *last) && edge < to {
            bounds.push(edge);
        }
    }
    bounds.push(to);
    bounds.windows(2).map(|pair| (pair[0], pair[1])).collect()
}

/// `compute` applied to each item, one at a time, only when the stream is polled.
fn one_by_one<I, F, Fut>(items: I, compute: F) -> impl Stream<Item = Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    stream::iter(items).then(compute)
}

impl IndicatorService {
    /// The series of `query` in parts, newest first (the recent past is what people look
    /// at). A bad parameter is refused here, before any part.
    pub fn series_parts(
        &self,
        query: &SeriesQuery,
        now: i64,
    ) -> Result<
        impl Stream<Item = Result<SeriesPart, IndicatorError>> + Send + 'static,
        IndicatorError,
    > {
        let (from, to, bucket) = series_window(query, now)?;
        let mut ranges = split_range(bucket, from, to, parts_for(query.metric));
        ranges.reverse();
        let count = ranges.len();
        let service = self.clone();
        let query = SeriesQuery {
            bucket,
            ..query.clone()
        };
        Ok(one_by_one(
            ranges.into_iter().enumerate(),
            move |(index, (part_from, part_to))| {
                let service = service.clone();
                let part = SeriesQuery {
                    from: part_from.to_string(),
                    to: part_to.to_string(),
                    ..query.clone()
                };
                async move {
                    let response = service.series(&part, now).await?;
                    Ok(SeriesPart {
                        index,
                        count,
                        response,
                    })
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use app::domain::time_range::{floor_calendar, CalendarUnit};

    use super::*;

    const HOUR: i64 = 3_600_000;

    fn covers(parts: &[(i64, i64)], from: i64, to: i64) -> bool {
        parts.first().map(|part| part.0) == Some(from)
            && parts.last().map(|part| part.1) == Some(to)
            && parts.windows(2).all(|pair| pair[0].1 == pair[1].0)
            && parts.iter().all(|(start, end)| start < end)
    }

    #[test]
    fn a_range_is_cut_on_bucket_starts() {
        let from = 1_790_000_123_456;
        let to = from + 7 * 24 * HOUR + 1_234;
        let parts = split_range(Bucket::FifteenMinutes, from, to, PARTS);
        assert_eq!(parts.len(), PARTS as usize);
        assert!(covers(&parts, from, to));
        for (start, _) in &parts[1..] {
            assert_eq!(start % (15 * 60_000), 0);
        }
    }

    #[test]
    fn day_buckets_are_cut_on_paris_midnights_across_a_dst_change() {
        let from = floor_calendar(1_774_500_000_000, CalendarUnit::Day); // 26 March 2026
        let to = from + 10 * 24 * HOUR;
        let parts = split_range(Bucket::Day, from, to, PARTS);
        assert!(covers(&parts, from, to));
        assert!(parts.len() > 1);
        for (start, _) in &parts {
            assert_eq!(floor_calendar(*start, CalendarUnit::Day), *start);
        }
    }

    #[test]
    fn a_range_of_one_bucket_stays_whole() {
        let from = 1_790_000_000_000 - 1_790_000_000_000 % HOUR;
        assert_eq!(
            split_range(Bucket::Day, from, from + HOUR, PARTS),
            vec![(from, from + HOUR)]
        );
        assert_eq!(split_range(Bucket::Minute, 10, 20, PARTS), vec![(10, 20)]);
        assert_eq!(parts_for(Metric::Conversion), 1);
    }

    #[tokio::test]
    async fn parts_are_computed_only_when_read() {
        let computed = Arc::new(AtomicUsize::new(0));
        let counter = computed.clone();
        let mut parts = Box::pin(one_by_one(0..PARTS, move |index| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                index
            }
        }));
        assert_eq!(computed.load(Ordering::SeqCst), 0);
        assert_eq!(parts.next().await, Some(0));
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        drop(parts);
        assert_eq!(computed.load(Ordering::SeqCst), 1);
    }
}
