//! pairroom keeps a room's shared state, above all one countdown timer,
//! identical on every screen in real time.
//!
//! The crate is layered from the inside out (see `docs/ARCHITECTURE.md`):
//! [`domain`] is pure rules; [`store`] persists rooms; [`hub`] fans changes
//! out to streams; [`service`] is the one application service that both
//! HTTP dialects call; [`streams`] turns hub frames into Server-Sent Events;
//! [`http`] and [`server`] are the edges; [`app`] wires them from [`config`].

#![warn(missing_docs)]

pub mod app;
pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod hub;
pub mod limits;
pub mod metrics;
pub mod preview;
pub mod server;
pub mod service;
pub mod store;
pub mod streams;
