//! `/inbox`: a consulted body member's open statement requests in every
//! room, the one whose deadline ends soonest first.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::InboxItem;

use crate::api;
use crate::components::{ErrorMessage, Loading, RequireLogin, page_title};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || t_string!(i18n, title.inbox).to_string());
    view! {
        <h1>{t!(i18n, inbox.heading)}</h1>
        <RequireLogin>
            <InboxList/>
        </RequireLogin>
    }
}

#[component]
fn InboxList() -> impl IntoView {
    let i18n = use_i18n();
    let inbox = LocalResource::new(api::list_inbox);
    move || match inbox.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(items)) if items.is_empty() => view! { <p>{t!(i18n, inbox.empty)}</p> }.into_any(),
        Some(Ok(items)) => view! { <InboxTable items/> }.into_any(),
    }
}

#[component]
fn InboxTable(items: Vec<InboxItem>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        let locale = i18n.get_locale();
        items
            .iter()
            .map(|item| {
                let request = &item.request;
                let due = format::date(locale, &request.deadline.due_date);
                let late = request.deadline.overdue;
                let label = match &item.case_number {
                    Some(number) => format!("{number} · {}", item.room_title),
                    None => item.room_title.clone(),
                };
                view! {
                    <tr>
                        <th scope="row"><A href=format!("/rooms/{}", item.room_id)>{label}</A></th>
                        <td>{item.site_address.clone()}</td>
                        <td>{request.body.name.clone()}</td>
                        <td class:overdue=late>{due}</td>
                        <td>{labels::request_status(locale, request.status)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">{t!(i18n, inbox.heading)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, inbox.room)}</th>
                        <th scope="col">{t!(i18n, room.site_address)}</th>
                        <th scope="col">{t!(i18n, inbox.body)}</th>
                        <th scope="col">{t!(i18n, inbox.deadline)}</th>
                        <th scope="col">{t!(i18n, inbox.status)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
