//! Behaviour of rooms and timers over time, including property tests over
//! random command histories.

use proptest::prelude::*;

use super::*;

const T0: i64 = 1_800_000_000_000;

fn plan(durations: &[u64], auto_advance: bool) -> Plan {
    let phases = durations
        .iter()
        .enumerate()
        .map(|(i, ms)| Phase {
            label: PhaseLabel::parse(&format!("p{i}")).unwrap(),
            duration_ms: PhaseDuration::from_ms(*ms).unwrap(),
        })
        .collect();
    Plan::new(phases, auto_advance).unwrap()
}

fn room(durations: &[u64], auto_advance: bool) -> Room {
    let code = AccessCode::from_random([7; 9]);
    let people = Participants::parse(&["Ann", "Bob", "Cid"]).unwrap();
    Room::new(code, people, plan(durations, auto_advance), T0)
}

fn driver(room: &Room) -> String {
    room.turn_order()[0].as_str().to_owned()
}

#[test]
fn a_started_timer_counts_down_from_its_deadline() {
    let mut r = room(&[60_000], false);
    assert_eq!(r.apply(Command::Start, T0).unwrap(), [Cause::Started]);
    assert_eq!(
        r.timer().state(),
        TimerState::Running {
            ends_at_ms: T0 + 60_000
        }
    );
    assert_eq!(r.timer().remaining_ms(T0 + 15_500), 44_500);
}

#[test]
fn pause_keeps_the_remaining_time_and_start_resumes_it() {
    let mut r = room(&[60_000], false);
    r.apply(Command::Start, T0).unwrap();
    r.apply(Command::Pause, T0 + 10_000).unwrap();
    assert_eq!(
        r.timer().state(),
        TimerState::Paused {
            remaining_ms: 50_000
        }
    );
    assert_eq!(r.timer().remaining_ms(T0 + 99_000), 50_000);
    r.apply(Command::Start, T0 + 100_000).unwrap();
    assert_eq!(r.timer().ends_at_ms(), Some(T0 + 150_000));
}

#[test]
fn wrong_state_commands_are_conflicts() {
    let mut r = room(&[60_000], false);
    assert!(matches!(
        r.apply(Command::Pause, T0),
        Err(DomainError::Conflict(_))
    ));
    r.apply(Command::Start, T0).unwrap();
    assert!(matches!(
        r.apply(Command::Start, T0 + 1),
        Err(DomainError::Conflict(_))
    ));
    let p = plan(&[5_000], false);
    assert!(matches!(
        r.apply(Command::SetPlan(p), T0 + 2),
        Err(DomainError::Conflict(_))
    ));
}

#[test]
fn time_up_without_auto_advance_rotates_once_and_waits() {
    let mut r = room(&[60_000, 5_000], false);
    r.apply(Command::Start, T0).unwrap();
    assert_eq!(r.advance_to(T0 + 59_999), []);
    assert_eq!(r.advance_to(T0 + 60_000), [Cause::Completed]);
    assert_eq!(r.timer().state(), TimerState::Idle);
    assert_eq!(r.timer().phase_index(), 1);
    assert_eq!(r.timer().remaining_ms(T0 + 70_000), 5_000);
    assert_eq!(r.timer().completed_rounds(), 1);
    assert_eq!(driver(&r), "Bob");
    // Reading again later changes nothing more.
    assert_eq!(r.advance_to(T0 + 900_000), []);
    assert_eq!(driver(&r), "Bob");
}

#[test]
fn auto_advance_starts_the_next_phase_at_the_old_deadline() {
    let mut r = room(&[10_000, 3_000], true);
    r.apply(Command::Start, T0).unwrap();
    // Read late: the second phase began at T0+10s, not when we looked.
    assert_eq!(r.advance_to(T0 + 11_234), [Cause::Completed]);
    assert_eq!(r.timer().ends_at_ms(), Some(T0 + 13_000));
    assert_eq!(r.timer().phase_index(), 1);
}

#[test]
fn catching_up_across_many_phases_is_exact_and_bounded() {
    let mut r = room(&[1_000, 2_000], true);
    r.apply(Command::Start, T0).unwrap();
    // Thirty days later: 864,000 cycles of 3 s.
    let later = T0 + 30 * 86_400_000 + 1_500;
    r.advance_to(later);
    assert_eq!(r.timer().completed_rounds(), 2 * 864_000 + 1);
    assert_eq!(r.timer().phase_index(), 1);
    assert_eq!(r.timer().ends_at_ms(), Some(later - 500 + 2_000));
    assert_eq!(r.rotations(), r.timer().completed_rounds());
}

#[test]
fn a_legacy_swap_right_after_time_up_is_absorbed_once_per_time_up() {
    let mut r = room(&[60_000], false);
    r.apply(Command::Start, T0).unwrap();
    r.advance_to(T0 + 60_000);
    assert_eq!(driver(&r), "Bob");
    // Every open screen of the original front end asks for a swap.
    for screen in 0..3 {
        assert_eq!(
            r.apply(Command::RotateUnlessJustRotated, T0 + 60_100 + screen)
                .unwrap(),
            []
        );
    }
    assert_eq!(driver(&r), "Bob");
    // Long after, a swap is a real swap.
    let later = T0 + 60_000 + TIME_UP_SWAP_GRACE_MS + 1;
    assert_eq!(
        r.apply(Command::RotateUnlessJustRotated, later).unwrap(),
        [Cause::Rotated]
    );
    assert_eq!(driver(&r), "Cid");
}

#[test]
fn a_legacy_swap_arriving_after_the_deadline_but_before_the_server_noticed_is_absorbed() {
    let mut r = room(&[60_000], false);
    r.apply(Command::Start, T0).unwrap();
    let causes = r
        .apply(Command::RotateUnlessJustRotated, T0 + 60_050)
        .unwrap();
    assert_eq!(causes, [Cause::Completed]);
    assert_eq!(driver(&r), "Bob");
}

#[test]
fn an_explicit_rotation_always_rotates() {
    let mut r = room(&[60_000], false);
    r.apply(Command::Start, T0).unwrap();
    r.advance_to(T0 + 60_000);
    r.apply(Command::Rotate, T0 + 60_001).unwrap();
    assert_eq!(driver(&r), "Cid");
    assert_eq!(r.manual_rotations(), 1);
}

#[test]
fn skip_completes_the_phase_now() {
    let mut r = room(&[10_000, 20_000], true);
    r.apply(Command::Start, T0).unwrap();
    assert_eq!(
        r.apply(Command::Skip, T0 + 4_000).unwrap(),
        [Cause::Skipped]
    );
    assert_eq!(r.timer().ends_at_ms(), Some(T0 + 24_000));
    assert_eq!(r.timer().completed_rounds(), 1);
    let mut idle = room(&[10_000, 20_000], false);
    idle.apply(Command::Skip, T0).unwrap();
    assert_eq!(idle.timer().state(), TimerState::Idle);
    assert_eq!(idle.timer().phase_index(), 1);
}

#[test]
fn the_phase_duration_can_be_edited_when_not_running() {
    let mut r = room(&[60_000], false);
    let d = PhaseDuration::from_ms(120_000).unwrap();
    r.apply(
        Command::SetPhaseDuration {
            duration: d,
            remaining_ms: Some(30_000),
        },
        T0,
    )
    .unwrap();
    assert_eq!(
        r.timer().state(),
        TimerState::Paused {
            remaining_ms: 30_000
        }
    );
    assert_eq!(r.timer().phase_duration_ms(), 120_000);
    let bad = Command::SetPhaseDuration {
        duration: d,
        remaining_ms: Some(120_001),
    };
    assert!(matches!(r.apply(bad, T0), Err(DomainError::Invalid(_))));
}

#[test]
fn a_deleted_room_refuses_everything() {
    let mut r = room(&[60_000], false);
    assert_eq!(
        r.apply(Command::SetStatus(RoomStatus::Deleted), T0)
            .unwrap(),
        [Cause::Deleted]
    );
    assert_eq!(r.apply(Command::Start, T0), Err(DomainError::Deleted));
}

#[test]
fn rooms_round_trip_through_json() {
    let mut r = room(&[60_000, 1_000], true);
    r.apply(Command::Start, T0).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<Room>(&json).unwrap(), r);
}

/// A command for the property tests, with the time that passes before it.
fn arb_step() -> impl Strategy<Value = (u64, Command)> {
    let command = prop_oneof![
        Just(Command::Start),
        Just(Command::Pause),
        Just(Command::Reset),
        Just(Command::Skip),
        Just(Command::Rotate),
        Just(Command::RotateUnlessJustRotated),
        (1_000u64..20_000, any::<bool>())
            .prop_map(|(ms, auto)| Command::SetPlan(plan(&[ms, 1_000 + ms / 2], auto))),
        (1_000u64..20_000, 0u64..25_000).prop_map(|(ms, rem)| Command::SetPhaseDuration {
            duration: PhaseDuration::from_ms(ms).unwrap(),
            remaining_ms: Some(rem),
        }),
        Just(Command::SetStatus(RoomStatus::Completed)),
    ];
    (0u64..200_000, command)
}

fn run(steps: &[(u64, Command)], auto: bool) -> (Room, i64) {
    let mut r = room(&[5_000, 2_000, 1_000], auto);
    let mut now = T0;
    for (wait, command) in steps {
        now += *wait as i64;
        let before = r.clone();
        if r.apply(command.clone(), now).is_err() {
            // A refused command leaves no trace (the service discards it).
            r = before;
        }
    }
    (r, now)
}

proptest! {
    #[test]
    fn invariants_hold_for_any_history(steps in prop::collection::vec(arb_step(), 0..60), auto in any::<bool>(), probe in 0u64..1_000_000) {
        let (mut r, now) = run(&steps, auto);
        let at = now + probe as i64;
        r.advance_to(at);
        let timer = r.timer();
        let remaining = timer.remaining_ms(at);
        prop_assert!(remaining <= timer.phase_duration_ms());
        if let TimerState::Running { ends_at_ms } = timer.state() {
            prop_assert!(ends_at_ms > at, "a running deadline is always ahead after advancing");
            prop_assert!(remaining > 0);
        }
        if let TimerState::Paused { remaining_ms } = timer.state() {
            prop_assert!(remaining_ms > 0 && remaining_ms <= timer.phase_duration_ms());
        }
        prop_assert_eq!(r.rotations(), timer.completed_rounds() + r.manual_rotations());
        prop_assert!(timer.phase_index() < timer.plan().phases().len());
    }

    #[test]
    fn identical_histories_give_identical_states(steps in prop::collection::vec(arb_step(), 0..40), auto in any::<bool>()) {
        prop_assert_eq!(run(&steps, auto), run(&steps, auto));
    }

    #[test]
    fn reading_late_equals_reading_on_time(start_wait in 0u64..10_000, gaps in prop::collection::vec(1u64..30_000, 1..20)) {
        // Advancing in many small steps or in one jump gives the same state.
        let mut stepwise = room(&[5_000, 2_000, 1_000], true);
        stepwise.apply(Command::Start, T0 + start_wait as i64).unwrap();
        let mut jump = stepwise.clone();
        let mut now = T0 + start_wait as i64;
        for gap in &gaps {
            now += *gap as i64;
            stepwise.advance_to(now);
        }
        jump.advance_to(now);
        prop_assert_eq!(stepwise.timer(), jump.timer());
        prop_assert_eq!(stepwise.rotations(), jump.rotations());
    }
}

#[test]
fn a_locked_room_takes_control_only_with_its_host_key() {
    use crate::domain::{HostKey, WorkspaceCommand};
    let key = HostKey::from_random([5; 16]);
    let other = HostKey::from_random([6; 16]);
    let open = room(&[60_000], false);
    assert!(!open.is_locked());
    assert!(open.authorize(&Command::Start, None).is_ok());
    let locked = open.locked_with(&key);
    assert!(locked.is_locked());
    for command in [
        Command::Start,
        Command::Pause,
        Command::Reset,
        Command::Skip,
        Command::Rotate,
        Command::RotateUnlessJustRotated,
        Command::SetStatus(RoomStatus::Deleted),
    ] {
        assert!(matches!(
            locked.authorize(&command, None),
            Err(DomainError::Forbidden(_))
        ));
        assert!(locked.authorize(&command, Some(&other)).is_err());
        assert!(locked.authorize(&command, Some(&key)).is_ok());
    }
    let retro = Command::Workspace(WorkspaceCommand::DeleteRetrospect);
    assert!(
        locked.authorize(&retro, None).is_ok(),
        "the workspace is everyone's"
    );
}
