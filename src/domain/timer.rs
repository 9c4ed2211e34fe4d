//! The countdown itself: a plan, where it stands, and the deadline arithmetic.
//!
//! A running timer stores only its deadline (`ends_at_ms`), never a ticking
//! counter. The remaining time is always `ends_at_ms - now`, so it cannot
//! drift, survives restarts, and two servers computing it agree.

use serde::{Deserialize, Serialize};

use super::{DomainError, Plan};

/// Where the countdown stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TimerState {
    /// Not started; the current phase has its full length ahead.
    Idle,
    /// Counting down to `ends_at_ms`.
    Running {
        /// The deadline, in milliseconds since the Unix epoch.
        ends_at_ms: i64,
    },
    /// Stopped with `remaining_ms` still to go (always more than zero).
    Paused {
        /// Time left in the phase.
        remaining_ms: u64,
    },
}

/// A timer running a plan of phases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    plan: Plan,
    phase_index: usize,
    state: TimerState,
    completed_rounds: u64,
}

impl Timer {
    /// A fresh, idle timer at the first phase of `plan`.
    pub fn new(plan: Plan) -> Self {
        Self {
            plan,
            phase_index: 0,
            state: TimerState::Idle,
            completed_rounds: 0,
        }
    }

    /// The plan being run.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Index of the current phase.
    pub fn phase_index(&self) -> usize {
        self.phase_index
    }

    /// The stored state. Call [`Timer::advance_to`] first to see it at "now".
    pub fn state(&self) -> TimerState {
        self.state
    }

    /// How many phases have run out (or were skipped) since the room began.
    pub fn completed_rounds(&self) -> u64 {
        self.completed_rounds
    }

    /// Length of the current phase.
    pub fn phase_duration_ms(&self) -> u64 {
        self.plan.duration_of(self.phase_index)
    }

    /// The deadline, if running.
    pub fn ends_at_ms(&self) -> Option<i64> {
        match self.state {
            TimerState::Running { ends_at_ms } => Some(ends_at_ms),
            _ => None,
        }
    }

    /// Time left in the current phase at `now_ms`, clamped to the phase's
    /// length and to zero.
    pub fn remaining_ms(&self, now_ms: i64) -> u64 {
        let duration = self.phase_duration_ms();
        match self.state {
            TimerState::Idle => duration,
            TimerState::Paused { remaining_ms } => remaining_ms.min(duration),
            TimerState::Running { ends_at_ms } => {
                (ends_at_ms.saturating_sub(now_ms)).clamp(0, duration as i64) as u64
            }
        }
    }

    /// Applies every deadline that has passed by `now_ms` and returns how
    /// many phases completed.
    ///
    /// Without auto-advance a running timer stops at its deadline, idle at
    /// the next phase. With auto-advance each next phase starts exactly at
    /// the previous deadline, so no drift accumulates; whole passes through
    /// the plan are skipped arithmetically, so catching up after days of
    /// silence costs at most one pass through the plan.
    pub fn advance_to(&mut self, now_ms: i64) -> u64 {
        let TimerState::Running { ends_at_ms } = self.state else {
            return 0;
        };
        if now_ms < ends_at_ms {
            return 0;
        }
        let mut index = self.plan.next_index(self.phase_index);
        let mut completed = 1u64;
        if !self.plan.auto_advance() {
            self.finish(index, completed, TimerState::Idle);
            return completed;
        }
        // Phase `index` started at `start`; skip whole cycles, then step.
        let mut start = ends_at_ms;
        let cycle = self.plan.cycle_ms() as i64;
        let cycles = (now_ms - start) / cycle;
        start += cycles * cycle;
        completed += cycles as u64 * self.plan.phases().len() as u64;
        while start + self.plan.duration_of(index) as i64 <= now_ms {
            start += self.plan.duration_of(index) as i64;
            index = self.plan.next_index(index);
            completed += 1;
        }
        let ends_at_ms = start + self.plan.duration_of(index) as i64;
        self.finish(index, completed, TimerState::Running { ends_at_ms });
        completed
    }

    /// Starts or resumes. Refused if already running.
    pub fn start(&mut self, now_ms: i64) -> Result<(), DomainError> {
        let remaining = match self.state {
            TimerState::Running { .. } => {
                return Err(DomainError::conflict("the timer is already running"));
            }
            TimerState::Idle => self.phase_duration_ms(),
            TimerState::Paused { remaining_ms } => remaining_ms,
        };
        self.state = TimerState::Running {
            ends_at_ms: now_ms + remaining as i64,
        };
        Ok(())
    }

    /// Pauses a running timer, keeping what is left. Call
    /// [`Timer::advance_to`] first so that an expired deadline is not paused.
    pub fn pause(&mut self, now_ms: i64) -> Result<(), DomainError> {
        match self.state {
            TimerState::Running { .. } => {
                let remaining_ms = self.remaining_ms(now_ms).max(1);
                self.state = TimerState::Paused { remaining_ms };
                Ok(())
            }
            _ => Err(DomainError::conflict("the timer is not running")),
        }
    }

    /// Back to the start of the current phase, idle.
    pub fn reset(&mut self) {
        self.state = TimerState::Idle;
    }

    /// Completes the current phase now. If the timer was running with
    /// auto-advance, the next phase starts now; otherwise it waits, idle.
    pub fn skip(&mut self, now_ms: i64) {
        let next = self.plan.next_index(self.phase_index);
        let state = match self.state {
            TimerState::Running { .. } if self.plan.auto_advance() => TimerState::Running {
                ends_at_ms: now_ms + self.plan.duration_of(next) as i64,
            },
            _ => TimerState::Idle,
        };
        self.finish(next, 1, state);
    }

    /// Replaces the plan; the timer goes idle at its first phase. Refused
    /// while running, so nobody's countdown changes under their eyes.
    pub fn set_plan(&mut self, plan: Plan) -> Result<(), DomainError> {
        self.refuse_while_running("change the plan")?;
        self.plan = plan;
        self.phase_index = 0;
        self.state = TimerState::Idle;
        Ok(())
    }

    /// Changes the current phase's length and, optionally, what is left of
    /// it (the pair room's "edit timer"). Refused while running.
    pub fn set_phase_duration(
        &mut self,
        duration: super::PhaseDuration,
        remaining_ms: Option<u64>,
    ) -> Result<(), DomainError> {
        self.refuse_while_running("change the duration")?;
        if let Some(remaining) = remaining_ms
            && (remaining == 0 || remaining > duration.ms())
        {
            return Err(DomainError::invalid(
                "the remaining time must be more than zero and at most the duration",
            ));
        }
        self.plan.set_duration(self.phase_index, duration);
        self.state = match remaining_ms {
            Some(remaining) if remaining < duration.ms() => TimerState::Paused {
                remaining_ms: remaining,
            },
            _ => TimerState::Idle,
        };
        Ok(())
    }

    fn refuse_while_running(&self, what: &str) -> Result<(), DomainError> {
        match self.state {
            TimerState::Running { .. } => Err(DomainError::conflict(format!(
                "cannot {what} while the timer is running"
            ))),
            _ => Ok(()),
        }
    }

    fn finish(&mut self, next_index: usize, completed: u64, state: TimerState) {
        self.phase_index = next_index;
        self.completed_rounds += completed;
        self.state = state;
    }
}
