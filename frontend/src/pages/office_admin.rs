//! `/office/:office_id/manage`: the office admin manages the office's
//! people — staff and their roles, consulted bodies and their members —,
//! confirms identities after checking a document in person, and sets which
//! applicant actions need a confirmed identity.
//!
//! Each section loads and saves on its own; a change is announced in the
//! polite live region, a refusal shown where it happened.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::{
    AddStaffRequest, ApplicantAction, ConfirmIdentityRequest, CreateBodyRequest, IdentityDocument,
    OfficeBody, OfficeMembership, OfficeRole, OfficeSettings, StaffMember,
};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{ErrorMessage, Field, Loading, RequireLogin, page_title, use_announcer};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::session::use_session;

#[component]
pub fn OfficeAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    page_title(move || t_string!(i18n, title.office_admin).to_string());

    // The membership that makes the caller this office's admin, if any.
    let membership = Memo::new(move |_| {
        let office_id = params.read().get("office_id")?.parse::<Uuid>().ok()?;
        session
            .me()?
            .offices
            .into_iter()
            .find(|m| m.office_id == office_id && m.role == OfficeRole::OfficeAdmin)
    });
    view! {
        <h1>{t!(i18n, office_admin.heading)}</h1>
        <RequireLogin>
            {move || match membership.get() {
                Some(membership) => view! { <OfficeAdmin membership/> }.into_any(),
                None => view! { <p>{t!(i18n, office_admin.not_admin)}</p> }.into_any(),
            }}
        </RequireLogin>
    }
}

#[component]
fn OfficeAdmin(membership: OfficeMembership) -> impl IntoView {
    let i18n = use_i18n();
    let office_id = membership.office_id;
    let office = membership.office_name;
    view! {
        <p>{move || t_string!(i18n, office_admin.intro, office = office.clone())}</p>
        <StaffSection office_id/>
        <IdentitySection office_id/>
        <SettingsSection office_id/>
        <BodiesSection office_id/>
    }
}

// ------------------------------------------------------------------ staff

#[component]
fn StaffSection(office_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let staff = LocalResource::new(move || api::list_staff(office_id));
    let changed = Callback::new(move |()| staff.refetch());
    // A refusal of a change in the table (e.g. the last admin).
    let row_error = RwSignal::new(None::<ApiError>);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(OfficeRole::Caseworker);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let add = move |event: SubmitEvent| {
        event.prevent_default();
        let request = AddStaffRequest {
            email: email.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = api::add_staff(office_id, &request).await;
            busy.set(false);
            match answer {
                Ok(added) => {
                    email.set(String::new());
                    staff.refetch();
                    let name = added.display_name;
                    announcer.announce(t_string!(i18n, office_admin.staff_added, name));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let table = move || match staff.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(list)) => view! {
            <table class="staff">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, office_admin.name)}</th>
                        <th scope="col">{t!(i18n, office_admin.email)}</th>
                        <th scope="col">{t!(i18n, office_admin.role)}</th>
                        <th scope="col">{t!(i18n, office_admin.actions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|member| {
                            view! { <StaffRow office_id member changed error=row_error/> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    };
    let set_role = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        role.set(OfficeRole::parse(&value).unwrap_or(OfficeRole::Caseworker));
    };
    let role_option = move |option: OfficeRole| {
        view! {
            <option value=option.as_str() selected=move || role.get() == option>
                {move || labels::office_role(i18n.get_locale(), option)}
            </option>
        }
    };
    view! {
        <section class="card" aria-labelledby="staff-heading">
            <h2 id="staff-heading">{t!(i18n, office_admin.staff_heading)}</h2>
            {table}
            <ErrorMessage error=row_error/>
            <form on:submit=add class="stack" aria-labelledby="staff-add-heading">
                <h3 id="staff-add-heading">{t!(i18n, office_admin.add_staff_heading)}</h3>
                <Field id="staff-email" kind="email" value=email
                    label=ViewFn::from(move || t!(i18n, office_admin.email))
                    hint=ViewFn::from(move || t!(i18n, office_admin.register_first))/>
                <div class="field">
                    <label for="staff-role">{t!(i18n, office_admin.role)}</label>
                    <select id="staff-role" on:change=set_role>
                        {role_option(OfficeRole::Caseworker)}
                        {role_option(OfficeRole::OfficeAdmin)}
                    </select>
                </div>
                <ErrorMessage error/>
                <div class="buttons">
                    <button type="submit" disabled=busy>{t!(i18n, office_admin.add_staff)}</button>
                </div>
            </form>
        </section>
    }
}

/// One person of the staff, with the buttons that change their role or
/// take them off the staff (after a question: they lose every room at once).
#[component]
fn StaffRow(
    office_id: Uuid,
    member: StaffMember,
    changed: Callback<()>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let user_id = member.user_id;
    let name = member.display_name.clone();
    let other_role = match member.role {
        OfficeRole::Caseworker => OfficeRole::OfficeAdmin,
        OfficeRole::OfficeAdmin => OfficeRole::Caseworker,
    };

    let change_role = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            error.set(None);
            spawn_local(async move {
                match api::change_staff_role(office_id, user_id, other_role).await {
                    Ok(_) => {
                        changed.run(());
                        announcer.announce(t_string!(i18n, office_admin.role_changed, name));
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        }
    };
    let remove = {
        let name = name.clone();
        move |_| {
            let question =
                t_string!(i18n, office_admin.remove_staff_confirm, name = name.clone()).to_string();
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            let name = name.clone();
            error.set(None);
            spawn_local(async move {
                match api::remove_staff(office_id, user_id).await {
                    Ok(()) => {
                        changed.run(());
                        announcer.announce(t_string!(i18n, office_admin.staff_removed, name));
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        }
    };
    let change_label = {
        let name = name.clone();
        move || match other_role {
            OfficeRole::OfficeAdmin => {
                t_string!(i18n, office_admin.make_admin, name = name.clone()).to_string()
            }
            OfficeRole::Caseworker => {
                t_string!(i18n, office_admin.make_caseworker, name = name.clone()).to_string()
            }
        }
    };
    let remove_label = {
        let name = name.clone();
        move || t_string!(i18n, office_admin.remove_staff, name = name.clone()).to_string()
    };
    let role = member.role;
    view! {
        <tr>
            <td>{member.display_name}</td>
            <td>{member.email}</td>
            <td>{move || labels::office_role(i18n.get_locale(), role)}</td>
            <td class="buttons">
                <button type="button" class="secondary" on:click=change_role>
                    {change_label}
                </button>
                <button type="button" class="secondary" on:click=remove>{remove_label}</button>
            </td>
        </tr>
    }
}

// ------------------------------------------------------------------ identity

#[component]
fn IdentitySection(office_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let email = RwSignal::new(String::new());
    let document = RwSignal::new(IdentityDocument::IdCard);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let confirm = move |event: SubmitEvent| {
        event.prevent_default();
        let request = ConfirmIdentityRequest {
            email: email.get_untracked().trim().to_owned(),
            document_type: document.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        done.set(None);
        spawn_local(async move {
            let answer = api::confirm_identity(office_id, &request).await;
            busy.set(false);
            match answer {
                Ok(confirmed) => {
                    let locale = i18n.get_locale_untracked();
                    let text = t_string!(
                        i18n,
                        office_admin.identity_confirmed,
                        name = confirmed.person.display_name,
                        document = labels::identity_document(locale, request.document_type),
                    )
                    .to_string();
                    email.set(String::new());
                    announcer.announce(text.clone());
                    done.set(Some(text));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let set_document = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        document.set(IdentityDocument::parse(&value).unwrap_or(IdentityDocument::Other));
    };
    let options = move || {
        let locale = i18n.get_locale();
        IdentityDocument::ALL
            .into_iter()
            .map(|option| {
                view! {
                    <option value=option.as_str() selected=move || document.get() == option>
                        {labels::identity_document(locale, option)}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="identity-heading">
            <h2 id="identity-heading">{t!(i18n, office_admin.identity_heading)}</h2>
            <p class="hint">{t!(i18n, office_admin.identity_intro)}</p>
            <form on:submit=confirm class="stack" aria-labelledby="identity-heading">
                <Field id="identity-email" kind="email" value=email
                    label=ViewFn::from(move || t!(i18n, office_admin.identity_email))/>
                <div class="field">
                    <label for="identity-document">{t!(i18n, office_admin.document_type)}</label>
                    <select id="identity-document" on:change=set_document>{options}</select>
                </div>
                <ErrorMessage error/>
                {move || done.get().map(|text| view! { <p class="message success">{text}</p> })}
                <div class="buttons">
                    <button type="submit" disabled=busy>{t!(i18n, office_admin.confirm)}</button>
                </div>
            </form>
        </section>
    }
}

// ------------------------------------------------------------------ settings

#[component]
fn SettingsSection(office_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let settings = LocalResource::new(move || api::get_office_settings(office_id));
    let form = move || match settings.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(start)) => view! { <SettingsForm office_id start/> }.into_any(),
    };
    view! {
        <section class="card" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{t!(i18n, office_admin.settings_heading)}</h2>
            {form}
        </section>
    }
}

#[component]
fn SettingsForm(office_id: Uuid, start: OfficeSettings) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let required = |action| start.identity_required_for.contains(&action);
    let submit = RwSignal::new(required(ApplicantAction::Submit));
    let retrieve_notice = RwSignal::new(required(ApplicantAction::RetrieveNotice));
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let save = move |event: SubmitEvent| {
        event.prevent_default();
        let chosen = [
            (ApplicantAction::Submit, submit.get_untracked()),
            (
                ApplicantAction::RetrieveNotice,
                retrieve_notice.get_untracked(),
            ),
        ];
        let settings = OfficeSettings {
            identity_required_for: chosen
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(a, _)| a)
                .collect(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = api::update_office_settings(office_id, &settings).await;
            busy.set(false);
            match answer {
                Ok(_) => announcer.announce(t_string!(i18n, office_admin.settings_saved)),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form on:submit=save class="stack" aria-labelledby="settings-heading">
            <fieldset aria-describedby="settings-hint">
                <legend class="visually-hidden">{t!(i18n, office_admin.settings_heading)}</legend>
                <p class="hint" id="settings-hint">{t!(i18n, office_admin.settings_hint)}</p>
                <div class="check">
                    <input type="checkbox" id="settings-submit" bind:checked=submit/>
                    <label for="settings-submit">{t!(i18n, office_admin.settings_submit)}</label>
                </div>
                <div class="check">
                    <input type="checkbox" id="settings-retrieve-notice"
                        bind:checked=retrieve_notice/>
                    <label for="settings-retrieve-notice">
                        {t!(i18n, office_admin.settings_retrieve_notice)}
                    </label>
                </div>
            </fieldset>
            <ErrorMessage error/>
            <div class="buttons">
                <button type="submit" disabled=busy>{t!(i18n, office_admin.save)}</button>
            </div>
        </form>
    }
}

// ------------------------------------------------------------------ bodies

#[component]
fn BodiesSection(office_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let bodies = LocalResource::new(move || api::list_office_bodies(office_id));
    let changed = Callback::new(move |()| bodies.refetch());
    let list = move || match bodies.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(list)) => list
            .into_iter()
            .map(|body| view! { <BodyCard office_id body changed/> })
            .collect_view()
            .into_any(),
    };
    view! {
        <section aria-labelledby="bodies-heading">
            <h2 id="bodies-heading">{t!(i18n, office_admin.bodies_heading)}</h2>
            <div class="bodies">{list}</div>
            <NewBodyForm office_id changed/>
        </section>
    }
}

/// One consulted body: its members, adding and removing them, renaming it.
#[component]
fn BodyCard(office_id: Uuid, body: OfficeBody, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let body_id = body.id;
    let body_name = body.name.clone();
    let heading_id = format!("body-{body_id}-heading");
    let email_id = format!("body-{body_id}-member-email");
    let name_id = format!("body-{body_id}-name");
    let email = RwSignal::new(String::new());
    let new_name = RwSignal::new(body.name.clone());
    let error = RwSignal::new(None::<ApiError>);

    let add_member = {
        let body_name = body_name.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let address = email.get_untracked().trim().to_owned();
            let body = body_name.clone();
            error.set(None);
            spawn_local(async move {
                match api::add_body_member(office_id, body_id, address.clone()).await {
                    Ok(saved) => {
                        let name = saved
                            .members
                            .iter()
                            .find(|m| m.email == address.to_lowercase())
                            .map(|m| m.display_name.clone())
                            .unwrap_or(address);
                        email.set(String::new());
                        changed.run(());
                        announcer.announce(t_string!(i18n, office_admin.member_added, name, body));
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        }
    };
    let rename = move |event: SubmitEvent| {
        event.prevent_default();
        let name = new_name.get_untracked().trim().to_owned();
        error.set(None);
        spawn_local(async move {
            match api::rename_body(office_id, body_id, name).await {
                Ok(saved) => {
                    changed.run(());
                    let body = saved.name;
                    announcer.announce(t_string!(i18n, office_admin.renamed, body));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let members = if body.members.is_empty() {
        view! { <p>{t!(i18n, office_admin.no_members)}</p> }.into_any()
    } else {
        let items = body
            .members
            .into_iter()
            .map(|member| {
                let name = member.display_name.clone();
                let body = body_name.clone();
                let user_id = member.user_id;
                let remove = {
                    let name = name.clone();
                    move |_| {
                        let (name, body) = (name.clone(), body.clone());
                        let question = t_string!(
                            i18n,
                            office_admin.remove_member_confirm,
                            name = name.clone(),
                            body = body.clone()
                        )
                        .to_string();
                        if !window().confirm_with_message(&question).unwrap_or(false) {
                            return;
                        }
                        error.set(None);
                        spawn_local(async move {
                            match api::remove_body_member(office_id, body_id, user_id).await {
                                Ok(()) => {
                                    changed.run(());
                                    announcer.announce(t_string!(
                                        i18n,
                                        office_admin.member_removed,
                                        name,
                                        body
                                    ));
                                }
                                Err(err) => error.set(Some(err)),
                            }
                        });
                    }
                };
                let label = move || {
                    t_string!(i18n, office_admin.remove_member, name = name.clone()).to_string()
                };
                view! {
                    <li>
                        {member.display_name} " (" {member.email} ") "
                        <button type="button" class="secondary" on:click=remove>{label}</button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="members">{items}</ul> }.into_any()
    };
    let labelled_by = heading_id.clone();
    let (email_for, name_for) = (email_id.clone(), name_id.clone());
    view! {
        <section class="card body" aria-labelledby=labelled_by>
            <h3 id=heading_id>{body.name}</h3>
            <p class="hint">
                {move || t_string!(i18n, procedure_types.key, key = body.key.clone())}
            </p>
            <Show when=move || body.consent_required>
                <p class="hint">{t!(i18n, office_admin.consent_required)}</p>
            </Show>
            <h4>{t!(i18n, office_admin.members)}</h4>
            {members}
            <ErrorMessage error/>
            <form on:submit=add_member class="inline-form">
                <div class="field">
                    <label for=email_for>{t!(i18n, office_admin.member_email)}</label>
                    <input id=email_id type="email" required autocomplete="off"
                        bind:value=email/>
                </div>
                <button type="submit">{t!(i18n, office_admin.add_member)}</button>
            </form>
            <form on:submit=rename class="inline-form">
                <div class="field">
                    <label for=name_for>{t!(i18n, office_admin.body_name)}</label>
                    <input id=name_id type="text" required autocomplete="off"
                        bind:value=new_name/>
                </div>
                <button type="submit" class="secondary">{t!(i18n, office_admin.rename)}</button>
            </form>
        </section>
    }
}

#[component]
fn NewBodyForm(office_id: Uuid, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let name = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let consent_required = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let add = move |event: SubmitEvent| {
        event.prevent_default();
        let key = key.get_untracked().trim().to_owned();
        let request = CreateBodyRequest {
            name: name.get_untracked().trim().to_owned(),
            key: (!key.is_empty()).then_some(key),
            consent_required: consent_required.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = api::create_body(office_id, &request).await;
            busy.set(false);
            match answer {
                Ok(created) => {
                    name.set(String::new());
                    consent_required.set(false);
                    changed.run(());
                    let body = created.name;
                    announcer.announce(t_string!(i18n, office_admin.body_added, body));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form on:submit=add class="card stack" aria-labelledby="body-new-heading">
            <h3 id="body-new-heading">{t!(i18n, office_admin.add_body_heading)}</h3>
            <Field id="body-new-name" value=name
                label=ViewFn::from(move || t!(i18n, office_admin.body_name))/>
            <div class="field">
                <label for="body-new-key">{t!(i18n, office_admin.body_key)}</label>
                <p class="hint" id="body-new-key-hint">{t!(i18n, office_admin.body_key_hint)}</p>
                <input id="body-new-key" type="text" autocomplete="off"
                    aria-describedby="body-new-key-hint" bind:value=key/>
            </div>
            <div class="check">
                <input type="checkbox" id="body-new-consent" bind:checked=consent_required/>
                <label for="body-new-consent">{t!(i18n, office_admin.body_consent)}</label>
            </div>
            <ErrorMessage error/>
            <div class="buttons">
                <button type="submit" disabled=busy>{t!(i18n, office_admin.add_body)}</button>
            </div>
        </form>
    }
}
