//! `/login` and `/register`. Both honour `?next=` (a path on this site) so an
//! invitee comes back to the invitation afterwards. With single sign-on on,
//! the login page also offers the provider, and shows why a sign-on failed
//! (`?sso_error=`, set by the server's callback).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::{LoginRequest, RegisterRequest};

use crate::api::{self, ApiError};
use crate::components::{Alert, ErrorMessage, Field, page_title, safe_next};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::session::use_session;

/// The length the server asks of a new password.
const MIN_PASSWORD_CHARS: usize = 12;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let next = next_path();
    page_title(move || t_string!(i18n, title.login).to_string());

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let query = use_query_map();
    let sso_error = Signal::derive(move || {
        let code = query.read().get("sso_error")?;
        Some(sso_error_text(i18n, &code))
    });

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::login(&request).await {
                Ok(me) => {
                    session.set(Some(me));
                    navigate(&next.get_untracked(), Default::default());
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };

    view! {
        <div class="narrow">
            <h1>{t!(i18n, login.heading)}</h1>
            <p>{t!(i18n, login.intro)}</p>
            <Alert text=sso_error/>
            <form on:submit=submit class="stack">
                <Field id="login-email" kind="email" autocomplete="username" value=email
                    label=ViewFn::from(move || t!(i18n, form.email))/>
                <Field id="login-password" kind="password" autocomplete="current-password"
                    value=password label=ViewFn::from(move || t!(i18n, form.password))/>
                <ErrorMessage error/>
                <button type="submit" disabled=busy>{t!(i18n, login.submit)}</button>
            </form>
            <p><A href="/forgot-password">{t!(i18n, login.forgot_link)}</A></p>
            <SingleSignOn next/>
            <p>
                {t!(i18n, login.no_account)} " "
                <A href=move || with_next("/register", &next.get())>
                    {t!(i18n, login.register_link)}
                </A>
            </p>
        </div>
    }
}

/// The provider's button, when the server has single sign-on on.
#[component]
fn SingleSignOn(next: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let config = LocalResource::new(api::client_config);
    let label = move || config.get().and_then(Result::ok).and_then(|c| c.sso_label);

    move || {
        label().map(|label| {
            let intro_label = label.clone();
            // A plain link the router leaves alone (rel="external"): the
            // start is a page load that leaves for the provider.
            view! {
                <div class="sso">
                    <p>
                        {move || {
                            let label = intro_label.clone();
                            t_string!(i18n, login.sso_intro, label)
                        }}
                    </p>
                    <a class="button secondary" rel="external"
                        href=move || api::sso_start_url(&next.get())>
                        {move || {
                            let label = label.clone();
                            t_string!(i18n, login.sso_button, label)
                        }}
                    </a>
                </div>
            }
        })
    }
}

/// What the person can do about a failed sign-on, by the server's code.
fn sso_error_text(i18n: I18nContext<Locale>, code: &str) -> String {
    let text = match code {
        "cancelled" => t_string!(i18n, login.sso_error.cancelled),
        "provider_error" => t_string!(i18n, login.sso_error.provider_error),
        "expired" => t_string!(i18n, login.sso_error.expired),
        "state_mismatch" => t_string!(i18n, login.sso_error.state_mismatch),
        "unavailable" => t_string!(i18n, login.sso_error.unavailable),
        "token" => t_string!(i18n, login.sso_error.token),
        "invalid_token" => t_string!(i18n, login.sso_error.invalid_token),
        "email_missing" => t_string!(i18n, login.sso_error.email_missing),
        "email_unverified" => t_string!(i18n, login.sso_error.email_unverified),
        "email_taken" => t_string!(i18n, login.sso_error.email_taken),
        _ => t_string!(i18n, login.sso_error.failed),
    };
    text.to_string()
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let next = next_path();
    page_title(move || t_string!(i18n, title.register).to_string());

    let display_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let too_short = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let short = password.get_untracked().chars().count() < MIN_PASSWORD_CHARS;
        too_short.set(short);
        if short {
            return;
        }
        let request = RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            display_name: display_name.get_untracked(),
        };
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::register(&request).await {
                Ok(me) => {
                    session.set(Some(me));
                    navigate(&next.get_untracked(), Default::default());
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    let too_short_text = Signal::derive(move || {
        too_short
            .get()
            .then(|| t_string!(i18n, form.password_too_short).to_string())
    });

    view! {
        <div class="narrow">
            <h1>{t!(i18n, register.heading)}</h1>
            <p>{t!(i18n, register.intro)}</p>
            <form on:submit=submit class="stack">
                <Field id="register-name" autocomplete="name" value=display_name
                    label=ViewFn::from(move || t!(i18n, form.display_name))
                    hint=ViewFn::from(move || t!(i18n, form.display_name_hint))/>
                <Field id="register-email" kind="email" autocomplete="email" value=email
                    label=ViewFn::from(move || t!(i18n, form.email))/>
                <Field id="register-password" kind="password" autocomplete="new-password"
                    value=password minlength=MIN_PASSWORD_CHARS as u32
                    label=ViewFn::from(move || t!(i18n, form.password))
                    hint=ViewFn::from(move || t!(i18n, form.password_hint))/>
                <Alert text=too_short_text/>
                <ErrorMessage error/>
                <button type="submit" disabled=busy>{t!(i18n, register.submit)}</button>
            </form>
            <p>
                {t!(i18n, register.have_account)} " "
                <A href=move || with_next("/login", &next.get())>{t!(i18n, register.login_link)}</A>
            </p>
        </div>
    }
}

/// Where to go after success, from `?next=`.
fn next_path() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| safe_next(query.read().get("next")))
}

/// `path`, passing `next` on unless it is the start page.
fn with_next(path: &str, next: &str) -> String {
    if next == "/" {
        return path.to_owned();
    }
    format!(
        "{path}?next={}",
        String::from(js_sys::encode_uri_component(next))
    )
}
