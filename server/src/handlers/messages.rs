//! Messages: threads in a room, each with a visibility (the whole room, the
//! office only, the office and one consulted body), mentions of people,
//! references to documents, and each person's unread markers.
//!
//! Who reads a thread follows from its visibility through the log's
//! audiences (`ThreadVisibility::audience`), so history and the live socket
//! deliver a message's entry to its readers and nobody else. Who may write
//! is `policy::check_message`; the limits of a message `domain::messages`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use shared::*;
use uuid::Uuid;

use super::{Json, Path, refusal, room_for};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::db::RoomWrite;
use crate::domain::messages::{self as rules, Reader};
use crate::domain::policy::{self, MessageAction, MessageFacts};
use crate::domain::values::{Line, Text};
use crate::error::{ApiError, ApiResult};
use crate::events;
use crate::notify::{self, Notification};
use crate::repo::messages::{self as repo, MessageRow, NewMessage, NewThread, Person, ThreadRow};
use crate::repo::procedure as repo_procedure;
use crate::repo::rooms::{self as room_repo, DocumentAccess, ProcedureRows, RoomContext};

type ThreadAnswer = ApiResult<(StatusCode, axum::Json<ThreadView>)>;

/// The threads of the room the caller may read, newest activity first,
/// with their messages, the caller's unread counts and what they may start.
#[utoipa::path(get, path = "/api/rooms/{room_id}/threads", tag = "messages",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = MessagesView),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "No such room, or no access to it"),
    ))]
pub async fn list_threads(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<MessagesView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    Ok(axum::Json(messages_view(&app, &ctx, user.id).await?))
}

/// Starts a thread with its first message. Sending the same `client_key`
/// again answers the thread already started.
#[utoipa::path(post, path = "/api/rooms/{room_id}/threads", tag = "messages",
    params(("room_id" = Uuid, Path)), request_body = StartThread,
    responses(
        (status = 201, body = ThreadView, description = "Started, with its first message"),
        (status = 200, body = ThreadView, description = "Started before with this client key"),
        (status = 400, body = Problem, description = "Not JSON of this shape"),
        (status = 403, body = Problem, description = "Not a thread the caller may start"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The procedure has ended"),
        (status = 422, body = Problem,
            description = "Subject, text, a body, a mention or a document not acceptable"),
    ))]
pub async fn start_thread(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<StartThread>,
) -> ThreadAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    if let Some(key) = request.client_key
        && let Some(thread_id) =
            repo::thread_by_client_key(&app.db.read, room_id, user.id, key).await?
    {
        return answer(&app, &ctx, &user, thread_id, StatusCode::OK).await;
    }
    let visibility = request.visibility;
    let action = MessageAction::StartThread(visibility);
    authorize(&ctx, ctx.room.status(), action)?;
    let subject = Line::parse(&request.subject, "subject", rules::MAX_SUBJECT_CHARS)
        .map_err(|e| ApiError::invalid("subject", e.0))?
        .into_string();
    let text = message_text(&request.text)?;
    let scope = Scope::load(&app.db.read, &ctx).await?;
    scope.expect_body(visibility)?;
    let mentions = scope.mentions(&request.mentions, visibility)?;
    let document_ids = scope.references(&request.document_ids, visibility, reader(&ctx))?;

    let thread_id = Uuid::now_v7();
    let message_id = Uuid::now_v7();
    let mut write = app.db.begin_room_write(&app.bus).await?;
    authorize_in_write(&mut write, &ctx, action).await?;
    let thread = NewThread {
        id: thread_id,
        room_id,
        subject: &subject,
        visibility,
        started_by: user.id,
        client_key: request.client_key,
    };
    if let Err(err) = repo::insert_thread(&mut write.tx, &thread).await {
        drop(write);
        return repeated(&app, &ctx, &user, err, |db| {
            let key = request.client_key.unwrap_or_default();
            repo::thread_by_client_key(db, room_id, user.id, key)
        })
        .await;
    }
    let message = NewMessage {
        id: message_id,
        thread_id,
        room_id,
        author_id: user.id,
        text: &text,
        mentions: &mentions,
        document_ids: &document_ids,
        // The thread's key answers a repeat; the first message needs none.
        client_key: None,
    };
    let position = repo::insert_message(&mut write.tx, &message).await?;
    // Who writes has read what they answer.
    repo::mark_read(&mut write.tx, user.id, thread_id, position).await?;
    let payload = EventPayload::ThreadStarted {
        thread_id,
        subject: subject.clone(),
        visibility,
        message_id,
        text,
        mentions: mentions.iter().map(|m| m.user_id).collect(),
        document_ids,
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    tracing::info!(thread.id = %thread_id, "thread started");

    notify_mentioned(&app, &ctx, &user, &subject, &mentions).await;
    answer(&app, &ctx, &user, thread_id, StatusCode::CREATED).await
}

/// Writes a message in a thread. Sending the same `client_key` again
/// answers the message already posted.
#[utoipa::path(post, path = "/api/rooms/{room_id}/threads/{thread_id}/messages",
    tag = "messages",
    params(("room_id" = Uuid, Path), ("thread_id" = Uuid, Path)), request_body = PostMessage,
    responses(
        (status = 201, body = ThreadView, description = "Posted; the thread with it"),
        (status = 200, body = ThreadView, description = "Posted before with this client key"),
        (status = 400, body = Problem, description = "Not JSON of this shape"),
        (status = 404, body = Problem, description = "No such thread the caller may read"),
        (status = 409, body = Problem, description = "The procedure has ended"),
        (status = 422, body = Problem,
            description = "Text, a mention or a document not acceptable"),
    ))]
pub async fn post_message(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, thread_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<PostMessage>,
) -> ThreadAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    let thread = readable_thread(&app, &ctx, thread_id).await?;
    if let Some(key) = request.client_key
        && let Some(thread_id) =
            repo::message_by_client_key(&app.db.read, room_id, user.id, key).await?
    {
        return answer(&app, &ctx, &user, thread_id, StatusCode::OK).await;
    }
    let visibility = thread.visibility();
    let action = MessageAction::Post(visibility);
    authorize(&ctx, ctx.room.status(), action)?;
    let text = message_text(&request.text)?;
    let scope = Scope::load(&app.db.read, &ctx).await?;
    let mentions = scope.mentions(&request.mentions, visibility)?;
    let document_ids = scope.references(&request.document_ids, visibility, reader(&ctx))?;

    let message_id = Uuid::now_v7();
    let mut write = app.db.begin_room_write(&app.bus).await?;
    authorize_in_write(&mut write, &ctx, action).await?;
    let message = NewMessage {
        id: message_id,
        thread_id,
        room_id,
        author_id: user.id,
        text: &text,
        mentions: &mentions,
        document_ids: &document_ids,
        client_key: request.client_key,
    };
    let position = match repo::insert_message(&mut write.tx, &message).await {
        Ok(position) => position,
        Err(err) => {
            drop(write);
            return repeated(&app, &ctx, &user, err, |db| {
                let key = request.client_key.unwrap_or_default();
                repo::message_by_client_key(db, room_id, user.id, key)
            })
            .await;
        }
    };
    repo::mark_read(&mut write.tx, user.id, thread_id, position).await?;
    let payload = EventPayload::MessagePosted {
        thread_id,
        visibility,
        message_id,
        text,
        mentions: mentions.iter().map(|m| m.user_id).collect(),
        document_ids,
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;

    notify_mentioned(&app, &ctx, &user, &thread.subject, &mentions).await;
    answer(&app, &ctx, &user, thread_id, StatusCode::CREATED).await
}

/// The caller has read the thread up to a message: its unread count drops.
///
/// A read marker is the person's own state, not the room's: it is stored
/// for them alone and is no entry of the room's log. The log is the
/// procedure's record and feeds everyone's live view; who opened which
/// thread when is neither part of the procedure nor anyone else's business
/// (unlike a document's download, which the record keeps on purpose).
#[utoipa::path(post, path = "/api/rooms/{room_id}/threads/{thread_id}/read", tag = "messages",
    params(("room_id" = Uuid, Path), ("thread_id" = Uuid, Path)), request_body = MarkThreadRead,
    responses(
        (status = 200, body = MessagesView, description = "Recorded; the threads anew"),
        (status = 400, body = Problem, description = "Not JSON of this shape"),
        (status = 404, body = Problem, description = "No such thread the caller may read"),
        (status = 422, body = Problem, description = "The message is not in this thread"),
    ))]
pub async fn mark_thread_read(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, thread_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<MarkThreadRead>,
) -> ApiResult<axum::Json<MessagesView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    readable_thread(&app, &ctx, thread_id).await?;
    let position = repo::position_in_thread(&app.db.read, thread_id, request.up_to)
        .await?
        .ok_or_else(|| ApiError::invalid("up_to", "This message is not one of this thread's."))?;
    let mut tx = app.db.begin().await?;
    repo::mark_read(&mut tx, user.id, thread_id, position).await?;
    tx.commit().await?;
    Ok(axum::Json(messages_view(&app, &ctx, user.id).await?))
}

fn reader(ctx: &RoomContext) -> Reader {
    Reader {
        role: ctx.role,
        body_id: ctx.body_id,
    }
}

fn authorize(ctx: &RoomContext, status: RoomStatus, action: MessageAction) -> ApiResult<()> {
    let facts = MessageFacts {
        room_status: status,
        role: ctx.role,
        body_id: ctx.body_id,
    };
    policy::check_message(action, &facts).map_err(refusal)
}

/// Asks the policy again inside the write, where the room's status cannot
/// change any more: the room may have been closed since the first answer.
async fn authorize_in_write(
    write: &mut RoomWrite,
    ctx: &RoomContext,
    action: MessageAction,
) -> ApiResult<()> {
    let status = room_repo::status_for_update(&mut write.tx, ctx.room.id()).await?;
    authorize(ctx, status, action)
}

fn message_text(raw: &str) -> ApiResult<String> {
    Ok(Text::parse(raw, "message", rules::MAX_TEXT_CHARS)
        .map_err(|e| ApiError::invalid("text", e.0))?
        .into_string())
}

/// The thread, if it is this room's and the caller reads it; a thread they
/// may not read is answered exactly like one that does not exist.
async fn readable_thread(app: &App, ctx: &RoomContext, thread_id: Uuid) -> ApiResult<ThreadRow> {
    repo::thread(&app.db.read, ctx.room.id(), thread_id)
        .await?
        .filter(|t| reader(ctx).reads(t.visibility()))
        .ok_or_else(|| ApiError::not_found("thread"))
}

/// After an insert failed: a unique key's violation means the same client
/// key came twice at once (the other request won), and the answer is what
/// that one made; anything else is a failure.
async fn repeated<'a, F, Fut>(
    app: &'a App,
    ctx: &RoomContext,
    user: &CurrentUser,
    err: sqlx::Error,
    made_with_key: F,
) -> ThreadAnswer
where
    F: FnOnce(&'a sqlx::AnyPool) -> Fut,
    Fut: Future<Output = Result<Option<Uuid>, sqlx::Error>>,
{
    let unique = err
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation());
    if !unique {
        return Err(err.into());
    }
    match made_with_key(&app.db.read).await? {
        Some(thread_id) => answer(app, ctx, user, thread_id, StatusCode::OK).await,
        None => Err(ApiError::conflict(
            "client_key_used",
            "This client key was used for something else already; send a new one.",
        )
        .with_field("client_key")),
    }
}

/// One thread as the caller sees it now, with `status`.
async fn answer(
    app: &App,
    ctx: &RoomContext,
    user: &CurrentUser,
    thread_id: Uuid,
    status: StatusCode,
) -> ThreadAnswer {
    let view = messages_view(app, ctx, user.id).await?;
    let thread = view
        .threads
        .into_iter()
        .find(|t| t.id == thread_id)
        .ok_or_else(|| ApiError::not_found("thread"))?;
    Ok((status, axum::Json(thread)))
}

/// Mails everyone mentioned, the author aside, that they were: the mail
/// names the thread's subject and leads to the room, and never carries the
/// message itself (mail is no place for an office's internal notes).
async fn notify_mentioned(
    app: &App,
    ctx: &RoomContext,
    user: &CurrentUser,
    subject: &str,
    mentions: &[ActorRef],
) {
    let recipients: Vec<Uuid> = mentions
        .iter()
        .map(|m| m.user_id)
        .filter(|id| *id != user.id)
        .collect();
    if recipients.is_empty() {
        return;
    }
    let (author, title) = (&user.display_name, &ctx.room.title);
    let mail = Notification {
        kind: NotificationKind::Mention,
        subject_de: format!("Sie wurden erwähnt: {title}"),
        subject_en: format!("You were mentioned: {title}"),
        body_de: format!(
            "{author} hat Sie im Vorgangsraum „{title}“ im Gespräch „{subject}“ erwähnt."
        ),
        body_en: format!(
            "{author} mentioned you in the thread \"{subject}\" of the case room \"{title}\"."
        ),
        path: format!("/rooms/{}", ctx.room.id()),
    };
    notify::send(app, &recipients, &mail).await;
}

/// The room's people and documents as messages need them, read once per
/// request.
struct Scope {
    people: Vec<Person>,
    documents: Vec<room_repo::RoomDocument>,
    procedure: ProcedureRows,
    decision: Option<repo_procedure::DecisionRow>,
    statements: Vec<repo_procedure::StatementRow>,
    /// Bodies with a request in the room that is not withdrawn: those a
    /// thread may be with.
    bodies: Vec<(Uuid, String)>,
}

impl Scope {
    async fn load(db: &sqlx::AnyPool, ctx: &RoomContext) -> ApiResult<Scope> {
        let room = &ctx.room;
        let people = repo::people(db, room.id(), room.office_id(), room.status()).await?;
        let procedure = ProcedureRows::of_room(db, &room.id).await?;
        let mut bodies: Vec<(Uuid, String)> = Vec::new();
        for request in &procedure.requests {
            let live = request.status() != RequestStatus::Withdrawn;
            if live && !bodies.iter().any(|(id, _)| *id == request.body_id()) {
                bodies.push((request.body_id(), request.body_name.clone()));
            }
        }
        Ok(Scope {
            people,
            documents: room_repo::documents(db, &room.id).await?,
            decision: repo_procedure::decision(db, &room.id).await?,
            statements: repo_procedure::statements(db, &room.id).await?,
            procedure,
            bodies,
        })
    }

    fn access(&self, reader: Reader) -> DocumentAccess {
        DocumentAccess::for_reader(
            reader.role,
            reader.body_id,
            &self.procedure,
            self.decision.as_ref(),
            &self.statements,
        )
    }

    fn body_name(&self, visibility: ThreadVisibility) -> Option<String> {
        let ThreadVisibility::Body { body_id } = visibility else {
            return None;
        };
        self.bodies
            .iter()
            .find(|(id, _)| *id == body_id)
            .map(|(_, name)| name.clone())
    }

    /// A body's thread is with a body the office asked in this room.
    fn expect_body(&self, visibility: ThreadVisibility) -> ApiResult<()> {
        match visibility {
            ThreadVisibility::Body { body_id } if self.body_name(visibility).is_none() => {
                Err(ApiError::invalid(
                    "visibility.body_id",
                    format!(
                        "{body_id} is not a consulted body with a request in this room; a \
                         thread can be with such a body only."
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// The people who read a thread of this visibility.
    fn readers(&self, visibility: ThreadVisibility) -> Vec<&Person> {
        self.people
            .iter()
            .filter(|p| person_reader(p).reads(visibility))
            .collect()
    }

    /// The people to mention, each a person of the room who reads the
    /// thread, or a 422 naming the first who is not.
    fn mentions(&self, ids: &[Uuid], visibility: ThreadVisibility) -> ApiResult<Vec<ActorRef>> {
        if ids.len() > rules::MAX_MENTIONS {
            return Err(ApiError::invalid(
                "mentions",
                format!(
                    "A message can mention at most {} people.",
                    rules::MAX_MENTIONS
                ),
            ));
        }
        rules::unique(ids)
            .into_iter()
            .map(|id| {
                let person = self
                    .people
                    .iter()
                    .find(|p| p.user_id == id)
                    .ok_or_else(|| {
                        ApiError::invalid(
                            "mentions",
                            format!(
                                "{id} is not a person of this room, so they cannot be mentioned."
                            ),
                        )
                    })?;
                if !person_reader(person).reads(visibility) {
                    return Err(ApiError::invalid(
                        "mentions",
                        format!(
                            "{id} cannot read this thread, so they cannot be mentioned in it; \
                             mention only people who read it."
                        ),
                    ));
                }
                Ok(ActorRef {
                    user_id: id,
                    display_name: person.display_name.clone(),
                })
            })
            .collect()
    }

    /// The documents of the room that every reader of a thread of this
    /// visibility sees, and the writer too.
    fn referable(&self, visibility: ThreadVisibility, writer: Reader) -> Vec<Uuid> {
        let mut readers = rules::readers(visibility);
        readers.push(writer);
        let access: Vec<DocumentAccess> = readers.into_iter().map(|r| self.access(r)).collect();
        self.documents
            .iter()
            .filter(|d| access.iter().all(|a| a.newest(d).is_some()))
            .map(|d| d.view.id)
            .collect()
    }

    /// The documents to refer to, or a 422 naming the first that not every
    /// reader may see (or that is no document of this room: the same answer,
    /// so that nothing tells a document hidden from the writer exists).
    fn references(
        &self,
        ids: &[Uuid],
        visibility: ThreadVisibility,
        writer: Reader,
    ) -> ApiResult<Vec<Uuid>> {
        if ids.len() > rules::MAX_DOCUMENTS {
            return Err(ApiError::invalid(
                "document_ids",
                format!(
                    "A message can refer to at most {} documents.",
                    rules::MAX_DOCUMENTS
                ),
            ));
        }
        let referable = self.referable(visibility, writer);
        let ids = rules::unique(ids);
        if let Some(id) = ids.iter().find(|id| !referable.contains(id)) {
            return Err(ApiError::invalid(
                "document_ids",
                format!(
                    "{id} is not a document of this room that every reader of the thread may \
                     see; refer only to documents they all see."
                ),
            ));
        }
        Ok(ids)
    }
}

fn person_reader(person: &Person) -> Reader {
    Reader {
        role: person.role,
        body_id: person.body.as_ref().map(|(id, _)| *id),
    }
}

fn room_person(person: &Person) -> RoomPerson {
    RoomPerson {
        user_id: person.user_id,
        display_name: person.display_name.clone(),
        role: person.role,
        body_name: person.body.as_ref().map(|(_, name)| name.clone()),
    }
}

/// Every thread the caller reads, with their unread counts and the
/// threads they may start.
async fn messages_view(app: &App, ctx: &RoomContext, user_id: Uuid) -> ApiResult<MessagesView> {
    let db = &app.db.read;
    let room_id = ctx.room.id();
    let scope = Scope::load(db, ctx).await?;
    let markers = repo::read_markers(db, user_id, room_id).await?;
    let mut by_thread: HashMap<Uuid, Vec<MessageRow>> = HashMap::new();
    for message in repo::messages(db, room_id).await? {
        let thread = crate::repo::id(&message.thread_id);
        by_thread.entry(thread).or_default().push(message);
    }
    let me = reader(ctx);
    let facts = MessageFacts {
        room_status: ctx.room.status(),
        role: ctx.role,
        body_id: ctx.body_id,
    };
    let mine = scope.access(me);

    let mut threads: Vec<ThreadView> = repo::threads(db, room_id)
        .await?
        .into_iter()
        .filter(|t| me.reads(t.visibility()))
        .map(|t| {
            let visibility = t.visibility();
            let messages = by_thread.remove(&t.id()).unwrap_or_default();
            let read_up_to = markers.get(&t.id()).copied().unwrap_or(0);
            let unread = messages
                .iter()
                .filter(|m| m.position > read_up_to && m.author().user_id != user_id)
                .count() as i64;
            let may_post = policy::check_message(MessageAction::Post(visibility), &facts).is_ok();
            ThreadView {
                id: t.id(),
                subject: t.subject.clone(),
                visibility,
                body_name: t.body_name.clone(),
                started_by: t.starter(),
                started_at: crate::db::from_millis(t.started_at),
                messages: messages
                    .iter()
                    .map(|m| message_view(m, &scope, &mine))
                    .collect(),
                unread,
                may_post,
                readers: scope
                    .readers(visibility)
                    .into_iter()
                    .map(room_person)
                    .collect(),
                document_ids: scope.referable(visibility, me),
            }
        })
        .collect();
    threads.sort_by_key(|t| {
        let last = t
            .messages
            .last()
            .map(|m| m.posted_at)
            .unwrap_or(t.started_at);
        std::cmp::Reverse(last)
    });

    let candidates = [ThreadVisibility::Room, ThreadVisibility::Office]
        .into_iter()
        .chain(
            scope
                .bodies
                .iter()
                .map(|(body_id, _)| ThreadVisibility::Body { body_id: *body_id }),
        );
    let options = candidates
        .filter(|v| policy::check_message(MessageAction::StartThread(*v), &facts).is_ok())
        .map(|visibility| ThreadOption {
            visibility,
            body_name: scope.body_name(visibility),
            readers: scope
                .readers(visibility)
                .into_iter()
                .map(room_person)
                .collect(),
            document_ids: scope.referable(visibility, me),
        })
        .collect();
    Ok(MessagesView {
        unread: threads.iter().map(|t| t.unread).sum(),
        threads,
        options,
    })
}

/// A message as the caller sees it: a document it refers to that the
/// caller no longer sees (a request withdrawn since) is left out.
fn message_view(row: &MessageRow, scope: &Scope, access: &DocumentAccess) -> MessageView {
    let documents = row
        .document_ids()
        .into_iter()
        .filter_map(|id| {
            let document = scope.documents.iter().find(|d| d.view.id == id)?;
            Some(MessageDocument {
                id,
                category: document.view.category,
                version: access.newest(document)?.clone(),
            })
        })
        .collect();
    MessageView {
        id: row.id(),
        author: row.author(),
        posted_at: crate::db::from_millis(row.posted_at),
        text: row.text.clone(),
        mentions: row.mentions(),
        documents,
    }
}
