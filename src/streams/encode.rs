//! Wire encodings of frames, one function per dialect.

use std::fmt::Write as _;

use bytes::Bytes;
use serde::Serialize;

use crate::domain::{Cause, Room, RoomStatus, TimerState};
use crate::hub::{Frame, RoomMessage};
use crate::service::{RoomView, WorkspaceView};

/// Cache slot of the native encoding.
pub(super) const NATIVE: usize = 0;
/// Cache slot of the 코딩해듀오 encoding.
pub(super) const CODUO: usize = 1;

/// The comment line sent as a heartbeat.
pub(super) const HEARTBEAT: &[u8] = b": heartbeat\n\n";

/// Appends one SSE event. `data` must not contain line breaks (JSON from
/// serde_json and the legacy plain-text values never do).
pub(super) fn event(out: &mut String, id: impl std::fmt::Display, name: &str, data: &str) {
    let _ = write!(out, "id: {id}\nevent: {name}\ndata: {data}\n\n");
}

/// A `retry:` field on its own (an event with no data is never dispatched).
pub(super) fn retry(out: &mut String, ms: u64) {
    let _ = write!(out, "retry: {ms}\n\n");
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("views serialise")
}

/// The native `snapshot` and `change` payload.
#[derive(Serialize)]
pub(super) struct RoomPayload<'a> {
    pub(super) version: u64,
    pub(super) server_time_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) causes: Option<&'a [Cause]>,
    pub(super) room: RoomView<'a>,
    #[serde(skip_serializing_if = "WorkspaceView::is_empty")]
    pub(super) workspace: WorkspaceView<'a>,
}

/// The native `presence` payload.
#[derive(Serialize)]
pub(super) struct PresencePayload<'a> {
    pub(super) server_time_ms: i64,
    pub(super) present: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) joined: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) left: Option<&'a str>,
}

/// Encodes a frame for native streams. `None`: not for this dialect.
pub(super) fn native(frame: &Frame) -> Option<Bytes> {
    let mut out = String::new();
    match &frame.message {
        RoomMessage::Change {
            version,
            causes,
            room,
            present,
            at_ms,
            resync,
        } => {
            // After a possible loss the whole workspace goes out, since
            // the causes do not say everything that changed.
            let workspace = match resync {
                true => WorkspaceView::all(room.workspace()),
                false => WorkspaceView::parts(room.workspace(), causes),
            };
            let payload = RoomPayload {
                version: *version,
                server_time_ms: *at_ms,
                causes: Some(causes),
                room: RoomView::new(room, *at_ms, present),
                workspace,
            };
            event(&mut out, version, "change", &json(&payload));
        }
        RoomMessage::Presence {
            version,
            present,
            joined,
            left,
            at_ms,
        } => {
            let payload = PresencePayload {
                server_time_ms: *at_ms,
                present,
                joined: joined.as_deref(),
                left: left.as_deref(),
            };
            event(&mut out, version, "presence", &json(&payload));
        }
        RoomMessage::Tick {
            version,
            phase_index,
            remaining_ms,
            at_ms,
        } => {
            let data = format!(
                r#"{{"server_time_ms":{at_ms},"phase_index":{phase_index},"remaining_ms":{remaining_ms}}}"#
            );
            event(&mut out, version, "tick", &data);
        }
        RoomMessage::Heartbeat => return Some(Bytes::from_static(HEARTBEAT)),
        RoomMessage::Close => out.push_str("event: close\ndata: OK\n\n"),
    }
    Some(Bytes::from(out))
}

/// Encodes a frame for 코딩해듀오 streams. `None`: not for this dialect.
pub(super) fn coduo(frame: &Frame) -> Option<Bytes> {
    let mut out = String::new();
    let id = frame.seq;
    match &frame.message {
        RoomMessage::Change {
            room, resync: true, ..
        } => {
            // The causes may not cover what was missed: say where the
            // timer is now, as the original front end understands it.
            let state = match room.timer().state() {
                TimerState::Running { .. } => "start",
                _ => "pause",
            };
            event(&mut out, id, "timer", state);
            if room.status() == RoomStatus::Deleted {
                event(&mut out, id, "close", "OK");
            }
        }
        RoomMessage::Change { causes, room, .. } => {
            for cause in causes {
                if let Some((name, data)) = coduo_event(*cause, room) {
                    event(&mut out, id, name, data);
                }
            }
        }
        RoomMessage::Tick { remaining_ms, .. } => {
            event(&mut out, id, "remaining-time", &remaining_ms.to_string());
        }
        RoomMessage::Heartbeat => return Some(Bytes::from_static(HEARTBEAT)),
        RoomMessage::Close => event(&mut out, id, "close", "OK"),
        RoomMessage::Presence { .. } => {}
    }
    (!out.is_empty()).then(|| Bytes::from(out))
}

/// The legacy event for one cause, if the original front end knew one.
fn coduo_event(cause: Cause, room: &Room) -> Option<(&'static str, &'static str)> {
    match cause {
        Cause::Started => Some(("timer", "start")),
        Cause::Paused => Some(("timer", "pause")),
        Cause::Completed | Cause::Skipped => Some(("timer", "stop")),
        Cause::Reset | Cause::PlanChanged => Some(("timer", "update")),
        Cause::Deleted => Some(("close", "OK")),
        Cause::StatusChanged if room.status() == RoomStatus::Deleted => Some(("close", "OK")),
        // The original pushed none of these; its screens reload them.
        Cause::Created | Cause::Rotated | Cause::StatusChanged => None,
        Cause::Todos | Cause::Categories | Cause::Links | Cause::Retrospect => None,
    }
}

/// The legacy greeting: `connect: OK`, the remaining time, and
/// `timer: running` if it runs.
pub(super) fn coduo_greeting(room: &Room, now_ms: i64, retry_ms: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "retry: {retry_ms}");
    event(&mut out, crate::hub::next_seq(), "connect", "OK");
    let remaining = room.timer().remaining_ms(now_ms);
    event(
        &mut out,
        crate::hub::next_seq(),
        "remaining-time",
        &remaining.to_string(),
    );
    if matches!(room.timer().state(), TimerState::Running { .. }) {
        event(&mut out, crate::hub::next_seq(), "timer", "running");
    }
    out
}

/// Whether a frame is the last one a stream of this dialect should send.
pub(super) fn ends_stream(frame: &Frame) -> bool {
    match &frame.message {
        RoomMessage::Close => true,
        RoomMessage::Change { room, .. } => room.status() == RoomStatus::Deleted,
        _ => false,
    }
}

/// Whether a native stream without `ticks=1` skips this frame.
pub(super) fn is_tick(frame: &Frame) -> bool {
    matches!(frame.message, RoomMessage::Tick { .. })
}
