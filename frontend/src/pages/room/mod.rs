//! `/rooms/:id`: one case room, kept current by the live socket.
//!
//! The page holds the newest `RoomView` in a signal and re-reads it whenever
//! an event arrives (simple and always right: the server decides what the
//! room looks like). Sections live beside this file: members and the invite
//! form, documents and uploads, signatures and the procedure's buttons,
//! messages, history.

mod decision;
mod documents;
mod form;
mod history;
mod members;
mod messages;
mod participation;
mod procedure;
mod signatures;
mod uploads;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::{ApplicantAction, RoomAction, RoomEvent, RoomView};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{
    Announcer, ErrorMessage, Loading, RequireLogin, focus_by_id, page_title, use_announcer,
};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::live::{Connection, Live, follow_room};
use crate::pages::rooms::StatusBadge;
use crate::session::use_session;

/// What the sections of the room page share.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoomContext {
    /// The room as the server last showed it.
    view: RwSignal<RoomView>,
    /// The room's event log as far as we know it, oldest first.
    events: RwSignal<Vec<RoomEvent>>,
    /// Where the results of actions are said out loud.
    announcer: Announcer,
    /// The server's largest accepted file, once known.
    upload_limit: RwSignal<Option<u64>>,
    /// Whether a re-read of the room is under way (see `reload`).
    reload_state: StoredValue<Reload>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reload {
    Idle,
    Running,
    /// Running, and something changed since it started.
    Again,
}

impl RoomContext {
    fn id(self) -> Uuid {
        self.view.with_untracked(|room| room.id)
    }

    /// Whether the server lets the caller do `action` now (tracked).
    fn allows(self, action: RoomAction) -> bool {
        self.view.with(|room| room.allowed.contains(&action))
    }

    /// Whether the office keeps `action` from the caller until their
    /// identity is confirmed (tracked).
    fn needs_identity_for(self, action: ApplicantAction) -> bool {
        self.view
            .with(|room| room.identity_needed_for.contains(&action))
    }

    /// Shows `room` unless a newer state is shown already (answers can
    /// overtake each other).
    fn show(self, room: RoomView) {
        if room.last_seq >= self.view.with_untracked(|shown| shown.last_seq) {
            self.view.set(room);
        }
    }

    /// Reads the room again from the server. A burst of events (a replay
    /// after a reconnect) costs two reads, not one per event: while a read
    /// runs, later calls only ask for one more read after it.
    fn reload(self) {
        if self.reload_state.get_value() != Reload::Idle {
            self.reload_state.set_value(Reload::Again);
            return;
        }
        self.reload_state.set_value(Reload::Running);
        let id = self.id();
        spawn_local(async move {
            // A failed re-read leaves the last good view; the next event retries.
            if let Ok(room) = api::get_room(id).await {
                self.show(room);
            }
            let again = self.reload_state.get_value() == Reload::Again;
            self.reload_state.set_value(Reload::Idle);
            if again {
                self.reload();
            }
        });
    }

    /// Adds events to the history, keeping it ordered and free of repeats.
    fn merge_events(self, new: Vec<RoomEvent>) {
        self.events.update(|events| {
            events.extend(new);
            events.sort_by_key(|e| e.seq);
            events.dedup_by_key(|e| e.seq);
        });
    }
}

fn use_room() -> RoomContext {
    expect_context::<RoomContext>()
}

#[component]
pub fn RoomPage() -> impl IntoView {
    let params = use_params_map();
    let room_id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<Uuid>().ok())
    });
    view! {
        <RequireLogin>
            {move || match room_id.get() {
                Some(id) => view! { <RoomLoader id/> }.into_any(),
                None => view! { <crate::pages::NotFoundPage/> }.into_any(),
            }}
        </RequireLogin>
    }
}

#[component]
fn RoomLoader(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let room = LocalResource::new(move || api::get_room(id));
    move || match room.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => {
            page_title(move || t_string!(i18n, title.room).to_string());
            view! {
                <h1>{t!(i18n, title.room)}</h1>
                <ErrorMessage error=RwSignal::new(Some(err))/>
            }
            .into_any()
        }
        Some(Ok(room)) => view! { <RoomScreen initial=room/> }.into_any(),
    }
}

#[component]
fn RoomScreen(initial: RoomView) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let announcer = use_announcer();
    let room = RoomContext {
        view: RwSignal::new(initial.clone()),
        events: RwSignal::new(Vec::new()),
        announcer,
        upload_limit: RwSignal::new(None),
        reload_state: StoredValue::new(Reload::Idle),
    };
    provide_context(room);
    page_title(move || room.view.with(|r| r.title.clone()));

    let id = initial.id;
    spawn_local(async move {
        if let Ok(events) = api::list_events(id, 0).await {
            room.merge_events(events);
        }
    });
    spawn_local(async move {
        // Without the limit uploads go anyway; the server refuses with 413.
        if let Ok(config) = api::client_config().await {
            room.upload_limit.set(Some(config.max_upload_bytes));
        }
    });

    let me = session.me().map(|me| me.id);
    let live = follow_room(id, initial.last_seq, move |event| {
        // What the person did themselves, they were told about already.
        if event.actor.as_ref().map(|a| a.user_id) != me {
            let members = room.view.with_untracked(|r| r.members.clone());
            announcer.announce(labels::event(i18n.get_locale_untracked(), &event, &members));
        }
        room.merge_events(vec![event]);
        room.reload();
    });
    provide_context(live);

    view! {
        <RoomHeader live/>
        <div class="room-grid">
            <div class="room-main">
                <signatures::Actions/>
                <form::ApplicationForm/>
                <procedure::MissingItems/>
                <procedure::Check/>
                <decision::Decision/>
                <participation::Participation/>
                <messages::Messages/>
                <documents::Documents/>
                <uploads::UploadForm/>
            </div>
            <div class="room-side">
                <procedure::Timeline/>
                <signatures::Signatures/>
                <members::Members/>
                <members::InviteForm/>
                <procedure::EndActions/>
                <history::History/>
            </div>
        </div>
    }
}

#[component]
fn RoomHeader(live: Live) -> impl IntoView {
    let connection = live.connection;
    let i18n = use_i18n();
    let room = use_room();
    let session = use_session();
    let back = move || match session.me().is_some_and(|me| !me.offices.is_empty()) {
        true => view! { <A href="/queue">{t!(i18n, room.back_to_queue)}</A> }.into_any(),
        false => view! { <A href="/rooms">{t!(i18n, room.back_to_list)}</A> }.into_any(),
    };
    let facts = move || {
        let locale = i18n.get_locale();
        room.view.with(|r| {
            view! {
                <dl class="facts">
                    <dt>{t!(i18n, room.case_number)}</dt>
                    <dd>
                        {r.case_number
                            .clone()
                            .unwrap_or_else(|| t_string!(i18n, room.no_case_number).to_string())}
                    </dd>
                    <dt>{t!(i18n, room.site_address)}</dt>
                    <dd>{r.site_address.clone()}</dd>
                    <dt>{t!(i18n, room.office)}</dt>
                    <dd>{r.office.name.clone()}</dd>
                    <dt>{t!(i18n, room.procedure_type)}</dt>
                    <dd>{labels::procedure(locale, &r.procedure_type)}</dd>
                    <dt>{t!(i18n, room.your_role)}</dt>
                    <dd>{labels::role(locale, r.my_role)}</dd>
                    {r.submitted_at.map(|at| view! {
                        <dt>{t!(i18n, room.submitted_at)}</dt>
                        <dd>{format::date_time(locale, &at)}</dd>
                    })}
                </dl>
            }
        })
    };
    let status = move || {
        let locale = i18n.get_locale();
        room.view.with(|r| {
            view! {
                <p class="status-line">
                    <span class="label">{t!(i18n, room.status)} ": "</span>
                    <StatusBadge locale status=r.status/>
                </p>
                <p class="next-actor">{labels::next_actor(locale, r.next_actor)}</p>
            }
        })
    };

    view! {
        <p class="back">{back}</p>
        <div class="room-heading">
            <h1 id="room-title" tabindex="-1">{move || room.view.with(|r| r.title.clone())}</h1>
            <LiveIndicator connection/>
        </div>
        <SessionEnding live/>
        <Present live/>
        <div class="room-summary">
            <div class="status-panel">{status}</div>
            {facts}
        </div>
    }
}

/// Who else has the room open now, and what they are editing.
#[component]
fn Present(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = session.me().map(|me| me.id);
    let others = move || {
        live.present
            .get()
            .into_iter()
            .filter(|p| Some(p.user_id) != me)
            .collect::<Vec<_>>()
    };
    move || {
        let others = others();
        (!others.is_empty()).then(|| {
            let locale = i18n.get_locale();
            let people = others
                .into_iter()
                .map(|p| {
                    let role = labels::role(locale, p.role);
                    let doing = p.editing.map(|field| {
                        let field = labels::form_field(locale, field);
                        format!(" – {}", t_string!(i18n, presence.editing, field))
                    });
                    view! {
                        <li>
                            <span class="dot" aria-hidden="true"></span>
                            {p.display_name} " (" {role} ")" {doing}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="present" aria-labelledby="present-heading">
                    <h2 id="present-heading" class="small-heading">{t!(i18n, presence.heading)}</h2>
                    <ul class="present-list">{people}</ul>
                </section>
            }
        })
    }
}

/// The server's warning that the session ends soon, with a way to stay:
/// renewing counts as activity, and the socket follows the session's row.
#[component]
fn SessionEnding(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    // The warning answered by staying; a later one shows again.
    let stayed_for = RwSignal::new(None::<chrono::DateTime<chrono::Utc>>);
    move || {
        live.session_ends
            .get()
            .filter(|at| stayed_for.get() != Some(*at))
            .map(|at| {
                let time = format::date_time(i18n.get_locale(), &at);
                let stay = move |_| {
                    spawn_local(async move {
                        if api::renew_session().await {
                            stayed_for.set(Some(at));
                            announcer.announce(t_string!(i18n, presence.stayed));
                        }
                    });
                };
                view! {
                    <div class="message warning" role="status">
                        <p>{t_string!(i18n, presence.session_ending, time)}</p>
                        <button type="button" on:click=stay>{t!(i18n, presence.stay)}</button>
                    </div>
                }
            })
    }
}

/// Whether the room is following live, shown as a dot and words (never the
/// colour alone).
#[component]
fn LiveIndicator(connection: ReadSignal<Connection>) -> impl IntoView {
    let i18n = use_i18n();
    let class = move || match connection.get() {
        Connection::Online => "live live-online",
        Connection::Connecting => "live live-connecting",
        Connection::Offline | Connection::Refused => "live live-offline",
    };
    let text = move || match connection.get() {
        Connection::Online => t_string!(i18n, live.online),
        Connection::Connecting => t_string!(i18n, live.connecting),
        Connection::Offline => t_string!(i18n, live.offline),
        Connection::Refused => t_string!(i18n, live.refused),
    };
    view! { <p class=class><span class="dot" aria-hidden="true"></span>{text}</p> }
}

impl RoomContext {
    /// Runs a room action: disables its button meanwhile, shows the new room
    /// or the error, and announces `done` on success. The button pressed is
    /// usually gone afterwards, so the focus moves to the element `focus_after`
    /// (an id) instead of falling back to the top of the page.
    fn run_action<F>(
        self,
        busy: RwSignal<bool>,
        error: RwSignal<Option<ApiError>>,
        done: String,
        focus_after: &'static str,
        action: impl FnOnce(Uuid) -> F + 'static,
    ) where
        F: Future<Output = api::ApiResult<RoomView>> + 'static,
    {
        let id = self.id();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match action(id).await {
                Ok(view) => {
                    self.show(view);
                    self.announcer.announce(done);
                    request_animation_frame(move || focus_by_id(focus_after));
                }
                Err(err) => {
                    // The room may have moved on meanwhile: show where it stands.
                    self.reload();
                    error.set(Some(err));
                }
            }
            busy.set(false);
        });
    }
}

/// Where a button would be that the office keeps from an applicant whose
/// identity is not confirmed: what is asked (`reason`) and how to get there.
/// A confirmation at the office belongs to the account, not to the room, so
/// it is not in the room's event log: the open page learns of it with the
/// next reload or room event, and the text asks for the reload.
#[component]
fn IdentityNeeded(reason: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="message warning identity-needed" role="note">
            <p><strong>{reason}</strong></p>
            <p>{t!(i18n, room.identity_how)}</p>
            <p><A href="/account">{t!(i18n, room.identity_account)}</A></p>
        </div>
    }
}
