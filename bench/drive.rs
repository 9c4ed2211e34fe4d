//! Sends commands at a fixed rate, round-robin over rooms, one at a time per
//! room (pause must follow start), and logs when each was sent and which key
//! its events will carry.

use crate::client::Shared;
use crate::targets::Target;
use reqwest::Client;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// Everything the driver learned, for latency matching and the report.
#[derive(Default)]
pub struct CommandLog {
    /// `(room index, event key, sent µs)` of every accepted command.
    pub records: Vec<(u32, u64, u64)>,
    /// Commands sent (accepted or not).
    pub sent: u64,
    /// Commands the server refused or that failed in transit.
    pub failures: u64,
    /// The first failure's message.
    pub first_error: Option<String>,
    /// When the first command was sent and the last one answered (µs).
    pub span_us: (u64, u64),
}

/// Parameters of one command phase.
pub struct Plan {
    /// Commands per room (start, pause, start, ...).
    pub rounds: usize,
    /// Commands per second over all rooms.
    pub rate: f64,
    /// Requests in flight at most.
    pub max_inflight: usize,
    /// Nothing is sent after this instant.
    pub deadline: Instant,
}

/// Result of one room's sequence of commands.
type RoomLog = (u32, Vec<(u64, u64)>, u64, u64, Option<String>);

/// Runs the command phase and returns its log.
pub async fn drive(
    target: Arc<Target>,
    http: Client,
    keys: Arc<Vec<String>>,
    shared: Arc<Shared>,
    plan: Plan,
) -> CommandLog {
    let rooms = keys.len();
    let total = rooms * plan.rounds;
    // Rate tokens: the pacer adds them on schedule; the semaphore is FIFO, so
    // rooms are served round-robin and each room's next command waits its turn.
    let tokens = Arc::new(Semaphore::new(0));
    let inflight = Arc::new(Semaphore::new(plan.max_inflight.max(1)));
    let pacer = {
        let tokens = tokens.clone();
        let rate = plan.rate.max(0.001);
        tokio::spawn(async move {
            let start = Instant::now();
            let mut issued = 0usize;
            let mut tick = tokio::time::interval(Duration::from_millis(5));
            while issued < total {
                tick.tick().await;
                let due = ((start.elapsed().as_secs_f64() * rate) as usize + 1).min(total);
                tokens.add_permits(due - issued);
                issued = due;
            }
        })
    };
    let mut set = tokio::task::JoinSet::new();
    for room in 0..rooms {
        let (target, http, keys, shared) =
            (target.clone(), http.clone(), keys.clone(), shared.clone());
        let (tokens, inflight, rounds) = (tokens.clone(), inflight.clone(), plan.rounds);
        set.spawn(async move {
            let mut log: RoomLog = (room as u32, Vec::new(), 0, 0, None);
            for round in 0..rounds {
                let Ok(t) = tokens.acquire().await else { break };
                t.forget();
                let Ok(_slot) = inflight.acquire().await else {
                    break;
                };
                let seq = (round * rooms + room + 1) as u64;
                let sent = shared.now_us();
                log.2 += 1;
                match target.command(&http, &keys[room], round, seq).await {
                    Ok(key) => log.1.push((key, sent)),
                    Err(e) => {
                        log.3 += 1;
                        log.4.get_or_insert(format!("room {}: {e}", keys[room]));
                    }
                }
            }
            log
        });
    }
    let mut out = CommandLog {
        span_us: (shared.now_us(), 0),
        ..CommandLog::default()
    };
    let collect = async {
        while let Some(res) = set.join_next().await {
            let Ok((room, recs, sent, failed, err)) = res else {
                continue;
            };
            out.records
                .extend(recs.into_iter().map(|(k, t)| (room, k, t)));
            out.sent += sent;
            out.failures += failed;
            if out.first_error.is_none() {
                out.first_error = err;
            }
        }
    };
    if tokio::time::timeout_at(plan.deadline, collect)
        .await
        .is_err()
    {
        set.abort_all();
        out.first_error
            .get_or_insert_with(|| "command phase hit the run's timeout".into());
    }
    pacer.abort();
    out.span_us.1 = shared.now_us();
    out
}
