//! The declaration's signatures and the procedure's buttons (submit, start
//! the completeness check). Each button shows only when the room's `allowed`
//! lists its action.

use leptos::prelude::*;
use shared::{ApplicantAction, RoomAction, RoomRole, RoomStatus};

use super::{IdentityNeeded, use_room};
use crate::api::{self, ApiError};
use crate::components::ErrorMessage;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;

#[component]
pub fn Signatures() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);

    let sign = move |_| {
        let done = t_string!(i18n, signatures.signed).to_string();
        room.run_action(
            busy,
            error,
            done,
            "signatures-heading",
            api::sign_application,
        );
    };
    let withdraw = move |_| {
        let done = t_string!(i18n, signatures.withdrawn).to_string();
        room.run_action(
            busy,
            error,
            done,
            "signatures-heading",
            api::withdraw_signature,
        );
    };

    view! {
        <section class="card" aria-labelledby="signatures-heading">
            <h2 id="signatures-heading" tabindex="-1">{t!(i18n, signatures.heading)}</h2>
            <p class="hint">{t!(i18n, signatures.intro)}</p>
            <SignatureList/>
            <ErrorMessage error/>
            <div class="buttons">
                <Show when=move || room.allows(RoomAction::Sign)>
                    <button type="button" on:click=sign disabled=busy>
                        {t!(i18n, signatures.sign)}
                    </button>
                </Show>
                <Show when=move || room.allows(RoomAction::WithdrawSignature)>
                    <button type="button" class="secondary" on:click=withdraw disabled=busy>
                        {t!(i18n, signatures.withdraw)}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// Who signed, and which of the required signatures are still missing.
#[component]
fn SignatureList() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    move || {
        let locale = i18n.get_locale();
        room.view.with(|r| {
            let signed = r.signatures.iter().map(|s| {
                let role = labels::role(locale, s.role);
                let date = format::date_time(locale, &s.signed_at);
                let name = s.display_name.clone();
                view! {
                    <li class="signed">
                        <span class="mark" aria-hidden="true">"✓ "</span>
                        {t_string!(i18n, signatures.signed_by, name, role, date)}
                    </li>
                }
            });
            let missing = [RoomRole::Builder, RoomRole::Designer]
                .into_iter()
                .filter(|role| !r.signatures.iter().any(|s| s.role == *role))
                .map(|role| {
                    let role = labels::role(locale, role);
                    view! {
                        <li class="unsigned">
                            <span class="mark" aria-hidden="true">"○ "</span>
                            {t_string!(i18n, signatures.missing, role)}
                        </li>
                    }
                });
            view! { <ul class="signatures">{signed.collect_view()}{missing.collect_view()}</ul> }
        })
    }
}

/// The procedure's next step, for whoever may take it.
#[component]
pub fn Actions() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);

    let submit = move |_| {
        let done = t_string!(i18n, room.submitted).to_string();
        room.run_action(busy, error, done, "room-title", api::submit_application);
    };
    let start_check = move |_| {
        let done = t_string!(i18n, room.check_started).to_string();
        room.run_action(busy, error, done, "room-title", api::start_check);
    };
    // The office may keep the submission from an applicant whose identity
    // is not confirmed: then the page says so where the button would be.
    let may_submit = move || room.allows(RoomAction::Submit);
    let needs_identity = move || room.needs_identity_for(ApplicantAction::Submit);
    let can_submit = move || may_submit() && !needs_identity();
    let asks_for_identity = move || may_submit() && needs_identity();
    let can_check = move || room.allows(RoomAction::StartCheck);
    // In a draft the applicants see why they cannot submit yet.
    let waiting_for_signatures = move || {
        !may_submit()
            && room
                .view
                .with(|r| r.status == RoomStatus::Draft && r.my_role.is_applicant())
    };

    // The checklist's categories without a document yet: the office may ask
    // for them, so the applicants see them before they submit.
    let missing_documents = move || {
        room.view.with(|r| {
            if r.status != RoomStatus::Draft || !r.my_role.is_applicant() {
                return Vec::new();
            }
            r.procedure_type
                .required_categories
                .iter()
                .filter(|c| !r.documents.iter().any(|d| d.category == **c))
                .copied()
                .collect::<Vec<_>>()
        })
    };
    let has_missing_documents = move || !missing_documents().is_empty();

    view! {
        <Show when=move || {
            may_submit() || can_check() || waiting_for_signatures() || has_missing_documents()
                || error.get().is_some()
        }>
            <section class="card actions" aria-labelledby="actions-heading">
                <h2 id="actions-heading">{t!(i18n, room.actions_heading)}</h2>
                <Show when=has_missing_documents>
                    <p class="hint">{t!(i18n, room.documents_missing)}</p>
                    <ul class="missing-documents">
                        {move || {
                            let locale = i18n.get_locale();
                            missing_documents()
                                .into_iter()
                                .map(|category| {
                                    view! { <li>{labels::category(locale, category)}</li> }
                                })
                                .collect_view()
                        }}
                    </ul>
                </Show>
                <Show when=waiting_for_signatures>
                    <p class="hint">{t!(i18n, room.submit_needs)}</p>
                </Show>
                <Show when=asks_for_identity>
                    <IdentityNeeded reason=t_string!(i18n, room.identity_for_submit).to_string()/>
                </Show>
                <ErrorMessage error/>
                <div class="buttons">
                    <Show when=can_submit>
                        <button type="button" class="primary" on:click=submit disabled=busy>
                            {t!(i18n, room.submit)}
                        </button>
                    </Show>
                    <Show when=can_check>
                        <button type="button" class="primary" on:click=start_check disabled=busy>
                            {t!(i18n, room.start_check)}
                        </button>
                    </Show>
                </div>
            </section>
        </Show>
    }
}
