//! The procedure after submission: its timeline with the running deadlines,
//! the completeness check with its request for missing items, withdrawal and closing.

use chrono::{DateTime, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use shared::{
    DeadlineView, DocumentCategory, EventPayload, MissingItem, MissingItemsRequest, RoomAction,
    RoomEvent, RoomStatus,
};

use super::use_room;
use crate::api::{self, ApiError};
use crate::components::ErrorMessage;
use crate::format;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::labels;

/// One entry of the procedure's timeline.
enum Entry {
    /// A step of the procedure that happened, from the event log.
    Happened(RoomEvent),
    /// Where the reader stands.
    Today(DateTime<Utc>),
    /// A deadline still running (or passed without its step).
    Due(DeadlineView),
}

impl Entry {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Entry::Happened(event) => event.at,
            Entry::Today(now) => *now,
            Entry::Due(deadline) => deadline.due_at,
        }
    }
}

/// Whether an event is a step of the procedure rather than work in the room
/// (uploads, downloads, signatures), which the history lists.
fn is_milestone(payload: &EventPayload) -> bool {
    matches!(
        payload,
        EventPayload::StatusChanged { .. }
            | EventPayload::MissingItemsRequested { .. }
            | EventPayload::StatementRequested { .. }
            | EventPayload::ExtensionGranted { .. }
            | EventPayload::StatementSubmitted { .. }
            | EventPayload::StatementReleased { .. }
            | EventPayload::DecisionMade { .. }
            | EventPayload::NoticeDelivered { .. }
    )
}

/// The procedure on one line of time: the steps taken so far, today, and the
/// deadlines still running, each with the rule that produced its date.
#[component]
pub fn Timeline() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let items = move || {
        let locale = i18n.get_locale();
        let members = room.view.with(|r| r.members.clone());
        let now =
            DateTime::<Utc>::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
        let mut entries: Vec<Entry> = room.events.with(|events| {
            events
                .iter()
                .filter(|e| is_milestone(&e.payload))
                .cloned()
                .map(Entry::Happened)
                .collect()
        });
        entries.push(Entry::Today(now));
        entries.extend(
            room.view
                .with(|r| r.deadlines.clone())
                .into_iter()
                .map(Entry::Due),
        );
        // Stable: the log's order holds for steps of the same moment.
        entries.sort_by_key(Entry::at);
        entries
            .into_iter()
            .map(|entry| match entry {
                Entry::Happened(event) => {
                    let at = format::date_time(locale, &event.at);
                    let text = labels::event(locale, &event, &members);
                    view! {
                        <li class="timeline-past">
                            <time datetime=event.at.to_rfc3339()>{at}</time> " "
                            <span>{text}</span>
                        </li>
                    }
                    .into_any()
                }
                Entry::Today(now) => {
                    let date = format::date_time(locale, &now);
                    view! {
                        <li class="timeline-today">
                            <strong>{t_string!(i18n, deadline.today, date)}</strong>
                        </li>
                    }
                    .into_any()
                }
                Entry::Due(d) => due_entry(i18n, locale, &d).into_any(),
            })
            .collect_view()
    };
    let running = move || room.view.with(|r| !r.deadlines.is_empty());
    let submitted = move || room.view.with(|r| r.status != RoomStatus::Draft);
    view! {
        <Show when=submitted>
            <section class="card" aria-labelledby="deadlines-heading">
                <h2 id="deadlines-heading">{t!(i18n, deadline.heading)}</h2>
                <Show when=move || !running()>
                    <p>{t!(i18n, deadline.none)}</p>
                </Show>
                <ol class="timeline">{items}</ol>
            </section>
        </Show>
    }
}

fn due_entry(i18n: I18nContext<Locale>, locale: Locale, d: &DeadlineView) -> impl IntoView + use<> {
    let what = labels::deadline(locale, d);
    let date = format::date(locale, &d.due_date);
    let rule = labels::deadline_rule(locale, d);
    let overdue = d.overdue;
    view! {
        <li class="timeline-due" class:overdue=overdue>
            <span class="deadline-what">{what}</span> " "
            <strong>{t_string!(i18n, deadline.due, date)}</strong>
            {overdue.then(|| view! {
                " " <span class="tag tag-missing">{t!(i18n, deadline.overdue)}</span>
            })}
            <details>
                <summary>{t!(i18n, deadline.how)}</summary>
                <p>{rule}</p>
            </details>
        </li>
    }
}

/// The caseworker's completeness check: ask for missing items, or find the
/// application complete; after a missed deadline, treat it as withdrawn.
#[component]
pub fn Check() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let ticked = RwSignal::new(Vec::<DocumentCategory>::new());
    let free = RwSignal::new(String::new());
    let period = RwSignal::new("4w".to_string());
    let reason = RwSignal::new(String::new());

    let send = move |event: SubmitEvent| {
        event.prevent_default();
        let mut items: Vec<MissingItem> = ticked
            .get_untracked()
            .into_iter()
            .map(|category| MissingItem {
                category: Some(category),
                text: String::new(),
            })
            .collect();
        items.extend(
            lines(&free.get_untracked())
                .into_iter()
                .map(|text| MissingItem {
                    category: None,
                    text,
                }),
        );
        let request = MissingItemsRequest {
            items,
            period: period.get_untracked(),
        };
        let done = t_string!(i18n, check.request_sent).to_string();
        room.run_action(busy, error, done, "room-title", move |id| async move {
            api::request_missing_items(id, &request).await
        });
    };
    let complete = move |_| {
        let done = t_string!(i18n, check.completed).to_string();
        room.run_action(busy, error, done, "room-title", api::mark_complete);
    };
    let deem = move |event: SubmitEvent| {
        event.prevent_default();
        let reason = reason.get_untracked();
        let done = t_string!(i18n, check.deemed_withdrawn).to_string();
        room.run_action(busy, error, done, "room-title", move |id| {
            api::deem_withdrawn(id, reason)
        });
    };
    let checklist = move || {
        let locale = i18n.get_locale();
        room.view.with(|r| {
            r.procedure_type
                .required_categories
                .iter()
                .copied()
                .map(|category| {
                    let id = format!("missing-{}", category.as_str());
                    let toggle = move |ev| {
                        let on = event_target_checked(&ev);
                        ticked.update(|list| {
                            list.retain(|c| *c != category);
                            if on {
                                list.push(category);
                            }
                        });
                    };
                    view! {
                        <li>
                            <input type="checkbox" id=id.clone() on:change=toggle/>
                            <label for=id>{labels::category(locale, category)}</label>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let may_request = move || room.allows(RoomAction::RequestMissingItems);
    let may_complete = move || room.allows(RoomAction::MarkComplete);
    let may_deem = move || room.allows(RoomAction::DeemWithdrawn);

    view! {
        <Show when=move || may_request() || may_complete() || may_deem()>
            <section class="card" aria-labelledby="check-heading">
                <h2 id="check-heading">{t!(i18n, check.heading)}</h2>
                <ErrorMessage error/>
                <Show when=may_complete>
                    <div class="buttons">
                        <button type="button" class="primary" on:click=complete disabled=busy>
                            {t!(i18n, check.complete)}
                        </button>
                    </div>
                </Show>
                <Show when=may_request>
                    <form on:submit=send class="stack" aria-labelledby="missing-heading">
                        <h3 id="missing-heading">{t!(i18n, check.missing_heading)}</h3>
                        <p class="hint">{t!(i18n, check.missing_hint)}</p>
                        <ul class="checklist">{checklist}</ul>
                        <div class="field">
                            <label for="missing-free">{t!(i18n, check.free_items)}</label>
                            <textarea id="missing-free" rows="3" bind:value=free></textarea>
                        </div>
                        <div class="field">
                            <label for="missing-period">{t!(i18n, check.period)}</label>
                            <p class="hint" id="missing-period-hint">{t!(i18n, check.period_hint)}</p>
                            <input id="missing-period" required aria-describedby="missing-period-hint"
                                bind:value=period/>
                        </div>
                        <button type="submit" disabled=busy>{t!(i18n, check.send_request)}</button>
                    </form>
                </Show>
                <Show when=may_deem>
                    <form on:submit=deem class="stack">
                        <div class="field">
                            <label for="deem-reason">{t!(i18n, check.reason)}</label>
                            <input id="deem-reason" required bind:value=reason/>
                        </div>
                        <button type="submit" disabled=busy>{t!(i18n, check.deem_withdrawn)}</button>
                    </form>
                </Show>
            </section>
        </Show>
    }
}

/// What the office asked for: the open request with its items for the
/// applicants to supply and resubmit, and earlier requests for the record.
#[component]
pub fn MissingItems() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let resubmit = move |_| {
        let done = t_string!(i18n, check.resubmitted).to_string();
        room.run_action(busy, error, done, "room-title", api::resubmit_application);
    };
    let requests = move || {
        let locale = i18n.get_locale();
        room.view.with(|r| {
            r.missing_items
                .iter()
                .rev()
                .map(|m| {
                    let date = format::date_time(locale, &m.requested_at);
                    let name = m.requested_by.display_name.clone();
                    let open = m.answered_at.is_none();
                    let items = m
                        .items
                        .iter()
                        .map(|item| {
                            let category = item.category.map(|c| labels::category(locale, c));
                            let text = item.text.clone();
                            let both = category.is_some() && !text.is_empty();
                            view! {
                                <li>
                                    {category.map(|c| view! { <strong>{c}</strong> })}
                                    {both.then_some(": ")}
                                    {text}
                                </li>
                            }
                        })
                        .collect_view();
                    let answered = m.answered_at.map(|at| {
                        let date = format::date_time(locale, &at);
                        view! { <p class="meta">{t_string!(i18n, check.answered_on, date)}</p> }
                    });
                    let due = format::date(locale, &m.deadline.due_date);
                    view! {
                        <div class="missing-request" class:open=open>
                            <p class="meta">{t_string!(i18n, check.requested_on, date, name)}</p>
                            {open.then(|| view! {
                                <p><strong>{t_string!(i18n, deadline.due, date = due.clone())}</strong></p>
                            })}
                            <ul>{items}</ul>
                            {answered}
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let any = move || room.view.with(|r| !r.missing_items.is_empty());
    let open = move || {
        room.view
            .with(|r| r.missing_items.iter().any(|m| m.answered_at.is_none()))
    };
    view! {
        <Show when=any>
            <section class="card" aria-labelledby="missing-items-heading">
                <h2 id="missing-items-heading">
                    {move || match open() {
                        true => t_string!(i18n, check.open_request).to_string(),
                        false => t_string!(i18n, check.earlier_requests).to_string(),
                    }}
                </h2>
                {requests}
                <ErrorMessage error/>
                <Show when=move || room.allows(RoomAction::Resubmit)>
                    <div class="buttons">
                        <button type="button" class="primary" on:click=resubmit disabled=busy>
                            {t!(i18n, check.resubmit)}
                        </button>
                    </div>
                </Show>
            </section>
        </Show>
    }
}

/// The builder's withdrawal (until the decision) and the caseworker's
/// closing of a delivered room.
#[component]
pub fn EndActions() -> impl IntoView {
    let i18n = use_i18n();
    let room = use_room();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let reason = RwSignal::new(String::new());
    let withdraw = move |event: SubmitEvent| {
        event.prevent_default();
        let reason = reason.get_untracked();
        let done = t_string!(i18n, check.withdrawn).to_string();
        room.run_action(busy, error, done, "room-title", move |id| {
            api::withdraw_application(id, reason)
        });
    };
    let close = move |_| {
        let done = t_string!(i18n, check.closed).to_string();
        room.run_action(busy, error, done, "room-title", api::close_room);
    };
    let may_withdraw = move || room.allows(RoomAction::Withdraw);
    let may_close = move || room.allows(RoomAction::Close);
    view! {
        <Show when=move || may_withdraw() || may_close()>
            <section class="card" aria-labelledby="end-heading">
                <h2 id="end-heading">
                    {move || match may_close() {
                        true => t_string!(i18n, check.close).to_string(),
                        false => t_string!(i18n, check.withdraw_heading).to_string(),
                    }}
                </h2>
                <ErrorMessage error/>
                <Show when=may_close>
                    <button type="button" class="primary" on:click=close disabled=busy>
                        {t!(i18n, check.close)}
                    </button>
                </Show>
                <Show when=may_withdraw>
                    <details>
                        <summary>{t!(i18n, check.withdraw)}</summary>
                        <form on:submit=withdraw class="stack">
                            <div class="field">
                                <label for="withdraw-reason">{t!(i18n, check.reason)}</label>
                                <input id="withdraw-reason" required bind:value=reason/>
                            </div>
                            <button type="submit" class="danger" disabled=busy>
                                {t!(i18n, check.withdraw)}
                            </button>
                        </form>
                    </details>
                </Show>
            </section>
        </Show>
    }
}

/// The non-empty, trimmed lines of a text: one item or condition each.
pub(super) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}
