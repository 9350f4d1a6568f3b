//! Texts the server writes for people to read later (why a row was rejected, why an
//! import failed, an alert): a catalog key and its arguments, stored as such and
//! rendered in the reader's language.

use serde::{Deserialize, Serialize};

use super::{translate, Lang};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Message {
    /// A key of `app/locales/<lang>.json`; its text names arguments `{0}`, `{1}`, …
    pub key: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<Arg>,
}

/// An argument: a value shown as it is (codes, numbers, limits, never a personal
/// value), or a message of its own rendered in the same language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Message(Message),
}

impl Message {
    pub fn new(key: &str) -> Message {
        Message {
            key: key.to_string(),
            args: Vec::new(),
        }
    }

    /// The message with one more argument, shown as it is.
    pub fn arg(mut self, value: impl ToString) -> Message {
        self.args.push(Arg::Text(value.to_string()));
        self
    }

    /// The message with one more argument that is itself a message.
    pub fn arg_message(mut self, message: Message) -> Message {
        self.args.push(Arg::Message(message));
        self
    }

    /// The text in `lang`, its arguments in place.
    pub fn render(&self, lang: Lang) -> String {
        let mut text = translate(lang, &self.key);
        for (index, arg) in self.args.iter().enumerate() {
            let value = match arg {
                Arg::Text(value) => value.clone(),
                Arg::Message(message) => message.render(lang),
            };
            text = text.replace(&format!("{{{index}}}"), &value);
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
    fn a_message_argument_is_rendered_in_the_same_language() {
        let message = Message::new("alert.import_failed")
            .arg_message(Message::new("imports.stage.check"))
            .arg_message(Message::new("import_error.missing_file").arg("probes_20261121.csv"));
        assert_eq!(
            message.render(Lang::Fr),
            "étape « Contrôle du dépôt » : probes_20261121.csv absent du dépôt"
        );
        assert_eq!(
            message.render(Lang::En),
            "stage “Drop check”: probes_20261121.csv: missing from the drop"
        );
        assert_eq!(Message::decode(&message.encode()), message);
    }

    #[test]
    fn old_plain_text_reads_as_itself() {
        let stored = "must be an integer";
        assert_eq!(Message::decode(stored).render(Lang::Fr), stored);
    }
}
