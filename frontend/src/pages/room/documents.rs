//! The room's documents, grouped by category with every version, and the
//! upload form with a progress bar per file.
//!
//! Files go one after another (a plan set shares one connection better than
//! it splits it) through `upload::send_file`, which streams the `File`.
//! Files above the server's limit are refused before a byte is sent.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use shared::{DocumentCategory, DocumentView, RoomAction, UploadQuery};
use uuid::Uuid;

use super::{RoomContext, use_room};
use crate::api;
use crate::format;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::labels;
use crate::upload;

#[component]
pub fn Documents() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    // Categories that have documents or that the checklist asks for, in
    // the checklist's usual order.
    let groups = move || {
        room.view.with(|r| {
            DocumentCategory::ALL
                .into_iter()
                .filter_map(|category| {
                    let documents: Vec<DocumentView> = r
                        .documents
                        .iter()
                        .filter(|d| d.category == category)
                        .cloned()
                        .collect();
                    let required = r.procedure_type.required_categories.contains(&category);
                    (required || !documents.is_empty()).then_some((category, required, documents))
                })
                .collect::<Vec<_>>()
        })
    };
    let nothing_yet = move || room.view.with(|r| r.documents.is_empty());

    view! {
        <section class="card" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{t!(i18n, documents.heading)}</h2>
            <Show when=nothing_yet>
                <p>{t!(i18n, documents.empty)}</p>
            </Show>
            {move || {
                groups()
                    .into_iter()
                    .map(|(category, required, documents)| {
                        view! { <CategoryGroup category required documents/> }
                    })
                    .collect_view()
            }}
        </section>
    }
}

#[component]
fn CategoryGroup(
    category: DocumentCategory,
    required: bool,
    documents: Vec<DocumentView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let missing = required && documents.is_empty();
    view! {
        <div class="category" class:missing=missing>
            <h3>
                {move || labels::category(i18n.get_locale(), category)}
                {required.then(|| view! { <span class="tag">{t!(i18n, documents.required)}</span> })}
                {missing.then(|| view! { <span class="tag tag-missing">{t!(i18n, documents.missing)}</span> })}
            </h3>
            <ul class="documents">
                {documents.into_iter().map(|document| view! { <Document document/> }).collect_view()}
            </ul>
        </div>
    }
}

/// One document: its versions, newest first, each with a download link.
#[component]
fn Document(document: DocumentView) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let latest = document
        .versions
        .last()
        .map(|v| v.file_name.clone())
        .unwrap_or_default();
    let versions = document.versions.clone();
    let rows = move || {
        let locale = i18n.get_locale();
        versions
            .iter()
            .rev()
            .map(|v| {
                let version = v.version;
                let size = format::bytes(locale, v.size_bytes);
                let date = format::date_time(locale, &v.uploaded_at);
                let uploader = v.uploaded_by.display_name.clone();
                view! {
                    <li>
                        <span class="version">{t_string!(i18n, documents.version, version)}</span>
                        <a href=v.download_url.clone() download=v.file_name.clone()>{v.file_name.clone()}</a>
                        <span class="meta">
                            {size} " · " {t_string!(i18n, documents.uploaded_by, name = uploader, date)}
                        </span>
                    </li>
                }
            })
            .collect_view()
    };
    let document_id = document.id;
    let category = document.category;
    view! {
        <li class="document">
            <p class="document-name">{latest.clone()}</p>
            <ol class="versions">{rows}</ol>
            <Show when=move || room.allows(RoomAction::Upload)>
                <NewVersion document_id category name=latest.clone()/>
            </Show>
        </li>
    }
}

/// A disclosure with a file input that adds a version to one document.
#[component]
fn NewVersion(document_id: Uuid, category: DocumentCategory, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let uploads = Uploads::new();
    let input = NodeRef::<html::Input>::new();
    let input_id = format!("new-version-{document_id}");
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        uploads.start(room, input, category, Some(document_id));
    };
    let label_name = name.clone();
    view! {
        <details class="new-version">
            <summary>{t!(i18n, documents.new_version_submit)}</summary>
            <form on:submit=submit class="stack">
                <div class="field">
                    <label for=input_id.clone()>
                        {move || t_string!(i18n, documents.new_version, name = label_name.clone())}
                    </label>
                    <input id=input_id.clone() type="file" node_ref=input required/>
                </div>
                <button type="submit" class="secondary">{t!(i18n, upload.submit)}</button>
            </form>
            {uploads.view()}
        </details>
    }
}

#[component]
pub fn UploadForm() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let uploads = Uploads::new();
    let input = NodeRef::<html::Input>::new();
    let category = RwSignal::new(first_missing(room).as_str().to_owned());

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let category = DocumentCategory::parse(&category.get_untracked());
        uploads.start(
            room,
            input,
            category.unwrap_or(DocumentCategory::Other),
            None,
        );
    };
    let limit_hint = move || {
        let locale = i18n.get_locale();
        let limit = uploads
            .limit
            .get()
            .map(|limit| format::bytes(locale, limit));
        limit.map(|limit| t_string!(i18n, upload.files_hint, limit).to_string())
    };
    let options = move || {
        let locale = i18n.get_locale();
        DocumentCategory::ALL
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
        <Show when=move || room.allows(RoomAction::Upload)>
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

/// The first category the checklist asks for that has no document yet: the
/// likeliest next upload.
fn first_missing(room: RoomContext) -> DocumentCategory {
    room.view.with_untracked(|r| {
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
}

#[derive(Debug, Clone, PartialEq)]
enum UploadState {
    Waiting,
    Sending,
    Done,
    /// Refused here (too large) or by the server, with the words to show.
    Failed(String),
}

/// The uploads one form started, and the server's size limit.
#[derive(Debug, Clone, Copy)]
struct Uploads {
    items: RwSignal<Vec<UploadItem>>,
    next_key: StoredValue<u32>,
    limit: RwSignal<Option<u64>>,
    i18n: I18nContext<Locale>,
}

impl Uploads {
    fn new() -> Uploads {
        let limit = RwSignal::new(None);
        spawn_local(async move {
            // Without the limit we send anyway; the server refuses with 413.
            if let Ok(config) = api::client_config().await {
                limit.set(Some(config.max_upload_bytes));
            }
        });
        Uploads {
            items: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            limit,
            i18n: use_i18n(),
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
        let locale = self.i18n.get_locale_untracked();

        let queued: Vec<(UploadItem, web_sys::File)> = files
            .into_iter()
            .map(|file| (self.queue(&file), file))
            .collect();
        spawn_local(async move {
            for (item, file) in queued {
                self.send(room, locale, item, file, category, document_id)
                    .await;
            }
        });
    }

    fn queue(self, file: &web_sys::File) -> UploadItem {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let item = UploadItem {
            key,
            name: file.name(),
            total: file.size(),
            sent: RwSignal::new(0.0),
            state: RwSignal::new(UploadState::Waiting),
        };
        self.items.update(|items| items.push(item.clone()));
        item
    }

    async fn send(
        self,
        room: RoomContext,
        locale: Locale,
        item: UploadItem,
        file: web_sys::File,
        category: DocumentCategory,
        document_id: Option<Uuid>,
    ) {
        if let Some(limit) = self
            .limit
            .get_untracked()
            .filter(|limit| item.total as u64 > *limit)
        {
            let size = format::bytes(locale, item.total as u64);
            let limit = format::bytes(locale, limit);
            let name = item.name.clone();
            let text = crate::i18n::td_string!(locale, upload.too_large, name, size, limit);
            item.state.set(UploadState::Failed(text.to_string()));
            return;
        }

        item.state.set(UploadState::Sending);
        let query = UploadQuery {
            category,
            file_name: item.name.clone(),
            document_id,
        };
        let url = api::upload_url(room.id(), &query);
        let sent = item.sent;
        match upload::send_file(&url, &file, move |done, _total| sent.set(done)).await {
            Ok(_) => {
                item.sent.set(item.total);
                item.state.set(UploadState::Done);
                let name = item.name.clone();
                room.announcer
                    .announce(crate::i18n::td_string!(locale, upload.done, name));
                room.reload();
            }
            Err(err) => item
                .state
                .set(UploadState::Failed(labels::problem(locale, &err))),
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

/// A file's name, a labelled progress bar, and the numbers in words.
#[component]
fn UploadRow(item: UploadItem) -> impl IntoView {
    let i18n = use_i18n();
    let total = item.total;
    let sent = item.sent;
    let name = item.name.clone();
    let label = move || t_string!(i18n, upload.progress_label, name = name.clone()).to_string();
    let numbers = move || {
        let locale = i18n.get_locale();
        let percent = format::percent(sent.get(), total);
        let done = format::bytes(locale, sent.get() as u64);
        let total = format::bytes(locale, total as u64);
        t_string!(i18n, upload.progress, percent, done, total).to_string()
    };
    let state = item.state;
    let done_name = item.name.clone();
    let outcome = move || {
        match state.get() {
        UploadState::Waiting => Some(view! { <span class="meta">{t!(i18n, upload.waiting)}</span> }.into_any()),
        UploadState::Sending => None,
        UploadState::Done => Some(view! { <span class="ok">"✓ " {t_string!(i18n, upload.done, name = done_name.clone())}</span> }.into_any()),
        UploadState::Failed(text) => Some(view! { <span class="message error" role="alert">{text}</span> }.into_any()),
    }
    };
    let failed = move || matches!(state.get(), UploadState::Failed(_));

    view! {
        <li class="upload" class:failed=failed>
            <span class="file-name">{item.name.clone()}</span>
            <Show when=move || !failed()>
                <progress max=total value=move || sent.get() aria-label=label.clone()></progress>
                <span class="numbers">{numbers}</span>
            </Show>
            {outcome}
        </li>
    }
}
