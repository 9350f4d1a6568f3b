//! A mergeable duration histogram with log-spaced buckets (ratio 1.02): any quantile
//! read from it, over any merge of histograms, is within about 1% of the exact
//! nearest-rank value. Stored as compact text `key:count,key:count`.
//!
//! Counts are held densely from the lowest bucket with a count to the highest (at most
//! 2,300 buckets), so that merging two histograms adds two arrays.

/// Ratio between consecutive bucket bounds.
const GAMMA: f64 = 1.02;

/// Above the key of the longest duration there is (`key_of(i64::MAX)` is 2,206): a
/// stored pair with a greater key is malformed, and a histogram never spans more keys.
const MAX_KEY: u32 = 2_300;

/// Counts per bucket, held densely from the lowest bucket with a count to the highest:
/// merging two histograms adds two arrays, and a quantile is one pass. A histogram
/// spans at most [`MAX_KEY`] buckets; durations of one probe or step span a few hundred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    /// The key of `counts[0]` (0 when empty).
    low: u32,
    /// Counts of the keys from `low` on: empty, or with a count above zero at both ends.
    counts: Vec<u64>,
}

/// The bucket a duration falls in (see [`Histogram::record_keys`]).
pub fn key_of(duration_ms: i64) -> u32 {
    if duration_ms <= 1 {
        return 0;
    }
    // Bucket k ≥ 1 holds (γ^(k-1), γ^k].
    ((duration_ms as f64).ln() / GAMMA.ln()).ceil().max(1.0) as u32
}

/// The value a bucket stands for: the point of equal relative error to both bounds.
fn value_of(key: u32) -> f64 {
    if key == 0 {
        return 1.0;
    }
    let upper = GAMMA.powi(key as i32);
    2.0 * upper / (GAMMA + 1.0)
}

impl Histogram {
    pub fn record(&mut self, duration_ms: i64) {
        self.add(key_of(duration_ms), 1);
    }

    /// Records durations by their buckets ([`key_of`]), computed beforehand: the array
    /// is widened once to their span, then each is counted in place.
    pub fn record_keys(&mut self, keys: &[u32]) {
        let (Some(&low), Some(&high)) = (keys.iter().min(), keys.iter().max()) else {
            return;
        };
        if high > MAX_KEY {
            keys.iter().for_each(|key| self.add(*key, 1));
            return;
        }
        self.cover(low, high);
        for key in keys {
            let count = &mut self.counts[(key - self.low) as usize];
            *count = count.saturating_add(1);
        }
    }

    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.is_empty() {
            return;
        }
        self.cover(other.low, other.high());
        let offset = (other.low - self.low) as usize;
        for (mine, theirs) in self.counts[offset..].iter_mut().zip(&other.counts) {
            *mine = mine.saturating_add(*theirs);
        }
    }

    /// Counts saturate rather than wrap (stored text may be hostile): a bucket with a
    /// count never goes back to zero.
    pub fn count(&self) -> u64 {
        self.counts
            .iter()
            .fold(0, |sum, count| sum.saturating_add(*count))
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The nearest-rank quantile `q` (0 < q ≤ 1): the value of rank ⌈q·n⌉.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        self.pairs().find_map(|(key, count)| {
            seen += count;
            (seen >= rank).then(|| value_of(key))
        })
    }

    pub fn encode(&self) -> String {
        let mut text = String::with_capacity(self.counts.len() * 7);
        for (index, (key, count)) in self.pairs().enumerate() {
            if index > 0 {
                text.push(',');
            }
            text.push_str(&key.to_string());
            text.push(':');
            text.push_str(&count.to_string());
        }
        text
    }

    /// Reads the stored text; malformed pairs (and keys no duration has) are skipped.
    pub fn decode(text: &str) -> Histogram {
        let mut histogram = Histogram::default();
        histogram.merge_encoded(text);
        histogram
    }

    /// Adds a stored histogram without building an intermediate one.
    pub fn merge_encoded(&mut self, text: &str) {
        for pair in text.split(',') {
            if let Some((key, count)) = pair.split_once(':') {
                if let (Ok(key), Ok(count)) = (key.parse::<u32>(), count.parse::<u64>()) {
                    self.add(key, count);
                }
            }
        }
    }

    /// The keys with a count, in order, and their counts.
    fn pairs(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        (self.low..)
            .zip(self.counts.iter().copied())
            .filter(|(_, count)| *count > 0)
    }

    fn high(&self) -> u32 {
        self.low + self.counts.len().saturating_sub(1) as u32
    }

    fn add(&mut self, key: u32, count: u64) {
        if count == 0 || key > MAX_KEY {
            return;
        }
        self.cover(key, key);
        let held = &mut self.counts[(key - self.low) as usize];
        *held = held.saturating_add(count);
    }

    /// Widens the array to hold the keys `low..=high` (at most [`MAX_KEY`] apart); the
    /// caller then counts at both ends, so that they stay above zero.
    fn cover(&mut self, low: u32, high: u32) {
        if self.counts.is_empty() {
            self.low = low;
            self.counts = vec![0; (high - low) as usize + 1];
            return;
        }
        if low < self.low {
            let extra = (self.low - low) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, extra));
            self.low = low;
        }
        let needed = (high.max(self.high()) - self.low) as usize + 1;
        if needed > self.counts.len() {
            self.counts.resize(needed, 0);
        }
    }
}

/// The exact nearest-rank quantile of raw durations (the reference the histogram
/// approximates; used by tests and the benchmark).
pub fn exact_quantile(durations: &mut [i64], q: f64) -> Option<f64> {
    if durations.is_empty() {
        return None;
    }
    durations.sort_unstable();
    let rank = ((q * durations.len() as f64).ceil() as usize).clamp(1, durations.len());
    Some(durations[rank - 1] as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_recorded_at_once_count_as_durations_recorded_one_by_one() {
        let durations: Vec<i64> = (0..3_000).map(|i| (i * i * 53) % 900_000).collect();
        let mut one_by_one = Histogram::default();
        let mut at_once = Histogram::default();
        at_once.record(42);
        one_by_one.record(42);
        for duration in &durations {
            one_by_one.record(*duration);
        }
        let keys: Vec<u32> = durations.iter().map(|duration| key_of(*duration)).collect();
        at_once.record_keys(&keys);
        at_once.record_keys(&[]);
        assert_eq!(at_once, one_by_one);
        assert_eq!(at_once.count(), 3_001);
    }

    #[test]
    fn quantiles_are_within_two_percent_of_the_exact_ones() {
        // A spread of durations from 1 ms to one hour, in two histograms merged.
        let mut durations: Vec<i64> = (0..5_000).map(|i| 1 + (i * i * 37) % 3_600_000).collect();
        let (mut left, mut right) = (Histogram::default(), Histogram::default());
        for (index, duration) in durations.iter().enumerate() {
            if index % 2 == 0 {
                left.record(*duration)
            } else {
                right.record(*duration)
            }
        }
        let merged = {
            let mut merged = Histogram::decode(&left.encode());
            merged.merge_encoded(&right.encode());
            merged
        };
        assert_eq!(merged.count(), 5_000);
        for q in [0.5, 0.95, 0.99, 0.01, 1.0] {
            let exact = exact_quantile(&mut durations, q).unwrap_or(f64::NAN);
            let approx = merged.quantile(q).unwrap_or(f64::NAN);
            assert!(
                (approx - exact).abs() / exact <= 0.02,
                "q={q}: {approx} vs {exact}"
            );
        }
    }

    #[test]
    fn an_empty_histogram_has_no_quantile() {
        assert_eq!(Histogram::default().quantile(0.5), None);
        assert!(Histogram::decode("garbage,1:x").is_empty());
        // No duration has a key above MAX_KEY: such a pair is malformed, not a huge array.
        assert!(key_of(i64::MAX) <= MAX_KEY);
        assert!(Histogram::decode("4000000000:3,9:0").is_empty());
        let huge = Histogram::decode("1:18446744073709551615,1:1,2:5");
        assert_eq!(huge.count(), u64::MAX);
        assert_eq!(huge.quantile(1.0), Some(value_of(1)));
    }

    #[test]
    fn merges_in_any_order_give_the_same_histogram() {
        let parts = ["300:2,310:1", "5:4", "900:1,1000:7", "305:1,600:2"];
        let mut forward = Histogram::default();
        parts
            .iter()
            .for_each(|part| forward.merge(&Histogram::decode(part)));
        let mut backward = Histogram::default();
        parts
            .iter()
            .rev()
            .for_each(|part| backward.merge_encoded(part));
        assert_eq!(forward, backward);
        assert_eq!(forward.encode(), "5:4,300:2,305:1,310:1,600:2,900:1,1000:7");
        assert_eq!(forward.count(), 18);
        assert_eq!(forward.quantile(0.2), Some(value_of(5)));
        assert_eq!(forward.quantile(0.5), Some(value_of(600)));
        assert_eq!(forward.quantile(1.0), Some(value_of(1000)));
    }
}
