//! `/`: sends each person where their work is.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::components::Loading;
use crate::session::{SessionState, use_session, works_in_office};

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move || {
        let target = match session.state() {
            SessionState::Unknown => return,
            SessionState::Anonymous => "/login",
            SessionState::LoggedIn(me) if works_in_office(&me) => "/queue",
            SessionState::LoggedIn(me) if !me.bodies.is_empty() => "/inbox",
            SessionState::LoggedIn(_) => "/rooms",
        };
        navigate(
            target,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    view! { <Loading/> }
}
