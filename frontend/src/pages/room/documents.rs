//! The room's documents, grouped by category with every version, each with
//! a way to add a new version (see `uploads.rs` for the sending).

use leptos::prelude::*;
use shared::{ApplicantAction, DocumentCategory, DocumentView, RoomAction};

use super::uploads::NewVersion;
use super::use_room;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;

#[component]
pub fn Documents() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    // Categories that have documents or that the checklist asks for, in
    // the checklist's usual order.
    let groups = move || {
        room.view.with(|r| {
            DocumentCategory::APPLICATION
                .into_iter()
                .chain(DocumentCategory::OFFICE)
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
                {required
                    .then(|| view! { <span class="tag">{t!(i18n, documents.required)}</span> })}
                {missing.then(|| {
                    view! { <span class="tag tag-missing">{t!(i18n, documents.missing)}</span> }
                })}
            </h3>
            <ul class="documents">
                {documents
                    .into_iter()
                    .map(|document| view! { <Document document/> })
                    .collect_view()}
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
    // The office may keep its notices from an applicant whose identity is
    // not confirmed; the decision says how to get them.
    let withheld = move || {
        document.category.is_office() && room.needs_identity_for(ApplicantAction::RetrieveNotice)
    };
    let rows = move || {
        let locale = i18n.get_locale();
        let withheld = withheld();
        versions
            .iter()
            .rev()
            .map(|v| {
                let version = v.version;
                let size = format::bytes(locale, v.size_bytes);
                let date = format::date_time(locale, &v.uploaded_at);
                let uploader = v.uploaded_by.display_name.clone();
                let by = t_string!(i18n, documents.uploaded_by, name = uploader, date);
                view! {
                    <li>
                        <span class="version">{t_string!(i18n, documents.version, version)}</span>
                        {if withheld {
                            view! {
                                {v.file_name.clone()}
                                <span class="meta">
                                    {size} " · " {by} " · " {t!(i18n, documents.identity_needed)}
                                </span>
                            }
                            .into_any()
                        } else {
                            view! {
                                <a href=v.download_url.clone() download=v.file_name.clone()>
                                    {v.file_name.clone()}
                                </a>
                                <span class="meta">{size} " · " {by}</span>
                                <Preview version=v.clone()/>
                            }
                            .into_any()
                        }}
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
            <Show when=move || room.allows(upload_action(category))>
                <NewVersion document_id category name=latest.clone()/>
            </Show>
        </li>
    }
}

/// The action that adds a version to a document of this category: the
/// notice and fee notice are the office's, the rest the applicants'.
pub(super) fn upload_action(category: DocumentCategory) -> RoomAction {
    match category.is_office() {
        true => RoomAction::UploadNotice,
        false => RoomAction::Upload,
    }
}

/// A look at a PDF or an image without saving it: the browser's own viewer
/// in a new tab, and for images a picture on demand. The server sends these
/// with a sandboxing CSP, so nothing in them runs as a page of this site; it
/// never decodes an image itself, so a 50,000 × 40,000 pixel scan costs the
/// server no more than its bytes. Other types only download.
#[component]
fn Preview(version: shared::DocumentVersionView) -> impl IntoView {
    let i18n = use_i18n();
    let image = version.media_type.starts_with("image/");
    let viewable = image || version.media_type == "application/pdf";
    let inline_url = format!("{}?inline=true", version.download_url);
    let name = StoredValue::new(version.file_name.clone());
    let open_label =
        move || t_string!(i18n, documents.open_inline_label, name = name.get_value()).to_string();
    let alt = move || t_string!(i18n, documents.preview_image_alt, name = name.get_value());
    let picture = image.then(|| {
        let src = inline_url.clone();
        view! {
            <details class="preview">
                <summary>{t!(i18n, documents.preview)}</summary>
                <img src=src loading="lazy" alt=move || alt().to_string()/>
            </details>
        }
    });
    viewable.then(|| {
        view! {
            <a class="preview-link" href=inline_url.clone() target="_blank" rel="noopener"
                aria-label=open_label>
                {t!(i18n, documents.open_inline)}
            </a>
            {picture}
        }
    })
}
