//! Validated values of the workspace.

use serde::{Deserialize, Serialize};

use crate::domain::DomainError;

/// Longest todo, in characters.
pub const MAX_TODO_CHARS: usize = 255;
/// Longest category name, in characters.
pub const MAX_CATEGORY_CHARS: usize = 10;
/// Longest link, in characters.
pub const MAX_URL_CHARS: usize = 1024;
/// Most answers in a retrospect.
pub const MAX_ANSWERS: usize = 6;
/// Longest answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 1000;
/// Ids stay below 2^53 so that JavaScript reads them exactly.
pub const MAX_ID: u64 = (1 << 53) - 1;

/// An item's id: random, 1 to 2^53 − 1, so that ids cannot be enumerated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct ItemId(u64);

impl ItemId {
    /// An id from 8 random bytes.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        Self((u64::from_le_bytes(bytes) % MAX_ID) + 1)
    }

    /// Checks a number received from a client.
    pub fn new(value: u64) -> Result<Self, DomainError> {
        if value == 0 || value > MAX_ID {
            return Err(DomainError::NotFound(
                "no item with that id in this room".into(),
            ));
        }
        Ok(Self(value))
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for ItemId {
    type Error = DomainError;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<ItemId> for u64 {
    fn from(id: ItemId) -> u64 {
        id.0
    }
}

/// Trims `input` and checks its length in characters and that it has no
/// control characters (except line breaks, when `multiline`).
fn text(
    input: &str,
    what: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let value = input.trim();
    let chars = value.chars().count();
    if chars < min || chars > max {
        return Err(DomainError::invalid(if min == 0 {
            format!("{what} has at most {max} characters")
        } else {
            format!("{what} has {min} to {max} characters")
        }));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(DomainError::invalid(format!(
            "{what} must not contain control characters"
        )));
    }
    Ok(value.to_owned())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $what:literal, $min:expr, $max:expr, $multiline:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates and trims.
            pub fn parse(input: &str) -> Result<Self, DomainError> {
                text(input, $what, $min, $max, $multiline).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

text_value!(
    /// A todo's text: 1 to 255 characters after trimming.
    TodoContent, "a todo", 1, MAX_TODO_CHARS, false
);
text_value!(
    /// A category's name: 1 to 10 characters after trimming.
    CategoryName, "a category name", 1, MAX_CATEGORY_CHARS, false
);

/// A reference link: an absolute http or https URL of at most 1024
/// characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LinkUrl(String);

impl LinkUrl {
    /// Validates a URL.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let value = input.trim();
        if value.is_empty() || value.chars().count() > MAX_URL_CHARS {
            return Err(DomainError::invalid(format!(
                "a link has 1 to {MAX_URL_CHARS} characters"
            )));
        }
        let url = url::Url::parse(value)
            .map_err(|e| DomainError::invalid(format!("not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(DomainError::invalid("a link must be an http or https URL"));
        }
        Ok(Self(value.to_owned()))
    }

    /// The URL as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LinkUrl {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LinkUrl> for String {
    fn from(value: LinkUrl) -> String {
        value.0
    }
}

/// A retrospect: up to 6 answers of up to 1000 characters each (may be
/// empty; line breaks allowed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Answers(Vec<String>);

impl Answers {
    /// Validates a list of answers.
    pub fn new(answers: Vec<String>) -> Result<Self, DomainError> {
        if answers.len() > MAX_ANSWERS {
            return Err(DomainError::invalid(format!(
                "a retrospect has at most {MAX_ANSWERS} answers"
            )));
        }
        answers
            .iter()
            .map(|a| text(a, "an answer", 0, MAX_ANSWER_CHARS, true))
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// The answers.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

impl TryFrom<Vec<String>> for Answers {
    type Error = DomainError;
    fn try_from(value: Vec<String>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Answers> for Vec<String> {
    fn from(value: Answers) -> Self {
        value.0
    }
}
