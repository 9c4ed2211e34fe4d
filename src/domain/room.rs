//! The room aggregate: who is in it, its timer, its lifecycle, and the
//! commands that change them.

use serde::{Deserialize, Serialize};

use super::HostKey;
use super::workspace::Part;
use super::{
    AccessCode, DomainError, ParticipantName, Participants, PhaseDuration, Plan, Timer, Workspace,
    WorkspaceCommand,
};

/// How long after a time-up a legacy "swap roles" request is taken as a
/// duplicate of the swap the server already made.
///
/// The 코딩해듀오 front end calls `pair-swap` from every open screen when the
/// timer runs out. The server rotates roles itself at the deadline, so those
/// calls must not rotate again (two screens would otherwise swap twice and
/// end where they began).
pub const TIME_UP_SWAP_GRACE_MS: i64 = 60_000;

/// Where a room is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomStatus {
    /// Being worked in.
    InProgress,
    /// Finished; still readable.
    Completed,
    /// Deleted (softly): it accepts nothing and reads as gone.
    Deleted,
}

/// A request to change a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Start or resume the timer.
    Start,
    /// Pause the timer.
    Pause,
    /// Put the current phase back to its full length, idle.
    Reset,
    /// Complete the current phase now.
    Skip,
    /// Hand the keyboard to the next participant.
    Rotate,
    /// A legacy client's reaction to a time-up: rotates unless the server
    /// rotated at a time-up within [`TIME_UP_SWAP_GRACE_MS`].
    RotateUnlessJustRotated,
    /// Replace the plan (refused while running).
    SetPlan(Plan),
    /// Change the current phase's length and what is left of it (refused
    /// while running).
    SetPhaseDuration {
        /// The new length.
        duration: PhaseDuration,
        /// What is left; `None` means the full length.
        remaining_ms: Option<u64>,
    },
    /// Move the room to another lifecycle status.
    SetStatus(RoomStatus),
    /// Change the todos, links, categories or retrospect.
    Workspace(WorkspaceCommand),
}

impl Command {
    /// A short name of what is asked, for counting commands.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Pause => "pause",
            Self::Reset => "reset",
            Self::Skip => "skip",
            Self::Rotate => "rotate",
            Self::RotateUnlessJustRotated => "rotate_after_time_up",
            Self::SetPlan(_) => "set_plan",
            Self::SetPhaseDuration { .. } => "set_duration",
            Self::SetStatus(_) => "set_status",
            Self::Workspace(command) => command.kind(),
        }
    }
}

/// What a change did, for the streams that report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The room was created.
    Created,
    /// The timer started or resumed.
    Started,
    /// The timer paused.
    Paused,
    /// The phase went back to its full length.
    Reset,
    /// The phase was completed early.
    Skipped,
    /// A phase ran out at its deadline (roles rotated with it).
    Completed,
    /// Roles rotated on request.
    Rotated,
    /// The plan or the phase's duration changed.
    PlanChanged,
    /// The room was completed or reopened.
    StatusChanged,
    /// The room was deleted.
    Deleted,
    /// The todo list changed.
    #[serde(rename = "todos_changed")]
    Todos,
    /// The categories changed.
    #[serde(rename = "categories_changed")]
    Categories,
    /// The links changed.
    #[serde(rename = "links_changed")]
    Links,
    /// The retrospect was written or removed.
    #[serde(rename = "retrospect_changed")]
    Retrospect,
}

impl Cause {
    /// Whether this change touched the workspace (which is stored apart).
    pub fn is_workspace(self) -> bool {
        matches!(
            self,
            Cause::Todos | Cause::Categories | Cause::Links | Cause::Retrospect
        )
    }
}

impl From<Part> for Cause {
    fn from(part: Part) -> Self {
        match part {
            Part::Todos => Cause::Todos,
            Part::Categories => Cause::Categories,
            Part::Links => Cause::Links,
            Part::Retrospect => Cause::Retrospect,
        }
    }
}

/// A room: its participants in rotation, its timer and its status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    code: AccessCode,
    created_at_ms: i64,
    status: RoomStatus,
    participants: Participants,
    rotations: u64,
    manual_rotations: u64,
    timer: Timer,
    #[serde(default)]
    swap_grace_until_ms: Option<i64>,
    #[serde(default)]
    mission_url: String,
    /// The SHA-256 of the host key of a locked room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host_key_digest: Option<String>,
    /// Stored apart from the rest (it can be large and changes separately).
    #[serde(skip)]
    workspace: Workspace,
}

impl Room {
    /// A new room, in progress, with an idle timer.
    pub fn new(code: AccessCode, participants: Participants, plan: Plan, now_ms: i64) -> Self {
        Self {
            code,
            created_at_ms: now_ms,
            status: RoomStatus::InProgress,
            participants,
            rotations: 0,
            manual_rotations: 0,
            timer: Timer::new(plan),
            swap_grace_until_ms: None,
            mission_url: String::new(),
            host_key_digest: None,
            workspace: Workspace::default(),
        }
    }

    /// Locks the room: from now on only `key` controls its timer and roles.
    pub fn locked_with(mut self, key: &HostKey) -> Self {
        self.host_key_digest = Some(key.digest());
        self
    }

    /// Whether only the host controls the timer and roles.
    pub fn is_locked(&self) -> bool {
        self.host_key_digest.is_some()
    }

    /// Refuses a control command (timer, roles, plan, status) on a locked
    /// room unless `key` is its host key. Workspace commands are everyone's.
    pub fn authorize(&self, command: &Command, key: Option<&HostKey>) -> Result<(), DomainError> {
        let Some(digest) = &self.host_key_digest else {
            return Ok(());
        };
        if matches!(command, Command::Workspace(_)) {
            return Ok(());
        }
        match key {
            Some(key) if key.digest() == *digest => Ok(()),
            _ => Err(DomainError::Forbidden(
                "this room is locked: only its host controls the timer and the roles".into(),
            )),
        }
    }

    /// Attaches the mission (a repository or task URL) the pair works on.
    pub fn with_mission_url(mut self, url: String) -> Self {
        self.mission_url = url;
        self
    }

    /// The room's access code.
    pub fn code(&self) -> &AccessCode {
        &self.code
    }

    /// When the room was created.
    pub fn created_at_ms(&self) -> i64 {
        self.created_at_ms
    }

    /// Its lifecycle status.
    pub fn status(&self) -> RoomStatus {
        self.status
    }

    /// The timer (call [`Room::advance_to`] first to see it at "now").
    pub fn timer(&self) -> &Timer {
        &self.timer
    }

    /// Todos, categories, links and retrospect.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// Puts back the workspace read from storage.
    pub fn with_workspace(mut self, workspace: Workspace) -> Self {
        self.workspace = workspace;
        self
    }

    /// The mission URL, empty if none.
    pub fn mission_url(&self) -> &str {
        &self.mission_url
    }

    /// Participants in turn order: driver, navigator, then the rest.
    pub fn turn_order(&self) -> Vec<&ParticipantName> {
        self.participants.in_turn_order(self.rotations)
    }

    /// How many times roles have rotated, by deadline or by request.
    pub fn rotations(&self) -> u64 {
        self.rotations
    }

    /// How many of those rotations were requested rather than caused by a
    /// completed phase.
    pub fn manual_rotations(&self) -> u64 {
        self.manual_rotations
    }

    /// Applies the deadlines passed by `now_ms`: each completed phase counts
    /// a round and rotates roles once. Returns `[Completed]` if any ran out.
    pub fn advance_to(&mut self, now_ms: i64) -> Vec<Cause> {
        let Some(deadline) = self.timer.ends_at_ms() else {
            return Vec::new();
        };
        let completed = self.timer.advance_to(now_ms);
        if completed == 0 {
            return Vec::new();
        }
        self.rotations += completed;
        // The last completion happened at or before now; legacy swap
        // requests for it are absorbed for a while after it.
        let last_completion = self.timer.ends_at_ms().map_or(deadline, |next| {
            next - self.timer.phase_duration_ms() as i64
        });
        self.swap_grace_until_ms = Some(last_completion + TIME_UP_SWAP_GRACE_MS);
        vec![Cause::Completed]
    }

    /// Applies a command at `now_ms`, after the deadlines that passed.
    ///
    /// Returns what changed, in order; an empty list means nothing did (a
    /// legacy duplicate swap, say), and nothing needs to be stored.
    pub fn apply(&mut self, command: Command, now_ms: i64) -> Result<Vec<Cause>, DomainError> {
        if self.status == RoomStatus::Deleted {
            return Err(DomainError::Deleted);
        }
        let mut causes = self.advance_to(now_ms);
        let cause = match command {
            Command::Start => {
                self.timer.start(now_ms)?;
                Cause::Started
            }
            Command::Pause => {
                self.timer.pause(now_ms)?;
                Cause::Paused
            }
            Command::Reset => {
                self.timer.reset();
                Cause::Reset
            }
            Command::Skip => {
                self.timer.skip(now_ms);
                self.rotations += 1;
                self.swap_grace_until_ms = Some(now_ms + TIME_UP_SWAP_GRACE_MS);
                Cause::Skipped
            }
            Command::Rotate => {
                self.rotate_by_request();
                Cause::Rotated
            }
            Command::RotateUnlessJustRotated => {
                if self
                    .swap_grace_until_ms
                    .is_some_and(|until| now_ms <= until)
                {
                    return Ok(causes);
                }
                self.rotate_by_request();
                Cause::Rotated
            }
            Command::SetPlan(plan) => {
                self.timer.set_plan(plan)?;
                Cause::PlanChanged
            }
            Command::SetPhaseDuration {
                duration,
                remaining_ms,
            } => {
                self.timer.set_phase_duration(duration, remaining_ms)?;
                Cause::PlanChanged
            }
            Command::Workspace(command) => {
                let parts = self.workspace.apply(command)?;
                causes.extend(parts.into_iter().map(Cause::from));
                return Ok(causes);
            }
            Command::SetStatus(status) => {
                if status == self.status {
                    return Ok(causes);
                }
                self.status = status;
                if status == RoomStatus::Deleted {
                    Cause::Deleted
                } else {
                    Cause::StatusChanged
                }
            }
        };
        causes.push(cause);
        Ok(causes)
    }

    fn rotate_by_request(&mut self) {
        self.rotations += 1;
        self.manual_rotations += 1;
        self.swap_grace_until_ms = None;
    }
}
