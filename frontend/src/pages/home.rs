//! `/`: sends each person where their work is.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::components::Loading;
use crate::session::{
    SessionState, administered_offices, procedure_types_path, use_session, works_in_office,
};

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move || {
        let target = match session.state() {
            SessionState::Unknown => return,
            SessionState::Anonymous => "/login".to_owned(),
            SessionState::LoggedIn(me) => landing(&me),
        };
        navigate(
            &target,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    view! { <Loading/> }
}

/// Caseworkers land on the queue, an office admin who works no cases on the
/// office's procedure types, the operator on the offices, applicants on their
/// rooms.
fn landing(me: &shared::Me) -> String {
    let works_cases = me
        .offices
        .iter()
        .any(|m| m.role == shared::OfficeRole::Caseworker);
    match administered_offices(me).first() {
        Some(office) if !works_cases => procedure_types_path(office),
        _ if works_in_office(me) => "/queue".to_owned(),
        _ if !me.bodies.is_empty() => "/inbox".to_owned(),
        _ if me.operator => "/operator/offices".to_owned(),
        _ => "/rooms".to_owned(),
    }
}
