//! One incoming item as named text fields, and the field-level rules.

use std::borrow::Cow;

use app::domain::vocabulary::Vocabulary;
use app::i18n::{Lang, Message};
use chrono::DateTime;
use serde::Serialize;

/// Which rule a field broke (the import-error table and the API answer name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Mandatory,
    Type,
    Enum,
    Range,
    Length,
    Code,
    Timestamp,
    Future,
    UnknownReference,
    StepNotInJourney,
    DuplicateKey,
    Consistency,
    /// A CSV row that cannot be read as a record (field count, encoding).
    Format,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Mandatory => "mandatory",
            Rule::Type => "type",
            Rule::Enum => "enum",
            Rule::Range => "range",
            Rule::Length => "length",
            Rule::Code => "code",
            Rule::Timestamp => "timestamp",
            Rule::Future => "future",
            Rule::UnknownReference => "unknown_reference",
            Rule::StepNotInJourney => "step_not_in_journey",
            Rule::DuplicateKey => "duplicate_key",
            Rule::Consistency => "consistency",
            Rule::Format => "format",
        }
    }
}

/// A broken rule: which column, which rule, and a message that never quotes a
/// personal-data value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub column: String,
    pub rule: Rule,
    /// Kept as a catalog message so that the Imports page reads it in the reader's
    /// language; API clients get its English text as `message`.
    #[serde(rename = "message", serialize_with = "in_english")]
    pub detail: Message,
}

impl FieldError {
    pub fn new(column: &str, rule: Rule, detail: Message) -> FieldError {
        FieldError {
            column: column.to_string(),
            rule,
            detail,
        }
    }
}

fn in_english<S: serde::Serializer>(detail: &Message, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&detail.render(Lang::En))
}

/// A field as it arrived.
#[derive(Debug, Clone, PartialEq)]
enum Field {
    Text(String),
    /// A JSON object or array where a scalar was expected.
    Nested,
}

/// An incoming item: its fields by column name. Empty text and JSON `null` are absent.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// Column names are static for file rows (no allocation per cell), owned for JSON.
    /// A list, not a map: a record has about ten fields, and comparing names costs less
    /// than hashing them (hashing was a tenth of an initial load's validation).
    fields: Vec<(Cow<'static, str>, Field)>,
    /// Prefix of column names in errors (`steps[2].` for a run's third step).
    prefix: String,
}

impl Record {
    /// A record from a JSON object (scalars become text; nested values are kept apart
    /// so that a rule can say they have the wrong type).
    pub fn from_json(object: &serde_json::Map<String, serde_json::Value>, prefix: &str) -> Record {
        use serde_json::Value;
        let fields = object
            .iter()
            .filter_map(|(name, value)| {
                let field = match value {
                    Value::Null => return None,
                    Value::String(text) if text.is_empty() => return None,
                    Value::String(text) => Field::Text(text.clone()),
                    Value::Bool(flag) => Field::Text(flag.to_string()),
                    Value::Number(number) => Field::Text(number.to_string()),
                    Value::Array(_) | Value::Object(_) => Field::Nested,
                };
                Some((Cow::Owned(name.clone()), field))
            })
            .collect();
        Record {
            fields,
            prefix: prefix.to_string(),
        }
    }

    /// A record from text cells (a CSV row), each named by its column: empty cells are
    /// absent. Owned cells are moved in, not copied.
    pub fn from_cells<V: Into<String> + AsRef<str>>(
        cells: impl IntoIterator<Item = (&'static str, V)>,
    ) -> Record {
        Record {
            fields: cells
                .into_iter()
                .filter(|(_, value)| !value.as_ref().is_empty())
                .map(|(name, value)| (Cow::Borrowed(name), Field::Text(value.into())))
                .collect(),
            prefix: String::new(),
        }
    }

    fn column(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn error(&self, name: &str, rule: Rule, detail: Message) -> FieldError {
        FieldError::new(&self.column(name), rule, detail)
    }

    /// The field of that column, if present.
    fn get(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|(column, _)| column == name)
            .map(|(_, field)| field)
    }

    /// The field's text, when present as text.
    pub fn raw(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Field::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// Whether the field is present (not empty, not null).
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The field's text, `None` when absent; a nested value is a type error.
    pub fn optional(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<String> {
        match self.get(name) {
            None => None,
            Some(Field::Text(text)) if text.contains('\0') => {
                errors.push(self.error(name, Rule::Type, Message::new("rejection.nul")));
                None
            }
            Some(Field::Text(text)) => Some(text.clone()),
            Some(Field::Nested) => {
                errors.push(self.error(name, Rule::Type, Message::new("rejection.single_value")));
                None
            }
        }
    }

    /// The field's text; absent is a `mandatory` error.
    pub fn mandatory(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<String> {
        if !self.has(name) {
            errors.push(self.error(name, Rule::Mandatory, Message::new("rejection.mandatory")));
            return None;
        }
        self.optional(name, errors)
    }

    /// The field's text, checked as mandatory or optional.
    fn value(&self, name: &str, mandatory: bool, errors: &mut Vec<FieldError>) -> Option<String> {
        if mandatory {
            self.mandatory(name, errors)
        } else {
            self.optional(name, errors)
        }
    }

    /// Text of at most `max` characters.
    pub fn text(
        &self,
        name: &str,
        mandatory: bool,
        max: usize,
        errors: &mut Vec<FieldError>,
    ) -> Option<String> {
        let value = self.value(name, mandatory, errors)?;
        if value.chars().count() > max {
            errors.push(self.error(
                name,
                Rule::Length,
                Message::new("rejection.length").arg(max),
            ));
            return None;
        }
        Some(value)
    }

    /// A code `[A-Z0-9_]{1,32}`.
    pub fn code(
        &self,
        name: &str,
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<String> {
        let value = self.value(name, mandatory, errors)?;
        let valid = value.len() <= 32
            && value
                .bytes()
                .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'_');
        if !valid {
            errors.push(self.error(name, Rule::Code, Message::new("rejection.code")));
            return None;
        }
        Some(value)
    }

    /// One of the names of a vocabulary (a status, an outcome).
    pub fn one_of_names<T: Vocabulary>(
        &self,
        name: &str,
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<T> {
        let value = self.value(name, mandatory, errors)?;
        let parsed = value.parse::<T>().ok();
        if parsed.is_none() {
            let names: Vec<&str> = T::all().iter().map(|value| value.name()).collect();
            errors.push(self.not_one_of(name, &names));
        }
        parsed
    }

    /// One of `allowed`.
    pub fn one_of(
        &self,
        name: &str,
        allowed: &[&str],
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<String> {
        let value = self.value(name, mandatory, errors)?;
        if !allowed.contains(&value.as_str()) {
            errors.push(self.not_one_of(name, allowed));
            return None;
        }
        Some(value)
    }

    fn not_one_of(&self, name: &str, allowed: &[&str]) -> FieldError {
        self.error(
            name,
            Rule::Enum,
            Message::new("rejection.enum").arg(allowed.join(", ")),
        )
    }

    /// An integer within `min..=max`.
    pub fn integer(
        &self,
        name: &str,
        min: i64,
        max: i64,
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<i64> {
        let value = self.value(name, mandatory, errors)?;
        let Ok(number) = value.parse::<i64>() else {
            errors.push(self.error(name, Rule::Type, Message::new("rejection.integer")));
            return None;
        };
        if !(min..=max).contains(&number) {
            errors.push(self.error(
                name,
                Rule::Range,
                Message::new("rejection.range").arg(min).arg(max),
            ));
            return None;
        }
        Some(number)
    }

    /// `true` or `false`.
    pub fn boolean(
        &self,
        name: &str,
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<bool> {
        let value = self.value(name, mandatory, errors)?;
        match value.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                errors.push(self.error(name, Rule::Type, Message::new("rejection.boolean")));
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(
        &self,
        name: &str,
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<String> {
        let value = self.value(name, mandatory, errors)?;
        if chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_err() || value.len() != 10 {
            errors.push(self.error(name, Rule::Type, Message::new("rejection.date")));
            return None;
        }
        Some(value)
    }

    /// An RFC 3339 timestamp with an offset, as epoch milliseconds.
    pub fn instant(
        &self,
        name: &str,
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<i64> {
        let value = self.value(name, mandatory, errors)?;
        match DateTime::parse_from_rfc3339(&value) {
            Ok(time) => Some(time.timestamp_millis()),
            Err(_) => {
                errors.push(self.error(name, Rule::Timestamp, Message::new("rejection.timestamp")));
                None
            }
        }
    }

    /// An [`instant`](Record::instant) at most [`super::FUTURE_TOLERANCE_MS`] after
    /// `now_ms` (when something happened, as opposed to a planned time).
    pub fn timestamp(
        &self,
        name: &str,
        now_ms: i64,
        mandatory: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<i64> {
        let millis = self.instant(name, mandatory, errors)?;
        if millis > now_ms + super::FUTURE_TOLERANCE_MS {
            errors.push(self.error(name, Rule::Future, Message::new("rejection.future")));
            return None;
        }
        Some(millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Record {
        let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        Record::from_json(value.as_object().unwrap_or(&serde_json::Map::new()), "")
    }

    #[test]
    fn each_rule_names_its_column() {
        let item = record(
            r#"{"code":"ab","n":"x","m":12,"t":"yesterday","e":"MAYBE","nested":{"a":1},"empty":"","nul":"a\u0000b"}"#,
        );
        let mut errors = Vec::new();
        assert_eq!(item.code("code", true, &mut errors), None);
        assert_eq!(item.integer("n", 0, 10, true, &mut errors), None);
        assert_eq!(item.integer("m", 0, 10, true, &mut errors), None);
        assert_eq!(item.timestamp("t", 0, true, &mut errors), None);
        assert_eq!(item.one_of("e", &["OK", "KO"], true, &mut errors), None);
        assert_eq!(item.text("nested", true, 10, &mut errors), None);
        assert_eq!(item.text("empty", true, 10, &mut errors), None);
        assert_eq!(item.text("nul", true, 10, &mut errors), None);
        let rules: Vec<(&str, Rule)> = errors
            .iter()
            .map(|error| (error.column.as_str(), error.rule))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("code", Rule::Code),
                ("n", Rule::Type),
                ("m", Rule::Range),
                ("t", Rule::Timestamp),
                ("e", Rule::Enum),
                ("nested", Rule::Type),
                ("empty", Rule::Mandatory),
                ("nul", Rule::Type),
            ]
        );
    }

    #[test]
    fn timestamps_need_an_offset_and_not_the_future() {
        let now = 1_800_000_000_000;
        let item = record(
            r#"{"a":"2026-11-21T08:15:00+01:00","b":"2026-11-21T08:15:00","c":"2099-01-01T00:00:00Z"}"#,
        );
        let mut errors = Vec::new();
        assert_eq!(
            item.timestamp("a", now, true, &mut errors),
            Some(1_795_245_300_000)
        );
        assert_eq!(item.timestamp("b", now, true, &mut errors), None);
        assert_eq!(item.timestamp("c", now, true, &mut errors), None);
        assert_eq!(errors[0].rule, Rule::Timestamp);
        assert_eq!(errors[1].rule, Rule::Future);
    }
}
