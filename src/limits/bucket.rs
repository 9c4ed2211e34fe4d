//! Token buckets keyed by client address.
//!
//! Hand-written rather than taken from a rate-limiting crate because the
//! code-lookup limit must *look* at a bucket without taking from it (a
//! lookup is refused once misses have emptied the bucket, but only a miss
//! takes a token), which keyed limiters like governor do not offer.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Addresses tracked before full buckets are dropped to save memory.
const TRACKED: usize = 100_000;

/// One client's bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets of `capacity` tokens, refilled at `capacity` per minute.
pub(super) struct Buckets {
    capacity: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Buckets {
    /// Buckets holding `per_minute` tokens, refilled at that rate.
    pub(super) fn per_minute(per_minute: u32) -> Self {
        Self {
            capacity: f64::from(per_minute),
            per_sec: f64::from(per_minute) / 60.0,
            buckets: Mutex::default(),
        }
    }

    /// Takes a token, or says how long until one is there.
    pub(super) fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        self.with(client, now, |bucket| {
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
                true
            } else {
                false
            }
        })
    }

    /// Whether a token is there, without taking it.
    pub(super) fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        self.with(client, now, |bucket| bucket.tokens >= 1.0)
    }

    fn with(
        &self,
        client: IpAddr,
        now: Instant,
        decide: impl FnOnce(&mut Bucket) -> bool,
    ) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().expect("bucket lock");
        if buckets.len() >= TRACKED {
            self.forget_full(&mut buckets, now);
        }
        let full = Bucket {
            tokens: self.capacity,
            at: now,
        };
        let bucket = buckets.entry(client).or_insert(full);
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_sec).min(self.capacity);
        bucket.at = now;
        if decide(bucket) {
            return Ok(());
        }
        let missing = 1.0 - bucket.tokens;
        Err(Duration::from_secs_f64(missing / self.per_sec))
    }

    /// Drops the buckets that have refilled (they hold nothing a fresh
    /// bucket would not).
    fn forget_full(&self, buckets: &mut HashMap<IpAddr, Bucket>, now: Instant) {
        let (capacity, per_sec) = (self.capacity, self.per_sec);
        buckets.retain(|_, b| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            b.tokens + elapsed * per_sec < capacity
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANN: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const BOB: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn a_bucket_empties_refills_and_keeps_clients_apart() {
        let buckets = Buckets::per_minute(3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(buckets.take(ANN, t0).is_ok());
        }
        let wait = buckets.take(ANN, t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(20), "one token per 20 s");
        assert!(buckets.take(BOB, t0).is_ok(), "another client is not held");
        assert!(buckets.take(ANN, t0 + Duration::from_secs(10)).is_err());
        assert!(buckets.take(ANN, t0 + Duration::from_secs(20)).is_ok());
        assert!(buckets.take(ANN, t0 + Duration::from_secs(21)).is_err());
    }

    #[test]
    fn checking_takes_nothing() {
        let buckets = Buckets::per_minute(1);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(buckets.check(ANN, t0).is_ok());
        }
        assert!(buckets.take(ANN, t0).is_ok());
        assert!(buckets.check(ANN, t0).is_err());
    }

    #[test]
    fn full_buckets_are_forgotten_when_too_many_are_tracked() {
        let buckets = Buckets::per_minute(2);
        let t0 = Instant::now();
        let mut map = HashMap::new();
        map.insert(
            ANN,
            Bucket {
                tokens: 2.0,
                at: t0,
            },
        );
        map.insert(
            BOB,
            Bucket {
                tokens: 0.0,
                at: t0,
            },
        );
        buckets.forget_full(&mut map, t0);
        assert_eq!(map.keys().collect::<Vec<_>>(), vec![&BOB]);
    }
}
