//! The interface language: German unless the person chose English, and the
//! choice remembered in `localStorage`.
//!
//! leptos_i18n would start from the browser's preferred languages; we want
//! German first whatever the browser says, so the context is created with an
//! initial locale of our own and provided by hand.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_i18n::Locale as _;
use leptos_i18n::context::init_i18n_subcontext;

use crate::format::language_tag;
use crate::i18n::Locale;

const STORAGE_KEY: &str = "vorgangsraum.language";

/// Creates the i18n context, provides it, and keeps `<html lang>` and the
/// stored choice in step with it.
pub fn provide() -> I18nContext<Locale> {
    let initial = stored().unwrap_or(Locale::de);
    let i18n = init_i18n_subcontext(Some(Signal::stored(initial)));
    provide_context(i18n);

    Effect::new(move || {
        let locale = i18n.get_locale();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", language_tag(locale));
        }
        store(locale);
    });
    i18n
}

fn stored() -> Option<Locale> {
    let storage = window().local_storage().ok().flatten()?;
    match storage.get_item(STORAGE_KEY).ok().flatten()?.as_str() {
        "de" => Some(Locale::de),
        "en" => Some(Locale::en),
        _ => None,
    }
}

fn store(locale: Locale) {
    // Private browsing may refuse storage; the choice then lasts for the visit.
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(STORAGE_KEY, locale.as_str());
    }
}
