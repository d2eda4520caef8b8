//! `/office/:office_id/procedure-types`: the office admin keeps the office's
//! procedure types — names, checklist of documents, deadline periods.
//!
//! One type is edited at a time, in its own card. A save names the version
//! the edit started from; when someone else saved in between, the server
//! refuses (`stale_write`) and the card offers to load the current state.
//! A new type is added through the same form, opened below the list, with
//! its key (fixed from then on) as one more field.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::{
    CreateProcedureTypeRequest, DeadlinePeriods, DocumentCategory, OfficeMembership, OfficeRole,
    ProcedureType, UpdateProcedureTypeRequest,
};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{
    ErrorMessage, Field, Loading, RequireLogin, focus_by_id, page_title, use_announcer,
};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::labels;
use crate::session::use_session;

#[component]
pub fn ProcedureTypesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    page_title(move || t_string!(i18n, title.procedure_types).to_string());

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
        <h1>{t!(i18n, procedure_types.heading)}</h1>
        <RequireLogin>
            {move || match membership.get() {
                Some(membership) => view! { <ProcedureTypeList membership/> }.into_any(),
                None => view! { <p>{t!(i18n, procedure_types.not_admin)}</p> }.into_any(),
            }}
        </RequireLogin>
    }
}

#[component]
fn ProcedureTypeList(membership: OfficeMembership) -> impl IntoView {
    let i18n = use_i18n();
    let office_id = membership.office_id;
    let office = membership.office_name;
    let types = LocalResource::new(move || api::list_procedure_types(office_id));
    // The one type whose form is open.
    let editing = RwSignal::new(None::<Uuid>);

    let list = move || match types.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p>{t!(i18n, procedure_types.empty)}</p> }.into_any()
        }
        Some(Ok(list)) => list
            .into_iter()
            .map(|current| view! { <ProcedureTypeCard office_id current editing/> })
            .collect_view()
            .into_any(),
    };
    // A new type starts from the deadlines of the first one (or the usual
    // ones) and an empty checklist.
    let blank = move || {
        let periods = types
            .get()
            .and_then(|r| r.ok())
            .and_then(|list| list.first().map(|t| t.deadline_rules.clone()))
            .unwrap_or_else(|| DeadlinePeriods {
                completeness_check: "2w".into(),
                statement: "1m".into(),
                municipal_consent: "2m".into(),
                pause_for_missing_items: true,
            });
        ProcedureType {
            id: Uuid::nil(),
            key: String::new(),
            name_de: String::new(),
            name_en: String::new(),
            required_categories: Vec::new(),
            deadline_rules: periods,
            version: 0,
        }
    };
    let adding = move || editing.get() == Some(Uuid::nil());
    let add = move |_| {
        editing.set(Some(Uuid::nil()));
        request_animation_frame(|| focus_by_id("procedure-type-key"));
    };
    let new_form = move || {
        adding().then(|| {
            let current = RwSignal::new(blank());
            let created = move || types.refetch();
            view! {
                <section class="card procedure-type"
                    aria-labelledby="procedure-type-new-heading">
                    <h2 id="procedure-type-new-heading">
                        {t!(i18n, procedure_types.add_form_label)}
                    </h2>
                    <ProcedureTypeForm office_id start=current.get_untracked() current editing
                        on_created=Callback::new(move |()| created())/>
                </section>
            }
        })
    };
    view! {
        <p>{move || t_string!(i18n, procedure_types.intro, office = office.clone())}</p>
        <p class="hint">{t!(i18n, procedure_types.effect)}</p>
        <div class="procedure-types">{list}</div>
        {new_form}
        <Show when=move || !adding()>
            <button type="button" id="procedure-type-new-edit" on:click=add>
                {t!(i18n, procedure_types.add)}
            </button>
        </Show>
    }
}

/// One procedure type as it is now, with the button that opens its form.
#[component]
fn ProcedureTypeCard(
    office_id: Uuid,
    current: ProcedureType,
    editing: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = current.id;
    let current = RwSignal::new(current);
    let heading_id = format!("procedure-type-{id}");
    let edit_button_id = format!("procedure-type-{id}-edit");
    let is_open = move || editing.get() == Some(id);

    let open = move |_| {
        editing.set(Some(id));
        request_animation_frame(|| focus_by_id("procedure-type-name-de"));
    };
    let name = move || display_name(i18n.get_locale(), &current.read());
    let form = move || {
        // A new state (saved or reloaded) builds the form afresh from it.
        is_open()
            .then(|| view! { <ProcedureTypeForm office_id start=current.get() current editing/> })
    };
    let edit_button = move || {
        (!is_open()).then(|| {
            let label = t_string!(i18n, procedure_types.edit, name = name());
            view! {
                <button type="button" id=edit_button_id.clone() class="secondary" on:click=open>
                    {label}
                </button>
            }
        })
    };
    let labelled_by = heading_id.clone();
    view! {
        <section class="card procedure-type" aria-labelledby=labelled_by>
            <h2 id=heading_id>{name}</h2>
            <p class="hint">
                {move || t_string!(i18n, procedure_types.key, key = current.read().key.clone())}
            </p>
            <Summary current/>
            {edit_button}
            {form}
        </section>
    }
}

/// The checklist and the deadlines, as they are saved.
#[component]
fn Summary(current: RwSignal<ProcedureType>) -> impl IntoView {
    let i18n = use_i18n();
    let checklist = move || {
        let locale = i18n.get_locale();
        current
            .read()
            .required_categories
            .iter()
            .map(|c| view! { <li>{labels::category(locale, *c)}</li> })
            .collect_view()
    };
    let deadlines = move || {
        let periods = current.read().deadline_rules.clone();
        view! {
            <li>
                {t!(i18n, procedure_types.completeness_check_short)} ": "
                {periods.completeness_check}
            </li>
            <li>{t!(i18n, procedure_types.statement_short)} ": " {periods.statement}</li>
            <li>
                {t!(i18n, procedure_types.municipal_consent_short)} ": "
                {periods.municipal_consent}
            </li>
        }
    };
    view! {
        <div class="procedure-type-summary">
            <div>
                <h3>{t!(i18n, procedure_types.checklist_heading)}</h3>
                <ul class="checklist">{checklist}</ul>
            </div>
            <div>
                <h3>{t!(i18n, procedure_types.deadlines_heading)}</h3>
                <ul class="deadline-periods">{deadlines}</ul>
            </div>
        </div>
    }
}

/// The form for one procedure type. Only one is open at a time, so its
/// fields can have fixed ids.
#[component]
fn ProcedureTypeForm(
    office_id: Uuid,
    /// The state the edit starts from.
    start: ProcedureType,
    /// The card's state, replaced by what was saved or reloaded.
    current: RwSignal<ProcedureType>,
    editing: RwSignal<Option<Uuid>>,
    /// Set for a new type: called once it is created.
    #[prop(optional)]
    on_created: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let id = start.id;
    let is_new = id.is_nil();
    let key = RwSignal::new(start.key.clone());
    let version = start.version;
    let name_de = RwSignal::new(start.name_de.clone());
    let name_en = RwSignal::new(start.name_en.clone());
    let checked = RwSignal::new(start.required_categories.clone());
    let periods = &start.deadline_rules;
    let completeness_check = RwSignal::new(periods.completeness_check.clone());
    let statement = RwSignal::new(periods.statement.clone());
    let municipal_consent = RwSignal::new(periods.municipal_consent.clone());
    let pause = RwSignal::new(periods.pause_for_missing_items);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let edit_button_id = match is_new {
        true => "procedure-type-new-edit".to_owned(),
        false => format!("procedure-type-{id}-edit"),
    };

    let close = {
        let edit_button_id = edit_button_id.clone();
        move || {
            editing.set(None);
            let edit_button_id = edit_button_id.clone();
            request_animation_frame(move || focus_by_id(&edit_button_id));
        }
    };
    let save = {
        let close = close.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let request = UpdateProcedureTypeRequest {
                version,
                name_de: name_de.get_untracked(),
                name_en: name_en.get_untracked(),
                // In the usual order of the categories, whatever the order of the clicks.
                required_categories: checked.with_untracked(|c| in_usual_order(c)),
                deadline_rules: DeadlinePeriods {
                    completeness_check: completeness_check.get_untracked(),
                    statement: statement.get_untracked(),
                    municipal_consent: municipal_consent.get_untracked(),
                    pause_for_missing_items: pause.get_untracked(),
                },
            };
            let close = close.clone();
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let answer = match is_new {
                    true => {
                        let create = CreateProcedureTypeRequest {
                            key: key.get_untracked().trim().to_owned(),
                            name_de: request.name_de,
                            name_en: request.name_en,
                            required_categories: request.required_categories,
                            deadline_rules: request.deadline_rules,
                        };
                        api::create_procedure_type(office_id, &create).await
                    }
                    false => api::update_procedure_type(office_id, id, &request).await,
                };
                match answer {
                    Ok(saved) => {
                        let name = display_name(i18n.get_locale_untracked(), &saved);
                        close();
                        if let Some(created) = on_created {
                            created.run(());
                            announcer.announce(t_string!(i18n, procedure_types.created, name));
                        } else {
                            current.set(saved);
                            announcer.announce(t_string!(i18n, procedure_types.saved, name));
                        }
                    }
                    Err(err) => {
                        busy.set(false);
                        error.set(Some(err));
                    }
                }
            });
        }
    };
    let reload = move |_| {
        spawn_local(async move {
            match api::list_procedure_types(office_id).await {
                Ok(list) => {
                    if let Some(now) = list.into_iter().find(|t| t.id == id) {
                        current.set(now);
                        request_animation_frame(|| focus_by_id("procedure-type-name-de"));
                    }
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let stale =
        move || error.with(|e| matches!(e, Some(ApiError::Problem(p)) if p.code == "stale_write"));
    let form_label = move || match is_new {
        true => t_string!(i18n, procedure_types.add_form_label).to_string(),
        false => {
            let name = display_name(i18n.get_locale(), &start);
            t_string!(i18n, procedure_types.form_label, name).to_string()
        }
    };

    view! {
        <form on:submit=save class="stack procedure-type-form" aria-label=form_label>
            <Show when=move || is_new>
                <Field id="procedure-type-key" value=key
                    label=ViewFn::from(move || t!(i18n, procedure_types.key_field))/>
            </Show>
            <Field id="procedure-type-name-de" value=name_de
                label=ViewFn::from(move || t!(i18n, procedure_types.name_de))/>
            <Field id="procedure-type-name-en" value=name_en
                label=ViewFn::from(move || t!(i18n, procedure_types.name_en))/>
            <Checklist checked/>
            <fieldset class="deadline-fields" aria-describedby="procedure-type-deadlines-hint">
                <legend>{t!(i18n, procedure_types.deadlines)}</legend>
                <p class="hint" id="procedure-type-deadlines-hint">
                    {t!(i18n, procedure_types.deadlines_hint)}
                </p>
                <Field id="procedure-type-completeness-check" value=completeness_check
                    label=ViewFn::from(move || t!(i18n, procedure_types.completeness_check))/>
                <Field id="procedure-type-statement" value=statement
                    label=ViewFn::from(move || t!(i18n, procedure_types.statement))/>
                <Field id="procedure-type-municipal-consent" value=municipal_consent
                    label=ViewFn::from(move || t!(i18n, procedure_types.municipal_consent))/>
                <div class="check">
                    <input type="checkbox" id="procedure-type-pause" bind:checked=pause/>
                    <label for="procedure-type-pause">
                        {t!(i18n, procedure_types.pause_for_missing_items)}
                    </label>
                </div>
            </fieldset>
            <ErrorMessage error/>
            <div class="buttons">
                <button type="submit" disabled=busy>{t!(i18n, procedure_types.save)}</button>
                <Show when=stale>
                    <button type="button" class="secondary" on:click=reload>
                        {t!(i18n, procedure_types.reload)}
                    </button>
                </Show>
                <button type="button" class="secondary" on:click=move |_| close()>
                    {t!(i18n, procedure_types.cancel)}
                </button>
            </div>
        </form>
    }
}

/// One checkbox per document category, the checklist's ones ticked.
#[component]
fn Checklist(checked: RwSignal<Vec<DocumentCategory>>) -> impl IntoView {
    let i18n = use_i18n();
    let boxes = move || {
        let locale = i18n.get_locale();
        DocumentCategory::APPLICATION
            .into_iter()
            .map(|category| {
                let id = format!("procedure-type-category-{}", category.as_str());
                let toggle = move |event: leptos::ev::Event| {
                    let on = event_target_checked(&event);
                    checked.update(|c| {
                        c.retain(|x| *x != category);
                        if on {
                            c.push(category);
                        }
                    });
                };
                view! {
                    <li>
                        <input
                            type="checkbox"
                            id=id.clone()
                            prop:checked=move || checked.with(|c| c.contains(&category))
                            on:change=toggle
                        />
                        <label for=id>{labels::category(locale, category)}</label>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset aria-describedby="procedure-type-checklist-hint">
            <legend>{t!(i18n, procedure_types.checklist)}</legend>
            <p class="hint" id="procedure-type-checklist-hint">
                {t!(i18n, procedure_types.checklist_hint)}
            </p>
            <ul class="checkboxes">{boxes}</ul>
        </fieldset>
    }
}

fn in_usual_order(checked: &[DocumentCategory]) -> Vec<DocumentCategory> {
    DocumentCategory::APPLICATION
        .into_iter()
        .filter(|c| checked.contains(c))
        .collect()
}

fn display_name(locale: Locale, procedure: &ProcedureType) -> String {
    match locale {
        Locale::de => procedure.name_de.clone(),
        Locale::en => procedure.name_en.clone(),
    }
}
