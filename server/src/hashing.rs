//! The cheap hasher of the maps and sets on hot paths (tallying facts, validating a
//! drop's keys), whose keys no one outside chooses adversarially.

use std::hash::{BuildHasherDefault, Hasher};

/// A fast, non-cryptographic hasher for keys that are small integers, short codes or
/// hashes already: one multiply per word instead of SipHash's rounds.
#[derive(Debug, Clone, Copy)]
pub struct FastHasher(u64);

impl Default for FastHasher {
    fn default() -> Self {
        // Not zero, which a zero word would leave as it is.
        FastHasher(Self::FACTOR)
    }
}

/// Builds [`FastHasher`]s for `HashMap` and `HashSet`.
pub type FastBuildHasher = BuildHasherDefault<FastHasher>;

impl FastHasher {
    const FACTOR: u64 = 0x9e37_79b9_7f4a_7c15;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::FACTOR);
    }
}

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits, which pick a map's slot, the weakest.
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last byte, free in a partial word, tells how long it is ("A" and
            // "A\0" differ).
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            word[7] = rest.len() as u8;
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn the_hasher_tells_apart_codes_that_share_a_prefix_and_their_lengths() {
        let build = FastBuildHasher::default();
        let hashes: std::collections::HashSet<u64> = [
            "PRB_CCO_WEB_PROD",
            "PRB_CCO_WEB_PRO",
            "PRB_CCO_APP_PROD",
            "",
            "\0",
            "\0\0\0\0\0\0\0\0",
        ]
        .iter()
        .map(|code| build.hash_one(code))
        .collect();
        assert_eq!(hashes.len(), 6);
    }
}
