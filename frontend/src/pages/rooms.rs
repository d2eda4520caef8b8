//! `/rooms` (the applicant's rooms) and `/rooms/new` (starting one).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::{CreateRoomRequest, OfficeSummary, ProcedureTypeSummary, RoomSummary};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{ErrorMessage, Field, Loading, RequireLogin, page_title};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::labels;

#[component]
pub fn RoomsPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || t_string!(i18n, title.rooms).to_string());
    view! {
        <div class="page-heading">
            <h1>{t!(i18n, rooms.heading)}</h1>
            <A href="/rooms/new" attr:class="button">{t!(i18n, rooms.new_room)}</A>
        </div>
        <RequireLogin>
            <RoomList/>
        </RequireLogin>
    }
}

#[component]
fn RoomList() -> impl IntoView {
    let i18n = use_i18n();
    let rooms = LocalResource::new(api::list_rooms);
    move || match rooms.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(rooms)) if rooms.is_empty() => view! { <p>{t!(i18n, rooms.empty)}</p> }.into_any(),
        Some(Ok(rooms)) => view! { <RoomTable rooms/> }.into_any(),
    }
}

#[component]
fn RoomTable(rooms: Vec<RoomSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        let locale = i18n.get_locale();
        rooms
            .iter()
            .map(|room| {
                let title = room.title.clone();
                view! {
                    <tr>
                        <th scope="row"><A href=format!("/rooms/{}", room.id)>{title}</A></th>
                        <td>{room.site_address.clone()}</td>
                        <td class="case-number">{room.case_number.clone().unwrap_or_default()}</td>
                        <td><StatusBadge locale status=room.status/></td>
                        <td>{labels::next_actor_short(locale, room.next_actor)}</td>
                        <td>{labels::role(locale, room.my_role)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">{t!(i18n, rooms.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, rooms.col_title)}</th>
                        <th scope="col">{t!(i18n, rooms.col_address)}</th>
                        <th scope="col">{t!(i18n, rooms.col_case_number)}</th>
                        <th scope="col">{t!(i18n, rooms.col_status)}</th>
                        <th scope="col">{t!(i18n, rooms.col_next)}</th>
                        <th scope="col">{t!(i18n, rooms.col_role)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A room's status as a coloured label (the colour repeats what the words say).
#[component]
pub fn StatusBadge(locale: Locale, status: shared::RoomStatus) -> impl IntoView {
    view! {
        <span class=format!("status status-{}", status.as_str())>{labels::status(locale, status)}</span>
    }
}

#[component]
pub fn NewRoomPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || t_string!(i18n, title.new_room).to_string());
    view! {
        <div class="narrow">
            <h1>{t!(i18n, new_room.heading)}</h1>
            <p>{t!(i18n, new_room.intro)}</p>
            <RequireLogin>
                <NewRoomForm/>
            </RequireLogin>
        </div>
    }
}

#[component]
fn NewRoomForm() -> impl IntoView {
    let i18n = use_i18n();
    let offices = LocalResource::new(api::list_offices);
    move || match offices.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(offices)) if offices.is_empty() => {
            view! { <p>{t!(i18n, new_room.no_offices)}</p> }.into_any()
        }
        Some(Ok(offices)) => view! { <NewRoomFields offices/> }.into_any(),
    }
}

#[component]
fn NewRoomFields(offices: Vec<OfficeSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    // With one office (or one procedure) there is nothing to choose.
    let only_office = match offices.as_slice() {
        [office] => office.id.to_string(),
        _ => String::new(),
    };
    let office_id = RwSignal::new(only_office);
    let procedure_id = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let site_address = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    // One key for this form: a double click or a retry starts one room.
    let client_key = api::random_key();

    let offices = StoredValue::new(offices);
    let procedures = Memo::new(move |_| {
        let chosen = office_id.get();
        offices.with_value(|offices| {
            offices
                .iter()
                .find(|o| o.id.to_string() == chosen)
                .map(|o| o.procedure_types.clone())
                .unwrap_or_default()
        })
    });
    Effect::new(move || {
        let procedures = procedures.get();
        let only = match procedures.as_slice() {
            [procedure] => procedure.id.to_string(),
            _ => String::new(),
        };
        procedure_id.set(only);
    });

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let (Ok(office_id), Ok(procedure_type_id)) = (
            office_id.get_untracked().parse::<Uuid>(),
            procedure_id.get_untracked().parse::<Uuid>(),
        ) else {
            return;
        };
        let request = CreateRoomRequest {
            office_id,
            procedure_type_id,
            title: title.get_untracked(),
            site_address: site_address.get_untracked(),
            client_key: Some(client_key),
        };
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::create_room(&request).await {
                Ok(room) => navigate(&format!("/rooms/{}", room.id), Default::default()),
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };

    view! {
        <form on:submit=submit class="stack">
            <div class="field">
                <label for="new-room-office">{t!(i18n, new_room.office)}</label>
                <select id="new-room-office" required bind:value=office_id>
                    <option value="">{t!(i18n, new_room.choose)}</option>
                    {offices.with_value(|offices| {
                        offices
                            .iter()
                            .map(|o| view! { <option value=o.id.to_string()>{o.name.clone()}</option> })
                            .collect_view()
                    })}
                </select>
            </div>
            <div class="field">
                <label for="new-room-procedure">{t!(i18n, new_room.procedure_type)}</label>
                <select id="new-room-procedure" required bind:value=procedure_id>
                    <option value="">{t!(i18n, new_room.choose)}</option>
                    {move || {
                        let locale = i18n.get_locale();
                        let chosen = procedure_id.get_untracked();
                        procedures
                            .get()
                            .into_iter()
                            .map(|p| {
                                let selected = p.id.to_string() == chosen;
                                procedure_option(locale, p, selected)
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <Field id="new-room-title" value=title
                label=ViewFn::from(move || t!(i18n, new_room.title))
                hint=ViewFn::from(move || t!(i18n, new_room.title_hint))/>
            <Field id="new-room-address" autocomplete="street-address" value=site_address
                label=ViewFn::from(move || t!(i18n, new_room.site_address))
                hint=ViewFn::from(move || t!(i18n, new_room.site_address_hint))/>
            <ErrorMessage error/>
            <div class="buttons">
                <button type="submit" disabled=busy>{t!(i18n, new_room.submit)}</button>
                <A href="/rooms">{t!(i18n, new_room.cancel)}</A>
            </div>
        </form>
    }
}

/// An option of the procedure select; the chosen one stays `selected` when
/// the options are rebuilt for another language.
fn procedure_option(
    locale: Locale,
    procedure: ProcedureTypeSummary,
    selected: bool,
) -> impl IntoView {
    let name = labels::procedure(locale, &procedure);
    view! { <option value=procedure.id.to_string() selected=selected>{name}</option> }
}
