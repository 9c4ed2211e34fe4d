//! The JSON shape of a room, shared by HTTP answers and stream events.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Snapshot, WorkspaceView};
use crate::domain::{Plan, Room, RoomStatus, TimerState};

/// A room as clients see it (see `docs/API.md`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Room)]
pub struct RoomView<'a> {
    /// The room's access code, its only key.
    code: &'a str,
    /// Where the room is in its life.
    #[schema(value_type = super::schema::RoomStatusShape)]
    status: RoomStatus,
    /// Everyone, in turn order: the driver first, then the navigator.
    participants: Vec<&'a str>,
    /// Who types now.
    driver: &'a str,
    /// Who guides now.
    navigator: &'a str,
    /// The timer.
    timer: TimerView<'a>,
    /// The names on the room's open streams, sorted.
    present: &'a [String],
    /// The mission's address, if one was given (else empty).
    mission_url: &'a str,
    /// Whether only the host key's holder controls the timer and roles.
    locked: bool,
}

/// The timer part of a room.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Timer)]
pub struct TimerView<'a> {
    /// `idle`, `running` or `paused`.
    #[schema(value_type = TimerStateName)]
    state: &'static str,
    /// The current phase, counted from 0.
    phase_index: usize,
    /// The current phase's label.
    phase_label: &'a str,
    /// The current phase's length.
    phase_duration_ms: u64,
    /// What is left of it at `server_time_ms`.
    remaining_ms: u64,
    /// When a running timer's phase ends, in ms since the Unix epoch.
    ends_at_ms: Option<i64>,
    /// Phases run out so far (each rotated the roles once).
    completed_rounds: u64,
    /// The phases the timer runs through.
    #[schema(value_type = super::schema::PlanShape)]
    plan: &'a Plan,
}

/// The names of a timer's states.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Only its schema is used; the views write the names.
pub enum TimerStateName {
    /// Not running; the whole phase is left.
    Idle,
    /// Counting down to `ends_at_ms`.
    Running,
    /// Stopped part-way; `remaining_ms` is left.
    Paused,
}

impl<'a> RoomView<'a> {
    /// The view of `room` at `now_ms` (deadlines must already be applied).
    pub fn new(room: &'a Room, now_ms: i64, present: &'a [String]) -> Self {
        let order = room.turn_order();
        let timer = room.timer();
        let state = match timer.state() {
            TimerState::Idle => "idle",
            TimerState::Running { .. } => "running",
            TimerState::Paused { .. } => "paused",
        };
        Self {
            code: room.code().as_str(),
            status: room.status(),
            participants: order.iter().map(|n| n.as_str()).collect(),
            driver: order[0].as_str(),
            navigator: order[1].as_str(),
            timer: TimerView {
                state,
                phase_index: timer.phase_index(),
                phase_label: timer.plan().phases()[timer.phase_index()].label.as_str(),
                phase_duration_ms: timer.phase_duration_ms(),
                remaining_ms: timer.remaining_ms(now_ms),
                ends_at_ms: timer.ends_at_ms(),
                completed_rounds: timer.completed_rounds(),
                plan: timer.plan(),
            },
            present,
            mission_url: room.mission_url(),
            locked: room.is_locked(),
        }
    }
}

/// A room with its version and the server's time: the body of most answers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RoomEnvelope)]
pub struct Envelope<'a> {
    /// The room's version: +1 for every accepted change; streams use it as
    /// the SSE event id.
    version: u64,
    /// The server's clock when this was read, in ms since the Unix epoch.
    server_time_ms: i64,
    /// The room.
    room: RoomView<'a>,
    /// The workspace, whole in reads, only the changed parts in answers to
    /// changes; left out when empty.
    #[serde(skip_serializing_if = "WorkspaceView::is_empty")]
    #[schema(required = false)]
    workspace: WorkspaceView<'a>,
}

impl<'a> Envelope<'a> {
    /// Wraps a snapshot.
    pub fn new(snapshot: &'a Snapshot, present: &'a [String]) -> Self {
        Self {
            version: snapshot.version,
            server_time_ms: snapshot.now_ms,
            room: RoomView::new(&snapshot.room, snapshot.now_ms, present),
            workspace: WorkspaceView::all(snapshot.room.workspace()),
        }
    }

    /// Wraps a snapshot with only the workspace parts `causes` touched.
    pub fn changed(
        snapshot: &'a Snapshot,
        present: &'a [String],
        causes: &[crate::domain::Cause],
    ) -> Self {
        Self {
            workspace: WorkspaceView::parts(snapshot.room.workspace(), causes),
            ..Self::new(snapshot, present)
        }
    }
}
