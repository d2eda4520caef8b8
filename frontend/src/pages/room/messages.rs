//! Messages: the room's threads with their unread counts, one thread open
//! at a time with its replies, and the form that starts a thread.
//!
//! The threads are read from their own endpoint (not from the room view)
//! and read again whenever a message entry arrives in the room's log, live
//! or in a replay. Opening a thread marks it read on the server. Rows are
//! keyed by thread and message id, so a live update never replaces the
//! element that has the focus.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{
    DocumentView, EventPayload, MessageView, MessagesView, PostMessage, RoomPerson, StartThread,
    ThreadView, ThreadVisibility,
};
use uuid::Uuid;

use super::{RoomContext, use_room};
use crate::api::{self, ApiError};
use crate::components::ErrorMessage;
use crate::format;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::labels;
use crate::session::use_session;

/// What the parts of the section share.
#[derive(Debug, Clone, Copy)]
struct Threads {
    room: RoomContext,
    /// The threads as the server last showed them.
    view: RwSignal<Option<MessagesView>>,
    /// The thread shown open.
    open: RwSignal<Option<Uuid>>,
    /// Counts the reads, so that an older answer never replaces a newer.
    reads: StoredValue<u64>,
}

impl Threads {
    fn room_id(self) -> Uuid {
        self.room.id()
    }

    fn load(self) {
        let room_id = self.room_id();
        let read = self.reads.get_value() + 1;
        self.reads.set_value(read);
        spawn_local(async move {
            // A failed read leaves the last good view; the next event retries.
            if let Ok(view) = api::list_threads(room_id).await
                && self.reads.get_value() == read
            {
                self.view.set(Some(view));
            }
        });
    }

    fn thread(self, id: Uuid) -> Option<ThreadView> {
        self.view.with(|view| {
            view.as_ref()
                .and_then(|v| v.threads.iter().find(|t| t.id == id).cloned())
        })
    }
}

fn is_message(payload: &EventPayload) -> bool {
    matches!(
        payload,
        EventPayload::ThreadStarted { .. } | EventPayload::MessagePosted { .. }
    )
}

#[component]
pub fn Messages() -> impl IntoView {
    let i18n = use_i18n();
    let state = Threads {
        room: use_room(),
        view: RwSignal::new(None),
        open: RwSignal::new(None),
        reads: StoredValue::new(0),
    };
    // Read again whenever a message entry reaches the log as we know it.
    let newest = Memo::new(move |_| {
        state.room.events.with(|events| {
            events
                .iter()
                .rev()
                .find(|e| is_message(&e.payload))
                .map(|e| e.seq)
        })
    });
    Effect::new(move || {
        // Read, not only tracked: a memo nobody has read never computes,
        // and so never learns that the log changed.
        let _ = newest.get();
        state.load();
    });
    // The open thread is read: said to the server whenever it has news.
    Effect::new(move || {
        let Some(thread) = state.open.get().and_then(|id| state.thread(id)) else {
            return;
        };
        let Some(last) = thread.messages.last().filter(|_| thread.unread > 0) else {
            return;
        };
        let (room_id, up_to) = (state.room_id(), last.id);
        spawn_local(async move {
            if let Ok(view) = api::mark_thread_read(room_id, thread.id, up_to).await {
                state.view.set(Some(view));
            }
        });
    });

    let total = move || {
        let unread = state.view.with(|v| v.as_ref().map_or(0, |v| v.unread));
        (unread > 0).then(|| {
            let text = t_string!(i18n, messages.unread, count = unread);
            view! { " " <span class="tag tag-unread">{text}</span> }
        })
    };
    let ids = move || {
        state.view.with(|v| {
            v.as_ref()
                .map(|v| v.threads.iter().map(|t| t.id).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let empty = move || {
        state
            .view
            .with(|v| v.as_ref().is_some_and(|v| v.threads.is_empty()))
    };
    let may_start = move || {
        state
            .view
            .with(|v| v.as_ref().is_some_and(|v| !v.options.is_empty()))
    };
    view! {
        <section class="card" aria-labelledby="messages-heading">
            <h2 id="messages-heading">{t!(i18n, messages.heading)} {total}</h2>
            <Show when=empty>
                <p>{t!(i18n, messages.none)}</p>
            </Show>
            <ul class="threads">
                <For each=ids key=|id| *id let:id>
                    <ThreadItem state id/>
                </For>
            </ul>
            <Show when=may_start>
                <NewThread state/>
            </Show>
        </section>
    }
}

/// Who reads a thread, in words.
fn visibility_label(locale: Locale, visibility: ThreadVisibility, body: Option<&str>) -> String {
    match visibility {
        ThreadVisibility::Room => td_string!(locale, messages.visibility_room).to_string(),
        ThreadVisibility::Office => td_string!(locale, messages.visibility_office).to_string(),
        ThreadVisibility::Body { .. } => {
            let body = body.unwrap_or_default();
            td_string!(locale, messages.visibility_body, body).to_string()
        }
    }
}

/// One thread in the list: a button that opens it, and when open its
/// messages and the reply form.
#[component]
fn ThreadItem(state: Threads, id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let thread = Memo::new(move |_| state.thread(id));
    let is_open = move || state.open.get() == Some(id);
    let toggle = move |_| {
        state
            .open
            .update(|open| *open = if *open == Some(id) { None } else { Some(id) });
    };
    let detail_id = format!("thread-{id}");
    let summary = move || {
        let locale = i18n.get_locale();
        thread.get().map(|t| {
            let who = visibility_label(locale, t.visibility, t.body_name.as_deref());
            let unread = (t.unread > 0).then(|| {
                let text = t_string!(i18n, messages.unread, count = t.unread);
                view! { " " <span class="tag tag-unread">{text}</span> }
            });
            view! {
                <span class="thread-subject">{t.subject.clone()}</span>
                " " <span class="tag">{who}</span>
                {unread}
            }
        })
    };
    let messages = move || {
        thread
            .get()
            .map(|t| t.messages.iter().map(|m| m.id).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let may_post = move || thread.get().is_some_and(|t| t.may_post);
    view! {
        <li class="thread">
            <button type="button" class="secondary thread-toggle"
                aria-expanded=move || is_open().to_string()
                aria-controls=detail_id.clone() on:click=toggle>
                {summary}
            </button>
            <div id=detail_id.clone() class="thread-detail" hidden=move || !is_open()>
                <Show when=is_open>
                    <ol class="thread-messages">
                        <For each=messages key=|id| *id let:message_id>
                            <Message thread message_id/>
                        </For>
                    </ol>
                    <Show when=may_post>
                        <ReplyForm state thread_id=id/>
                    </Show>
                </Show>
            </div>
        </li>
    }
}

#[component]
fn Message(thread: Memo<Option<ThreadView>>, message_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let message = move || -> Option<MessageView> {
        thread
            .get()?
            .messages
            .into_iter()
            .find(|m| m.id == message_id)
    };
    move || {
        let locale = i18n.get_locale();
        message().map(|m| {
            let at = format::date_time(locale, &m.posted_at);
            let mentions = (!m.mentions.is_empty()).then(|| {
                let names: Vec<String> =
                    m.mentions.iter().map(|p| p.display_name.clone()).collect();
                let names = names.join(", ");
                view! { <p class="meta">{t_string!(i18n, messages.mentioned, names)}</p> }
            });
            let documents = (!m.documents.is_empty()).then(|| {
                let links = m
                    .documents
                    .iter()
                    .map(|d| {
                        let category = labels::category(locale, d.category);
                        view! {
                            <li>
                                <a href=d.version.download_url.clone()>
                                    {d.version.file_name.clone()}
                                </a>
                                " (" {category} ")"
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <p class="meta">{t!(i18n, messages.refers_to)}</p>
                    <ul class="message-documents">{links}</ul>
                }
            });
            view! {
                <li class="thread-message">
                    <p class="meta"><strong>{m.author.display_name.clone()}</strong> " · " {at}</p>
                    <p class="message-text">{m.text.clone()}</p>
                    {mentions}
                    {documents}
                </li>
            }
        })
    }
}

/// What a message may name, as checkboxes: people (the caller aside) and
/// documents, both chosen into `mentions` and `documents`.
#[component]
fn Mentions(
    prefix: String,
    readers: Signal<Vec<RoomPerson>>,
    document_ids: Signal<Vec<Uuid>>,
    mentions: RwSignal<Vec<Uuid>>,
    documents: RwSignal<Vec<Uuid>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let session = use_session();
    let me = session.me().map(|me| me.id);
    let people_prefix = prefix.clone();
    let people = move || {
        let locale = i18n.get_locale();
        let others: Vec<RoomPerson> = readers
            .get()
            .into_iter()
            .filter(|p| Some(p.user_id) != me)
            .collect();
        if others.is_empty() {
            return view! { <li class="hint">{t!(i18n, messages.no_one_to_mention)}</li> }
                .into_any();
        }
        others
            .into_iter()
            .map(|person| {
                let id = format!("{people_prefix}-mention-{}", person.user_id);
                let user_id = person.user_id;
                let role = match person.body_name {
                    Some(body) => body,
                    None => labels::role(locale, person.role),
                };
                let checked = move || mentions.with(|m| m.contains(&user_id));
                view! {
                    <li>
                        <input type="checkbox" id=id.clone() prop:checked=checked
                            on:change=move |ev| {
                                toggle(mentions, user_id, event_target_checked(&ev))
                            }/>
                        <label for=id>{person.display_name} " (" {role} ")"</label>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let document_boxes = move || {
        let locale = i18n.get_locale();
        let referable = document_ids.get();
        let shown: Vec<DocumentView> = room.view.with(|r| {
            r.documents
                .iter()
                .filter(|d| referable.contains(&d.id))
                .cloned()
                .collect()
        });
        if shown.is_empty() {
            return view! { <li class="hint">{t!(i18n, messages.no_documents)}</li> }.into_any();
        }
        shown
            .into_iter()
            .map(|d| {
                let id = format!("{prefix}-document-{}", d.id);
                let document_id = d.id;
                let name = d
                    .versions
                    .last()
                    .map(|v| v.file_name.clone())
                    .unwrap_or_default();
                let category = labels::category(locale, d.category);
                let checked = move || documents.with(|ids| ids.contains(&document_id));
                view! {
                    <li>
                        <input type="checkbox" id=id.clone() prop:checked=checked
                            on:change=move |ev| {
                                toggle(documents, document_id, event_target_checked(&ev))
                            }/>
                        <label for=id>{name} " (" {category} ")"</label>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <fieldset>
            <legend>{t!(i18n, messages.mentions)}</legend>
            <ul class="checklist">{people}</ul>
        </fieldset>
        <fieldset>
            <legend>{t!(i18n, messages.documents)}</legend>
            <ul class="checklist">{document_boxes}</ul>
        </fieldset>
    }
}

fn toggle(list: RwSignal<Vec<Uuid>>, id: Uuid, on: bool) {
    list.update(|ids| {
        ids.retain(|x| *x != id);
        if on {
            ids.push(id);
        }
    });
}

#[component]
fn ReplyForm(state: Threads, thread_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let mentions = RwSignal::new(Vec::<Uuid>::new());
    let documents = RwSignal::new(Vec::<Uuid>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // The same key until the message went out: a second click or a retry
    // after a broken connection posts it once.
    let key = StoredValue::new(api::random_key());
    let thread = Memo::new(move |_| state.thread(thread_id));
    let readers = Signal::derive(move || thread.get().map(|t| t.readers).unwrap_or_default());
    let document_ids =
        Signal::derive(move || thread.get().map(|t| t.document_ids).unwrap_or_default());

    let send = move |event: SubmitEvent| {
        event.prevent_default();
        let request = PostMessage {
            text: text.get_untracked(),
            mentions: mentions.get_untracked(),
            document_ids: documents.get_untracked(),
            client_key: Some(key.get_value()),
        };
        let room_id = state.room_id();
        busy.set(true);
        error.set(None);
        let posted = td_string!(i18n.get_locale_untracked(), messages.posted).to_string();
        spawn_local(async move {
            match api::post_message(room_id, thread_id, &request).await {
                Ok(_) => {
                    text.set(String::new());
                    mentions.set(Vec::new());
                    documents.set(Vec::new());
                    key.set_value(api::random_key());
                    state.room.announcer.announce(posted);
                    state.load();
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    let text_id = format!("reply-{thread_id}");
    view! {
        <form class="stack reply-form" on:submit=send>
            <div class="field">
                <label for=text_id.clone()>{t!(i18n, messages.reply_text)}</label>
                <textarea id=text_id rows="3" required bind:value=text></textarea>
            </div>
            <Mentions prefix=format!("reply-{thread_id}") readers document_ids mentions documents/>
            <ErrorMessage error/>
            <button type="submit" disabled=busy>{t!(i18n, messages.reply)}</button>
        </form>
    }
}

#[component]
fn NewThread(state: Threads) -> impl IntoView {
    let i18n = use_i18n();
    let subject = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    // The index of the chosen option; the first is the widest audience.
    let chosen = RwSignal::new(0_usize);
    let mentions = RwSignal::new(Vec::<Uuid>::new());
    let documents = RwSignal::new(Vec::<Uuid>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let key = StoredValue::new(api::random_key());
    let option = Memo::new(move |_| {
        let index = chosen.get();
        state
            .view
            .with(|v| v.as_ref().and_then(|v| v.options.get(index).cloned()))
    });
    let readers = Signal::derive(move || option.get().map(|o| o.readers).unwrap_or_default());
    let document_ids =
        Signal::derive(move || option.get().map(|o| o.document_ids).unwrap_or_default());

    let choose = move |ev: leptos::ev::Event| {
        chosen.set(event_target_value(&ev).parse().unwrap_or(0));
        // Who may be named depends on who reads.
        mentions.set(Vec::new());
        documents.set(Vec::new());
    };
    let choices = move || {
        let locale = i18n.get_locale();
        state.view.with(|v| {
            v.iter()
                .flat_map(|v| v.options.iter())
                .enumerate()
                .map(|(index, o)| {
                    let label = visibility_label(locale, o.visibility, o.body_name.as_deref());
                    view! { <option value=index.to_string()>{label}</option> }
                })
                .collect_view()
        })
    };
    let send = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(option) = option.get_untracked() else {
            return;
        };
        let request = StartThread {
            subject: subject.get_untracked(),
            visibility: option.visibility,
            text: text.get_untracked(),
            mentions: mentions.get_untracked(),
            document_ids: documents.get_untracked(),
            client_key: Some(key.get_value()),
        };
        let room_id = state.room_id();
        busy.set(true);
        error.set(None);
        let started = td_string!(i18n.get_locale_untracked(), messages.started).to_string();
        spawn_local(async move {
            match api::start_thread(room_id, &request).await {
                Ok(thread) => {
                    subject.set(String::new());
                    text.set(String::new());
                    mentions.set(Vec::new());
                    documents.set(Vec::new());
                    key.set_value(api::random_key());
                    state.open.set(Some(thread.id));
                    state.room.announcer.announce(started);
                    state.load();
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="stack" on:submit=send aria-labelledby="new-thread-heading">
            <h3 id="new-thread-heading">{t!(i18n, messages.new_heading)}</h3>
            <div class="field">
                <label for="new-thread-visibility">{t!(i18n, messages.visibility)}</label>
                <select id="new-thread-visibility" on:change=choose
                    prop:value=move || chosen.get().to_string()>
                    {choices}
                </select>
            </div>
            <div class="field">
                <label for="new-thread-subject">{t!(i18n, messages.subject)}</label>
                <input id="new-thread-subject" required maxlength="200" bind:value=subject/>
            </div>
            <div class="field">
                <label for="new-thread-text">{t!(i18n, messages.text)}</label>
                <textarea id="new-thread-text" rows="4" required bind:value=text></textarea>
            </div>
            <Mentions prefix="new-thread".to_string() readers document_ids mentions documents/>
            <ErrorMessage error/>
            <button type="submit" disabled=busy>{t!(i18n, messages.start)}</button>
        </form>
    }
}
