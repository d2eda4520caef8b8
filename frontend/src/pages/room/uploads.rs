//! The upload form, the new-version form, and the list of files on their
//! way with a progress bar each.
//!
//! Files go one after another (a plan set shares one connection better than
//! it splits it) through `upload::send_file`, which streams the `File`.
//! Files above the server's limit are refused before a byte is sent; each
//! file can be cancelled while it waits or is sent.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use shared::{DocumentCategory, RoomAction, UploadQuery};
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

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        // The choice may stem from before the room changed hands (the
        // options differ for the office): a stale one falls back.
        let office = room
            .view
            .with_untracked(|r| r.allowed.contains(&RoomAction::UploadNotice));
        let chosen =
            DocumentCategory::parse(&category.get_untracked()).filter(|c| c.is_office() == office);
        let fallback = match office {
            true => DocumentCategory::Notice,
            false => DocumentCategory::Other,
        };
        uploads.start(room, input, chosen.unwrap_or(fallback), None);
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
                    <div class="field">
                        <label for="upload-files">{t!(i18n, upload.files)}</label>
                        <p class="hint" id="upload-files-hint">{limit_hint}</p>
                        <input id="upload-files" type="file" multiple required node_ref=input
                            aria-describedby="upload-files-hint"/>
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
        uploads.start(room, input, category, Some(document_id));
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
    /// The request while it runs, to cancel it (browser objects stay local).
    sending: StoredValue<Option<Sending>, LocalStorage>,
}

#[derive(Debug, Clone, PartialEq)]
enum UploadState {
    Waiting,
    Sending,
    Done,
    Cancelled,
    /// Refused here (too large) or by the server, with the words to show.
    Failed(String),
}

impl UploadItem {
    fn cancel(&self) {
        match self.state.get_untracked() {
            UploadState::Waiting => self.state.set(UploadState::Cancelled),
            UploadState::Sending => {
                // The request's abort handler then marks it cancelled.
                self.sending
                    .with_value(|sending| sending.as_ref().map(Sending::cancel));
            }
            _ => {}
        }
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

    /// Queues the files chosen in `input` and sends them one by one.
    fn start(
        self,
        room: RoomContext,
        input: NodeRef<html::Input>,
        category: DocumentCategory,
        document_id: Option<Uuid>,
    ) {
        let Some(input) = input.get_untracked() else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        // Clearing the input lets the same file be chosen again.
        input.set_value("");

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
        });
        self.items.update(|items| items.push(item.clone()));
        item
    }

    async fn send(self, target: Target, item: UploadItem, file: web_sys::File) {
        let locale = self.i18n.get_locale_untracked();
        if item.state.get_untracked() != UploadState::Waiting {
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

        item.state.set(UploadState::Sending);
        let query = UploadQuery {
            category: target.category,
            file_name: item.name.clone(),
            document_id: target.document_id,
        };
        let url = api::upload_url(target.room.id(), &query);
        let (sent, sending) = (item.sent, item.sending);
        let started = move |request| sending.set_value(Some(request));
        let result = upload::send_file(&url, &file, started, move |done| sent.set(done)).await;
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

/// A file's name, a labelled progress bar, the numbers in words, and a
/// button to cancel it while it is not done.
#[component]
fn UploadRow(item: UploadItem) -> impl IntoView {
    let i18n = use_i18n();
    let (total, sent, state) = (item.total, item.sent, item.state);
    let name = StoredValue::new(item.name.clone());
    let label = move || t_string!(i18n, upload.progress_label, name = name.get_value()).to_string();
    let numbers = move || {
        let locale = i18n.get_locale();
        let percent = format::percent(sent.get(), total);
        let done = format::bytes(locale, sent.get() as u64);
        let total = format::bytes(locale, total as u64);
        t_string!(i18n, upload.progress, percent, done, total).to_string()
    };
    let outcome = move || match state.get() {
        UploadState::Waiting => {
            Some(view! { <span class="meta">{t!(i18n, upload.waiting)}</span> }.into_any())
        }
        UploadState::Sending => None,
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
    let cancellable = move || matches!(state.get(), UploadState::Waiting | UploadState::Sending);
    let cancel_label =
        move || t_string!(i18n, upload.cancel_label, name = name.get_value()).to_string();
    let cancel = {
        let item = item.clone();
        move |_| item.cancel()
    };

    view! {
        <li class="upload" class:failed=failed>
            <span class="file-name">{item.name.clone()}</span>
            <Show when=move || !failed()>
                <progress max=total value=move || sent.get() aria-label=label></progress>
                <span class="numbers">{numbers}</span>
            </Show>
            {outcome}
            <Show when=cancellable>
                <button type="button" class="secondary small" aria-label=cancel_label on:click=cancel.clone()>
                    {t!(i18n, upload.cancel)}
                </button>
            </Show>
        </li>
    }
}
