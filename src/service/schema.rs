//! OpenAPI schemas of the domain types that appear in views and bodies.
//!
//! The domain knows nothing of OpenAPI, so its wire shapes are described
//! here, next to the views that carry them, by plain structs with the same
//! serde shape. The tests below round-trip real domain values through these
//! structs (both ways, unknown fields refused), so a change to a domain
//! type's JSON that is not made here too fails the build's tests.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};

use crate::domain::MAX_NAME_CHARS;

/// A timer's plan: the phases it runs through in order, repeating.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Plan)]
pub struct PlanShape {
    /// The phases, 1 to 16.
    #[schema(min_items = 1, max_items = 16)]
    pub phases: Vec<PhaseShape>,
    /// Whether the next phase starts by itself, at the old deadline, when
    /// one runs out (otherwise the timer waits, idle, for a start).
    #[serde(default)]
    #[schema(default = false)]
    pub auto_advance: bool,
}

/// One phase of a plan.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Phase)]
pub struct PhaseShape {
    /// What the phase is called on screen; trimmed, at most 40 characters,
    /// no control characters, may be empty.
    #[schema(max_length = 40)]
    pub label: String,
    /// How long the phase lasts, in milliseconds: 1 s to 24 h.
    #[schema(minimum = 1000, maximum = 86_400_000)]
    pub duration_ms: u64,
}

/// A participant's name (a string with limits, which derives cannot put
/// on the items of a list).
pub struct NameShape;

impl utoipa::PartialSchema for NameShape {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_NAME_CHARS))
            .description(Some(
                "1 to 20 characters after trimming, without control characters, \
                 distinct within its room",
            ))
            .into()
    }
}

impl ToSchema for NameShape {
    fn name() -> Cow<'static, str> {
        "ParticipantName".into()
    }
}

/// Where a room is in its life.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = RoomStatus)]
pub enum RoomStatusShape {
    /// Being worked in.
    InProgress,
    /// Finished; still readable.
    Completed,
    /// Deleted: it accepts nothing and reads as gone.
    Deleted,
}

/// What the server read from a linked page when the link was added; every
/// field is empty if the page could not be read.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Preview)]
pub struct PreviewShape {
    /// The page's `<title>`.
    pub head_title: String,
    /// Its `og:title`.
    pub og_title: String,
    /// Its `og:description` (or `description` meta tag).
    pub description: String,
    /// Its `og:image`.
    pub image: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workspace::Preview;
    use crate::domain::{MAX_LABEL_CHARS, MAX_PHASE_MS, MAX_PHASES, MIN_PHASE_MS};
    use crate::domain::{Phase, PhaseDuration, PhaseLabel, Plan, RoomStatus};
    use serde::de::DeserializeOwned;
    use utoipa::PartialSchema;

    /// `value` reads as `S` and `S` writes it back unchanged.
    fn round_trips<S: Serialize + DeserializeOwned>(value: &impl Serialize) {
        let json = serde_json::to_value(value).unwrap();
        let shape: S = serde_json::from_value(json.clone()).expect("the shape reads the domain's");
        assert_eq!(serde_json::to_value(shape).unwrap(), json);
    }

    #[test]
    fn shapes_match_the_domain_types() {
        let phase = |label: &str, ms| Phase {
            label: PhaseLabel::parse(label).unwrap(),
            duration_ms: PhaseDuration::from_ms(ms).unwrap(),
        };
        let plan = Plan::new(vec![phase("Day", 60_000), phase("", 1_000)], true).unwrap();
        round_trips::<PlanShape>(&plan);
        for status in [
            RoomStatus::InProgress,
            RoomStatus::Completed,
            RoomStatus::Deleted,
        ] {
            round_trips::<RoomStatusShape>(&status);
        }
        let preview = Preview {
            head_title: "t".into(),
            og_title: "o".into(),
            description: "d".into(),
            image: "https://example.com/i.png".into(),
        };
        round_trips::<PreviewShape>(&preview);
    }

    #[test]
    fn a_shape_the_domain_refuses_is_refused_by_the_schema_too() {
        // The schema's limits are the domain's.
        let schema = serde_json::to_value(PhaseShape::schema()).unwrap();
        let duration = &schema["properties"]["duration_ms"];
        assert_eq!(duration["minimum"], MIN_PHASE_MS);
        assert_eq!(duration["maximum"], MAX_PHASE_MS);
        assert_eq!(schema["properties"]["label"]["maxLength"], MAX_LABEL_CHARS);
        let name = serde_json::to_value(NameShape::schema()).unwrap();
        assert_eq!(name["maxLength"], MAX_NAME_CHARS);
        let plan = serde_json::to_value(PlanShape::schema()).unwrap();

        assert_eq!(plan["properties"]["phases"]["maxItems"], MAX_PHASES);
        assert_eq!(plan["properties"]["phases"]["minItems"], 1);
    }
}
