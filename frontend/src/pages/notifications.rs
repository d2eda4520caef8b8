//! `/settings/notifications`: which kinds of e-mail the person receives.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{NotificationKind, NotificationPreferences, NotificationSetting};

use crate::api::{self, ApiError};
use crate::components::{ErrorMessage, Loading, RequireLogin, page_title, use_announcer};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;

#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || t_string!(i18n, title.notifications).to_string());
    view! {
        <h1>{t!(i18n, notifications.heading)}</h1>
        <p>{t!(i18n, notifications.intro)}</p>
        <RequireLogin>
            <PreferencesLoader/>
        </RequireLogin>
    }
}

#[component]
fn PreferencesLoader() -> impl IntoView {
    let preferences = LocalResource::new(api::get_notification_preferences);
    move || match preferences.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(err)) => view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any(),
        Some(Ok(preferences)) => view! { <PreferencesForm preferences/> }.into_any(),
    }
}

/// One checkbox per kind, saved together.
#[component]
fn PreferencesForm(preferences: NotificationPreferences) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let switches: Vec<(NotificationKind, RwSignal<bool>)> = preferences
        .settings
        .into_iter()
        .map(|setting| (setting.kind, RwSignal::new(setting.enabled)))
        .collect();
    let switches = StoredValue::new(switches);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = switches.with_value(|switches| as_request(switches));
        busy.set(true);
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            match api::update_notification_preferences(&request).await {
                Ok(stored) => {
                    switches.with_value(|switches| show_stored(switches, &stored));
                    saved.set(true);
                    announcer.announce(t_string!(i18n, notifications.saved));
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };

    let checkboxes = switches.with_value(|switches| {
        switches
            .iter()
            .map(|&(kind, enabled)| view! { <KindCheckbox kind enabled saved/> })
            .collect_view()
    });
    view! {
        <form on:submit=submit class="stack">
            <fieldset class="checkboxes">
                <legend>{t!(i18n, notifications.legend)}</legend>
                {checkboxes}
            </fieldset>
            <ErrorMessage error/>
            // Said by the announcer; shown here for those who look.
            <Show when=move || saved.get()>
                <p class="message success">{t!(i18n, notifications.saved)}</p>
            </Show>
            <div class="buttons">
                <button type="submit" disabled=busy>{t!(i18n, notifications.save)}</button>
            </div>
        </form>
    }
}

/// A labelled checkbox with the hint read out with it. Changing it hides
/// the "saved" message, which no longer holds.
#[component]
fn KindCheckbox(
    kind: NotificationKind,
    enabled: RwSignal<bool>,
    saved: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("notification-{}", kind.as_str());
    let hint_id = format!("{id}-hint");
    view! {
        <div class="checkbox">
            <input
                type="checkbox"
                id=id.clone()
                name=id.clone()
                aria-describedby=hint_id.clone()
                bind:checked=enabled
                on:change=move |_| saved.set(false)
            />
            <label for=id>{move || labels::notification_kind(i18n.get_locale(), kind)}</label>
            <p class="hint" id=hint_id>
                {move || labels::notification_hint(i18n.get_locale(), kind)}
            </p>
        </div>
    }
}

fn as_request(switches: &[(NotificationKind, RwSignal<bool>)]) -> NotificationPreferences {
    let settings = switches
        .iter()
        .map(|&(kind, enabled)| NotificationSetting {
            kind,
            enabled: enabled.get_untracked(),
        })
        .collect();
    NotificationPreferences { settings }
}

/// Sets the checkboxes to what the server now holds.
fn show_stored(switches: &[(NotificationKind, RwSignal<bool>)], stored: &NotificationPreferences) {
    for (kind, enabled) in switches {
        if let Some(setting) = stored.settings.iter().find(|s| s.kind == *kind) {
            enabled.set(setting.enabled);
        }
    }
}
