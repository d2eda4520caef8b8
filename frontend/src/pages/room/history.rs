//! The newest entries of the room's event log, newest first.

use leptos::prelude::*;

use super::use_room;
use crate::format;
use crate::i18n::{t, use_i18n};
use crate::labels;

/// How many entries the room page shows; the full record is the export's job.
const SHOWN: usize = 15;

#[component]
pub fn History() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let entries = move || {
        let locale = i18n.get_locale();
        let members = room.view.with(|r| r.members.clone());
        room.events.with(|events| {
            events
                .iter()
                .rev()
                .take(SHOWN)
                .map(|event| {
                    let at = format::date_time(locale, &event.at);
                    let text = labels::event(locale, event, &members);
                    view! {
                        <li>
                            <time datetime=event.at.to_rfc3339()>{at}</time>
                            <span>{text}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{t!(i18n, history.heading)}</h2>
            <Show
                when=move || !room.events.with(Vec::is_empty)
                fallback=move || view! { <p>{t!(i18n, history.empty)}</p> }
            >
                <ol class="history">{entries}</ol>
            </Show>
        </section>
    }
}
