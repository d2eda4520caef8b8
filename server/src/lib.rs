//! The case room server as a library: `main.rs` only reads the configuration
//! and calls [`serve`]; the tests start the same server on port 0.
//!
//! Layout: `router` lists every route; `handlers` hold one module per resource;
//! `domain` holds the rules (procedure, policy, files) apart from HTTP and SQL;
//! `repo` holds the SQL; `events` the room's event log; `live` the fan-out of
//! new events; `store` the document bytes;
//! `notify` the e-mail notifications and deadline reminders; `sso` the
//! OpenID Connect side of single sign-on.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod export;
pub mod handlers;
pub mod live;
pub mod mail;
pub mod notify;
pub mod repo;
pub mod router;
pub mod scan;
pub mod sso;
pub mod store;
pub mod telemetry;

pub use app::{App, serve};
pub use config::Config;
