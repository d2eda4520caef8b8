//! Who is logged in, known to every page through the context.
//!
//! The session itself is an httpOnly cookie the page cannot read; we learn
//! who we are from `GET /api/me` once at start, and from the answers of
//! login, registration and logout afterwards.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{Me, OfficeMembership, OfficeRole};

use crate::api;

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// `/api/me` has not answered yet.
    Unknown,
    Anonymous,
    LoggedIn(Me),
}

#[derive(Debug, Clone, Copy)]
pub struct Session(RwSignal<SessionState>);

impl Session {
    /// Creates the session, provides it to the context and asks the server.
    pub fn provide() -> Session {
        let session = Session(RwSignal::new(SessionState::Unknown));
        provide_context(session);
        spawn_local(async move {
            // An unreachable server leaves us anonymous; the login page then
            // says what went wrong when the person tries.
            let me = api::me().await.ok().flatten();
            session.set(me);
        });
        session
    }

    pub fn state(self) -> SessionState {
        self.0.get()
    }

    pub fn me(self) -> Option<Me> {
        match self.0.get() {
            SessionState::LoggedIn(me) => Some(me),
            _ => None,
        }
    }

    pub fn set(self, me: Option<Me>) {
        self.0.set(match me {
            Some(me) => SessionState::LoggedIn(me),
            None => SessionState::Anonymous,
        });
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Whether this person works in a building office (and so lands on the queue).
pub fn works_in_office(me: &Me) -> bool {
    !me.offices.is_empty()
}

/// The offices this person administers (and so keeps the procedure types of).
pub fn administered_offices(me: &Me) -> Vec<OfficeMembership> {
    me.offices
        .iter()
        .filter(|m| m.role == OfficeRole::OfficeAdmin)
        .cloned()
        .collect()
}

/// The path of an office's procedure types page.
pub fn procedure_types_path(office: &OfficeMembership) -> String {
    format!("/office/{}/procedure-types", office.office_id)
}

/// The path of the page where an office's admin manages its people.
pub fn office_admin_path(office: &OfficeMembership) -> String {
    format!("/office/{}/manage", office.office_id)
}
