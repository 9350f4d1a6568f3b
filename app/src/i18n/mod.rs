//! French first, English on request. Every text the user reads comes from
//! `app/locales/<lang>.json`; numbers and dates are formatted per language and
//! times are shown in Europe/Paris.

mod format;
mod message;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use format::{
    format_count, format_datetime, format_duration_ms, format_percent, format_span_s, format_time,
};
pub use message::Message;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

type Catalog = HashMap<String, String>;

fn parse(source: &str) -> Catalog {
    serde_json::from_str(source).unwrap_or_default()
}

fn catalog(lang: Lang) -> &'static Catalog {
    static FR: OnceLock<Catalog> = OnceLock::new();
    static EN: OnceLock<Catalog> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| parse(include_str!("../../locales/fr.json"))),
        Lang::En => EN.get_or_init(|| parse(include_str!("../../locales/en.json"))),
    }
}

/// The text of `key` in `lang`; the key itself when it is missing (visible, never a crash).
pub fn translate(lang: Lang, key: &str) -> String {
    catalog(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_parse_and_have_the_same_keys() {
        let fr = parse(include_str!("../../locales/fr.json"));
        let en = parse(include_str!("../../locales/en.json"));
        assert!(fr.len() > 20, "French catalog did not parse");
        let mut fr_keys: Vec<_> = fr.keys().collect();
        let mut en_keys: Vec<_> = en.keys().collect();
        fr_keys.sort();
        en_keys.sort();
        assert_eq!(fr_keys, en_keys);
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(translate(Lang::Fr, "no.such.key"), "no.such.key");
        assert_eq!(translate(Lang::En, "state.down"), "Down");
        assert_eq!(translate(Lang::Fr, "state.down"), "Indisponible");
    }
}
