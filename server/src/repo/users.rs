//! Accounts and office staff.

use shared::{
    ActorRef, BodyMembership, IdentityConfirmation, IdentityMethod, OfficeMembership, OfficeRole,
};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};

#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: String,
    pub password_hash: String,
}

#[derive(sqlx::FromRow)]
pub struct Profile {
    pub email: String,
    pub display_name: String,
    pub is_operator: i64,
    pub email_verified_at: Option<i64>,
    pub identity_confirmed_at: Option<i64>,
    pub identity_method: Option<String>,
    pub identity_document: Option<String>,
    pub identity_confirmed_by: Option<String>,
    /// The display name of the admin who confirmed the identity in person.
    pub confirmed_by_name: Option<String>,
}

impl Profile {
    pub fn identity(&self) -> Option<IdentityConfirmation> {
        Some(IdentityConfirmation {
            method: IdentityMethod::parse(self.identity_method.as_deref()?)?,
            confirmed_at: db::from_millis(self.identity_confirmed_at?),
            document: self.identity_document.clone().unwrap_or_default(),
            confirmed_by: match (&self.identity_confirmed_by, &self.confirmed_by_name) {
                (Some(id), Some(name)) => Some(ActorRef {
                    user_id: super::id(id),
                    display_name: name.clone(),
                }),
                _ => None,
            },
        })
    }
}

pub async fn profile(db: &AnyPool, id: Uuid) -> Result<Option<Profile>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.email, u.display_name, u.is_operator, u.email_verified_at, \
         u.identity_confirmed_at, u.identity_method, u.identity_document, \
         u.identity_confirmed_by, c.display_name AS confirmed_by_name \
         FROM users u LEFT JOIN users c ON c.id = u.identity_confirmed_by WHERE u.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(db)
    .await
}

pub async fn insert(
    tx: &mut Tx,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.to_string())
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn credentials(db: &AnyPool, email: &str) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn id_by_email(tx: &mut Tx, email: &str) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|(id,)| super::id(&id)))
}

pub async fn add_staff(
    tx: &mut Tx,
    office_id: Uuid,
    user_id: Uuid,
    role: OfficeRole,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_staff (office_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(office_id.to_string())
    .bind(user_id.to_string())
    .bind(role.as_str())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn make_operator(tx: &mut Tx, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET is_operator = 1 WHERE id = $1")
        .bind(user_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The people who work in the office in `role`.
pub async fn staff_in_role(
    db: &AnyPool,
    office_id: Uuid,
    role: OfficeRole,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT user_id FROM office_staff WHERE office_id = $1 AND role = $2 ORDER BY user_id",
    )
    .bind(office_id.to_string())
    .bind(role.as_str())
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(|(id,)| super::id(id)).collect())
}

pub async fn memberships(
    db: &AnyPool,
    user_id: Uuid,
) -> Result<Vec<OfficeMembership>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT s.office_id, o.name, s.role FROM office_staff s \
         JOIN offices o ON o.id = s.office_id WHERE s.user_id = $1 ORDER BY o.name",
    )
    .bind(user_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(office_id, office_name, role)| {
            Some(OfficeMembership {
                office_id: super::id(&office_id),
                office_name,
                role: OfficeRole::parse(&role)?,
            })
        })
        .collect())
}

/// The consulted bodies the person answers for.
pub async fn body_memberships(
    db: &AnyPool,
    user_id: Uuid,
) -> Result<Vec<BodyMembership>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT b.id, b.name, o.name FROM body_members m JOIN bodies b ON b.id = m.body_id \
         JOIN offices o ON o.id = b.office_id WHERE m.user_id = $1 ORDER BY o.name, b.name",
    )
    .bind(user_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(body_id, body_name, office_name)| BodyMembership {
            body_id: super::id(&body_id),
            body_name,
            office_name,
        })
        .collect())
}

/// Failed logins since `since` for the account and for the address.
pub async fn recent_failures(
    db: &AnyPool,
    email: &str,
    address_hash: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let (account,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $2")
            .bind(email)
            .bind(since)
            .fetch_one(db)
            .await?;
    let (address,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE address_hash = $1 AND at >= $2")
            .bind(address_hash)
            .bind(since)
            .fetch_one(db)
            .await?;
    Ok((account, address))
}

/// Records a failed login and forgets those older than `forget_before`.
pub async fn record_failure(
    tx: &mut Tx,
    email: &str,
    address_hash: &str,
    forget_before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(forget_before)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO login_failures (email, address_hash, at) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(address_hash)
        .bind(db::to_millis(db::now()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks the address confirmed, if it is still the account's address.
pub async fn confirm_email(tx: &mut Tx, user_id: Uuid, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET email_verified_at = $1 \
         WHERE id = $2 AND email = $3 AND email_verified_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(user_id.to_string())
    .bind(email)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_password(tx: &mut Tx, user_id: Uuid, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forgets an account's failed logins: after a password reset the person
/// may log in at once.
pub async fn clear_failures(tx: &mut Tx, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
