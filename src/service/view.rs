//! The JSON shape of a room, shared by HTTP answers and stream events.

use serde::Serialize;

use super::{Snapshot, WorkspaceView};
use crate::domain::{Plan, Room, RoomStatus, TimerState};

/// A room as clients see it (see `docs/API.md`).
#[derive(Debug, Serialize)]
pub struct RoomView<'a> {
    code: &'a str,
    status: RoomStatus,
    participants: Vec<&'a str>,
    driver: &'a str,
    navigator: &'a str,
    timer: TimerView<'a>,
    present: &'a [String],
    mission_url: &'a str,
    locked: bool,
}

/// The timer part of [`RoomView`].
#[derive(Debug, Serialize)]
pub struct TimerView<'a> {
    state: &'static str,
    phase_index: usize,
    phase_label: &'a str,
    phase_duration_ms: u64,
    remaining_ms: u64,
    ends_at_ms: Option<i64>,
    completed_rounds: u64,
    plan: &'a Plan,
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
#[derive(Debug, Serialize)]
pub struct Envelope<'a> {
    version: u64,
    server_time_ms: i64,
    room: RoomView<'a>,
    #[serde(skip_serializing_if = "WorkspaceView::is_empty")]
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
