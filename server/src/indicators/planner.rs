//! The query planner: covers `[from, to)` with the coarsest rollup buckets that fit, finer
//! ones at the edges, and raw rows only for what no rollup bucket covers whole.
//!
//! A series reads only levels whose buckets nest in its own (`Resolution::nests_in`:
//! Paris weeks straddle months, so a month series never reads week rows). A whole-range
//! total (`SummedInto::WholeRange`: the summary, the board) has no buckets to respect:
//! it may also read Paris weeks that straddle months, so that its edges read weeks
//! instead of a month's days.

use super::rollups::Resolution;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Rollup(Resolution),
    Raw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub source: Source,
    pub from: i64,
    pub to: i64,
}

/// What the rows a plan reads are summed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummedInto {
    /// Series buckets: every row read must lie inside one bucket, so only levels that
    /// nest in this one are read (a Paris week straddles two months).
    Buckets(Resolution),
    /// One total over the whole range (the summary, the board): any bucket that lies
    /// inside the range will do, so weeks cover the edges that whole months leave.
    WholeRange,
}

/// Segments covering `[from, to)` using the `available` resolutions that fit `summed`.
pub fn plan(from: i64, to: i64, summed: SummedInto, available: &[Resolution]) -> Vec<Segment> {
    let levels: Vec<Resolution> = Resolution::ALL
        .into_iter()
        .rev()
        .filter(|level| match summed {
            SummedInto::Buckets(coarsest) => level.nests_in(coarsest),
            SummedInto::WholeRange => true,
        })
        .filter(|level| available.contains(level))
        .collect();
    let mut segments = Vec::new();
    cover(from, to, &levels, &mut segments);
    segments
}

fn cover(from: i64, to: i64, levels: &[Resolution], segments: &mut Vec<Segment>) {
    if from >= to {
        return;
    }
    let Some((&level, finer)) = levels.split_first() else {
        segments.push(Segment {
            source: Source::Raw,
            from,
            to,
        });
        return;
    };
    let floor = level.floor(from);
    let first_full = if floor == from {
        from
    } else {
        level.next(floor)
    };
    let last_end = level.floor(to);
    if first_full >= last_end {
        cover(from, to, finer, segments);
        return;
    }
    cover(from, first_full, finer, segments);
    segments.push(Segment {
        source: Source::Rollup(level),
        from: first_full,
        to: last_end,
    });
    cover(last_end, to, finer, segments);
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;

    #[test]
    fn aligned_ranges_read_rollups_only() {
        let day = Resolution::Day.floor(1_790_000_000_000);
        let next = Resolution::Day.next(day);
        assert_eq!(
            plan(
                day,
                next,
                SummedInto::Buckets(Resolution::Day),
                &Resolution::ALL
            ),
            vec![Segment {
                source: Source::Rollup(Resolution::Day),
                from: day,
                to: next
            }]
        );
    }

    #[test]
    fn ragged_edges_use_finer_rollups_then_raw_rows() {
        let day = Resolution::Day.floor(1_790_000_000_000);
        let from = day + 90 * MINUTE + 30_000; // 01:30:30 Paris
        let to = day + 3 * 24 * HOUR + 5 * HOUR + 10 * MINUTE + 1; // three days later, 05:10:00.001
        let segments = plan(
            from,
            to,
            SummedInto::Buckets(Resolution::Day),
            &Resolution::ALL,
        );
        let covered: i64 = segments.iter().map(|s| s.to - s.from).sum();
        assert_eq!(covered, to - from);
        assert!(segments.windows(2).all(|pair| pair[0].to == pair[1].from));
        let raw: i64 = segments
            .iter()
            .filter(|s| s.source == Source::Raw)
            .map(|s| s.to - s.from)
            .sum();
        assert!(
            raw < 2 * MINUTE,
            "raw rows only for sub-minute edges: {raw}"
        );
        assert!(segments
            .iter()
            .any(|s| s.source == Source::Rollup(Resolution::Day)));
    }

    #[test]
    fn month_buckets_never_read_weeks_that_straddle_months() {
        // 20 October to 10 November (Paris): no whole month, several whole weeks.
        let from = Resolution::Day.floor(1_792_447_200_000);
        let to = Resolution::Day.floor(1_794_261_600_000);
        let month = plan(
            from,
            to,
            SummedInto::Buckets(Resolution::Month),
            &Resolution::ALL,
        );
        assert!(month
            .iter()
            .all(|s| s.source != Source::Rollup(Resolution::Week)));
        let week = plan(
            from,
            to,
            SummedInto::Buckets(Resolution::Week),
            &Resolution::ALL,
        );
        assert!(week
            .iter()
            .any(|s| s.source == Source::Rollup(Resolution::Week)));
        for segments in [month, week] {
            assert_eq!(
                segments.iter().map(|s| s.to - s.from).sum::<i64>(),
                to - from
            );
        }
    }

    #[test]
    fn a_whole_range_total_reads_weeks_beside_months() {
        // 20 October to 10 November (Paris), as above: one total, so weeks that straddle
        // the first of November are read whole, and fewer days than with months alone.
        let from = Resolution::Day.floor(1_792_447_200_000);
        let to = Resolution::Day.floor(1_794_261_600_000);
        let whole = plan(from, to, SummedInto::WholeRange, &Resolution::ALL);
        let month = plan(
            from,
            to,
            SummedInto::Buckets(Resolution::Month),
            &Resolution::ALL,
        );
        assert_eq!(whole.iter().map(|s| s.to - s.from).sum::<i64>(), to - from);
        assert!(whole.windows(2).all(|pair| pair[0].to == pair[1].from));
        let weeks = whole
            .iter()
            .filter(|s| s.source == Source::Rollup(Resolution::Week))
            .collect::<Vec<_>>();
        assert!(weeks
            .iter()
            .any(|s| s.from < Resolution::Month.floor(to) && s.to > Resolution::Month.floor(to)));
        let days = |segments: &[Segment]| -> i64 {
            segments
                .iter()
                .filter(|s| s.source == Source::Rollup(Resolution::Day))
                .map(|s| s.to - s.from)
                .sum()
        };
        assert!(days(&whole) < days(&month));
    }

    #[test]
    fn without_minute_rollups_the_edges_read_raw_rows() {
        let day = Resolution::Day.floor(1_790_000_000_000);
        let from = day + 90 * MINUTE;
        let to = day + 5 * HOUR + 10 * MINUTE;
        let segments = plan(
            from,
            to,
            SummedInto::Buckets(Resolution::Hour),
            &[Resolution::Hour, Resolution::Day],
        );
        let first = segments.first().map(|s| (s.source, s.to - s.from));
        let last = segments.last().map(|s| (s.source, s.to - s.from));
        assert_eq!(first, Some((Source::Raw, 30 * MINUTE)));
        assert_eq!(last, Some((Source::Raw, 10 * MINUTE)));
    }
}
