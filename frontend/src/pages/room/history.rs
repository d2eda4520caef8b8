//! The room's event log, newest first, filtered by kind of entry and by the
//! person who made it.

use leptos::prelude::*;
use shared::{EventPayload, RoomEvent};
use uuid::Uuid;

use super::use_room;
use crate::format;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::labels;

/// How many entries the room page shows at most; the full record is the
/// export's job.
const SHOWN: usize = 50;

/// The kinds of entries one can filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Form,
    Documents,
    Signatures,
    Procedure,
    Participation,
    Members,
    Messages,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Form,
        Kind::Documents,
        Kind::Signatures,
        Kind::Procedure,
        Kind::Participation,
        Kind::Members,
        Kind::Messages,
    ];

    fn of(payload: &EventPayload) -> Kind {
        use EventPayload as E;
        match payload {
            E::FormFieldChanged { .. } => Kind::Form,
            E::DocumentUploaded { .. } | E::DocumentDownloaded { .. } => Kind::Documents,
            E::SignatureGiven { .. } | E::SignatureWithdrawn { .. } => Kind::Signatures,
            E::CaseNumberAssigned { .. }
            | E::StatusChanged { .. }
            | E::MissingItemsRequested { .. }
            | E::DecisionMade { .. }
            | E::NoticeDelivered { .. }
            | E::FeePaymentRecorded { .. }
            | E::RecordExported { .. } => Kind::Procedure,
            E::StatementRequested { .. }
            | E::StatementRequestRead { .. }
            | E::ExtensionRequested { .. }
            | E::ExtensionGranted { .. }
            | E::StatementSubmitted { .. }
            | E::StatementAttachmentUploaded { .. }
            | E::StatementRequestWithdrawn { .. }
            | E::StatementRequestReopened { .. }
            | E::StatementReleased { .. } => Kind::Participation,
            E::RoomCreated { .. }
            | E::MemberInvited { .. }
            | E::MemberJoined { .. }
            | E::MemberRemoved { .. } => Kind::Members,
            E::ThreadStarted { .. } | E::MessagePosted { .. } => Kind::Messages,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::Form => "form",
            Kind::Documents => "documents",
            Kind::Signatures => "signatures",
            Kind::Procedure => "procedure",
            Kind::Participation => "participation",
            Kind::Members => "members",
            Kind::Messages => "messages",
        }
    }

    fn label(self, locale: Locale) -> String {
        match self {
            Kind::Form => td_string!(locale, history.kind_form),
            Kind::Documents => td_string!(locale, history.kind_documents),
            Kind::Signatures => td_string!(locale, history.kind_signatures),
            Kind::Procedure => td_string!(locale, history.kind_procedure),
            Kind::Participation => td_string!(locale, history.kind_participation),
            Kind::Members => td_string!(locale, history.kind_members),
            Kind::Messages => td_string!(locale, messages.history_kind),
        }
        .to_string()
    }
}

#[component]
pub fn History() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    // "" is every kind, every party.
    let kind = RwSignal::new(String::new());
    let party = RwSignal::new(String::new());

    let matches = move |event: &RoomEvent| {
        let kind_ok = kind.with(|k| k.is_empty() || Kind::of(&event.payload).key() == k);
        let party_ok = party.with(|p| {
            p.is_empty()
                || event
                    .actor
                    .as_ref()
                    .is_some_and(|a| a.user_id.to_string() == *p)
        });
        kind_ok && party_ok
    };
    let counts = move || {
        room.events.with(|events| {
            let shown = events.iter().filter(|e| matches(e)).count();
            (shown.min(SHOWN), events.len())
        })
    };
    let entries = move || {
        let locale = i18n.get_locale();
        let members = room.view.with(|r| r.members.clone());
        room.events.with(|events| {
            events
                .iter()
                .rev()
                .filter(|e| matches(e))
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
    // Everyone who made an entry, in order of their first one.
    let parties = move || {
        room.events.with(|events| {
            let mut seen: Vec<(Uuid, String)> = Vec::new();
            for actor in events.iter().filter_map(|e| e.actor.as_ref()) {
                if !seen.iter().any(|(id, _)| *id == actor.user_id) {
                    seen.push((actor.user_id, actor.display_name.clone()));
                }
            }
            seen
        })
    };
    let kind_options = move || {
        let locale = i18n.get_locale();
        Kind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.key()>{k.label(locale)}</option> })
            .collect_view()
    };
    let party_options = move || {
        parties()
            .into_iter()
            .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
            .collect_view()
    };
    let any_match = move || counts().0 > 0;
    let count_text = move || {
        let (shown, total) = counts();
        t_string!(i18n, history.count, shown, total).to_string()
    };

    // The office takes the whole record away as an archive.
    let export = move || {
        room.view.with(|r| {
            (r.my_role == shared::RoomRole::Caseworker).then(|| {
                let href = format!("/api/rooms/{}/export", r.id);
                view! {
                    <p>
                        <a href=href download aria-describedby="export-hint">
                            {t!(i18n, export.link)}
                        </a>
                    </p>
                    <p class="hint" id="export-hint">{t!(i18n, export.hint)}</p>
                }
            })
        })
    };

    view! {
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{t!(i18n, history.heading)}</h2>
            {export}
            <Show
                when=move || !room.events.with(Vec::is_empty)
                fallback=move || view! { <p>{t!(i18n, history.empty)}</p> }
            >
                <div class="history-filters">
                    <div class="field">
                        <label for="history-kind">{t!(i18n, history.filter_kind)}</label>
                        <select id="history-kind" bind:value=kind>
                            <option value="">{t!(i18n, history.all_kinds)}</option>
                            {kind_options}
                        </select>
                    </div>
                    <div class="field">
                        <label for="history-party">{t!(i18n, history.filter_party)}</label>
                        <select id="history-party" bind:value=party>
                            <option value="">{t!(i18n, history.all_parties)}</option>
                            {party_options}
                        </select>
                    </div>
                </div>
                <p class="meta" role="status">{count_text}</p>
                <Show
                    when=any_match
                    fallback=move || view! { <p>{t!(i18n, history.none_match)}</p> }
                >
                    <ol class="history">{entries}</ol>
                </Show>
            </Show>
        </section>
    }
}
