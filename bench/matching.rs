//! Accounting after a run: which streams connected, failed or dropped, and
//! which received events answer which accepted command (and how late).

use crate::client::Outcome;
use crate::drive::CommandLog;
use crate::report::{Events, Streams};
use std::collections::HashMap;

/// Counts connected, failed and dropped streams and their failure kinds.
pub fn tally_streams(outcomes: &[Outcome], intended: usize, open_secs: f64) -> Streams {
    let mut s = Streams {
        intended,
        open_secs,
        ..Streams::default()
    };
    s.failed = intended - outcomes.len(); // panicked tasks, if any
    for o in outcomes {
        if o.ready {
            s.connected += 1;
        } else {
            s.failed += 1;
        }
        if let Some((kind, msg)) = &o.error {
            s.dropped += o.ready as usize;
            let key = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            *s.failures.entry(key.unwrap_or_default()).or_default() += 1;
            s.first_failure.get_or_insert_with(|| msg.clone());
        }
    }
    s
}

/// Matches received events to accepted commands; returns accounting and latencies (µs).
pub fn match_events(log: &CommandLog, outcomes: &[Outcome], spr: usize) -> (Events, Vec<u64>) {
    let sent: HashMap<(u32, u64), u64> = log.records.iter().map(|&(r, k, t)| ((r, k), t)).collect();
    let mut ev = Events {
        expected: log.records.len() as u64 * spr as u64,
        ..Events::default()
    };
    let mut lat = Vec::new();
    for o in outcomes {
        let mut got: Vec<(u64, u64)> = Vec::with_capacity(o.records.len());
        for &(key, at) in &o.records {
            match sent.get(&(o.room, key)) {
                Some(&t) => got.push((key, at.saturating_sub(t))),
                None => ev.unexpected += 1,
            }
        }
        // Records arrive in order; a key seen twice keeps its first arrival.
        got.sort_by_key(|&(key, _)| key);
        let before = got.len();
        got.dedup_by_key(|&mut (key, _)| key);
        ev.duplicates += (before - got.len()) as u64;
        ev.delivered += got.len() as u64;
        lat.extend(got.iter().map(|&(_, l)| l));
    }
    ev.lost = ev.expected.saturating_sub(ev.delivered);
    (ev, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(room: u32, records: Vec<(u64, u64)>) -> Outcome {
        Outcome {
            room,
            records,
            ready: true,
            first_id: None,
            error: None,
        }
    }

    #[test]
    fn counts_lost_duplicate_and_unexpected() {
        let log = CommandLog {
            records: vec![(0, 2, 100), (0, 3, 200), (1, 2, 150)],
            ..CommandLog::default()
        };
        let outs = vec![
            outcome(0, vec![(2, 110), (3, 230), (3, 240)]), // one duplicate
            outcome(0, vec![(2, 120)]),                     // lost version 3
            outcome(1, vec![(2, 160), (9, 170)]),           // 9 unexpected
        ];
        let (ev, mut lat) = match_events(&log, &outs, 2);
        assert_eq!((ev.expected, ev.delivered, ev.lost), (6, 4, 2));
        assert_eq!((ev.duplicates, ev.unexpected), (1, 1));
        lat.sort();
        assert_eq!(lat, vec![10, 10, 20, 30]);
    }
}
