//! The pure core of pairroom: rooms, participants, timer plans and the rules
//! that move a timer through its phases.
//!
//! Nothing here performs I/O or reads a clock. Every function that depends on
//! time takes `now_ms` (milliseconds since the Unix epoch) as an argument, so
//! the same history of commands always yields the same state, and tests can
//! walk through hours of timer life in microseconds.

mod code;
mod error;
mod host_key;
mod participants;
mod plan;
mod room;
mod timer;
pub mod workspace;

pub use code::AccessCode;
pub use error::DomainError;
pub use host_key::HostKey;
pub use participants::{MAX_NAME_CHARS, ParticipantName, Participants};
pub use plan::{
    MAX_LABEL_CHARS, MAX_PHASE_MS, MAX_PHASES, MIN_PHASE_MS, Phase, PhaseDuration, PhaseLabel, Plan,
};
pub use room::{Cause, Command, Room, RoomStatus, TIME_UP_SWAP_GRACE_MS};
pub use timer::{Timer, TimerState};
pub use workspace::{Workspace, WorkspaceCommand};

#[cfg(test)]
mod tests;
