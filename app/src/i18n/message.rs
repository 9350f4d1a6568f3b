//! Texts the server writes for people to read later (why a row was rejected): a catalog
//! key and its arguments, stored as such and rendered in the reader's language.

use serde::{Deserialize, Serialize};

use super::{translate, Lang};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Message {
    /// A key of `app/locales/<lang>.json`; its text names arguments `{0}`, `{1}`, …
    pub key: String,
    /// Codes, numbers and limits, never a personal value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
}

impl Message {
    pub fn new(key: &str) -> Message {
        Message {
            key: key.to_string(),
            args: Vec::new(),
        }
    }

    /// The message with one more argument.
    pub fn arg(mut self, value: impl ToString) -> Message {
        self.args.push(value.to_string());
        self
    }

    /// The text in `lang`, its arguments in place.
    pub fn render(&self, lang: Lang) -> String {
        let mut text = translate(lang, &self.key);
        for (index, value) in self.args.iter().enumerate() {
            text = text.replace(&format!("{{{index}}}"), value);
        }
        text
    }

    /// The stored form (JSON).
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored message; text stored before messages had keys is shown as it is.
    pub fn decode(stored: &str) -> Message {
        serde_json::from_str(stored).unwrap_or_else(|_| Message::new(stored))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_take_their_places_in_either_language() {
        let message = Message::new("rejection.length").arg(32);
        assert_eq!(message.render(Lang::En), "is longer than 32 characters");
        assert_eq!(message.render(Lang::Fr), "dépasse 32 caractères");
        assert_eq!(Message::decode(&message.encode()), message);
    }

    #[test]
    fn old_plain_text_reads_as_itself() {
        let stored = "must be an integer";
        assert_eq!(Message::decode(stored).render(Lang::Fr), stored);
    }
}
