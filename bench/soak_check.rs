//! The soak's "no event lost" rule, kept apart from the I/O so it can be
//! tested. A stream must receive every room version after its snapshot, in
//! order and without a gap, up to the last version it had to see: the room's
//! final version if it was still open at the end, else the newest version it
//! saw or that a command committed well before the churn closed it.

use crate::client::Outcome;
use serde::Serialize;

/// A finished stream and when the churn closed it (None: open until the end).
pub struct Closed {
    /// What the stream task recorded.
    pub outcome: Outcome,
    /// µs (on the run's clock) when the churn chose to close it.
    pub closed_us: Option<u64>,
}

/// Event delivery over all streams that became ready.
#[derive(Debug, Default, Serialize)]
pub struct Delivery {
    /// `change` events received.
    pub received: u64,
    /// Versions the streams had to receive (sum of their required ranges).
    pub expected: u64,
    /// Required versions that never arrived.
    pub lost: u64,
    /// Events that repeated or went back to an older version.
    pub out_of_order: u64,
    /// Streams that missed at least one version.
    pub streams_with_loss: u64,
    /// The first stream with a loss, described, to start looking from.
    pub first_loss: Option<String>,
}

/// The committed versions a finished soak knows of, per room.
pub struct Rooms<'a> {
    /// `(version, answered µs)` of every accepted command, per room.
    pub commands: &'a [Vec<(u64, u64)>],
    /// Version read from each room after the last command and the drain.
    pub finals: &'a [u64],
    /// A command answered this long before a stream was closed must have
    /// reached it (the event and the answer race, so not sooner).
    pub grace_us: u64,
}

impl Rooms<'_> {
    /// The last version `s` had to receive.
    fn required_upto(&self, s: &Closed, seen_max: u64) -> u64 {
        let room = s.outcome.room as usize;
        let ended_by_server = s.outcome.error.is_some();
        match s.closed_us {
            None if !ended_by_server => self.finals[room].max(seen_max),
            None => seen_max,
            Some(closed) => self.commands[room]
                .iter()
                .filter(|&&(_, answered)| answered + self.grace_us <= closed)
                .map(|&(v, _)| v)
                .fold(seen_max, u64::max),
        }
    }
}

/// Checks every ready stream against the rule above.
pub fn check(streams: &[Closed], rooms: &Rooms<'_>) -> Delivery {
    let mut d = Delivery::default();
    for s in streams.iter().filter(|s| s.outcome.ready) {
        let versions: Vec<u64> = s.outcome.records.iter().map(|&(v, _)| v).collect();
        d.received += versions.len() as u64;
        let Some(snapshot) = s.outcome.first_id else {
            d.streams_with_loss += 1;
            d.first_loss
                .get_or_insert_with(|| format!("room {}: no snapshot id", s.outcome.room));
            continue;
        };
        let mut prev = snapshot;
        let mut in_range = 0;
        let upto = rooms.required_upto(s, versions.iter().copied().max().unwrap_or(0));
        for &v in &versions {
            if v <= prev {
                d.out_of_order += 1;
                continue;
            }
            prev = v;
            in_range += u64::from(v <= upto);
        }
        let expected = upto.saturating_sub(snapshot);
        let lost = expected - in_range.min(expected);
        d.expected += expected;
        d.lost += lost;
        if lost > 0 {
            d.streams_with_loss += 1;
            d.first_loss.get_or_insert_with(|| {
                format!(
                    "room {}: snapshot {snapshot}, needed up to {upto}, got {versions:?}",
                    s.outcome.room
                )
            });
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(first: u64, got: &[u64], closed_us: Option<u64>) -> Closed {
        Closed {
            outcome: Outcome {
                room: 0,
                records: got.iter().map(|&v| (v, 0)).collect(),
                ready: true,
                first_id: Some(first),
                error: None,
            },
            closed_us,
        }
    }

    fn run(streams: &[Closed]) -> Delivery {
        let commands = vec![vec![(2, 100), (3, 5_000), (4, 9_000)]];
        let rooms = Rooms {
            commands: &commands,
            finals: &[4],
            grace_us: 1_000,
        };
        check(streams, &rooms)
    }

    #[test]
    fn survivors_need_every_version_up_to_the_final_one() {
        assert_eq!(run(&[stream(1, &[2, 3, 4], None)]).lost, 0);
        let d = run(&[stream(1, &[2, 4], None), stream(2, &[3], None)]);
        assert_eq!((d.lost, d.expected, d.streams_with_loss), (2, 5, 2));
    }

    #[test]
    fn churned_streams_need_what_was_committed_before_the_grace() {
        // Closed at 5.5 ms: version 3 (answered at 5 ms) is not yet due.
        assert_eq!(run(&[stream(1, &[2], Some(5_500))]).lost, 0);
        // Closed at 10 ms: version 4 (answered at 9 ms) is due and missing.
        assert_eq!(run(&[stream(1, &[2, 3], Some(10_000))]).lost, 1);
        // A gap below the last version seen always counts.
        assert_eq!(run(&[stream(1, &[3], Some(1))]).lost, 1);
    }

    #[test]
    fn repeats_are_out_of_order_and_snapshot_versions_are_not_needed() {
        let d = run(&[stream(4, &[4], None), stream(2, &[3, 3, 4], None)]);
        assert_eq!((d.lost, d.out_of_order), (0, 2));
    }
}
