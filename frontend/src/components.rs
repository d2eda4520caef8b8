//! Small pieces every page uses: labelled fields, error and loading
//! messages, the polite live region, the document title, the login guard.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::ApiError;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::session::{SessionState, use_session};

/// A text input with its label and an optional hint read out with it.
#[component]
pub fn Field(
    /// The input's id, also the label's `for`.
    id: &'static str,
    /// The visible label.
    label: ViewFn,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<ViewFn>,
    #[prop(optional)] minlength: Option<u32>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let described_by = hint.is_some().then(|| hint_id.clone());
    view! {
        <div class="field">
            <label for=id>{label.run()}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint.run()}</p> })}
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                required
                minlength=minlength
                aria-describedby=described_by
                bind:value=value
            />
        </div>
    }
}

/// An error said out loud as soon as it appears.
#[component]
pub fn ErrorMessage(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|error| {
            let text = labels::problem(i18n.get_locale(), &error);
            view! { <p class="message error" role="alert">{text}</p> }
        })
    }
}

/// An error of our own (not from the server), said out loud.
#[component]
pub fn Alert(text: Signal<Option<String>>) -> impl IntoView {
    move || {
        text.get()
            .map(|text| view! { <p class="message error" role="alert">{text}</p> })
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" aria-busy="true">{t!(i18n, loading)}</p> }
}

/// The one polite live region of the app: what changed without the person
/// doing it (a new document, a status change) or what an action achieved.
#[derive(Debug, Clone, Copy)]
pub struct Announcer(RwSignal<String>);

impl Announcer {
    pub fn provide() -> Announcer {
        let announcer = Announcer(RwSignal::new(String::new()));
        provide_context(announcer);
        announcer
    }

    pub fn announce(self, message: impl Into<String>) {
        self.0.set(message.into());
    }

    pub fn view(self) -> impl IntoView {
        view! {
            <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
                {move || self.0.get()}
            </div>
        }
    }
}

pub fn use_announcer() -> Announcer {
    expect_context::<Announcer>()
}

/// Sets the document's title to "<page> – Vorgangsraum" while the page is shown.
pub fn page_title(title: impl Fn() -> String + Send + Sync + 'static) {
    let i18n = use_i18n();
    Effect::new(move || {
        document().set_title(&format!("{} – {}", title(), t_string!(i18n, app_name)));
    });
}

/// Shows its children to a logged-in person; anyone else is sent to the
/// login page, which brings them back here afterwards.
#[component]
pub fn RequireLogin(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    let logged_in = Memo::new(move |_| matches!(session.state(), SessionState::LoggedIn(_)));

    // The page this guard stands in front of, taken once: read inside the
    // effect, the location would already be the login page after a logout,
    // and tracking it would send the person on from there forever.
    let here = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    );
    let next = String::from(js_sys::encode_uri_component(&here));
    Effect::new(move || {
        if session.state() == SessionState::Anonymous {
            let options = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate(&format!("/login?next={next}"), options);
        }
    });
    move || {
        if logged_in.get() {
            children().into_any()
        } else {
            view! { <Loading/> }.into_any()
        }
    }
}

/// The path to return to after logging in: only a path of this site, so a
/// crafted link cannot send the person elsewhere.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/".to_owned(),
    }
}

/// Moves the focus to the element with this id, if it is on the page.
pub fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    let element = document().get_element_by_id(id);
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_keeps_a_path_of_this_site() {
        assert_eq!(
            safe_next(Some("/invitations/abc".into())),
            "/invitations/abc"
        );
    }

    #[test]
    fn next_refuses_other_sites_and_falls_back_to_the_start_page() {
        for outside in [
            "https://evil.example",
            "//evil.example/x",
            "/\\evil.example",
            "rooms",
        ] {
            assert_eq!(safe_next(Some(outside.into())), "/", "{outside}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
