//! Single sign-on identities (`sso_identities`) and what a sign-on login
//! records on the account: a verified address, a confirmed identity.

use uuid::Uuid;

use crate::db::{self, Tx};
use crate::domain::sso::{AccountWithEmail, Identity};

/// The account linked to the provider's subject, if any.
pub async fn linked_account(
    tx: &mut Tx,
    issuer: &str,
    subject: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT user_id FROM sso_identities WHERE issuer = $1 AND subject = $2")
            .bind(issuer)
            .bind(subject)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(id,)| super::id(&id)))
}

/// The account with this (normalised) address, and whether it has any
/// sign-on identity.
pub async fn account_with_email(
    tx: &mut Tx,
    email: &str,
) -> Result<Option<AccountWithEmail>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT u.id, (SELECT COUNT(*) FROM sso_identities s WHERE s.user_id = u.id) \
         FROM users u WHERE u.email = $1",
    )
    .bind(email)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id, identities)| AccountWithEmail {
        id: super::id(&id),
        has_sso_identity: identities > 0,
    }))
}

pub async fn link(
    tx: &mut Tx,
    issuer: &str,
    subject: &str,
    user_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sso_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(issuer)
    .bind(subject)
    .bind(user_id.to_string())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks the account's address verified, if it is still `email` (the
/// provider vouched for that address, not for whatever the account has now)
/// and was not verified before.
pub async fn mark_email_verified(
    tx: &mut Tx,
    user_id: Uuid,
    email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET email_verified_at = $3 \
         WHERE id = $1 AND email = $2 AND email_verified_at IS NULL",
    )
    .bind(user_id.to_string())
    .bind(email)
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How the account's identity stands.
pub async fn identity(tx: &mut Tx, user_id: Uuid) -> Result<Identity, sqlx::Error> {
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT identity_method, identity_document FROM users \
         WHERE id = $1 AND identity_confirmed_at IS NOT NULL",
    )
    .bind(user_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some((Some(method), document)) if method == "sso" => Identity::Sso {
            acr: document.unwrap_or_default(),
        },
        // Any other method is one we must not overwrite.
        Some((Some(_), _)) => Identity::InPerson,
        _ => Identity::Unconfirmed,
    })
}

/// Records the identity as confirmed by a sign-on at assurance level `acr`.
pub async fn confirm_identity(tx: &mut Tx, user_id: Uuid, acr: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET identity_confirmed_at = $2, identity_method = 'sso', \
         identity_confirmed_by = NULL, identity_document = $3 WHERE id = $1",
    )
    .bind(user_id.to_string())
    .bind(db::to_millis(db::now()))
    .bind(acr)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
