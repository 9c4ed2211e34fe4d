//! Event streams: what a client receives after `GET .../events` (native) or
//! `GET .../connect` (the 코딩해듀오 dialect), independent of the transport.
//!
//! [`EventStream`] yields byte chunks ready to write. The axum handler wraps
//! it as a response body; the lean path in [`crate::server`] writes it
//! straight to the socket. Both serve the same bytes.

mod encode;
mod session;

pub use session::{Dialect, EventStream, StreamRequest, open};

/// The first chunk of an event-stream response head, for transports that
/// write their own head; the axum path sets the same headers.
pub const HEADERS: [(&str, &str); 5] = [
    ("content-type", "text/event-stream"),
    ("cache-control", "no-store"),
    ("x-accel-buffering", "no"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
];
