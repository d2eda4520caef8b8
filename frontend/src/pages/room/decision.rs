//! The decision: the caseworker's form (outcome, conditions traced to the
//! statements they came from, the notice and a fee notice) and, once made,
//! the decision as every party sees it, with the notice's delivery.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{
    ApplicantAction, DecisionCondition, DecisionOutcome, DecisionRequest, DocumentCategory,
    FeeInput, RoomAction,
};
use uuid::Uuid;

use super::procedure::lines;
use super::{IdentityNeeded, use_room};
use crate::api::{self, ApiError};
use crate::components::ErrorMessage;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels;

#[component]
pub fn Decision() -> impl IntoView {
    let room = use_room();
    view! {
        <Show when=move || room.allows(RoomAction::Decide)>
            <DecisionForm/>
        </Show>
        <Show when=move || room.view.with(|r| r.decision.is_some())>
            <DecisionShown/>
        </Show>
    }
}

/// A condition on offer: from a statement (with the body's name) or typed.
#[derive(Debug, Clone, PartialEq)]
struct Offered {
    text: String,
    statement_id: Uuid,
    body: String,
}

#[component]
fn DecisionForm() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let outcome = RwSignal::new(DecisionOutcome::Approved.as_str().to_string());
    let ticked = RwSignal::new(Vec::<usize>::new());
    let own = RwSignal::new(String::new());
    let notice = RwSignal::new(String::new());
    let fee_notice = RwSignal::new(String::new());
    let fee_euros = RwSignal::new(String::new());

    // Every condition of the newest statement of each request.
    let offered = move || -> Vec<Offered> {
        room.view.with(|r| {
            r.statement_requests
                .iter()
                .filter_map(|q| q.statements.last().map(|s| (q, s)))
                .flat_map(|(q, s)| {
                    s.conditions.iter().map(move |text| Offered {
                        text: text.clone(),
                        statement_id: s.id,
                        body: q.body.name.clone(),
                    })
                })
                .collect()
        })
    };
    // The newest version of each office document of a category.
    let versions = move |category: DocumentCategory| -> Vec<(Uuid, String)> {
        room.view.with(|r| {
            r.documents
                .iter()
                .filter(|d| d.category == category)
                .filter_map(|d| d.versions.last().map(|v| (v.id, v.file_name.clone())))
                .collect()
        })
    };
    let with_conditions =
        move || outcome.with(|o| o == DecisionOutcome::ApprovedWithConditions.as_str());

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let outcome =
            DecisionOutcome::parse(&outcome.get_untracked()).unwrap_or(DecisionOutcome::Approved);
        let conditions = match outcome {
            DecisionOutcome::ApprovedWithConditions => {
                let offered = offered();
                let mut conditions: Vec<DecisionCondition> = ticked
                    .get_untracked()
                    .into_iter()
                    .filter_map(|i| offered.get(i).cloned())
                    .map(|o| DecisionCondition {
                        text: o.text,
                        statement_id: Some(o.statement_id),
                    })
                    .collect();
                conditions.extend(lines(&own.get_untracked()).into_iter().map(|text| {
                    DecisionCondition {
                        text,
                        statement_id: None,
                    }
                }));
                conditions
            }
            _ => Vec::new(),
        };
        let chosen = |signal: RwSignal<String>, category| {
            signal
                .get_untracked()
                .parse::<Uuid>()
                .ok()
                .or_else(|| versions(category).first().map(|(id, _)| *id))
        };
        let fee = match (
            chosen(fee_notice, DocumentCategory::FeeNotice),
            cents(&fee_euros.get_untracked()),
        ) {
            (Some(version_id), Some(amount_cents)) => Some(FeeInput {
                amount_cents,
                version_id,
                paid: false,
            }),
            _ => None,
        };
        let request = DecisionRequest {
            outcome,
            conditions,
            notice_version_id: chosen(notice, DocumentCategory::Notice).unwrap_or_default(),
            fee,
        };
        let done = t_string!(i18n, decision.decided).to_string();
        room.run_action(
            busy,
            error,
            done,
            "decision-heading",
            move |id| async move { api::decide(id, &request).await },
        );
    };

    let outcome_options = move || {
        let locale = i18n.get_locale();
        [
            DecisionOutcome::Approved,
            DecisionOutcome::ApprovedWithConditions,
            DecisionOutcome::Rejected,
        ]
        .into_iter()
        .map(|o| {
            let selected = move || outcome.with(|chosen| chosen == o.as_str());
            view! {
                <option value=o.as_str() selected=selected>{labels::outcome(locale, o)}</option>
            }
        })
        .collect_view()
    };
    let condition_boxes = move || {
        offered()
            .into_iter()
            .enumerate()
            .map(|(i, o)| {
                let id = format!("decision-condition-{i}");
                let toggle = move |ev| {
                    let on = event_target_checked(&ev);
                    ticked.update(|list| {
                        list.retain(|x| *x != i);
                        if on {
                            list.push(i);
                        }
                    });
                };
                let from = t_string!(i18n, decision.from_statement, body = o.body).to_string();
                view! {
                    <li>
                        <input type="checkbox" id=id.clone() on:change=toggle/>
                        <label for=id>{o.text} " " <span class="meta">"(" {from} ")"</span></label>
                    </li>
                }
            })
            .collect_view()
    };
    let version_options = move |category: DocumentCategory, signal: RwSignal<String>| {
        versions(category)
            .into_iter()
            .map(|(id, name)| {
                let value = id.to_string();
                let selected = {
                    let value = value.clone();
                    move || signal.with(|chosen| *chosen == value)
                };
                view! { <option value=value selected=selected>{name}</option> }
            })
            .collect_view()
    };
    let has_notice = move || !versions(DocumentCategory::Notice).is_empty();

    view! {
        <section class="card" aria-labelledby="decision-form-heading">
            <h2 id="decision-form-heading">{t!(i18n, decision.form_heading)}</h2>
            <form on:submit=submit class="stack">
                <div class="field">
                    <label for="decision-outcome">{t!(i18n, decision.outcome)}</label>
                    <select id="decision-outcome" bind:value=outcome>{outcome_options}</select>
                </div>
                <Show when=with_conditions>
                    <fieldset>
                        <legend>{t!(i18n, decision.conditions)}</legend>
                        <ul class="checklist">{condition_boxes}</ul>
                        <div class="field">
                            <label for="decision-own">{t!(i18n, decision.own_conditions)}</label>
                            <textarea id="decision-own" rows="3" bind:value=own></textarea>
                        </div>
                    </fieldset>
                </Show>
                <Show
                    when=has_notice
                    fallback=move || view! { <p class="hint">{t!(i18n, decision.no_notice)}</p> }
                >
                    <div class="field">
                        <label for="decision-notice">{t!(i18n, decision.notice)}</label>
                        <select id="decision-notice" bind:value=notice>
                            {move || version_options(DocumentCategory::Notice, notice)}
                        </select>
                    </div>
                </Show>
                <div class="field">
                    <label for="decision-fee">{t!(i18n, decision.fee_amount)}</label>
                    <input id="decision-fee" inputmode="decimal" bind:value=fee_euros/>
                </div>
                <div class="field">
                    <label for="decision-fee-notice">{t!(i18n, decision.fee_notice)}</label>
                    <select id="decision-fee-notice" bind:value=fee_notice>
                        <option value="">{t!(i18n, decision.no_fee_notice)}</option>
                        {move || version_options(DocumentCategory::FeeNotice, fee_notice)}
                    </select>
                </div>
                <ErrorMessage error/>
                <button type="submit" class="primary" disabled=move || busy.get() || !has_notice()>
                    {t!(i18n, decision.decide)}
                </button>
            </form>
        </section>
    }
}

/// Euros as typed (`120`, `120,50`, `1.234,50`, `120.50`) in cents.
fn cents(text: &str) -> Option<i64> {
    let text = text.trim().replace(' ', "");
    if !text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // The last separator followed by one or two digits is the decimal one.
    let (whole, fraction) = match text.rfind([',', '.']) {
        Some(i) if text.len() - i - 1 <= 2 => (&text[..i], &text[i + 1..]),
        _ => (text.as_str(), ""),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(fraction)
}

/// The caseworker's button to record the fee as paid, or as open again.
#[component]
fn FeePayment() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let paid = move || {
        room.view.with(|r| {
            r.decision
                .as_ref()
                .and_then(|d| d.fee.as_ref())
                .map(|f| f.paid)
        })
    };
    let shown = move || paid().is_some() && room.allows(RoomAction::RecordFeePayment);
    let toggle = move |_| {
        let now_paid = !paid().unwrap_or(false);
        let done = t_string!(i18n, decision.payment_recorded).to_string();
        room.run_action(
            busy,
            error,
            done,
            "decision-heading",
            move |id| async move { api::record_fee_payment(id, now_paid).await },
        );
    };
    view! {
        <Show when=shown>
            <p>
                <button type="button" class="secondary" on:click=toggle disabled=busy>
                    {move || match paid() {
                        Some(true) => t_string!(i18n, decision.mark_unpaid),
                        _ => t_string!(i18n, decision.mark_paid),
                    }}
                </button>
            </p>
            <ErrorMessage error/>
        </Show>
    }
}

#[component]
fn DecisionShown() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let shown = move || {
        let locale = i18n.get_locale();
        room.view.with(|r| {
            // The office may keep the notices from an applicant whose
            // identity is not confirmed: then the page says how to get there.
            let withheld = r
                .identity_needed_for
                .contains(&ApplicantAction::RetrieveNotice);
            r.decision.clone().map(|d| {
                let date = format::date_time(locale, &d.decided_at);
                let name = d.decided_by.display_name.clone();
                let conditions =
                    d.conditions
                        .iter()
                        .map(|c| {
                            let from = c.body_name.clone().map(|body| {
                                t_string!(i18n, decision.from_statement, body).to_string()
                            });
                            view! {
                                <li>
                                    {c.text.clone()}
                                    {from.map(|from| {
                                        view! { " " <span class="meta">"(" {from} ")"</span> }
                                    })}
                                </li>
                            }
                        })
                        .collect_view();
                let fee = d.fee.clone().map(|fee| {
                    let amount = format::euros(locale, fee.amount_cents);
                    let paid = match fee.paid {
                        true => t_string!(i18n, decision.fee_paid),
                        false => t_string!(i18n, decision.fee_open),
                    };
                    view! {
                        <p>
                            {t_string!(i18n, decision.fee, amount)} " (" {paid} ") · "
                            {if withheld {
                                fee.notice.file_name.clone().into_any()
                            } else {
                                view! {
                                    <a href=fee.notice.download_url.clone()
                                        download=fee.notice.file_name.clone()>
                                        {fee.notice.file_name.clone()}
                                    </a>
                                }
                                .into_any()
                            }}
                        </p>
                    }
                });
                let delivery = match (d.retrieved_at, d.delivery_date) {
                    (Some(at), Some(delivery)) => {
                        let date = format::date_time(locale, &at);
                        let delivery = format::date(locale, &delivery);
                        t_string!(i18n, decision.retrieved, date, delivery).to_string()
                    }
                    _ => t_string!(i18n, decision.not_retrieved).to_string(),
                };
                view! {
                    <p>
                        <strong class="outcome">{labels::outcome(locale, d.outcome)}</strong> " · "
                        <span class="meta">{t_string!(i18n, decision.decided_on, date, name)}</span>
                    </p>
                    {(!d.conditions.is_empty()).then(|| view! {
                        <h3>{t!(i18n, decision.conditions)}</h3>
                        <ol class="conditions">{conditions}</ol>
                    })}
                    {if withheld {
                        let reason = t_string!(i18n, decision.identity_for_notice).to_string();
                        view! { <IdentityNeeded reason/> }.into_any()
                    } else {
                        view! {
                            <p>
                                <a class="button primary" href=d.notice.download_url.clone()
                                    download=d.notice.file_name.clone()>
                                    {t!(i18n, decision.notice_link)}
                                </a>
                            </p>
                        }
                        .into_any()
                    }}
                    {fee}
                    <FeePayment/>
                    <p class="meta">{delivery}</p>
                }
            })
        })
    };
    view! {
        <section class="card" aria-labelledby="decision-heading">
            <h2 id="decision-heading" tabindex="-1">{t!(i18n, decision.heading)}</h2>
            {shown}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::cents;

    #[test]
    fn fees_read_as_people_type_euros() {
        assert_eq!(cents("120"), Some(12_000));
        assert_eq!(cents("120,5"), Some(12_050));
        assert_eq!(cents("1.234,50"), Some(123_450));
        assert_eq!(cents("1,234.50"), Some(123_450));
        assert_eq!(cents(""), None);
        assert_eq!(cents("zwölf"), None);
    }
}
