//! `/queue`: the caseworker's submitted applications, oldest first.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::QueueItem;

use crate::api;
use crate::components::{ErrorMessage, Loading, RequireLogin, page_title};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
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

#[component]
fn QueueList() -> impl IntoView {
    let i18n = use_i18n();
    let queue = LocalResource::new(api::list_queue);
    move || match queue.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(items)) if items.is_empty() => view! { <p>{t!(i18n, queue.empty)}</p> }.into_any(),
        Some(Ok(items)) => view! { <QueueTable items/> }.into_any(),
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
                view! {
                    <tr>
                        <td class="case-number">{room.case_number.clone().unwrap_or_default()}</td>
                        <th scope="row"><A href=format!("/rooms/{}", room.id)>{title}</A></th>
                        <td>{room.site_address.clone()}</td>
                        <td>{item.builder_name.clone().unwrap_or_default()}</td>
                        <td>{submitted.unwrap_or_default()}</td>
                        <td><StatusBadge locale status=room.status/></td>
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
                        <th scope="col">{t!(i18n, queue.col_documents)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
