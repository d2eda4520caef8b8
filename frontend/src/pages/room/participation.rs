//! Participation: the caseworker asks consulted bodies for statements; each
//! body sees its own request, reads the shared documents and answers; the
//! caseworker grants more time, withdraws, reopens and releases.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{
    BodyView, DocumentVersionView, ExtensionRequest, RequestAction, RequestStatus, RoomAction,
    RoomRole, StatementRequestView, StatementRequestsCreate, StatementSubmit, StatementView,
    Verdict,
};
use uuid::Uuid;
use web_sys::File;

use super::procedure::lines;
use super::use_room;
use crate::api::{self, ApiError};
use crate::components::ErrorMessage;
use crate::format;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::labels;
use crate::upload::{self, UploadError};

#[component]
pub fn Participation() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    // A body that opens its request has read it: recorded once, by the server.
    Effect::new(move || {
        let unread: Vec<Uuid> = room.view.with(|r| match r.my_role {
            RoomRole::ConsultedBody => r
                .statement_requests
                .iter()
                .filter(|q| q.status == RequestStatus::Open)
                .map(|q| q.id)
                .collect(),
            _ => Vec::new(),
        });
        let room_id = room.view.with_untracked(|r| r.id);
        for request_id in unread {
            spawn_local(async move {
                if let Ok(view) = api::mark_request_read(room_id, request_id).await {
                    room.show(view);
                }
            });
        }
    });
    let requests = move || {
        room.view
            .with(|r| r.statement_requests.clone())
            .into_iter()
            .map(|request| view! { <Request request/> })
            .collect_view()
    };
    let shown = move || {
        room.view.with(|r| !r.statement_requests.is_empty())
            || room.allows(RoomAction::RequestStatements)
    };
    view! {
        <Show when=shown>
            <section class="card" aria-labelledby="participation-heading">
                <h2 id="participation-heading">{t!(i18n, participation.heading)}</h2>
                <Show when=move || room.view.with(|r| r.statement_requests.is_empty())>
                    <p>{t!(i18n, participation.none)}</p>
                </Show>
                <ul class="requests">{requests}</ul>
                <Show when=move || room.allows(RoomAction::RequestStatements)>
                    <AskForm/>
                </Show>
            </section>
        </Show>
    }
}

/// The caseworker's form: which bodies, the question, the documents shared.
#[component]
fn AskForm() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let bodies = RwSignal::new(Vec::<BodyView>::new());
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let shared_documents = RwSignal::new(Vec::<Uuid>::new());
    let question = RwSignal::new(String::new());
    let room_id = room.view.with_untracked(|r| r.id);
    spawn_local(async move {
        match api::list_bodies(room_id).await {
            Ok(list) => bodies.set(list),
            Err(err) => error.set(Some(err)),
        }
    });

    let send = move |event: SubmitEvent| {
        event.prevent_default();
        let request = StatementRequestsCreate {
            body_ids: chosen.get_untracked(),
            question: question.get_untracked(),
            document_ids: shared_documents.get_untracked(),
        };
        let done = t_string!(i18n, participation.asked).to_string();
        room.run_action(
            busy,
            error,
            done,
            "participation-heading",
            move |id| async move { api::request_statements(id, &request).await },
        );
    };
    let body_boxes = move || {
        bodies
            .get()
            .into_iter()
            .map(|body| {
                let id = format!("ask-body-{}", body.id);
                let body_id = body.id;
                view! {
                    <li>
                        <input type="checkbox" id=id.clone()
                            on:change=move |ev| toggle(chosen, body_id, event_target_checked(&ev))/>
                        <label for=id>{body.name}</label>
                    </li>
                }
            })
            .collect_view()
    };
    let document_boxes =
        move || {
            let locale = i18n.get_locale();
            room.view.with(|r| {
                r.documents
                .iter()
                .filter(|d| !d.category.is_office())
                .map(|d| {
                    let id = format!("ask-doc-{}", d.id);
                    let document_id = d.id;
                    let name = d.versions.last().map(|v| v.file_name.clone()).unwrap_or_default();
                    let category = labels::category(locale, d.category);
                    view! {
                        <li>
                            <input type="checkbox" id=id.clone()
                                on:change=move |ev| {
                                    toggle(shared_documents, document_id, event_target_checked(&ev))
                                }/>
                            <label for=id>{category} ": " {name}</label>
                        </li>
                    }
                })
                .collect_view()
            })
        };
    view! {
        <form on:submit=send class="stack" aria-labelledby="ask-heading">
            <h3 id="ask-heading">{t!(i18n, participation.ask_heading)}</h3>
            <fieldset>
                <legend>{t!(i18n, participation.bodies)}</legend>
                <ul class="checklist">{body_boxes}</ul>
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, participation.documents)}</legend>
                <ul class="checklist">{document_boxes}</ul>
            </fieldset>
            <div class="field">
                <label for="ask-question">{t!(i18n, participation.question)}</label>
                <textarea id="ask-question" rows="3" required bind:value=question></textarea>
            </div>
            <ErrorMessage error/>
            <button type="submit" disabled=busy>{t!(i18n, participation.ask)}</button>
        </form>
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

/// One request: its body, status, deadline, statements and what the caller
/// may do with it.
#[component]
fn Request(request: StatementRequestView) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let reason = RwSignal::new(String::new());
    let request_id = request.id;
    let allowed = request.allowed.clone();
    let may = move |action: RequestAction| allowed.contains(&action);

    let simple = move |action: RequestAction, done: String| {
        let reason = reason.get_untracked();
        room.run_action(
            busy,
            error,
            done,
            "participation-heading",
            move |id| async move {
                match action {
                    RequestAction::GrantExtension => api::grant_extension(id, request_id).await,
                    RequestAction::Release => api::release_statement(id, request_id).await,
                    RequestAction::Withdraw => api::withdraw_request(id, request_id, reason).await,
                    _ => api::reopen_request(id, request_id, reason).await,
                }
            },
        );
    };
    let grant = move |_| {
        simple(
            RequestAction::GrantExtension,
            t_string!(i18n, participation.granted).into(),
        )
    };
    let release = move |_| {
        simple(
            RequestAction::Release,
            t_string!(i18n, participation.released).into(),
        )
    };
    let withdraw = move |_| {
        simple(
            RequestAction::Withdraw,
            t_string!(i18n, participation.request_withdrawn).into(),
        )
    };
    let reopen = move |_| {
        simple(
            RequestAction::Reopen,
            t_string!(i18n, participation.reopened).into(),
        )
    };

    let locale = i18n.get_locale_untracked();
    let heading_id = format!("request-{request_id}");
    let status = labels::request_status(locale, request.status);
    let overdue = request.status == RequestStatus::Overdue;
    let due = format::date(locale, &request.deadline.due_date);
    let asked = format::date_time(locale, &request.requested_at);
    let rule = labels::deadline_rule(locale, &request.deadline);
    let extension = request.extension.clone().map(|e| {
        t_string!(
            i18n,
            participation.extension,
            period = e.period,
            reason = e.reason
        )
        .to_string()
    });
    // The version each shared document had when asked: documents change
    // only before the review, so it is the latest one.
    let shared_names: Vec<String> = room.view.with_untracked(|r| {
        let locale = i18n.get_locale_untracked();
        r.documents
            .iter()
            .filter(|d| request.document_ids.contains(&d.id))
            .filter_map(|d| d.versions.last())
            .map(|v| {
                let version = td_string!(locale, documents.version, version = v.version);
                format!("{} ({version})", v.file_name)
            })
            .collect()
    });
    let statements = request
        .statements
        .iter()
        .cloned()
        .map(|statement| view! { <Statement statement/> })
        .collect_view();
    let needs_reason = may(RequestAction::Withdraw) || may(RequestAction::Reopen);
    let reason_id = format!("request-reason-{request_id}");

    view! {
        <li class="request" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>{request.body.name.clone()}</h3>
            <p>
                <span class="tag" class:tag-missing=overdue>{status}</span> " "
                <strong>{t_string!(i18n, deadline.due, date = due)}</strong> " · "
                <span class="meta">{t_string!(i18n, participation.requested_on, date = asked)}</span>
            </p>
            <details>
                <summary>{t!(i18n, deadline.how)}</summary>
                <p>{rule}</p>
            </details>
            {request.consent_deemed_given.then(|| view! {
                <p class="message info">{t!(i18n, participation.consent_deemed)}</p>
            })}
            <p class="question">{request.question.clone()}</p>
            {(!shared_names.is_empty()).then(|| view! {
                <p class="meta">{t!(i18n, participation.shared_documents)} ": " {shared_names.join(", ")}</p>
            })}
            {extension.map(|text| view! { <p class="meta">{text}</p> })}
            <ol class="statements">{statements}</ol>
            <ErrorMessage error/>
            <div class="buttons">
                {may(RequestAction::GrantExtension).then(|| view! {
                    <button type="button" on:click=grant disabled=busy>{t!(i18n, participation.grant)}</button>
                })}
                {may(RequestAction::Release).then(|| view! {
                    <button type="button" class="primary" on:click=release disabled=busy>
                        {t!(i18n, participation.release)}
                    </button>
                })}
            </div>
            {needs_reason.then(|| view! {
                <div class="field">
                    <label for=reason_id.clone()>{t!(i18n, check.reason)}</label>
                    <input id=reason_id.clone() bind:value=reason/>
                </div>
                <div class="buttons">
                    {may(RequestAction::Withdraw).then(|| view! {
                        <button type="button" on:click=withdraw disabled=busy>
                            {t!(i18n, participation.withdraw)}
                        </button>
                    })}
                    {may(RequestAction::Reopen).then(|| view! {
                        <button type="button" on:click=reopen disabled=busy>
                            {t!(i18n, participation.reopen)}
                        </button>
                    })}
                </div>
            })}
            {may(RequestAction::Answer).then(|| view! { <AnswerForm request_id/> })}
            {may(RequestAction::RequestExtension).then(|| view! { <ExtensionForm request_id/> })}
        </li>
    }
}

#[component]
fn Statement(statement: StatementView) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let version = statement.version;
    let replaces = statement.replaces.map(|_| version - 1);
    let date = format::date_time(locale, &statement.submitted_at);
    let conditions = statement
        .conditions
        .iter()
        .map(|c| view! { <li>{c.clone()}</li> })
        .collect_view();
    let attachments = statement
        .attachments
        .iter()
        .map(|v| attachment_link(locale, v))
        .collect_view();
    view! {
        <li class="statement">
            <p>
                <strong>{labels::verdict(locale, statement.verdict)}</strong> " · "
                {t_string!(i18n, participation.statement_version, version)}
                {replaces.map(|version| view! {
                    " (" {t_string!(i18n, participation.replaces, version)} ")"
                })}
                " · " <span class="meta">{statement.submitted_by.display_name.clone()} ", " {date}</span>
                {statement.released_at.is_none().then(|| view! {
                    " " <span class="tag">{t!(i18n, participation.not_released)}</span>
                })}
            </p>
            <p class="statement-text">{statement.text.clone()}</p>
            {(!statement.conditions.is_empty()).then(|| view! {
                <p>{t!(i18n, participation.conditions)}</p>
                <ol class="conditions">{conditions}</ol>
            })}
            {(!statement.attachments.is_empty()).then(|| view! {
                <p>{t!(i18n, participation.attachments)}</p>
                <ul class="attachments">{attachments}</ul>
            })}
        </li>
    }
}

fn attachment_link(locale: Locale, version: &DocumentVersionView) -> impl IntoView + use<> {
    let size = format::bytes(locale, version.size_bytes);
    view! {
        <li>
            <a href=version.download_url.clone() download=version.file_name.clone()>
                {version.file_name.clone()}
            </a>
            " " <span class="meta">{size}</span>
        </li>
    }
}

/// The attachment on its way: its name and the share sent, 0 to 1.
#[derive(Debug, Clone, PartialEq)]
struct Sending {
    name: String,
    share: f64,
}

/// Sends the chosen files one after another to the request; the version ids
/// the server answered, in the order chosen.
async fn send_attachments(
    room_id: Uuid,
    request_id: Uuid,
    files: Vec<File>,
    sending: RwSignal<Option<Sending>>,
) -> Result<Vec<Uuid>, ApiError> {
    let mut ids = Vec::with_capacity(files.len());
    for file in files {
        let name = file.name();
        let total = file.size().max(1.0);
        sending.set(Some(Sending {
            name: name.clone(),
            share: 0.0,
        }));
        let url = api::attachment_url(room_id, request_id, &name);
        let progress = move |sent: f64| {
            sending.update(|s| {
                if let Some(s) = s {
                    s.share = (sent / total).min(1.0);
                }
            })
        };
        let stored = upload::send_file(&url, &file, |_| {}, progress).await;
        sending.set(None);
        match stored {
            Ok(document) => ids.extend(document.versions.last().map(|v| v.id)),
            Err(UploadError::Api(err)) => return Err(err),
            Err(UploadError::Cancelled) => return Err(ApiError::Network),
        }
    }
    Ok(ids)
}

fn chosen_files(input: NodeRef<html::Input>) -> Vec<File> {
    let Some(list) = input.get_untracked().and_then(|i| i.files()) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// A member of the body answers: verdict, text, conditions, attachments.
#[component]
fn AnswerForm(request_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let verdict = RwSignal::new(Verdict::NoObjection.as_str().to_string());
    let text = RwSignal::new(String::new());
    let conditions = RwSignal::new(String::new());
    let files = NodeRef::<html::Input>::new();
    let sending = RwSignal::new(None::<Sending>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut statement = StatementSubmit {
            verdict: Verdict::parse(&verdict.get_untracked()).unwrap_or(Verdict::NoObjection),
            text: text.get_untracked(),
            conditions: lines(&conditions.get_untracked()),
            attachment_ids: Vec::new(),
        };
        let chosen = chosen_files(files);
        let done = t_string!(i18n, participation.statement_submitted).to_string();
        room.run_action(
            busy,
            error,
            done,
            "participation-heading",
            move |id| async move {
                // The files go up first; the statement then names them. A
                // file that fails stops the statement, so nothing is sent
                // without what the body meant to attach.
                statement.attachment_ids =
                    send_attachments(id, request_id, chosen, sending).await?;
                api::submit_statement(id, request_id, &statement).await
            },
        );
    };
    let progress = move || {
        sending.get().map(|s| {
            let percent = (s.share * 100.0).round() as u32;
            let label = t_string!(
                i18n,
                participation.attachment_sending,
                name = s.name,
                percent
            );
            view! {
                <p class="meta" role="status">{label.to_string()}</p>
                <progress max="1" value=s.share aria-label=label.to_string()></progress>
            }
        })
    };
    let options = move || {
        let locale = i18n.get_locale();
        Verdict::ALL
            .into_iter()
            .map(|v| {
                let selected = move || verdict.with(|chosen| chosen == v.as_str());
                view! { <option value=v.as_str() selected=selected>{labels::verdict(locale, v)}</option> }
            })
            .collect_view()
    };
    let with_conditions = move || verdict.with(|v| v == Verdict::ConsentWithConditions.as_str());
    let ids = move |name: &str| format!("answer-{name}-{request_id}");
    view! {
        <form on:submit=submit class="stack">
            <h4>{t!(i18n, participation.answer_heading)}</h4>
            <div class="field">
                <label for=ids("verdict")>{t!(i18n, participation.verdict)}</label>
                <select id=ids("verdict") bind:value=verdict>{options}</select>
            </div>
            <div class="field">
                <label for=ids("text")>{t!(i18n, participation.text)}</label>
                <textarea id=ids("text") rows="4" required bind:value=text></textarea>
            </div>
            <Show when=with_conditions>
                <div class="field">
                    <label for=ids("conditions")>{t!(i18n, participation.condition_lines)}</label>
                    <textarea id=ids("conditions") rows="3" bind:value=conditions></textarea>
                </div>
            </Show>
            <div class="field">
                <label for=ids("files")>{t!(i18n, participation.attachment_files)}</label>
                <p class="hint" id=ids("files-hint")>{t!(i18n, participation.attachment_hint)}</p>
                <input id=ids("files") type="file" multiple node_ref=files
                    accept="application/pdf,image/*" aria-describedby=ids("files-hint")/>
            </div>
            {progress}
            <ErrorMessage error/>
            <button type="submit" class="primary" disabled=busy>
                {t!(i18n, participation.submit_statement)}
            </button>
        </form>
    }
}

#[component]
fn ExtensionForm(request_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let period = RwSignal::new("2w".to_string());
    let reason = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = ExtensionRequest {
            period: period.get_untracked(),
            reason: reason.get_untracked(),
        };
        let done = t_string!(i18n, participation.extension_asked).to_string();
        room.run_action(
            busy,
            error,
            done,
            "participation-heading",
            move |id| async move { api::request_extension(id, request_id, &request).await },
        );
    };
    let ids = move |name: &str| format!("extension-{name}-{request_id}");
    view! {
        <details>
            <summary>{t!(i18n, participation.ask_extension)}</summary>
            <form on:submit=submit class="stack">
                <div class="field">
                    <label for=ids("period")>{t!(i18n, participation.extension_period)}</label>
                    <p class="hint" id=ids("period-hint")>{t!(i18n, check.period_hint)}</p>
                    <input id=ids("period") required aria-describedby=ids("period-hint")
                        bind:value=period/>
                </div>
                <div class="field">
                    <label for=ids("reason")>{t!(i18n, check.reason)}</label>
                    <input id=ids("reason") required bind:value=reason/>
                </div>
                <ErrorMessage error/>
                <button type="submit" disabled=busy>{t!(i18n, participation.ask_extension)}</button>
            </form>
        </details>
    }
}
