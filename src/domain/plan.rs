//! A timer's plan: the phases it runs through, in order.

use serde::{Deserialize, Serialize};

use super::DomainError;

/// Shortest phase: one second.
pub const MIN_PHASE_MS: u64 = 1_000;
/// Longest phase: one day.
pub const MAX_PHASE_MS: u64 = 86_400_000;
/// Most phases in one plan.
pub const MAX_PHASES: usize = 16;
/// Longest phase label, in characters after trimming.
pub const MAX_LABEL_CHARS: usize = 40;

/// How long a phase lasts, 1 s to 24 h, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct PhaseDuration(u64);

impl PhaseDuration {
    /// Validates a duration in milliseconds.
    pub fn from_ms(ms: u64) -> Result<Self, DomainError> {
        if !(MIN_PHASE_MS..=MAX_PHASE_MS).contains(&ms) {
            return Err(DomainError::invalid(format!(
                "a phase lasts {MIN_PHASE_MS} to {MAX_PHASE_MS} ms (1 s to 24 h)"
            )));
        }
        Ok(Self(ms))
    }

    /// The duration in milliseconds.
    pub fn ms(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for PhaseDuration {
    type Error = DomainError;
    fn try_from(ms: u64) -> Result<Self, Self::Error> {
        Self::from_ms(ms)
    }
}

impl From<PhaseDuration> for u64 {
    fn from(d: PhaseDuration) -> u64 {
        d.0
    }
}

/// A phase's label ("Round", "Break", "Vote"): up to 40 characters, may be empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhaseLabel(String);

impl PhaseLabel {
    /// Validates and trims a label.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let label = input.trim();
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(DomainError::invalid(format!(
                "a phase label has at most {MAX_LABEL_CHARS} characters"
            )));
        }
        if label.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "a phase label must not contain control characters",
            ));
        }
        Ok(Self(label.to_owned()))
    }

    /// The label as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PhaseLabel {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhaseLabel> for String {
    fn from(label: PhaseLabel) -> String {
        label.0
    }
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// What the phase is called on screen.
    pub label: PhaseLabel,
    /// How long it lasts.
    pub duration_ms: PhaseDuration,
}

/// The phases a timer runs through (1 to 16, repeating), and whether the next
/// phase starts by itself when one runs out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PlanRecord", into = "PlanRecord")]
pub struct Plan {
    phases: Vec<Phase>,
    auto_advance: bool,
}

/// The unvalidated shape of a plan, for serde.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanRecord {
    phases: Vec<Phase>,
    #[serde(default)]
    auto_advance: bool,
}

impl Plan {
    /// Validates a list of phases.
    pub fn new(phases: Vec<Phase>, auto_advance: bool) -> Result<Self, DomainError> {
        if phases.is_empty() || phases.len() > MAX_PHASES {
            return Err(DomainError::invalid(format!(
                "a plan has 1 to {MAX_PHASES} phases"
            )));
        }
        Ok(Self {
            phases,
            auto_advance,
        })
    }

    /// A pair room's usual plan: one phase of the given length, no auto-advance.
    pub fn single(label: &str, duration: PhaseDuration) -> Self {
        let label = PhaseLabel::parse(label).unwrap_or(PhaseLabel(String::new()));
        Self {
            phases: vec![Phase {
                label,
                duration_ms: duration,
            }],
            auto_advance: false,
        }
    }

    /// The phases, in order.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// Whether the next phase starts at the deadline of the one before.
    pub fn auto_advance(&self) -> bool {
        self.auto_advance
    }

    /// Length of the phase at `index` (which wraps around).
    pub fn duration_of(&self, index: usize) -> u64 {
        self.phases[index % self.phases.len()].duration_ms.ms()
    }

    /// Index of the phase after `index`.
    pub fn next_index(&self, index: usize) -> usize {
        (index + 1) % self.phases.len()
    }

    /// Length of one pass through every phase.
    pub fn cycle_ms(&self) -> u64 {
        self.phases.iter().map(|p| p.duration_ms.ms()).sum()
    }

    /// Replaces the duration of one phase.
    pub(super) fn set_duration(&mut self, index: usize, duration: PhaseDuration) {
        let len = self.phases.len();
        self.phases[index % len].duration_ms = duration;
    }
}

impl TryFrom<PlanRecord> for Plan {
    type Error = DomainError;
    fn try_from(r: PlanRecord) -> Result<Self, Self::Error> {
        Self::new(r.phases, r.auto_advance)
    }
}

impl From<Plan> for PlanRecord {
    fn from(p: Plan) -> Self {
        Self {
            phases: p.phases,
            auto_advance: p.auto_advance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(ms: u64) -> Phase {
        Phase {
            label: PhaseLabel::parse("p").unwrap(),
            duration_ms: PhaseDuration::from_ms(ms).unwrap(),
        }
    }

    #[test]
    fn durations_are_bounded() {
        assert!(PhaseDuration::from_ms(999).is_err());
        assert!(PhaseDuration::from_ms(1_000).is_ok());
        assert!(PhaseDuration::from_ms(86_400_000).is_ok());
        assert!(PhaseDuration::from_ms(86_400_001).is_err());
    }

    #[test]
    fn plans_have_one_to_sixteen_phases() {
        assert!(Plan::new(vec![], false).is_err());
        assert!(Plan::new(vec![phase(1000); 16], true).is_ok());
        assert!(Plan::new(vec![phase(1000); 17], true).is_err());
    }

    #[test]
    fn labels_are_bounded() {
        assert!(PhaseLabel::parse(&"x".repeat(41)).is_err());
        assert_eq!(PhaseLabel::parse("  Break ").unwrap().as_str(), "Break");
    }

    #[test]
    fn plans_deserialise_with_validation() {
        let plan: Plan =
            serde_json::from_str(r#"{"phases":[{"label":"a","duration_ms":2000}]}"#).unwrap();
        assert_eq!(plan.cycle_ms(), 2000);
        assert!(!plan.auto_advance());
        assert!(serde_json::from_str::<Plan>(r#"{"phases":[]}"#).is_err());
        assert!(
            serde_json::from_str::<Plan>(r#"{"phases":[{"label":"a","duration_ms":5}]}"#).is_err()
        );
    }
}
