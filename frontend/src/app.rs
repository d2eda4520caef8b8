//! The frame around every page: routes, header, skip link, the live region.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;

use crate::api;
use crate::components::{Announcer, focus_by_id};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::language;
use crate::pages::{
    AccountPage, ForgotPasswordPage, HomePage, InboxPage, InvitationPage, LoginPage, NewRoomPage,
    NotFoundPage, NotificationSettingsPage, OfficeAdminPage, OperatorOfficesPage,
    ProcedureTypesPage, QueuePage, RegisterPage, ResetPasswordPage, RoomPage, RoomsPage,
    VerifyEmailPage,
};
use crate::session::{
    Session, administered_offices, office_admin_path, procedure_types_path, works_in_office,
};

#[component]
pub fn App() -> impl IntoView {
    let i18n = language::provide();
    Session::provide();
    let announcer = Announcer::provide();

    view! {
        <Router>
            <a class="skip-link" href="#main" on:click=skip_to_main>{t!(i18n, skip_link)}</a>
            <Header/>
            <FocusOnNavigation/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/register") view=RegisterPage/>
                    <Route path=path!("/account") view=AccountPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password/:token") view=ResetPasswordPage/>
                    <Route path=path!("/verify-email/:token") view=VerifyEmailPage/>
                    <Route path=path!("/rooms") view=RoomsPage/>
                    <Route path=path!("/rooms/new") view=NewRoomPage/>
                    <Route path=path!("/rooms/:id") view=RoomPage/>
                    <Route path=path!("/queue") view=QueuePage/>
                    <Route path=path!("/inbox") view=InboxPage/>
                    <Route path=path!("/invitations/:token") view=InvitationPage/>
                    <Route
                        path=path!("/settings/notifications")
                        view=NotificationSettingsPage
                    />
                    <Route
                        path=path!("/office/:office_id/procedure-types")
                        view=ProcedureTypesPage
                    />
                    <Route path=path!("/office/:office_id/manage") view=OfficeAdminPage/>
                    <Route path=path!("/operator/offices") view=OperatorOfficesPage/>
                </Routes>
            </main>
            {announcer.view()}
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let navigate = use_navigate();

    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Whatever the server says, this page forgets the person.
            let _ = api::logout().await;
            session.set(None);
            navigate("/login", Default::default());
        });
    };

    view! {
        <header class="site-header">
            <div class="header-inner">
                <p class="brand">
                    <A href="/">{t!(i18n, app_name)}</A>
                    <span class="tagline">{t!(i18n, app_tagline)}</span>
                </p>
                <nav aria-label=move || t_string!(i18n, nav.label)>
                    <ul>
                        {move || match session.me() {
                            Some(me) if works_in_office(&me) => {
                                view! {
                                    <li><A href="/queue">{t!(i18n, nav.queue)}</A></li>
                                    <AdminLinks me/>
                                }
                                    .into_any()
                            }
                            Some(me) if !me.bodies.is_empty() => {
                                view! {
                                    <li><A href="/inbox">{t!(i18n, nav.inbox)}</A></li>
                                    <li><A href="/rooms">{t!(i18n, nav.my_rooms)}</A></li>
                                }
                                    .into_any()
                            }
                            Some(_) => {
                                view! { <li><A href="/rooms">{t!(i18n, nav.my_rooms)}</A></li> }
                                    .into_any()
                            }
                            None => {
                                view! {
                                    <li><A href="/login">{t!(i18n, nav.login)}</A></li>
                                    <li><A href="/register">{t!(i18n, nav.register)}</A></li>
                                }
                                    .into_any()
                            }
                        }}
                        {move || {
                            session
                                .me()
                                .filter(|me| me.operator)
                                .map(|_| {
                                    view! {
                                        <li>
                                            <A href="/operator/offices">{t!(i18n, nav.operator)}</A>
                                        </li>
                                    }
                                })
                        }}
                        {move || {
                            session
                                .me()
                                .map(|_| {
                                    view! {
                                        <li>
                                            <A href="/settings/notifications">
                                                {t!(i18n, nav.notifications)}
                                            </A>
                                        </li>
                                        <li><A href="/account">{t!(i18n, nav.account)}</A></li>
                                    }
                                })
                        }}
                    </ul>
                </nav>
                {move || {
                    session
                        .me()
                        .map(|me| {
                            let name = me.display_name.clone();
                            view! {
                                <div class="account">
                                    <span>
                                        {move || {
                                            let name = name.clone();
                                            t_string!(i18n, header.logged_in_as, name)
                                        }}
                                    </span>
                                    <TrustLevel me/>
                                    <button type="button" class="secondary" on:click=logout.clone()>
                                        {t!(i18n, header.logout)}
                                    </button>
                                </div>
                            }
                        })
                }}
                <LanguageSwitch/>
            </div>
        </header>
    }
}

/// Links to the management and the procedure types of each office the
/// person administers, named by the office when there is more than one.
#[component]
fn AdminLinks(me: shared::Me) -> impl IntoView {
    let i18n = use_i18n();
    let offices = administered_offices(&me);
    let named = offices.len() > 1;
    offices
        .into_iter()
        .map(|office| {
            let manage = office_admin_path(&office);
            let types = procedure_types_path(&office);
            let name = office.office_name;
            let manage_text = {
                let office = name.clone();
                move || match named {
                    true => {
                        t_string!(i18n, nav.office_admin_of, office = office.clone()).to_string()
                    }
                    false => t_string!(i18n, nav.office_admin).to_string(),
                }
            };
            let types_text = move || match named {
                true => t_string!(i18n, nav.procedure_types_of, office = name.clone()).to_string(),
                false => t_string!(i18n, nav.procedure_types).to_string(),
            };
            view! {
                <li><A href=manage>{manage_text}</A></li>
                <li><A href=types>{types_text}</A></li>
            }
        })
        .collect_view()
}

/// The person's trust level, beside their name: what they may need for
/// submitting or retrieving a notice is visible before they try.
#[component]
fn TrustLevel(me: shared::Me) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let locale = i18n.get_locale();
        match &me.identity {
            Some(identity) => {
                let date = crate::format::date(locale, &identity.confirmed_at.date_naive());
                match identity.method {
                    shared::IdentityMethod::InPerson => {
                        let document = shared::IdentityDocument::parse(&identity.document)
                            .map(|d| crate::labels::identity_document(locale, d))
                            .unwrap_or_else(|| identity.document.clone());
                        t_string!(i18n, header.identity_in_person, date, document).to_string()
                    }
                    shared::IdentityMethod::Sso => {
                        t_string!(i18n, header.identity_sso, date).to_string()
                    }
                }
            }
            None if me.email_verified => t_string!(i18n, header.email_confirmed).to_string(),
            None => t_string!(i18n, header.unconfirmed).to_string(),
        }
    };
    view! { <span class="trust-level">{text}</span> }
}

/// Two buttons, each in its own language, the current one pressed.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale, tag: &'static str, name: &'static str| {
        view! {
            <button
                type="button"
                class="language"
                lang=tag
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |_| i18n.set_locale(locale)
            >
                {name}
            </button>
        }
    };
    view! {
        <div
            class="language-switch"
            role="group"
            aria-label=move || t_string!(i18n, header.language)
        >
            {button(Locale::de, "de", "Deutsch")}
            {button(Locale::en, "en", "English")}
        </div>
    }
}

/// After a move to another page, puts the focus at the start of the new
/// content, so keyboard and screen reader users start there and not at the
/// link they came from.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            request_animation_frame(focus_main);
        }
        path
    });
}

/// The skip link does by hand what the browser would do for `#main`: the
/// router would otherwise take the click as a navigation and drop the focus.
fn skip_to_main(event: leptos::ev::MouseEvent) {
    event.prevent_default();
    focus_main();
}

fn focus_main() {
    focus_by_id("main");
    if let Some(main) = document().get_element_by_id("main") {
        main.scroll_into_view();
    }
}
