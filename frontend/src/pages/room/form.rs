//! The application form, filled in by builder and designer at the same time.
//!
//! Each field keeps the person's own draft and the version it was based on.
//! A field is saved when it loses the focus. While someone is not editing a
//! field, others' saved changes replace it at once; while they are, their
//! draft stays, and saving it on top of a change they have not seen is
//! refused by the server: the field then shows the other value, to take or
//! to overwrite knowingly. Who edits which field is shown beside it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{FormField, FormFieldView, FormFieldWrite, RoomAction};

use super::use_room;
use crate::api::{self, ApiError};
use crate::components::ErrorMessage;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::live::Live;
use crate::session::use_session;

#[component]
pub fn ApplicationForm() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let has_form = move || room.view.with(|r| !r.form.is_empty());
    view! {
        <Show when=has_form>
            <section class="card" aria-labelledby="form-heading">
                <h2 id="form-heading" tabindex="-1">{t!(i18n, application.heading)}</h2>
                <p class="hint">{t!(i18n, application.intro)}</p>
                <div class="application-form">
                    {FormField::ALL
                        .into_iter()
                        .map(|field| view! { <FieldEditor field/> })
                        .collect_view()}
                </div>
            </section>
        </Show>
    }
}

/// The field as the server last showed it.
fn stored(field: FormField) -> impl Fn() -> Option<FormFieldView> + Copy {
    let room = use_room();
    move || {
        room.view
            .with(|r| r.form.iter().find(|f| f.field == field).cloned())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saving {
    Idle,
    Busy,
    Saved,
}

#[component]
fn FieldEditor(field: FormField) -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let live = expect_context::<Live>();
    let session = use_session();
    let stored = stored(field);
    let initial = stored();
    let draft = RwSignal::new(
        initial
            .as_ref()
            .map(|f| f.value.clone())
            .unwrap_or_default(),
    );
    // The version the draft starts from; saving names it.
    let base = RwSignal::new(initial.as_ref().map_or(0, |f| f.version));
    // Whether the person has typed since the draft was last in step.
    let dirty = RwSignal::new(false);
    let conflict = RwSignal::new(None::<FormFieldView>);
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(Saving::Idle);

    // Others' saved changes come in with the room; they replace the shown
    // value unless the person has typed in it (then saving will tell).
    Effect::new(move |_| {
        if let Some(now) = stored()
            && !dirty.get_untracked()
            && conflict.with_untracked(Option::is_none)
            && now.version > base.get_untracked()
        {
            draft.set(now.value);
            base.set(now.version);
        }
    });

    let editable = move || room.allows(RoomAction::EditForm);
    let id = format!("form-{}", field.as_str());
    let hint_id = format!("{id}-hint");
    let label = move || labels::form_field(i18n.get_locale(), field);

    let save = move |write: FormFieldWrite| {
        saving.set(Saving::Busy);
        error.set(None);
        let room_id = room.view.with_untracked(|r| r.id);
        spawn_local(async move {
            match api::update_form_field(room_id, field, &write).await {
                Ok(saved) => {
                    conflict.set(None);
                    dirty.set(false);
                    base.set(saved.version);
                    saving.set(Saving::Saved);
                    room.reload();
                }
                Err(ApiError::Problem(problem)) if problem.code == "stale_field" => {
                    conflict.set(problem.current.map(|current| *current));
                    saving.set(Saving::Idle);
                    let field = labels::form_field(i18n.get_locale_untracked(), field);
                    room.announcer
                        .announce(t_string!(i18n, application.conflict_announced, field));
                }
                Err(err) => {
                    error.set(Some(err));
                    saving.set(Saving::Idle);
                }
            }
        });
    };
    let on_focus = move |_| live.editing(Some(field));
    let on_input = move |_| dirty.set(true);
    let on_blur = move |_| {
        live.editing(None);
        if editable() && dirty.get_untracked() && conflict.with_untracked(Option::is_none) {
            save(FormFieldWrite {
                value: draft.get_untracked(),
                base_version: base.get_untracked(),
            });
        }
    };
    let take_theirs = move |_| {
        if let Some(theirs) = conflict.get_untracked() {
            draft.set(theirs.value);
            base.set(theirs.version);
            conflict.set(None);
            dirty.set(false);
            saving.set(Saving::Idle);
        }
    };
    let keep_mine = move |_| {
        if let Some(theirs) = conflict.get_untracked() {
            save(FormFieldWrite {
                value: draft.get_untracked(),
                base_version: theirs.version,
            });
        }
    };

    // Others editing this field now.
    let me = session.me().map(|me| me.id);
    let editors = move || {
        live.present.with(|people| {
            people
                .iter()
                .filter(|p| p.editing == Some(field) && Some(p.user_id) != me)
                .map(|p| p.display_name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let editor_note = move || {
        let names = editors();
        (!names.is_empty()).then(|| {
            view! {
                <p class="editing-now">
                    <span class="dot" aria-hidden="true"></span>
                    {t_string!(i18n, application.editing_now, names)}
                </p>
            }
        })
    };
    let status = move || match saving.get() {
        Saving::Busy => t_string!(i18n, application.saving).to_string(),
        Saving::Saved => t_string!(i18n, application.saved).to_string(),
        Saving::Idle => String::new(),
    };
    let last_change = move || {
        stored()
            .and_then(|f| f.updated_by.map(|by| (by.display_name, f.updated_at)))
            .map(|(name, at)| {
                let locale = i18n.get_locale();
                let date = at
                    .map(|at| crate::format::date_time(locale, &at))
                    .unwrap_or_default();
                t_string!(i18n, application.last_change, name, date).to_string()
            })
    };
    let conflict_box = move || {
        conflict.get().map(|theirs| {
            let name = theirs
                .updated_by
                .map(|a| a.display_name)
                .unwrap_or_default();
            let value = theirs.value;
            let label = t_string!(i18n, application.conflict_label);
            view! {
                <div class="conflict" role="group" aria-label=label>
                    <p>{t_string!(i18n, application.conflict, name)}</p>
                    <blockquote class="their-value">{value}</blockquote>
                    <div class="buttons">
                        <button type="button" on:click=take_theirs>
                            {t!(i18n, application.take_theirs)}
                        </button>
                        <button type="button" class="secondary" on:click=keep_mine>
                            {t!(i18n, application.keep_mine)}
                        </button>
                    </div>
                </div>
            }
        })
    };
    let input = {
        let id = id.clone();
        let hint_id = hint_id.clone();
        move || {
            let readonly = !editable();
            match field.is_long_text() {
                true => view! {
                    <textarea
                        id=id.clone()
                        rows="4"
                        maxlength=field.max_chars()
                        readonly=readonly
                        aria-describedby=hint_id.clone()
                        bind:value=draft
                        on:focus=on_focus
                        on:input=on_input
                        on:blur=on_blur
                    ></textarea>
                }
                .into_any(),
                false => view! {
                    <input
                        id=id.clone()
                        type="text"
                        inputmode=input_mode(field)
                        maxlength=field.max_chars()
                        readonly=readonly
                        aria-describedby=hint_id.clone()
                        bind:value=draft
                        on:focus=on_focus
                        on:input=on_input
                        on:blur=on_blur
                    />
                }
                .into_any(),
            }
        }
    };

    view! {
        <div class="field form-field">
            <label for=id.clone()>{label}</label>
            {input}
            <p class="hint" id=hint_id.clone()>
                {move || hint(i18n.get_locale(), field)}
                " "
                <span class="save-state" role="status">{status}</span>
                " "
                <span class="last-change">{last_change}</span>
            </p>
            {editor_note}
            {conflict_box}
            <ErrorMessage error/>
        </div>
    }
}

fn input_mode(field: FormField) -> &'static str {
    match field {
        FormField::BuildingClass | FormField::Storeys | FormField::ConstructionCost => "numeric",
        FormField::GrossFloorArea => "decimal",
        FormField::ProjectDescription | FormField::Parcel | FormField::BuildingUse => "text",
    }
}

fn hint(locale: crate::i18n::Locale, field: FormField) -> String {
    use crate::i18n::td_string;
    match field {
        FormField::ProjectDescription => td_string!(locale, application.hint_description),
        FormField::Parcel => td_string!(locale, application.hint_parcel),
        FormField::BuildingUse => td_string!(locale, application.hint_use),
        FormField::BuildingClass => td_string!(locale, application.hint_class),
        FormField::Storeys => td_string!(locale, application.hint_storeys),
        FormField::GrossFloorArea => td_string!(locale, application.hint_area),
        FormField::ConstructionCost => td_string!(locale, application.hint_cost),
    }
    .to_string()
}
