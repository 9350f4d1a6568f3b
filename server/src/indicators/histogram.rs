//! A mergeable duration histogram with log-spaced buckets (ratio 1.02): any quantile
//! read from it, over any merge of histograms, is within about 1% of the exact
//! nearest-rank value. Stored as compact text `key:count,key:count`.

use std::collections::BTreeMap;

/// Ratio between consecutive bucket bounds.
const GAMMA: f64 = 1.02;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: BTreeMap<u32, u64>,
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
        *self.counts.entry(key_of(duration_ms)).or_insert(0) += 1;
    }

    /// Records durations by their buckets ([`key_of`]), computed beforehand: counted
    /// in an array over their span first, then added to the tree once per bucket.
    pub fn record_keys(&mut self, keys: &[u32]) {
        let (Some(&low), Some(&high)) = (keys.iter().min(), keys.iter().max()) else {
            return;
        };
        let mut counts = vec![0_u64; (high - low) as usize + 1];
        for key in keys {
            counts[(key - low) as usize] += 1;
        }
        for (offset, count) in counts.into_iter().enumerate() {
            if count > 0 {
                *self.counts.entry(low + offset as u32).or_insert(0) += count;
            }
        }
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (key, count) in &other.counts {
            *self.counts.entry(*key).or_insert(0) += count;
        }
    }

    pub fn count(&self) -> u64 {
        self.counts.values().sum()
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
        for (key, count) in &self.counts {
            seen += count;
            if seen >= rank {
                return Some(value_of(*key));
            }
        }
        None
    }

    pub fn encode(&self) -> String {
        let mut text = String::with_capacity(self.counts.len() * 7);
        for (index, (key, count)) in self.counts.iter().enumerate() {
            if index > 0 {
                text.push(',');
            }
            text.push_str(&key.to_string());
            text.push(':');
            text.push_str(&count.to_string());
        }
        text
    }

    /// Reads the stored text; malformed pairs are skipped.
    pub fn decode(text: &str) -> Histogram {
        let mut histogram = Histogram::default();
        histogram.merge_encoded(text);
        histogram
    }

    /// Adds a stored histogram without building an intermediate map.
    pub fn merge_encoded(&mut self, text: &str) {
        for pair in text.split(',') {
            if let Some((key, count)) = pair.split_once(':') {
                if let (Ok(key), Ok(count)) = (key.parse::<u32>(), count.parse::<u64>()) {
                    *self.counts.entry(key).or_insert(0) += count;
                }
            }
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
    }
}
