//! What instances say to each other on a room's Redis channel.
//!
//! One JSON message per change, carrying the whole room (and workspace), so
//! that a receiver never needs the store to show it, and a receiver that
//! missed earlier messages can still show the latest state whole.

use serde::{Deserialize, Serialize};

use crate::domain::{Cause, Room, Workspace};

/// A message on a room's channel.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Message {
    /// A change committed by the sending instance.
    Change {
        /// The sending instance, so that it can skip its own messages.
        origin: String,
        /// The version the change produced.
        version: u64,
        /// What happened in that commit.
        causes: Vec<Cause>,
        /// The room after the change (without its workspace).
        room: Box<Room>,
        /// The room's workspace.
        workspace: Box<Workspace>,
    },
    /// The names connected through the sending instance changed: read the
    /// room's presence set again.
    Presence {
        /// The sending instance.
        origin: String,
    },
    /// Every stream of the room should end (the legacy `DELETE .../connect`).
    Close {
        /// The sending instance.
        origin: String,
    },
}

impl Message {
    /// The instance that sent the message.
    pub(super) fn origin(&self) -> &str {
        match self {
            Message::Change { origin, .. }
            | Message::Presence { origin }
            | Message::Close { origin } => origin,
        }
    }

    /// A change message for `room` at `version`.
    pub(super) fn change(origin: &str, version: u64, causes: Vec<Cause>, room: &Room) -> Self {
        Message::Change {
            origin: origin.to_owned(),
            version,
            causes,
            room: Box::new(room.clone()),
            workspace: Box::new(room.workspace().clone()),
        }
    }

    /// The JSON text sent over Redis.
    pub(super) fn encode(&self) -> String {
        serde_json::to_string(self).expect("rooms serialise")
    }

    /// Reads a message back; `None` for anything malformed (logged), which
    /// is then treated like a lost message.
    pub(super) fn decode(text: &[u8]) -> Option<Self> {
        serde_json::from_slice(text)
            .inspect_err(|e| tracing::warn!(error = %e, "unreadable message on the bus"))
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccessCode, Participants, PhaseDuration, Plan};

    #[test]
    fn a_change_survives_the_trip_with_its_workspace() {
        let code = AccessCode::from_random([7; 9]);
        let participants = Participants::parse(&["Ann", "Bob"]).expect("valid");
        let duration = PhaseDuration::from_ms(60_000).expect("valid");
        let plan = Plan::single("focus", duration);
        let room = Room::new(code, participants, plan, 1_000);
        let message = Message::change("me", 3, vec![Cause::Started], &room);
        let back = Message::decode(message.encode().as_bytes()).expect("decodes");
        let Message::Change {
            origin,
            version,
            causes,
            room: back_room,
            workspace,
        } = back
        else {
            panic!("not a change");
        };
        assert_eq!((origin.as_str(), version), ("me", 3));
        assert_eq!(causes, vec![Cause::Started]);
        assert_eq!(back_room.with_workspace(*workspace), room);
    }

    #[test]
    fn garbage_is_refused_not_panicked_on() {
        assert!(Message::decode(b"{\"kind\":\"change\"}").is_none());
        assert!(Message::decode(b"\xff").is_none());
    }
}
