//! Any path no route knows.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_title;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || t_string!(i18n, title.not_found).to_string());
    view! {
        <h1>{t!(i18n, not_found.heading)}</h1>
        <p>{t!(i18n, not_found.text)}</p>
        <p><A href="/">{t!(i18n, not_found.home)}</A></p>
    }
}
