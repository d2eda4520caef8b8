//! Who is in the room, and the form that invites someone (shown when the
//! room allows `Invite`). The server answers an invitation with its link,
//! which we show with a copy button: the mail may still sit in the outbox.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{InvitationCreated, InviteRequest, RoomAction, RoomRole};

use super::use_room;
use crate::api::{self, ApiError};
use crate::components::{ErrorMessage, Field};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;
use crate::session::use_session;

#[component]
pub fn Members() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let session = use_session();
    let me = move || session.me().map(|me| me.id);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let remove = move |user_id: uuid::Uuid, name: String| {
        let question = t_string!(i18n, members.remove_confirm, name = name.clone()).to_string();
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let done = t_string!(i18n, members.removed, name).to_string();
        room.run_action(busy, error, done, "members-heading", move |room_id| {
            api::remove_member(room_id, user_id)
        });
    };
    let members = move || {
        let locale = i18n.get_locale();
        room.view.with(|r| {
            r.members
                .iter()
                .map(|m| {
                    let joined = format::date_time(locale, &m.joined_at);
                    let you = (Some(m.user_id) == me()).then(|| t_string!(i18n, members.you));
                    let removable = room.allows(RoomAction::RemoveMember)
                        && m.role != RoomRole::Builder
                        && Some(m.user_id) != me();
                    let (user_id, name) = (m.user_id, m.display_name.clone());
                    let label =
                        t_string!(i18n, members.remove_label, name = name.clone()).to_string();
                    let button = removable.then(|| {
                        view! {
                            <button
                                type="button"
                                class="secondary small"
                                aria-label=label
                                disabled=busy
                                on:click=move |_| remove(user_id, name.clone())
                            >
                                {t!(i18n, members.remove)}
                            </button>
                        }
                    });
                    view! {
                        <li>
                            <span class="name">{m.display_name.clone()} " " {you}</span>
                            <span class="role">{labels::role(locale, m.role)}</span>
                            <span class="meta">
                                {t_string!(i18n, members.joined, date = joined)}
                            </span>
                            {button}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading" tabindex="-1">{t!(i18n, members.heading)}</h2>
            <ul class="members">{members}</ul>
            <ErrorMessage error/>
        </section>
    }
}

#[component]
pub fn InviteForm() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(RoomRole::Designer.as_str().to_owned());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<InvitationCreated>);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let role = RoomRole::parse(&role.get_untracked()).unwrap_or(RoomRole::Designer);
        let request = InviteRequest {
            email: email.get_untracked(),
            role,
        };
        let room_id = room.id();
        busy.set(true);
        error.set(None);
        created.set(None);
        spawn_local(async move {
            match api::invite_member(room_id, &request).await {
                Ok(invitation) => {
                    created.set(Some(invitation));
                    email.set(String::new());
                    room.announcer.announce(t_string!(i18n, invite.created));
                }
                Err(err) => error.set(Some(err)),
            }
            busy.set(false);
        });
    };
    let role_option = move |value: RoomRole| {
        view! {
            <option value=value.as_str()>{move || labels::role(i18n.get_locale(), value)}</option>
        }
    };

    view! {
        <Show when=move || room.allows(RoomAction::Invite)>
            <section class="card" aria-labelledby="invite-heading">
                <h2 id="invite-heading">{t!(i18n, invite.heading)}</h2>
                <p class="hint">{t!(i18n, invite.intro)}</p>
                <form on:submit=submit class="stack">
                    <Field id="invite-email" kind="email" value=email
                        label=ViewFn::from(move || t!(i18n, invite.email))/>
                    <div class="field">
                        <label for="invite-role">{t!(i18n, invite.role)}</label>
                        <select id="invite-role" bind:value=role>
                            {role_option(RoomRole::Designer)}
                            {role_option(RoomRole::OtherApplicant)}
                        </select>
                    </div>
                    <ErrorMessage error/>
                    <button type="submit" disabled=busy>{t!(i18n, invite.submit)}</button>
                </form>
                {move || created.get().map(|invitation| view! { <InvitationLink invitation/> })}
            </section>
        </Show>
    }
}

/// The new invitation's link, ready to copy.
#[component]
fn InvitationLink(invitation: InvitationCreated) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(None::<bool>);
    let link = invitation.link.clone();
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let promise = clipboard.write_text(&link);
        spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(ok));
        });
    };
    let expires = invitation.expires_at;
    view! {
        <div class="invitation-link message success">
            <p>{t!(i18n, invite.created)}</p>
            <div class="field">
                <label for="invite-link">{t!(i18n, invite.link)}</label>
                <div class="copy-row">
                    <input id="invite-link" type="text" readonly value=invitation.link.clone()
                        on:focus=|ev| select_all(&ev)/>
                    <button type="button" class="secondary" on:click=copy>
                        {t!(i18n, invite.copy)}
                    </button>
                </div>
            </div>
            <p role="status">
                {move || match copied.get() {
                    Some(true) => t_string!(i18n, invite.copied).to_string(),
                    Some(false) => t_string!(i18n, invite.copy_failed).to_string(),
                    None => String::new(),
                }}
            </p>
            <p class="hint">
                {move || match invitation.mailed {
                    true => t_string!(i18n, invite.mailed).to_string(),
                    false => t_string!(i18n, invite.not_mailed).to_string(),
                }}
                " "
                {move || t_string!(i18n, invite.expires, date = format::date_time(i18n.get_locale(), &expires))}
            </p>
        </div>
    }
}

fn select_all(event: &leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}
