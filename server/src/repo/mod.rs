//! The SQL of the case room, one module per table family. Handlers call these;
//! the rules about who may do what stay in `domain`.

pub mod account_tokens;
pub mod form;
pub mod messages;
pub mod notifications;
pub mod offices;
pub mod organisations;
pub mod presence;
pub mod procedure;
pub mod rooms;
pub mod sessions;
pub mod sso;
pub mod uploads;
pub mod users;

/// Parses an id read from a TEXT column; the schema only ever stores UUIDs.
pub fn id(text: &str) -> uuid::Uuid {
    text.parse().unwrap_or_default()
}
