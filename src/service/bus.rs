//! What the service does with news from other instances (see
//! [`crate::hub::BusEvent`]).

use std::sync::Arc;

use tokio::sync::mpsc;

use super::RoomService;
use crate::domain::{AccessCode, Room};
use crate::hub::BusEvent;
use crate::store::Versioned;

impl RoomService {
    /// Handles the bus's events until it stops.
    pub async fn follow_bus(self: Arc<Self>, mut events: mpsc::UnboundedReceiver<BusEvent>) {
        while let Some(event) = events.recv().await {
            match event {
                BusEvent::Remote {
                    code,
                    version,
                    room,
                } => self.remote(code, version, *room),
                BusEvent::Lost(codes) => {
                    let service = self.clone();
                    tokio::spawn(async move { service.resync(codes).await });
                }
            }
        }
    }

    /// Takes in a state another instance committed: the next command here
    /// starts from it, and its deadline is scheduled here too, so that the
    /// time-up happens even if that instance dies (the compare-and-set
    /// lets only one instance apply it).
    fn remote(&self, code: AccessCode, version: u64, room: Room) {
        if let Some(ends_at_ms) = room.timer().ends_at_ms() {
            self.scheduler.schedule(code, ends_at_ms);
        }
        self.cache.offer(Versioned { version, room });
    }

    /// Re-reads rooms whose messages may have been lost and shows their
    /// streams the stored state if it is newer than what they have.
    async fn resync(&self, codes: Vec<AccessCode>) {
        let count = codes.len();
        for code in codes {
            match self.read_any(&code).await {
                Ok(snapshot) => self.hub.refresh(&code, snapshot.version, snapshot.room),
                Err(e) => tracing::warn!(error = %e, "could not re-read a room after a bus fault"),
            }
        }
        tracing::info!(rooms = count, "re-read rooms after a bus fault");
    }
}
