//! One way to name a closed set of values in text: [`text_enum!`].
//!
//! Statuses, stages, phases, roles and scopes travel as text (database columns, CSV
//! cells, JSON fields, URLs). Each is declared once with its text names; the macro gives
//! the enum `as_str`, `ALL`, `Display`, `FromStr`, `TryFrom<String>` and serde with the
//! same names. An unknown text is an [`UnknownName`] that says which vocabulary it was
//! read as; the server's row structs decode such columns with
//! `#[sqlx(try_from = "String")]`, so that the error also names the column. Nothing
//! else compares these values as strings.

use std::fmt;

/// A text that names no value of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was expected, such as `run status`.
    pub vocabulary: &'static str,
    /// The text read (never personal data: these are codes).
    pub text: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "unknown {} `{}`", self.vocabulary, self.text)
    }
}

impl std::error::Error for UnknownName {}

/// What every [`text_enum!`] is, for code generic over vocabularies.
pub trait Vocabulary: Copy + std::str::FromStr<Err = UnknownName> + 'static {
    /// Every value, in declaration order.
    fn all() -> &'static [Self];
    /// The value's one text name.
    fn name(self) -> &'static str;
}

/// A comma-separated list of names of one vocabulary, as a text column holds it
/// (`ingest,read`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameList<T>(pub Vec<T>);

impl<T: std::str::FromStr<Err = UnknownName>> std::str::FromStr for NameList<T> {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, UnknownName> {
        text.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<T>, _>>()
            .map(NameList)
    }
}

impl<T: std::str::FromStr<Err = UnknownName>> TryFrom<String> for NameList<T> {
    type Error = UnknownName;

    fn try_from(text: String) -> Result<Self, UnknownName> {
        text.parse()
    }
}

impl<T: fmt::Display> fmt::Display for NameList<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, name) in self.0.iter().enumerate() {
            if index > 0 {
                formatter.write_str(",")?;
            }
            name.fmt(formatter)?;
        }
        Ok(())
    }
}

/// Declares an enum whose values are named in text:
///
/// ```
/// app::text_enum! {
///     /// What a door does.
///     pub enum Door("door state") {
///         Open = "open",
///         Closed = "closed",
///     }
/// }
/// assert_eq!("open".parse::<Door>(), Ok(Door::Open));
/// assert_eq!(Door::Closed.to_string(), "closed");
/// assert!("ajar".parse::<Door>().is_err());
/// ```
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($vocabulary:literal) {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's one text name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The text names, in declaration order (for a rule's "one of" message).
            pub fn names() -> impl Iterator<Item = &'static str> {
                Self::ALL.iter().map(|value| value.as_str())
            }
        }

        impl $crate::domain::vocabulary::Vocabulary for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }

            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::vocabulary::UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::vocabulary::UnknownName {
                        vocabulary: $vocabulary,
                        text: text.to_string(),
                    }),
                }
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::domain::vocabulary::UnknownName;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl ::std::convert::From<$name> for &'static str {
            fn from(value: $name) -> &'static str {
                value.as_str()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::{NameList, UnknownName};

    crate::text_enum! {
        enum Light("light") {
            Red = "RED",
            Green = "GREEN",
        }
    }

    #[test]
    fn names_round_trip_through_text_and_json() {
        for light in Light::ALL {
            assert_eq!(light.as_str().parse::<Light>(), Ok(*light));
            let json = serde_json::to_string(light).unwrap_or_default();
            assert_eq!(json, format!("\"{light}\""));
            assert_eq!(serde_json::from_str::<Light>(&json).ok(), Some(*light));
        }
        assert_eq!(Light::names().collect::<Vec<_>>(), ["RED", "GREEN"]);
    }

    #[test]
    fn a_name_list_reads_and_writes_comma_separated_names() {
        let list: NameList<Light> = "GREEN, RED".parse().expect("two names");
        assert_eq!(list, NameList(vec![Light::Green, Light::Red]));
        assert_eq!(list.to_string(), "GREEN,RED");
        assert!("GREEN,BLUE".parse::<NameList<Light>>().is_err());
    }

    #[test]
    fn an_unknown_name_is_an_error_that_says_what_was_expected() {
        assert_eq!(
            "red".parse::<Light>(),
            Err(UnknownName {
                vocabulary: "light",
                text: "red".into()
            })
        );
        let json = serde_json::from_str::<Light>("\"BLUE\"");
        assert!(json.is_err_and(|error| error.to_string().contains("unknown light `BLUE`")));
    }
}
