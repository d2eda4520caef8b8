//! E-mail notifications: the one place that decides who gets which mail.
//!
//! Callers say what happened and whom it concerns (a [`Notification`] and
//! user ids); this module leaves out the people who switched that kind off,
//! writes one mail in German and English and hands it to the
//! [`Mailer`](crate::mail::Mailer). A mail that fails is logged and never
//! fails what caused it. The deadline reminders, and who must act on each
//! kind of deadline, live in [`reminders`]; the stored preferences in
//! `repo::notifications`; the endpoints in `handlers::notifications`.

pub mod reminders;

use shared::NotificationKind;
use uuid::Uuid;

use crate::app::App;
use crate::domain::values::Email;
use crate::mail::Mail;
use crate::repo;

/// Something to tell people outside the application.
#[derive(Debug, Clone)]
pub struct Notification {
    pub kind: NotificationKind,
    pub subject_de: String,
    pub subject_en: String,
    /// The message in German, without the link: it is added below.
    pub body_de: String,
    pub body_en: String,
    /// Where in the application the mail leads, e.g. `/rooms/{id}`.
    pub path: String,
}

/// What became of a notification, person by person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Handed to the mailer (SMTP, or the outbox folder).
    pub sent: usize,
    /// Left out: the person switched this kind off.
    pub switched_off: usize,
    /// Not sent because something failed; logged.
    pub failed: usize,
}

/// Mails `notification` to each of `recipients` who has not switched its
/// kind off. Never fails: what goes wrong is logged and counted.
pub async fn send(app: &App, recipients: &[Uuid], notification: &Notification) -> Delivery {
    let mut delivery = Delivery::default();
    for &user_id in recipients {
        let address = match repo::notifications::address_for(
            &app.db.read,
            user_id,
            notification.kind,
        )
        .await
        {
            Ok(address) => address,
            Err(err) => {
                warn_failed(notification.kind, Some(user_id), &err.into());
                delivery.failed += 1;
                continue;
            }
        };
        match address {
            Some(address) => {
                deliver(app, &address, notification, Some(user_id), &mut delivery).await
            }
            None => delivery.switched_off += 1,
        }
    }
    delivery
}

/// Mails `notification` to an address that may not have an account yet (an
/// invitation); if it has one, that account's preference counts.
pub async fn send_to_address(app: &App, email: &Email, notification: &Notification) -> Delivery {
    let mut delivery = Delivery::default();
    let switched_off =
        repo::notifications::address_switched_off(&app.db.read, email.as_str(), notification.kind)
            .await;
    match switched_off {
        Ok(true) => delivery.switched_off += 1,
        Ok(false) => deliver(app, email.as_str(), notification, None, &mut delivery).await,
        Err(err) => {
            warn_failed(notification.kind, None, &err.into());
            delivery.failed += 1;
        }
    }
    delivery
}

/// The address of a page of the application, for mails.
pub fn link(app: &App, path: &str) -> String {
    format!("{}{path}", app.config.public_url)
}

async fn deliver(
    app: &App,
    address: &str,
    notification: &Notification,
    user_id: Option<Uuid>,
    delivery: &mut Delivery,
) {
    let mail = compose(address, notification, &link(app, &notification.path));
    match app.mailer.send(mail).await {
        Ok(()) => delivery.sent += 1,
        Err(err) => {
            warn_failed(notification.kind, user_id, &err);
            delivery.failed += 1;
        }
    }
}

/// One mail, German first, then English.
// FIXME: the person's language is not stored yet (accounts keep none), so
// every mail carries both; send one language once the account has one.
fn compose(address: &str, notification: &Notification, link: &str) -> Mail {
    bilingual(
        address,
        [&notification.subject_de, &notification.subject_en],
        [&notification.body_de, &notification.body_en],
        link,
    )
}

fn bilingual(address: &str, subject: [&str; 2], body: [&str; 2], link: &str) -> Mail {
    Mail {
        to: address.to_owned(),
        subject: format!("{} / {}", subject[0], subject[1]),
        body: format!(
            "{}\n\n{link}\n\n---- English ----\n\n{}\n\n{link}\n",
            body[0].trim_end(),
            body[1].trim_end(),
        ),
    }
}

/// A mail about the person's own account, with a one-time link.
pub struct AccountMail {
    pub subject_de: &'static str,
    pub subject_en: &'static str,
    pub body_de: &'static str,
    pub body_en: &'static str,
    /// Where the link leads, e.g. `/verify-email/{token}`.
    pub path: String,
}

/// Mails an account message (address check, password reset). Sent whatever
/// the person's notification settings: without it they cannot get in.
pub async fn send_account_mail(app: &App, address: &str, mail: &AccountMail) -> anyhow::Result<()> {
    let link = link(app, &mail.path);
    app.mailer
        .send(bilingual(
            address,
            [mail.subject_de, mail.subject_en],
            [mail.body_de, mail.body_en],
            &link,
        ))
        .await
}

/// Logs a mail that did not go out: its kind and whom it was for, never the
/// address (logs must not hold e-mail addresses).
fn warn_failed(kind: NotificationKind, user_id: Option<Uuid>, err: &anyhow::Error) {
    tracing::warn!(
        notification.kind = kind.as_str(),
        user_id = user_id.map(tracing::field::display),
        error = ?err,
        "notification mail not sent"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_says_it_in_german_first_and_links_in_both_languages() {
        let notification = Notification {
            kind: NotificationKind::NoticeReady,
            subject_de: "Bescheid liegt bereit".into(),
            subject_en: "Notice ready".into(),
            body_de: "Ihr Bescheid liegt bereit.".into(),
            body_en: "Your notice is ready.".into(),
            path: "/rooms/1".into(),
        };
        let mail = compose("a@example.de", &notification, "https://vr.example/rooms/1");
        assert_eq!(mail.subject, "Bescheid liegt bereit / Notice ready");
        let german = mail.body.find("Ihr Bescheid").unwrap();
        let english = mail.body.find("Your notice").unwrap();
        assert!(german < english);
        assert_eq!(mail.body.matches("https://vr.example/rooms/1").count(), 2);
    }
}
