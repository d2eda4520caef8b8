//! `/queue`: the caseworker's open cases, the one whose next deadline ends
//! soonest first, with filters by status, overdue and "mine".

use leptos::prelude::*;
use leptos_router::components::A;
use shared::{QueueItem, RoomStatus};

use crate::api;
use crate::components::{ErrorMessage, Loading, RequireLogin, page_title};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::pages::rooms::StatusBadge;
use crate::session::{use_session, works_in_office};

#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    page_title(move || t_string!(i18n, title.queue).to_string());
    let is_caseworker = move || session.me().is_some_and(|me| works_in_office(&me));
    view! {
        <h1>{t!(i18n, queue.heading)}</h1>
        <p>{t!(i18n, queue.intro)}</p>
        <RequireLogin>
            <Show when=is_caseworker fallback=move || view! { <p>{t!(i18n, queue.not_caseworker)}</p> }>
                <QueueList/>
            </Show>
        </RequireLogin>
    }
}

/// The statuses a case in the queue can have.
const OPEN_STATUSES: [RoomStatus; 6] = [
    RoomStatus::Submitted,
    RoomStatus::CompletenessCheck,
    RoomStatus::AwaitingApplicant,
    RoomStatus::InReview,
    RoomStatus::Decided,
    RoomStatus::Delivered,
];

#[component]
fn QueueList() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(String::new());
    let overdue = RwSignal::new(false);
    let mine = RwSignal::new(false);
    let queue = LocalResource::new(move || {
        let status = RoomStatus::parse(&status.get());
        api::list_queue(status, overdue.get(), mine.get())
    });
    let status_options = move || {
        let locale = i18n.get_locale();
        OPEN_STATUSES
            .into_iter()
            .map(|s| {
                let selected = move || status.with(|chosen| chosen == s.as_str());
                view! { <option value=s.as_str() selected=selected>{labels::status(locale, s)}</option> }
            })
            .collect_view()
    };
    let list = move || match queue.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(items)) if items.is_empty() => view! { <p>{t!(i18n, queue.empty)}</p> }.into_any(),
        Some(Ok(items)) => view! { <QueueTable items/> }.into_any(),
    };
    view! {
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="queue-status">{t!(i18n, queue.filter_status)}</label>
                <select id="queue-status" bind:value=status>
                    <option value="">{t!(i18n, queue.all_statuses)}</option>
                    {status_options}
                </select>
            </div>
            <div class="check">
                <input type="checkbox" id="queue-overdue" bind:checked=overdue/>
                <label for="queue-overdue">{t!(i18n, queue.filter_overdue)}</label>
            </div>
            <div class="check">
                <input type="checkbox" id="queue-mine" bind:checked=mine/>
                <label for="queue-mine">{t!(i18n, queue.filter_mine)}</label>
            </div>
        </form>
        {list}
    }
}

#[component]
fn QueueTable(items: Vec<QueueItem>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        let locale = i18n.get_locale();
        items
            .iter()
            .map(|item| {
                let room = &item.room;
                let submitted = room.submitted_at.map(|at| format::date_time(locale, &at));
                let title = room.title.clone();
                let next = room.deadlines.first().map(|d| {
                    let date = format::date(locale, &d.due_date);
                    let what = labels::deadline(locale, d);
                    (d.overdue, format!("{date} · {what}"))
                });
                let late = next.as_ref().is_some_and(|n| n.0);
                let assigned = item.assigned_to.as_ref().map(|a| a.display_name.clone());
                view! {
                    <tr>
                        <td class="case-number">{room.case_number.clone().unwrap_or_default()}</td>
                        <th scope="row"><A href=format!("/rooms/{}", room.id)>{title}</A></th>
                        <td>{room.site_address.clone()}</td>
                        <td>{item.builder_name.clone().unwrap_or_default()}</td>
                        <td>{submitted.unwrap_or_default()}</td>
                        <td><StatusBadge locale status=room.status/></td>
                        <td class:overdue=late>
                            {next.map(|(overdue, text)| view! {
                                {text}
                                {overdue.then(|| view! {
                                    " " <span class="tag tag-missing">{t!(i18n, deadline.overdue)}</span>
                                })}
                            })}
                        </td>
                        <td>{assigned.unwrap_or_default()}</td>
                        <td class="number">{item.document_count}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">{t!(i18n, queue.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, queue.col_case_number)}</th>
                        <th scope="col">{t!(i18n, queue.col_title)}</th>
                        <th scope="col">{t!(i18n, queue.col_address)}</th>
                        <th scope="col">{t!(i18n, queue.col_builder)}</th>
                        <th scope="col">{t!(i18n, queue.col_submitted)}</th>
                        <th scope="col">{t!(i18n, queue.col_status)}</th>
                        <th scope="col">{t!(i18n, queue.deadline)}</th>
                        <th scope="col">{t!(i18n, queue.assigned)}</th>
                        <th scope="col">{t!(i18n, queue.col_documents)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
