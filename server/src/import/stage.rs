//! The stages of an import, in order. Each stage but `load` first clears what an earlier
//! attempt of it left, so that `resume` can run it again; `load` writes the final tables
//! and moves the import to the next stage in one transaction.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// All ten files, one business date, right headers.
    Check,
    /// Raw rows into staging, personal-data cells encrypted.
    Read,
    /// Every rule; rejected rows into the import-error table.
    Validate,
    /// Postal codes resolved through the geography service.
    Enrich,
    /// References replaced whole, facts upserted, in one transaction.
    Load,
    /// Rollups and incidents of the range the facts touched.
    Rollups,
    /// Staging dropped, the import marked succeeded.
    Finish,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Check,
        Stage::Read,
        Stage::Validate,
        Stage::Enrich,
        Stage::Load,
        Stage::Rollups,
        Stage::Finish,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Check => "check",
            Stage::Read => "read",
            Stage::Validate => "validate",
            Stage::Enrich => "enrich",
            Stage::Load => "load",
            Stage::Rollups => "rollups",
            Stage::Finish => "finish",
        }
    }

    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.name() == name)
    }

    /// The stage after this one (`Finish` is the last).
    pub fn next(self) -> Stage {
        let index = Stage::ALL
            .iter()
            .position(|stage| *stage == self)
            .unwrap_or(0);
        Stage::ALL.get(index + 1).copied().unwrap_or(Stage::Finish)
    }
}

/// Initial load (history, bulk) or daily load (one day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Initial,
    Daily,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Initial => "initial",
            Phase::Daily => "daily",
        }
    }

    pub fn from_name(name: &str) -> Option<Phase> {
        match name {
            "initial" => Some(Phase::Initial),
            "daily" => Some(Phase::Daily),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_each_other_and_round_trip_by_name() {
        assert_eq!(Stage::Check.next(), Stage::Read);
        assert_eq!(Stage::Load.next(), Stage::Rollups);
        assert_eq!(Stage::Finish.next(), Stage::Finish);
        for stage in Stage::ALL {
            assert_eq!(Stage::from_name(stage.name()), Some(stage));
        }
    }
}
