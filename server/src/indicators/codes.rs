//! Codes (probe, step, error, status) stored once per batch of facts.
//!
//! A year's rollup rebuild tallies 17 million facts: owning, hashing and comparing three
//! codes per fact (SipHash, then `memcmp` on every hit) took about half of its CPU time
//! on our side; a fact now holds the indexes of its codes, and tallies are keyed by
//! integers.

use std::collections::HashMap;

use crate::hashing::FastBuildHasher;

/// The index of a code in its [`Codes`].
pub type CodeId = u32;

/// Each distinct code of a batch, once.
#[derive(Debug, Default, Clone)]
pub struct Codes {
    texts: Vec<Box<str>>,
    ids: HashMap<Box<str>, CodeId, FastBuildHasher>,
}

impl Codes {
    /// The index of `text`, which is added when new.
    pub fn id(&mut self, text: &str) -> CodeId {
        if let Some(id) = self.ids.get(text) {
            return *id;
        }
        let id = CodeId::try_from(self.texts.len()).unwrap_or(CodeId::MAX);
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    /// The code of `id` (empty for an index this batch never gave).
    pub fn text(&self, id: CodeId) -> &str {
        self.texts
            .get(id as usize)
            .map(|text| &**text)
            .unwrap_or_default()
    }

    /// Every code, in index order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.texts.iter().map(|text| &**text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_gets_one_index_and_gives_it_back() {
        let mut codes = Codes::default();
        let probe = codes.id("PRB_A");
        let step = codes.id("LANDING");
        assert_eq!(codes.id("PRB_A"), probe);
        assert_ne!(probe, step);
        assert_eq!(codes.text(step), "LANDING");
        assert_eq!(codes.text(99), "");
        assert_eq!(codes.texts().collect::<Vec<_>>(), ["PRB_A", "LANDING"]);
    }
}
