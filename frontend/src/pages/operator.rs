//! `/operator/offices`: the operator lists the installation's offices and
//! adds one with its first admin. Nothing inside an office shows here; the
//! server would not tell anyway.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::CreateOfficeRequest;

use crate::api::{self, ApiError};
use crate::components::{ErrorMessage, Field, Loading, RequireLogin, page_title, use_announcer};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// The federal states, by code and name; the code selects the holidays.
const STATES: [(&str, &str); 16] = [
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("BE", "Berlin"),
    ("BB", "Brandenburg"),
    ("HB", "Bremen"),
    ("HH", "Hamburg"),
    ("HE", "Hessen"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("SH", "Schleswig-Holstein"),
    ("TH", "Thüringen"),
];

#[component]
pub fn OperatorOfficesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    page_title(move || t_string!(i18n, title.operator).to_string());
    let operator = Memo::new(move |_| session.me().is_some_and(|me| me.operator));
    view! {
        <h1>{t!(i18n, operator.heading)}</h1>
        <RequireLogin>
            {move || match operator.get() {
                true => view! { <Offices/> }.into_any(),
                false => view! { <p>{t!(i18n, operator.not_operator)}</p> }.into_any(),
            }}
        </RequireLogin>
    }
}

#[component]
fn Offices() -> impl IntoView {
    let i18n = use_i18n();
    let offices = LocalResource::new(api::list_operator_offices);
    let table = move || match offices.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! { <p>{t!(i18n, operator.empty)}</p> }.into_any(),
        Some(Ok(list)) => {
            let locale = i18n.get_locale();
            let rows = list
                .into_iter()
                .map(|office| {
                    view! {
                        <tr>
                            <td>{office.name}</td>
                            <td>{office.state}</td>
                            <td>{format::date_time(locale, &office.created_at)}</td>
                            <td>{office.caseworkers}</td>
                            <td>{office.office_admins}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="offices">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, operator.name)}</th>
                            <th scope="col">{t!(i18n, operator.state)}</th>
                            <th scope="col">{t!(i18n, operator.created)}</th>
                            <th scope="col">{t!(i18n, operator.caseworkers)}</th>
                            <th scope="col">{t!(i18n, operator.admins)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <p>{t!(i18n, operator.intro)}</p>
        {table}
        <NewOfficeForm added=Callback::new(move |()| offices.refetch())/>
    }
}

#[component]
fn NewOfficeForm(added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let name = RwSignal::new(String::new());
    let state = RwSignal::new("MV".to_owned());
    let first_admin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let add = move |event: SubmitEvent| {
        event.prevent_default();
        let request = CreateOfficeRequest {
            name: name.get_untracked().trim().to_owned(),
            state: state.get_untracked(),
            first_admin_email: first_admin.get_untracked().trim().to_owned(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = api::create_office(&request).await;
            busy.set(false);
            match answer {
                Ok(created) => {
                    name.set(String::new());
                    first_admin.set(String::new());
                    added.run(());
                    let office = created.name;
                    announcer.announce(t_string!(i18n, operator.added, office));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let options = STATES
        .into_iter()
        .map(|(code, label)| {
            view! {
                <option value=code selected=move || state.get() == code>
                    {format!("{code} – {label}")}
                </option>
            }
        })
        .collect_view();
    view! {
        <form on:submit=add class="card stack" aria-labelledby="office-new-heading">
            <h2 id="office-new-heading">{t!(i18n, operator.add_heading)}</h2>
            <Field id="office-name" value=name
                label=ViewFn::from(move || t!(i18n, operator.office_name))/>
            <div class="field">
                <label for="office-state">{t!(i18n, operator.state)}</label>
                <select id="office-state"
                    on:change=move |event| state.set(event_target_value(&event))>
                    {options}
                </select>
            </div>
            <Field id="office-first-admin" kind="email" value=first_admin
                label=ViewFn::from(move || t!(i18n, operator.first_admin))
                hint=ViewFn::from(move || t!(i18n, operator.first_admin_hint))/>
            <ErrorMessage error/>
            <div class="buttons">
                <button type="submit" disabled=busy>{t!(i18n, operator.add)}</button>
            </div>
        </form>
    }
}
