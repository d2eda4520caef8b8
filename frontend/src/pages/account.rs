//! The person's own account: `/account` (trust level and sessions), and the
//! pages the mailed links lead to: `/verify-email/:token`,
//! `/forgot-password` and `/reset-password/:token`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::{IdentityDocument, IdentityMethod, Me, SessionView};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{ErrorMessage, Field, Loading, RequireLogin, page_title, use_announcer};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::session::use_session;

/// The length the server asks of a new password.
const MIN_PASSWORD_CHARS: usize = 12;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    page_title(move || t_string!(i18n, title.account).to_string());
    view! {
        <h1>{t!(i18n, account.heading)}</h1>
        <RequireLogin>
            {move || session.me().map(|me| view! { <TrustLevel me/> })}
            <Sessions/>
        </RequireLogin>
    }
}

/// What the person's address and identity count for, and how to raise it.
#[component]
fn TrustLevel(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let announcer = use_announcer();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let resend = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::resend_verification().await {
                Ok(()) => {
                    sent.set(true);
                    announcer.announce(t_string!(i18n, account.link_sent));
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    let email = me.email.clone();
    let address = if me.email_verified {
        view! { <p>{t!(i18n, account.email_verified, email = email)}</p> }.into_any()
    } else {
        view! {
            <p>{t!(i18n, account.email_unverified, email = email)}</p>
            <Show when=move || sent.get()>
                <p class="message success">{t!(i18n, account.link_sent)}</p>
            </Show>
            <ErrorMessage error/>
            <div class="buttons">
                <button type="button" on:click=resend disabled=busy>
                    {t!(i18n, account.resend)}
                </button>
            </div>
        }
        .into_any()
    };
    let identity = match me.identity {
        Some(identity) => {
            let at = identity.confirmed_at;
            let document = identity.document.clone();
            let by = identity
                .confirmed_by
                .map(|actor| actor.display_name)
                .unwrap_or_default();
            let text = move || {
                let locale = i18n.get_locale();
                let date = format::date_time(locale, &at);
                match identity.method {
                    IdentityMethod::InPerson => t_string!(
                        i18n,
                        account.identity_in_person,
                        date = date,
                        document = IdentityDocument::parse(&document)
                            .map(|d| labels::identity_document(locale, d))
                            .unwrap_or_else(|| document.clone()),
                        by = by.clone()
                    )
                    .to_string(),
                    IdentityMethod::Sso => t_string!(
                        i18n,
                        account.identity_sso,
                        date = date,
                        level = document.clone()
                    )
                    .to_string(),
                }
            };
            view! { <p>{text}</p> }.into_any()
        }
        None => view! { <p>{t!(i18n, account.identity_none)}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="trust-heading">
            <h2 id="trust-heading">{t!(i18n, account.trust_heading)}</h2>
            {address}
            {identity}
            <p>
                <A href="/forgot-password">{t!(i18n, account.change_password)}</A>
            </p>
        </section>
    }
}

/// The browsers the person is logged in with, each with a way to end it.
#[component]
fn Sessions() -> impl IntoView {
    let i18n = use_i18n();
    let sessions = LocalResource::new(api::list_sessions);
    view! {
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{t!(i18n, account.sessions_heading)}</h2>
            <p>{t!(i18n, account.sessions_intro)}</p>
            {move || match sessions.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(err)) => {
                    view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any()
                }
                Some(Ok(list)) => {
                    view! {
                        <ul class="sessions">
                            {list
                                .into_iter()
                                .map(|session| {
                                    let on_end = move || sessions.refetch();
                                    view! { <SessionItem session on_end/> }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn SessionItem(session: SessionView, on_end: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let user_session = use_session();
    let navigate = use_navigate();
    let announcer = use_announcer();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let id: Uuid = session.id;
    let current = session.current;
    let end = move |_| {
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::revoke_session(id).await {
                Ok(()) if current => {
                    user_session.set(None);
                    navigate("/login", Default::default());
                }
                Ok(()) => {
                    announcer.announce(t_string!(i18n, account.session_ended));
                    on_end();
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    let device = if session.user_agent.is_empty() {
        t_string!(i18n, account.unknown_device).to_string()
    } else {
        session.user_agent.clone()
    };
    let (started, active) = (session.started_at, session.last_active_at);
    let times = move || {
        let locale = i18n.get_locale();
        t_string!(
            i18n,
            account.session_times,
            started = format::date_time(locale, &started),
            active = format::date_time(locale, &active)
        )
        .to_string()
    };
    let method = session.method.clone();
    view! {
        <li class="session">
            <p>
                <strong>{device}</strong>
                {current
                    .then(|| {
                        view! { " " <span class="badge">{t!(i18n, account.this_device)}</span> }
                    })}
            </p>
            <p class="hint">
                {times} " · "
                {move || if method == "sso" {
                    t_string!(i18n, account.method_sso).to_string()
                } else {
                    t_string!(i18n, account.method_password).to_string()
                }}
            </p>
            <ErrorMessage error/>
            <button type="button" class="secondary" on:click=end disabled=busy>
                {move || if current {
                    t_string!(i18n, account.end_this).to_string()
                } else {
                    t_string!(i18n, account.end_other).to_string()
                }}
            </button>
        </li>
    }
}

/// Where the mailed verification link leads: confirms at once.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    page_title(move || t_string!(i18n, title.verify_email).to_string());
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let outcome = LocalResource::new(move || api::confirm_email(token.clone()));
    view! {
        <div class="narrow">
            <h1>{t!(i18n, account.verify_heading)}</h1>
            {move || match outcome.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Ok(())) => {
                    // What the header and the account page show follows.
                    spawn_local(async move {
                        if let Ok(me) = api::me().await {
                            session.set(me);
                        }
                    });
                    view! {
                        <p class="message success" role="status">{t!(i18n, account.verified)}</p>
                        <p><A href="/">{t!(i18n, account.to_start)}</A></p>
                    }
                        .into_any()
                }
                Some(Err(err)) => {
                    view! {
                        <ErrorMessage error=RwSignal::new(Some(err))/>
                        <p><A href="/account">{t!(i18n, account.to_account)}</A></p>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// Asks for a link to set a new password.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || t_string!(i18n, title.forgot_password).to_string());
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::request_password_reset(email.get_untracked()).await {
                Ok(()) => sent.set(true),
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="narrow">
            <h1>{t!(i18n, account.forgot_heading)}</h1>
            <p>{t!(i18n, account.forgot_intro)}</p>
            <form on:submit=submit class="stack">
                <Field id="forgot-email" kind="email" autocomplete="email" value=email
                    label=ViewFn::from(move || t!(i18n, form.email))/>
                <ErrorMessage error/>
                <Show when=move || sent.get()>
                    <p class="message success" role="status">{t!(i18n, account.reset_sent)}</p>
                </Show>
                <button type="submit" disabled=busy>{t!(i18n, account.send_link)}</button>
            </form>
            <p><A href="/login">{t!(i18n, account.to_login)}</A></p>
        </div>
    }
}

/// Where the mailed reset link leads: a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    page_title(move || t_string!(i18n, title.reset_password).to_string());
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let token = StoredValue::new(token);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let too_short = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let short = password.get_untracked().chars().count() < MIN_PASSWORD_CHARS;
        too_short.set(short);
        if short {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::confirm_password_reset(token.get_value(), password.get_untracked()).await {
                Ok(()) => {
                    // Every session ended with the reset, this browser's too.
                    session.set(None);
                    done.set(true);
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
            <h1>{t!(i18n, account.reset_heading)}</h1>
            <Show
                when=move || done.get()
                fallback=move || {
                    view! {
                        <p>{t!(i18n, account.reset_intro)}</p>
                        <form on:submit=submit class="stack">
                            <Field id="reset-password" kind="password" autocomplete="new-password"
                                value=password minlength=MIN_PASSWORD_CHARS as u32
                                label=ViewFn::from(move || t!(i18n, account.new_password))
                                hint=ViewFn::from(move || t!(i18n, form.password_hint))/>
                            <crate::components::Alert text=too_short_text/>
                            <ErrorMessage error/>
                            <button type="submit" disabled=busy>
                                {t!(i18n, account.set_password)}
                            </button>
                        </form>
                    }
                }
            >
                <p class="message success" role="status">{t!(i18n, account.password_set)}</p>
                <p><A href="/login">{t!(i18n, account.to_login)}</A></p>
            </Show>
        </div>
    }
}
