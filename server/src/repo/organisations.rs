//! An office's people as its admin manages them — staff with their roles,
//! consulted bodies with their members, the identity rule, identity
//! confirmations — and the offices as the operator sees them. Who may do
//! this is decided in `domain::policy::office`; procedure types live in
//! `offices`, accounts and sessions in `users`.
//!
//! Rooms read these tables on every request (`rooms::context`), so a change
//! here reaches every room at once: a removed caseworker or body member has
//! no access from their next request on.

use shared::{
    ApplicantAction, IdentityDocument, IdentityMethod, OfficeBody, OfficeRole, OperatorOffice,
    PersonView, StaffMember,
};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};
use crate::domain::policy::Trust;

type Executor<'e> = &'e mut sqlx::AnyConnection;

// ------------------------------------------------------------------ people

/// The account with this (lower-cased) address, if there is one.
pub async fn person_by_email(tx: &mut Tx, email: &str) -> Result<Option<PersonView>, sqlx::Error> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, display_name, email FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(id, display_name, email)| PersonView {
        user_id: super::id(&id),
        display_name,
        email,
    }))
}

/// How far the account is trusted, from its confirmations.
pub async fn trust(db: &AnyPool, user_id: Uuid) -> Result<Trust, sqlx::Error> {
    let row: Option<(Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT email_verified_at, identity_confirmed_at FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(match row {
        Some((_, Some(_))) => Trust::IdentityConfirmed,
        Some((Some(_), None)) => Trust::EmailConfirmed,
        _ => Trust::Registered,
    })
}

/// The two facts `policy::check_trust` decides on: which applicant actions
/// the office reserves to confirmed identities (none for an office without
/// the setting) and how far the person is trusted.
pub async fn trust_facts(
    db: &AnyPool,
    office_id: Uuid,
    user_id: Uuid,
) -> Result<(Vec<ApplicantAction>, Trust), sqlx::Error> {
    let required = identity_required_for(db, office_id)
        .await?
        .unwrap_or_default();
    Ok((required, trust(db, user_id).await?))
}

/// Records that `admin_id` checked a `document` of the account's holder in
/// person, now. A newer confirmation replaces an older one (of either method):
/// the columns hold the one that stands.
pub async fn confirm_identity_in_person(
    tx: &mut Tx,
    user_id: Uuid,
    admin_id: Uuid,
    document: IdentityDocument,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET identity_confirmed_at = $1, identity_method = $2, \
         identity_confirmed_by = $3, identity_document = $4 WHERE id = $5",
    )
    .bind(db::to_millis(db::now()))
    .bind(IdentityMethod::InPerson.as_str())
    .bind(admin_id.to_string())
    .bind(document.as_str())
    .bind(user_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ------------------------------------------------------------------ staff

/// Serialises changes to one office's staff: every such change first writes
/// the office's row, so two admins demoting each other at once cannot both
/// see a second admin left (PostgreSQL holds the row lock to commit; SQLite
/// has one writer anyway).
pub async fn lock_office(tx: &mut Tx, office_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE offices SET case_counter = case_counter WHERE id = $1")
        .bind(office_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn staff(db: &AnyPool, office_id: Uuid) -> Result<Vec<StaffMember>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email, s.role, s.created_at FROM office_staff s \
         JOIN users u ON u.id = s.user_id WHERE s.office_id = $1 \
         ORDER BY u.display_name, u.email",
    )
    .bind(office_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, display_name, email, role, since)| {
            Some(StaffMember {
                user_id: super::id(&id),
                display_name,
                email,
                role: OfficeRole::parse(&role)?,
                since: db::from_millis(since),
            })
        })
        .collect())
}

/// The person's role in the office, read inside a write.
pub async fn role_of(
    tx: &mut Tx,
    office_id: Uuid,
    user_id: Uuid,
) -> Result<Option<OfficeRole>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT role FROM office_staff WHERE office_id = $1 AND user_id = $2")
            .bind(office_id.to_string())
            .bind(user_id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.and_then(|(role,)| OfficeRole::parse(&role)))
}

pub async fn admin_count(tx: &mut Tx, office_id: Uuid) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM office_staff WHERE office_id = $1 AND role = $2")
            .bind(office_id.to_string())
            .bind(OfficeRole::OfficeAdmin.as_str())
            .fetch_one(&mut **tx)
            .await?;
    Ok(count)
}

pub async fn set_role(
    tx: &mut Tx,
    office_id: Uuid,
    user_id: Uuid,
    role: OfficeRole,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE office_staff SET role = $1 WHERE office_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(office_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn remove_staff(tx: &mut Tx, office_id: Uuid, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM office_staff WHERE office_id = $1 AND user_id = $2")
        .bind(office_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ------------------------------------------------------------------ bodies

/// The office's consulted bodies with their members, the municipality first.
pub async fn bodies(db: &AnyPool, office_id: Uuid) -> Result<Vec<OfficeBody>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    bodies_where(&mut conn, office_id, None).await
}

/// One body of the office with its members, read inside a write.
pub async fn body(
    tx: &mut Tx,
    office_id: Uuid,
    body_id: Uuid,
) -> Result<Option<OfficeBody>, sqlx::Error> {
    let found = bodies_where(tx, office_id, Some(body_id)).await?;
    Ok(found.into_iter().next())
}

async fn bodies_where(
    conn: Executor<'_>,
    office_id: Uuid,
    only: Option<Uuid>,
) -> Result<Vec<OfficeBody>, sqlx::Error> {
    let only = only.map(|id| id.to_string()).unwrap_or_default();
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT id, key, name, consent_required FROM bodies \
         WHERE office_id = $1 AND ($2 = '' OR id = $2) ORDER BY consent_required DESC, name",
    )
    .bind(office_id.to_string())
    .bind(&only)
    .fetch_all(&mut *conn)
    .await?;
    let members: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT m.body_id, u.id, u.display_name, u.email FROM body_members m \
         JOIN bodies b ON b.id = m.body_id JOIN users u ON u.id = m.user_id \
         WHERE b.office_id = $1 AND ($2 = '' OR b.id = $2) ORDER BY u.display_name, u.email",
    )
    .bind(office_id.to_string())
    .bind(&only)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, key, name, consent_required)| OfficeBody {
            members: members
                .iter()
                .filter(|(body_id, ..)| *body_id == id)
                .map(|(_, user_id, display_name, email)| PersonView {
                    user_id: super::id(user_id),
                    display_name: display_name.clone(),
                    email: email.clone(),
                })
                .collect(),
            id: super::id(&id),
            key,
            name,
            consent_required: consent_required != 0,
        })
        .collect())
}

/// Adds a body; a key the office uses already violates `bodies_office_key_key`.
pub async fn insert_body(
    tx: &mut Tx,
    office_id: Uuid,
    key: &str,
    name: &str,
    consent_required: bool,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO bodies (id, office_id, key, name, consent_required, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(office_id.to_string())
    .bind(key)
    .bind(name)
    .bind(consent_required as i64)
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Renames a body of the office; `false` when the office has no such body.
pub async fn rename_body(
    tx: &mut Tx,
    office_id: Uuid,
    body_id: Uuid,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE bodies SET name = $1 WHERE id = $2 AND office_id = $3")
        .bind(name)
        .bind(body_id.to_string())
        .bind(office_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a person out of a body; `false` when they were not in it.
pub async fn remove_body_member(
    tx: &mut Tx,
    body_id: Uuid,
    user_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM body_members WHERE body_id = $1 AND user_id = $2")
        .bind(body_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

// ------------------------------------------------------------------ settings

/// The applicants' actions the office reserves to confirmed identities.
/// Names this version does not know are skipped, so a newer action
/// written by a later version refuses nothing here rather than everything.
pub async fn identity_required_for(
    db: &AnyPool,
    office_id: Uuid,
) -> Result<Option<Vec<ApplicantAction>>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT identity_required_for FROM offices WHERE id = $1")
            .bind(office_id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(json,)| {
        let names: Vec<String> = serde_json::from_str(&json).unwrap_or_default();
        names
            .iter()
            .filter_map(|n| ApplicantAction::parse(n))
            .collect()
    }))
}

pub async fn set_identity_required_for(
    tx: &mut Tx,
    office_id: Uuid,
    actions: &[ApplicantAction],
) -> Result<(), sqlx::Error> {
    let names: Vec<&str> = actions.iter().map(|a| a.as_str()).collect();
    sqlx::query("UPDATE offices SET identity_required_for = $1 WHERE id = $2")
        .bind(serde_json::to_string(&names).expect("strings serialise"))
        .bind(office_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ------------------------------------------------------------------ operator

/// Every office with the size of its staff, and nothing of its rooms.
pub async fn operator_offices(db: &AnyPool) -> Result<Vec<OperatorOffice>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.name, o.state, o.created_at, \
         (SELECT COUNT(*) FROM office_staff s WHERE s.office_id = o.id AND s.role = $1), \
         (SELECT COUNT(*) FROM office_staff s WHERE s.office_id = o.id AND s.role = $2) \
         FROM offices o ORDER BY o.name",
    )
    .bind(OfficeRole::Caseworker.as_str())
    .bind(OfficeRole::OfficeAdmin.as_str())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, state, created_at, caseworkers, office_admins)| OperatorOffice {
                id: super::id(&id),
                name,
                state,
                created_at: db::from_millis(created_at),
                caseworkers,
                office_admins,
            },
        )
        .collect())
}
