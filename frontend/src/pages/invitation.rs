//! `/invitations/:token`: what the invitee sees before joining a room.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::InvitationPreview;

use crate::api::{self, ApiError};
use crate::components::{ErrorMessage, Loading, page_title, use_announcer};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::session::{SessionState, use_session};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    page_title(move || t_string!(i18n, title.invitation).to_string());

    let preview = LocalResource::new(move || {
        let token = token.get();
        async move { api::preview_invitation(&token).await }
    });
    view! {
        <div class="narrow">
            <h1>{t!(i18n, invitation.heading)}</h1>
            {move || match preview.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(err)) => {
                    view! { <ErrorMessage error=RwSignal::new(Some(err))/> }.into_any()
                }
                Some(Ok(preview)) => view! { <Invitation token=token.get() preview/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Invitation(token: String, preview: InvitationPreview) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let here = format!("/invitations/{token}");
    let next = String::from(js_sys::encode_uri_component(&here));
    let expires = preview.expires_at;
    let role = preview.role;

    view! {
        <dl class="facts">
            <dt>{t!(i18n, invitation.room)}</dt>
            <dd>{preview.room_title}</dd>
            <dt>{t!(i18n, invitation.site_address)}</dt>
            <dd>{preview.site_address}</dd>
            <dt>{t!(i18n, invitation.invited_by)}</dt>
            <dd>{preview.invited_by}</dd>
            <dt>{t!(i18n, invitation.role)}</dt>
            <dd>{move || labels::role(i18n.get_locale(), role)}</dd>
            <dt>{t!(i18n, invitation.expires)}</dt>
            <dd>{move || format::date_time(i18n.get_locale(), &expires)}</dd>
        </dl>
        {move || match session.state() {
            SessionState::Unknown => view! { <Loading/> }.into_any(),
            SessionState::LoggedIn(_) => view! { <AcceptButton token=token.clone()/> }.into_any(),
            SessionState::Anonymous => {
                let next = next.clone();
                view! {
                    <p>{t!(i18n, invitation.login_first)}</p>
                    <p class="buttons">
                        <A href=format!("/register?next={next}") attr:class="button">
                            {t!(i18n, invitation.register)}
                        </A>
                        <A href=format!("/login?next={next}") attr:class="button secondary">
                            {t!(i18n, invitation.login)}
                        </A>
                    </p>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn AcceptButton(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let announcer = use_announcer();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let accept = move |_| {
        let token = token.clone();
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::accept_invitation(&token).await {
                Ok(accepted) => {
                    announcer.announce(t_string!(i18n, invitation.accepted));
                    navigate(&format!("/rooms/{}", accepted.room_id), Default::default());
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    view! {
        <ErrorMessage error/>
        <button type="button" on:click=accept disabled=busy>{t!(i18n, invitation.accept)}</button>
    }
}
