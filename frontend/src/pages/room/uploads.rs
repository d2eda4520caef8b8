//! The upload form (with a drop area for many files at once), the
//! new-version form, and the list of files on their way, each with a
//! progress bar, its speed and time left, and pause, resume and cancel.
//!
//! Files go one after another (a plan set shares one connection better than
//! it splits it) as resumable uploads: the file is sent in slices, each
//! acknowledged by the server. A broken connection is retried with growing
//! pauses, from the last acknowledged byte; after a reload, choosing the same
//! file again goes on where it stood (the browser keeps the upload's key in
//! local storage). Files above the server's limit are refused before a byte
//! is sent.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use shared::{DocumentCategory, DocumentView, RoomAction, StartUpload};
use uuid::Uuid;

use super::{RoomContext, use_room};
use crate::api;
use crate::format;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::labels;
use crate::upload::{self, Sending, UploadError};

#[component]
pub fn UploadForm() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let uploads = Uploads::new(room);
    let input = NodeRef::<html::Input>::new();
    let category = RwSignal::new(first_missing(room).as_str().to_owned());

    // The choice may stem from before the room changed hands (the options
    // differ for the office): a stale one falls back.
    let chosen = move || {
        let office = room
            .view
            .with_untracked(|r| r.allowed.contains(&RoomAction::UploadNotice));
        let fallback = match office {
            true => DocumentCategory::Notice,
            false => DocumentCategory::Other,
        };
        DocumentCategory::parse(&category.get_untracked())
            .filter(|c| c.is_office() == office)
            .unwrap_or(fallback)
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        uploads.start(room, take_files(input), chosen(), None);
    };
    let dragging = RwSignal::new(false);
    let drop = move |event: web_sys::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        let Some(list) = event.data_transfer().and_then(|d| d.files()) else {
            return;
        };
        let files = (0..list.length()).filter_map(|i| list.get(i)).collect();
        uploads.start(room, files, chosen(), None);
    };
    let drag_over = move |event: web_sys::DragEvent| {
        event.prevent_default();
        dragging.set(true);
    };
    let limit_hint = move || {
        let locale = i18n.get_locale();
        let limit = uploads
            .limit
            .get()
            .map(|limit| format::bytes(locale, limit));
        limit.map(|limit| t_string!(i18n, upload.files_hint, limit).to_string())
    };
    // The office files the notice; the applicants everything else.
    let office = move || room.allows(RoomAction::UploadNotice);
    let options = move || {
        let locale = i18n.get_locale();
        let categories: Vec<DocumentCategory> = match office() {
            true => DocumentCategory::OFFICE.to_vec(),
            false => DocumentCategory::APPLICATION.to_vec(),
        };
        categories
            .into_iter()
            .map(|c| {
                // `selected` keeps the choice when the options are rebuilt
                // for another language.
                let selected = move || category.with(|chosen| chosen == c.as_str());
                view! { <option value=c.as_str() selected=selected>{labels::category(locale, c)}</option> }
            })
            .collect_view()
    };

    view! {
        <Show when=move || room.allows(RoomAction::Upload) || office()>
            <section class="card" aria-labelledby="upload-heading">
                <h2 id="upload-heading">{t!(i18n, upload.heading)}</h2>
                <form on:submit=submit class="stack">
                    <div class="field">
                        <label for="upload-category">{t!(i18n, upload.category)}</label>
                        <select id="upload-category" bind:value=category>{options}</select>
                    </div>
                    // Dropping is for the mouse; the file input below does the
                    // same for the keyboard, so the area itself is no control.
                    <div
                        class="dropzone"
                        class:dragging=move || dragging.get()
                        data-testid="dropzone"
                        on:dragover=drag_over
                        on:dragenter=drag_over
                        on:dragleave=move |_| dragging.set(false)
                        on:drop=drop
                    >
                        <p aria-hidden="true">{t!(i18n, upload.drop)}</p>
                        <div class="field">
                            <label for="upload-files">{t!(i18n, upload.files)}</label>
                            <p class="hint" id="upload-files-hint">{limit_hint}</p>
                            <input id="upload-files" type="file" multiple required node_ref=input
                                aria-describedby="upload-files-hint"/>
                        </div>
                    </div>
                    <button type="submit">{t!(i18n, upload.submit)}</button>
                </form>
                {uploads.view()}
            </section>
        </Show>
    }
}

/// A disclosure with a file input that adds a version to one document.
#[component]
pub fn NewVersion(document_id: Uuid, category: DocumentCategory, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let uploads = Uploads::new(room);
    let input = NodeRef::<html::Input>::new();
    let input_id = format!("new-version-{document_id}");
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        uploads.start(room, take_files(input), category, Some(document_id));
    };
    view! {
        <details class="new-version">
            <summary>{t!(i18n, documents.new_version_submit)}</summary>
            <form on:submit=submit class="stack">
                <div class="field">
                    <label for=input_id.clone()>
                        {move || t_string!(i18n, documents.new_version, name = name.clone())}
                    </label>
                    <input id=input_id.clone() type="file" node_ref=input required/>
                </div>
                <button type="submit" class="secondary">{t!(i18n, upload.submit)}</button>
            </form>
            {uploads.view()}
        </details>
    }
}

/// The files chosen in `input`, which is cleared so that the same file can
/// be chosen again.
fn take_files(input: NodeRef<html::Input>) -> Vec<web_sys::File> {
    let Some(input) = input.get_untracked() else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
}

/// The first category the checklist asks for that has no document yet: the
/// likeliest next upload.
fn first_missing(room: RoomContext) -> DocumentCategory {
    room.view.with_untracked(|r| {
        if r.allowed.contains(&RoomAction::UploadNotice) {
            return DocumentCategory::Notice;
        }
        let has = |category: &DocumentCategory| r.documents.iter().any(|d| d.category == *category);
        let required = &r.procedure_type.required_categories;
        required
            .iter()
            .copied()
            .find(|c| !has(c))
            .unwrap_or(DocumentCategory::Other)
    })
}

/// One file on its way to the server.
#[derive(Debug, Clone)]
struct UploadItem {
    key: u32,
    name: String,
    total: f64,
    sent: RwSignal<f64>,
    state: RwSignal<UploadState>,
    /// The request while it runs, to pause or cancel it (browser objects
    /// stay local).
    sending: StoredValue<Option<Sending>, LocalStorage>,
    /// Bytes per second since the sending last (re)started.
    rate: RwSignal<Option<f64>>,
    /// When, and at which byte, the sending last (re)started.
    since: StoredValue<(f64, f64)>,
    /// Whether its turn in the queue has come (a file resumed before then
    /// goes back to waiting).
    begun: StoredValue<bool>,
}

#[derive(Debug, Clone, PartialEq)]
enum UploadState {
    Waiting,
    Sending,
    /// Paused by the person; the acknowledged bytes stay on the server.
    Paused,
    /// The connection broke; the next try is in this many seconds.
    Offline(u32),
    /// Every byte is there; the server checks and stores the file.
    Finishing,
    Done,
    Cancelled,
    /// Refused here (too large) or by the server, with the words to show.
    Failed(String),
}

impl UploadItem {
    /// Stops the file for good; the sending loop removes what the server has.
    fn cancel(&self) {
        if self.state.with_untracked(UploadState::is_active) {
            self.state.set(UploadState::Cancelled);
            self.abort_request();
        }
    }

    fn pause(&self) {
        if matches!(
            self.state.get_untracked(),
            UploadState::Waiting | UploadState::Sending | UploadState::Offline(_)
        ) {
            self.state.set(UploadState::Paused);
            self.abort_request();
        }
    }

    /// Resumes a paused file, or retries a broken connection at once.
    fn resume(&self) {
        if matches!(
            self.state.get_untracked(),
            UploadState::Paused | UploadState::Offline(_)
        ) {
            let next = match self.begun.get_value() {
                true => UploadState::Sending,
                false => UploadState::Waiting,
            };
            self.state.set(next);
        }
    }

    fn abort_request(&self) {
        self.sending
            .with_value(|sending| sending.as_ref().map(Sending::cancel));
    }

    /// Notes that `sent` bytes are acknowledged or on their way, for the
    /// speed and the time left.
    fn progress(&self, sent: f64) {
        self.sent.set(sent);
        let (started, at_start) = self.since.get_value();
        let seconds = (js_sys::Date::now() - started) / 1000.0;
        if seconds >= 1.0 {
            self.rate.set(Some((sent - at_start) / seconds));
        }
    }

    fn restart_clock(&self) {
        self.since
            .set_value((js_sys::Date::now(), self.sent.get_untracked()));
        self.rate.set(None);
    }
}

impl UploadState {
    fn is_active(&self) -> bool {
        matches!(
            self,
            UploadState::Waiting
                | UploadState::Sending
                | UploadState::Paused
                | UploadState::Offline(_)
        )
    }
}

/// The uploads one form started, and the server's size limit (shared by
/// all forms of the room).
#[derive(Debug, Clone, Copy)]
struct Uploads {
    items: RwSignal<Vec<UploadItem>>,
    next_key: StoredValue<u32>,
    limit: RwSignal<Option<u64>>,
    i18n: I18nContext<Locale>,
    /// The form's own reactive owner. An item's signals are made under it,
    /// not under whatever owner runs the submit handler: that one may be a
    /// part of the page that goes away (the form hides on submission and
    /// comes back with a request for missing items) while `items` still
    /// holds the item.
    owner: StoredValue<Owner>,
}

impl Uploads {
    fn new(room: RoomContext) -> Uploads {
        Uploads {
            items: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            limit: room.upload_limit,
            i18n: use_i18n(),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// Queues `files` and sends them one by one.
    fn start(
        self,
        room: RoomContext,
        files: Vec<web_sys::File>,
        category: DocumentCategory,
        document_id: Option<Uuid>,
    ) {
        let queued: Vec<(UploadItem, web_sys::File)> = files
            .into_iter()
            .map(|file| (self.queue(&file), file))
            .collect();
        let target = Target {
            room,
            category,
            document_id,
        };
        spawn_local(async move {
            for (item, file) in queued {
                // A file paused while it waited lets the others past; it
                // goes once resumed.
                if item.state.get_untracked() == UploadState::Paused {
                    spawn_local(self.send(target, item, file));
                    continue;
                }
                self.send(target, item, file).await;
            }
        });
    }

    fn queue(self, file: &web_sys::File) -> UploadItem {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let item = self.owner.get_value().with(|| UploadItem {
            key,
            name: file.name(),
            total: file.size(),
            sent: RwSignal::new(0.0),
            state: RwSignal::new(UploadState::Waiting),
            sending: StoredValue::new_local(None),
            rate: RwSignal::new(None),
            since: StoredValue::new((0.0, 0.0)),
            begun: StoredValue::new(false),
        });
        self.items.update(|items| items.push(item.clone()));
        item
    }

    async fn send(self, target: Target, item: UploadItem, file: web_sys::File) {
        let locale = self.i18n.get_locale_untracked();
        if !matches!(
            item.state.get_untracked(),
            UploadState::Waiting | UploadState::Paused
        ) {
            return;
        }
        if let Some(limit) = self
            .limit
            .get_untracked()
            .filter(|limit| item.total as u64 > *limit)
        {
            let name = item.name.clone();
            let size = format::bytes(locale, item.total as u64);
            let limit = format::bytes(locale, limit);
            let text = td_string!(locale, upload.too_large, name, size, limit);
            item.state.set(UploadState::Failed(text.to_string()));
            return;
        }

        item.begun.set_value(true);
        if item.state.get_untracked() == UploadState::Waiting {
            item.state.set(UploadState::Sending);
        }
        let result = send_resumable(target, &item, &file).await;
        item.sending.set_value(None);

        match result {
            Ok(_) => {
                item.sent.set(item.total);
                item.state.set(UploadState::Done);
                let name = item.name.clone();
                target
                    .room
                    .announcer
                    .announce(td_string!(locale, upload.done, name));
                target.room.reload();
            }
            Err(UploadError::Cancelled) => item.state.set(UploadState::Cancelled),
            Err(UploadError::Api(err)) => {
                item.state
                    .set(UploadState::Failed(labels::problem(locale, &err)));
            }
        }
    }

    fn view(self) -> impl IntoView {
        let i18n = self.i18n;
        view! {
            <Show when=move || !self.items.with(Vec::is_empty)>
                <ul class="uploads" aria-label=move || t_string!(i18n, upload.list_label)>
                    <For each=move || self.items.get() key=|item| item.key let:item>
                        <UploadRow item/>
                    </For>
                </ul>
            </Show>
        }
    }
}

/// Where the files of one form go.
#[derive(Debug, Clone, Copy)]
struct Target {
    room: RoomContext,
    category: DocumentCategory,
    /// Set when the files are new versions of this document.
    document_id: Option<Uuid>,
}

/// The longest pause between two tries after the connection broke.
const MAX_BACKOFF_SECONDS: u32 = 30;

/// Sends `file` as a resumable upload: starts it (or finds it begun), sends
/// the slices the server has not acknowledged, and completes it. Network
/// failures are retried with growing pauses; the person may pause, resume
/// or cancel in between (through `item.state`).
async fn send_resumable(
    target: Target,
    item: &UploadItem,
    file: &web_sys::File,
) -> Result<DocumentView, UploadError> {
    let room_id = target.room.id();
    let storage_key = format!(
        "vr-upload:{room_id}:{}:{}:{}:{}:{}",
        target.category.as_str(),
        target
            .document_id
            .map(|d| d.to_string())
            .unwrap_or_default(),
        file.name(),
        file.size(),
        file.last_modified(),
    );
    let start = StartUpload {
        client_key: remembered_key(&storage_key),
        category: target.category,
        file_name: item.name.clone(),
        size_bytes: item.total as u64,
        document_id: target.document_id,
    };
    let mut upload = with_retries(item, || api::start_upload(room_id, &start)).await?;
    item.sent.set(upload.received_bytes as f64);
    item.restart_clock();

    while upload.received_bytes < upload.size_bytes {
        if !ready_to_send(item).await {
            return Err(cancel(room_id, upload.id, &storage_key).await);
        }
        let from = upload.received_bytes;
        let to = (from + upload.max_chunk_bytes).min(upload.size_bytes);
        let slice = file
            .slice_with_f64_and_f64(from as f64, to as f64)
            .map_err(|_| UploadError::Api(api::ApiError::Unexpected(0)))?;
        let url = api::chunk_url(room_id, upload.id, from);
        let sending = item.sending;
        let on_start = move |request| sending.set_value(Some(request));
        let progress_item = item.clone();
        let on_progress = move |done: f64| progress_item.progress(from as f64 + done);
        match upload::send_chunk(&url, &slice, on_start, on_progress).await {
            Ok(now) => {
                item.sending.set_value(None);
                upload = now;
                item.progress(upload.received_bytes as f64);
            }
            // Paused or cancelled: the loop's next turn decides.
            Err(UploadError::Cancelled) => item.sending.set_value(None),
            Err(UploadError::Api(api::ApiError::Network)) => {
                item.sending.set_value(None);
                if !wait_offline(item, &mut 0).await {
                    return Err(cancel(room_id, upload.id, &storage_key).await);
                }
                upload = with_retries(item, || api::get_upload(room_id, upload.id)).await?;
                item.sent.set(upload.received_bytes as f64);
                item.restart_clock();
            }
            // Another request got there first (a retry racing its original).
            Err(UploadError::Api(api::ApiError::Problem(problem)))
                if problem.code == "upload_offset_mismatch" =>
            {
                upload = with_retries(item, || api::get_upload(room_id, upload.id)).await?;
            }
            Err(err) => {
                forget_key(&storage_key);
                return Err(err);
            }
        }
    }

    item.state.set(UploadState::Finishing);
    let document = with_retries(item, || api::complete_upload(room_id, upload.id)).await;
    forget_key(&storage_key);
    document
}

/// Calls `request` until it reaches the server, waiting longer after each
/// failed try; a refusal is answered as it is.
async fn with_retries<T, F, Fut>(item: &UploadItem, request: F) -> Result<T, UploadError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = api::ApiResult<T>>,
{
    let mut tries = 0;
    loop {
        match request().await {
            Err(api::ApiError::Network) => {
                if !wait_offline(item, &mut tries).await {
                    return Err(UploadError::Cancelled);
                }
            }
            other => return other.map_err(UploadError::Api),
        }
    }
}

/// Shows the countdown to the next try (1, 2, 4 … 30 seconds); `false` if
/// the person cancelled meanwhile. "Try again now" ends the wait early.
async fn wait_offline(item: &UploadItem, tries: &mut u32) -> bool {
    let wait = 2u32.saturating_pow(*tries).min(MAX_BACKOFF_SECONDS);
    *tries += 1;
    if item.state.get_untracked() != UploadState::Paused {
        item.state.set(UploadState::Offline(wait));
    }
    for left in (0..wait).rev() {
        gloo_timers::future::TimeoutFuture::new(1_000).await;
        // Paused, cancelled or "try again now" in the meantime: stop counting.
        if left == 0 || !matches!(item.state.get_untracked(), UploadState::Offline(_)) {
            break;
        }
        item.state.set(UploadState::Offline(left));
    }
    if matches!(item.state.get_untracked(), UploadState::Offline(_)) {
        item.state.set(UploadState::Sending);
    }
    ready_to_send(item).await
}

/// Waits while the file is paused; `false` once it is cancelled.
async fn ready_to_send(item: &UploadItem) -> bool {
    let mut waited = false;
    loop {
        match item.state.get_untracked() {
            UploadState::Paused => {
                waited = true;
                gloo_timers::future::TimeoutFuture::new(250).await;
            }
            UploadState::Cancelled => return false,
            UploadState::Sending if !waited => return true,
            _ => {
                // Back from a pause: the speed counts from now.
                item.state.set(UploadState::Sending);
                item.restart_clock();
                return true;
            }
        }
    }
}

/// Removes a cancelled upload's parts from the server (best effort: the
/// server's sweep removes what this cannot reach).
async fn cancel(room_id: Uuid, upload_id: Uuid, storage_key: &str) -> UploadError {
    forget_key(storage_key);
    let _ = api::cancel_upload(room_id, upload_id).await;
    UploadError::Cancelled
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The upload key this browser uses for the file, so that choosing it again
/// after a reload goes on where it stood.
fn remembered_key(storage_key: &str) -> Uuid {
    let storage = local_storage();
    let known = storage
        .as_ref()
        .and_then(|s| s.get_item(storage_key).ok().flatten())
        .and_then(|key| key.parse().ok());
    known.unwrap_or_else(|| {
        let key = api::random_key();
        if let Some(storage) = storage {
            let _ = storage.set_item(storage_key, &key.to_string());
        }
        key
    })
}

fn forget_key(storage_key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(storage_key);
    }
}

/// A file's name, a labelled progress bar, the numbers and speed in words,
/// and buttons to pause, resume, retry or cancel it while it is not done.
#[component]
fn UploadRow(item: UploadItem) -> impl IntoView {
    let i18n = use_i18n();
    let (total, sent, state, rate) = (item.total, item.sent, item.state, item.rate);
    let name = StoredValue::new(item.name.clone());
    let label = move || t_string!(i18n, upload.progress_label, name = name.get_value()).to_string();
    let numbers = move || {
        let locale = i18n.get_locale();
        let percent = format::percent(sent.get(), total);
        let done = format::bytes(locale, sent.get() as u64);
        let total = format::bytes(locale, total as u64);
        t_string!(i18n, upload.progress, percent, done, total).to_string()
    };
    let speed = move || {
        let rate = rate.get().filter(|r| *r > 0.0)?;
        if state.get() != UploadState::Sending {
            return None;
        }
        let locale = i18n.get_locale();
        let speed = format::bytes(locale, rate as u64);
        let seconds = ((total - sent.get()) / rate).ceil() as u64;
        let left = match seconds {
            s if s < 60 => td_string!(locale, upload.seconds, count = s).to_string(),
            s if s < 3600 => td_string!(locale, upload.minutes, count = s.div_ceil(60)).to_string(),
            s => td_string!(locale, upload.hours, count = s.div_ceil(3600)).to_string(),
        };
        Some(t_string!(i18n, upload.speed, speed, left).to_string())
    };
    let outcome = move || match state.get() {
        UploadState::Waiting => {
            Some(view! { <span class="meta">{t!(i18n, upload.waiting)}</span> }.into_any())
        }
        UploadState::Sending => None,
        UploadState::Paused => {
            Some(view! { <span class="meta">{t!(i18n, upload.paused)}</span> }.into_any())
        }
        UploadState::Offline(seconds) => Some(
            view! { <span class="message warning">{t!(i18n, upload.offline, seconds)}</span> }
                .into_any(),
        ),
        UploadState::Finishing => {
            Some(view! { <span class="meta">{t!(i18n, upload.finishing)}</span> }.into_any())
        }
        UploadState::Done => {
            let done = t_string!(i18n, upload.done, name = name.get_value()).to_string();
            Some(view! { <span class="ok">"✓ " {done}</span> }.into_any())
        }
        UploadState::Cancelled => {
            Some(view! { <span class="meta">{t!(i18n, upload.cancelled)}</span> }.into_any())
        }
        UploadState::Failed(text) => {
            Some(view! { <span class="message error" role="alert">{text}</span> }.into_any())
        }
    };
    let failed = move || matches!(state.get(), UploadState::Failed(_));
    let pausable = move || state.with(|s| matches!(s, UploadState::Waiting | UploadState::Sending));
    let paused = move || state.with(|s| *s == UploadState::Paused);
    let offline = move || state.with(|s| matches!(s, UploadState::Offline(_)));
    let active = move || state.with(UploadState::is_active);
    let file = move || name.get_value();
    let pause_label = move || t_string!(i18n, upload.pause_label, name = file()).to_string();
    let resume_label = move || t_string!(i18n, upload.resume_label, name = file()).to_string();
    let retry_label = move || t_string!(i18n, upload.retry_label, name = file()).to_string();
    let cancel_label = move || t_string!(i18n, upload.cancel_label, name = file()).to_string();
    let stored = StoredValue::new_local(item.clone());
    let on = move |act: fn(&UploadItem)| move |_| stored.with_value(act);

    view! {
        <li class="upload" class:failed=failed>
            <span class="file-name">{file}</span>
            <Show when=move || !failed()>
                <progress max=total value=move || sent.get() aria-label=label></progress>
                <span class="numbers">{numbers}</span>
                <span class="numbers">{speed}</span>
            </Show>
            {outcome}
            <Show when=pausable>
                <button type="button" class="secondary small" aria-label=pause_label
                    on:click=on(UploadItem::pause)>
                    {t!(i18n, upload.pause)}
                </button>
            </Show>
            <Show when=paused>
                <button type="button" class="small" aria-label=resume_label
                    on:click=on(UploadItem::resume)>
                    {t!(i18n, upload.resume)}
                </button>
            </Show>
            <Show when=offline>
                <button type="button" class="secondary small" aria-label=retry_label
                    on:click=on(UploadItem::resume)>
                    {t!(i18n, upload.retry)}
                </button>
            </Show>
            <Show when=active>
                <button type="button" class="secondary small" aria-label=cancel_label
                    on:click=on(UploadItem::cancel)>
                    {t!(i18n, upload.cancel)}
                </button>
            </Show>
        </li>
    }
}
