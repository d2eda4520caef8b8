//! Deadline reminders: a sweep that mails the people who must act when a
//! deadline falls due within `VR_REMINDER_DAYS_BEFORE` days, and again when it
//! has passed.
//!
//! Deadlines are not stored; they are computed from the room as on every read
//! (`RoomRow::deadlines`). What is stored is which reminder went out
//! (`reminders_sent`): the sweep claims a reminder by inserting its row before
//! it mails, so each goes out once, across restarts and among several
//! instances sweeping the same PostgreSQL database at the same time.

use std::time::Duration;

use chrono::{DateTime, Utc};
use shared::{DeadlineKind, DeadlineView, NotificationKind, OfficeRole};
use uuid::Uuid;

use super::Notification;
use crate::app::App;
use crate::db;
use crate::repo;
use crate::repo::notifications::{ReminderKey, ReminderStage};
use crate::repo::rooms::RoomRow;

/// Who must act on a deadline, and how the mail names their task.
pub struct Actors {
    pub people: Vec<Uuid>,
    /// The task, to complete "Die Frist für … endet" (e.g. "die
    /// Vollständigkeitsprüfung").
    pub task_de: &'static str,
    /// The task, to complete "The deadline for … ends".
    pub task_en: &'static str,
}

/// The people who must act on `deadline` in `room`. A new kind of deadline
/// adds its arm here, and nowhere else in this module.
pub async fn who_must_act(
    db: &sqlx::AnyPool,
    room: &RoomRow,
    deadline: &DeadlineView,
) -> Result<Actors, sqlx::Error> {
    let body_members = || async {
        match deadline.request_id {
            Some(request_id) => repo::procedure::request_body_members(db, request_id).await,
            None => Ok(Vec::new()),
        }
    };
    let actors = match deadline.kind {
        DeadlineKind::CompletenessCheck => Actors {
            people: repo::users::staff_in_role(db, room.office_id(), OfficeRole::Caseworker)
                .await?,
            task_de: "die Vollständigkeitsprüfung",
            task_en: "the completeness check",
        },
        DeadlineKind::MissingItems => Actors {
            people: repo::rooms::applicant_ids(db, &room.id).await?,
            task_de: "das Nachreichen der fehlenden Unterlagen",
            task_en: "supplying the missing items",
        },
        DeadlineKind::Statement => Actors {
            people: body_members().await?,
            task_de: "Ihre Stellungnahme",
            task_en: "your statement",
        },
        DeadlineKind::MunicipalConsent => Actors {
            people: body_members().await?,
            task_de: "das gemeindliche Einvernehmen (danach gilt es als erteilt)",
            task_en: "the municipality's consent (after it, consent counts as given)",
        },
    };
    Ok(actors)
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Reminders this sweep claimed and mailed (to one or more people).
    pub reminders: usize,
    pub mails_sent: usize,
}

/// Sends every reminder that is due at `now` and has not gone out yet. The
/// clock is a parameter so that tests choose the moment; the loop in
/// [`spawn`] passes the real one. A room that fails is logged and skipped.
pub async fn sweep(app: &App, now: DateTime<Utc>) -> anyhow::Result<SweepReport> {
    let days_before = app.config.reminders.days_before;
    let mut report = SweepReport::default();
    for room in repo::rooms::under_way(&app.db.read).await? {
        let procedure = repo::rooms::ProcedureRows::of_room(&app.db.read, &room.id).await?;
        for deadline in room.deadlines(&procedure, now) {
            let Some(stage) = stage_at(&deadline, now, days_before) else {
                continue;
            };
            match remind(app, &room, &deadline, stage, now).await {
                Ok(Some(sent)) => {
                    report.reminders += 1;
                    report.mails_sent += sent;
                }
                Ok(None) => {}
                Err(err) => tracing::warn!(
                    room_id = %room.id(),
                    error = ?err,
                    "deadline reminder not sent; the next sweep tries again"
                ),
            }
        }
    }
    Ok(report)
}

/// Which reminder a deadline calls for at `now`, if any. (A paused
/// deadline, the completeness check while missing items are outstanding, is
/// not among the running ones, so it gets none.)
pub fn stage_at(
    deadline: &DeadlineView,
    now: DateTime<Utc>,
    days_before: i64,
) -> Option<ReminderStage> {
    if now >= deadline.due_at {
        Some(ReminderStage::Missed)
    } else if deadline.due_at - now <= chrono::Duration::days(days_before) {
        Some(ReminderStage::Before)
    } else {
        None
    }
}

/// Claims the reminder and mails it; `None` when it went out already.
async fn remind(
    app: &App,
    room: &RoomRow,
    deadline: &DeadlineView,
    stage: ReminderStage,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<usize>> {
    let key = ReminderKey {
        room_id: room.id(),
        deadline_kind: deadline.kind,
        due_date: deadline.due_date,
        // Statement requests run one deadline each.
        subject_id: deadline.request_id,
        stage,
    };
    let mut tx = app.db.begin().await?;
    let claimed = repo::notifications::claim_reminder(&mut tx, &key, db::to_millis(now)).await?;
    tx.commit().await?;
    if !claimed {
        return Ok(None);
    }

    let delivery = match mail_actors(app, room, deadline, stage).await {
        Ok(delivery) => delivery,
        Err(err) => {
            release(app, &key).await;
            return Err(err);
        }
    };
    // Nobody got it because every mail failed: let the next sweep try again.
    if delivery.sent == 0 && delivery.failed > 0 {
        release(app, &key).await;
        anyhow::bail!("all {} reminder mails failed", delivery.failed);
    }
    tracing::info!(
        room_id = %key.room_id,
        deadline.kind = ?key.deadline_kind,
        stage = key.stage.as_str(),
        mails_sent = delivery.sent,
        "deadline reminder sent"
    );
    Ok(Some(delivery.sent))
}

async fn mail_actors(
    app: &App,
    room: &RoomRow,
    deadline: &DeadlineView,
    stage: ReminderStage,
) -> anyhow::Result<super::Delivery> {
    let actors = who_must_act(&app.db.read, room, deadline).await?;
    let notification = reminder(room, deadline, stage, &actors);
    Ok(super::send(app, &actors.people, &notification).await)
}

async fn release(app: &App, key: &ReminderKey) {
    let released = async {
        let mut tx = app.db.begin().await?;
        repo::notifications::release_reminder(&mut tx, key).await?;
        tx.commit().await
    };
    if let Err(err) = released.await {
        tracing::warn!(room_id = %key.room_id, error = ?err, "reminder claim not released");
    }
}

/// The reminder's text.
fn reminder(
    room: &RoomRow,
    deadline: &DeadlineView,
    stage: ReminderStage,
    actors: &Actors,
) -> Notification {
    let title = &room.title;
    let (case_de, case_en) = match &room.case_number {
        Some(n) => (
            format!(" (Aktenzeichen {n})"),
            format!(" (case number {n})"),
        ),
        None => Default::default(),
    };
    let what_de = format!("{} im Vorgangsraum „{title}“{case_de}", actors.task_de);
    let what_en = format!("{} in the case room \"{title}\"{case_en}", actors.task_en);
    let date_de = deadline.due_date.format("%d.%m.%Y");
    let date_en = deadline.due_date.format("%-d %B %Y");

    let (kind, subject_de, subject_en, said_de, said_en) = match stage {
        ReminderStage::Before => (
            NotificationKind::DeadlineReminder,
            format!("Frist endet am {date_de}: {title}"),
            format!("Deadline on {date_en}: {title}"),
            format!("Die Frist für {what_de} endet am {date_de}."),
            format!("The deadline for {what_en} ends on {date_en}."),
        ),
        ReminderStage::Missed => (
            NotificationKind::DeadlineMissed,
            format!("Frist versäumt: {title}"),
            format!("Deadline missed: {title}"),
            format!("Die Frist für {what_de} ist am {date_de} abgelaufen."),
            format!("The deadline for {what_en} ended on {date_en}."),
        ),
    };
    Notification {
        kind,
        subject_de,
        subject_en,
        body_de: format!("{said_de}\n\n{}", deadline.rule_de),
        body_en: format!("{said_en}\n\n{}", deadline.rule_en),
        path: format!("/rooms/{}", room.id()),
    }
}

/// Sweeps every `interval` until the application shuts down. The first sweep
/// waits one interval, so that a starting server first serves.
pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    let interval: Duration = app.config.reminders.interval;
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + interval;
        let mut ticks = tokio::time::interval_at(start, interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = app.shutdown.cancelled() => break,
                _ = ticks.tick() => {}
            }
            if let Err(err) = sweep(&app, Utc::now()).await {
                tracing::warn!(error = ?err, "reminder sweep failed");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn due_at(at: DateTime<Utc>) -> DeadlineView {
        DeadlineView {
            kind: DeadlineKind::CompletenessCheck,
            due_date: at.date_naive(),
            due_at: at,
            overdue: false,
            request_id: None,
            subject: None,
            rule_de: String::new(),
            rule_en: String::new(),
        }
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 4, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_deadline_within_the_window_gets_the_early_reminder() {
        let deadline = due_at(at(20, 22));
        assert_eq!(
            stage_at(&deadline, at(17, 22), 3),
            Some(ReminderStage::Before)
        );
        assert_eq!(
            stage_at(&deadline, at(20, 21), 3),
            Some(ReminderStage::Before)
        );
    }

    #[test]
    fn a_deadline_further_away_gets_nothing_yet() {
        let deadline = due_at(at(20, 22));
        assert_eq!(stage_at(&deadline, at(17, 21), 3), None);
    }

    #[test]
    fn a_deadline_is_missed_from_its_due_moment_on() {
        let deadline = due_at(at(20, 22));
        assert_eq!(
            stage_at(&deadline, at(20, 22), 3),
            Some(ReminderStage::Missed)
        );
        assert_eq!(
            stage_at(&deadline, at(28, 0), 0),
            Some(ReminderStage::Missed)
        );
    }
}
