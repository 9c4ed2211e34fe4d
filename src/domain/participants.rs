//! The people in a room and the order in which they take the keyboard.

use serde::{Deserialize, Serialize};

use super::DomainError;

/// Longest accepted name, in characters after trimming.
pub const MAX_NAME_CHARS: usize = 20;
/// Fewest participants a room can have: a pair.
pub const MIN_PARTICIPANTS: usize = 2;
/// Most participants a room can have: a large mob.
pub const MAX_PARTICIPANTS: usize = 12;

/// A participant's display name: 1 to 20 characters after trimming, no
/// control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ParticipantName(String);

impl ParticipantName {
    /// Validates and trims a name.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let name = input.trim();
        let chars = name.chars().count();
        if chars == 0 {
            return Err(DomainError::invalid("a name must not be blank"));
        }
        if chars > MAX_NAME_CHARS {
            return Err(DomainError::invalid(format!(
                "a name has at most {MAX_NAME_CHARS} characters"
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "a name must not contain control characters",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ParticipantName {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ParticipantName> for String {
    fn from(name: ParticipantName) -> String {
        name.0
    }
}

/// The participants of a room in their original order, and how far the
/// rotation has turned.
///
/// Keeping the original order plus a rotation count (instead of reshuffling a
/// list) makes "roles rotated exactly once per round" a matter of counting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<ParticipantName>", into = "Vec<ParticipantName>")]
pub struct Participants(Vec<ParticipantName>);

impl Participants {
    /// Validates a list: 2 to 12 names, distinct regardless of case.
    pub fn new(names: Vec<ParticipantName>) -> Result<Self, DomainError> {
        if names.len() < MIN_PARTICIPANTS || names.len() > MAX_PARTICIPANTS {
            return Err(DomainError::invalid(format!(
                "a room has {MIN_PARTICIPANTS} to {MAX_PARTICIPANTS} participants"
            )));
        }
        for (i, name) in names.iter().enumerate() {
            let lower = name.as_str().to_lowercase();
            if names[..i]
                .iter()
                .any(|n| n.as_str().to_lowercase() == lower)
            {
                return Err(DomainError::invalid(format!(
                    "the name {:?} appears twice; names must differ",
                    name.as_str()
                )));
            }
        }
        Ok(Self(names))
    }

    /// Parses and validates names given as text.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, DomainError> {
        let names = names
            .iter()
            .map(|n| ParticipantName::parse(n.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(names)
    }

    /// How many people are in the room.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true (a room has at least two people); present for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names in turn order after `rotations` rotations: the first drives,
    /// the second navigates.
    pub fn in_turn_order(&self, rotations: u64) -> Vec<&ParticipantName> {
        let start = (rotations % self.0.len() as u64) as usize;
        self.0[start..].iter().chain(&self.0[..start]).collect()
    }
}

impl TryFrom<Vec<ParticipantName>> for Participants {
    type Error = DomainError;
    fn try_from(value: Vec<ParticipantName>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Participants> for Vec<ParticipantName> {
    fn from(p: Participants) -> Self {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(ParticipantName::parse("  Ann ").unwrap().as_str(), "Ann");
        assert_eq!(
            ParticipantName::parse("가나다라마바사아자차카타파하가나다라마바")
                .unwrap()
                .as_str()
                .chars()
                .count(),
            20
        );
        assert!(ParticipantName::parse("   ").is_err());
        assert!(ParticipantName::parse(&"x".repeat(21)).is_err());
        assert!(ParticipantName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn lists_need_two_to_twelve_distinct_names() {
        assert!(Participants::parse(&["Ann"]).is_err());
        assert!(Participants::parse(&["Ann", "ann"]).is_err());
        let twelve: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
        assert!(Participants::parse(&twelve).is_ok());
        let thirteen: Vec<String> = (0..13).map(|i| format!("p{i}")).collect();
        assert!(Participants::parse(&thirteen).is_err());
    }

    #[test]
    fn rotation_moves_the_next_person_to_the_keyboard() {
        let p = Participants::parse(&["A", "B", "C"]).unwrap();
        let order = |r| {
            p.in_turn_order(r)
                .iter()
                .map(|n| n.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(0), ["A", "B", "C"]);
        assert_eq!(order(1), ["B", "C", "A"]);
        assert_eq!(order(5), ["C", "A", "B"]);
    }
}
