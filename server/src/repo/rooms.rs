//! Rooms, their members, signatures, documents and invitations.

use shared::*;
use sqlx::AnyPool;
use uuid::Uuid;

use chrono::{DateTime, Utc};

use crate::db::{self, Tx};
use crate::domain::holidays::Calendar;
use crate::domain::policy::RoomFacts;
use crate::domain::procedure;
use crate::domain::rules::DeadlineRules;

const ROOM_COLUMNS: &str = "r.id, r.office_id, o.name AS office_name, o.state AS office_state, \
     r.title, r.site_address, p.deadline_rules AS pt_deadline_rules, \
     r.status, r.case_number, r.submitted_at, r.created_at, r.updated_at, r.last_seq, \
     p.id AS pt_id, p.office_id AS pt_office_id, p.key AS pt_key, p.name_de AS pt_name_de, \
     p.name_en AS pt_name_en, p.required_categories AS pt_required_categories";

const ROOM_FROM: &str = "FROM rooms r JOIN offices o ON o.id = r.office_id \
     JOIN procedure_types p ON p.id = r.procedure_type_id";

#[derive(sqlx::FromRow)]
pub struct RoomRow {
    pub id: String,
    pub office_id: String,
    pub office_name: String,
    pub office_state: String,
    pub title: String,
    pub pt_deadline_rules: String,
    pub site_address: String,
    pub status: String,
    pub case_number: Option<String>,
    pub submitted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_seq: i64,
    pub pt_id: String,
    pub pt_office_id: String,
    pub pt_key: String,
    pub pt_name_de: String,
    pub pt_name_en: String,
    pub pt_required_categories: String,
}

impl RoomRow {
    pub fn id(&self) -> Uuid {
        super::id(&self.id)
    }

    pub fn office_id(&self) -> Uuid {
        super::id(&self.office_id)
    }

    pub fn status(&self) -> RoomStatus {
        RoomStatus::parse(&self.status).unwrap_or(RoomStatus::Draft)
    }

    fn procedure_type(&self) -> ProcedureTypeSummary {
        super::offices::ProcedureTypeRow {
            id: self.pt_id.clone(),
            office_id: self.pt_office_id.clone(),
            key: self.pt_key.clone(),
            name_de: self.pt_name_de.clone(),
            name_en: self.pt_name_en.clone(),
            required_categories: self.pt_required_categories.clone(),
        }
        .summary()
    }

    /// The deadlines running in the room now, soonest first.
    pub fn deadlines(&self) -> Vec<DeadlineView> {
        self.deadlines_at(Utc::now())
    }

    /// The deadlines running in the room at `now`, soonest first.
    pub fn deadlines_at(&self, now: DateTime<Utc>) -> Vec<DeadlineView> {
        let running = procedure::running_deadlines(
            self.status(),
            self.submitted_at.map(db::from_millis),
            &DeadlineRules::parse(&self.pt_deadline_rules),
            &Calendar::for_state(&self.office_state),
            crate::domain::deadlines::german_date(now),
        );
        let mut views: Vec<DeadlineView> = running
            .into_iter()
            .map(|(kind, deadline)| DeadlineView {
                kind,
                due_date: deadline.end,
                due_at: deadline.due_at,
                overdue: now >= deadline.due_at,
                rule_de: deadline.explain_de(),
                rule_en: deadline.explain_en(),
            })
            .collect();
        views.sort_by_key(|d| d.due_at);
        views
    }

    fn summary(&self, my_role: RoomRole) -> RoomSummary {
        RoomSummary {
            id: self.id(),
            title: self.title.clone(),
            site_address: self.site_address.clone(),
            office_name: self.office_name.clone(),
            procedure_type: self.procedure_type(),
            status: self.status(),
            next_actor: self.status().next_actor(),
            case_number: self.case_number.clone(),
            submitted_at: self.submitted_at.map(db::from_millis),
            my_role,
            updated_at: db::from_millis(self.updated_at),
            deadlines: self.deadlines(),
        }
    }
}

/// A room together with the caller's role in it.
pub struct RoomContext {
    pub room: RoomRow,
    pub role: RoomRole,
}

/// The room and the caller's role, or `None` when the caller has no access:
/// applicants by membership, office caseworkers once the room is submitted.
pub async fn context(
    db: &AnyPool,
    user_id: Uuid,
    room_id: Uuid,
) -> Result<Option<RoomContext>, sqlx::Error> {
    let sql = format!("SELECT {ROOM_COLUMNS} {ROOM_FROM} WHERE r.id = $1");
    let Some(room) = sqlx::query_as::<_, RoomRow>(sqlx::AssertSqlSafe(sql))
        .bind(room_id.to_string())
        .fetch_optional(db)
        .await?
    else {
        return Ok(None);
    };
    let role = role_in(db, user_id, &room).await?;
    Ok(role.map(|role| RoomContext { room, role }))
}

async fn role_in(
    db: &AnyPool,
    user_id: Uuid,
    room: &RoomRow,
) -> Result<Option<RoomRole>, sqlx::Error> {
    let member: Option<(String,)> =
        sqlx::query_as("SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2")
            .bind(&room.id)
            .bind(user_id.to_string())
            .fetch_optional(db)
            .await?;
    if let Some((role,)) = member {
        return Ok(RoomRole::parse(&role));
    }
    if !procedure::office_sees(room.status()) {
        return Ok(None);
    }
    let staff: Option<(String,)> = sqlx::query_as(
        "SELECT role FROM office_staff WHERE office_id = $1 AND user_id = $2 AND role = $3",
    )
    .bind(&room.office_id)
    .bind(user_id.to_string())
    .bind(OfficeRole::Caseworker.as_str())
    .fetch_optional(db)
    .await?;
    Ok(staff.map(|_| RoomRole::Caseworker))
}

/// The rooms whose procedure is under way, where deadlines may run: the
/// office has them, and they are not finished.
pub async fn under_way(db: &AnyPool) -> Result<Vec<RoomRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {ROOM_COLUMNS} {ROOM_FROM} WHERE r.status NOT IN ($1, $2, $3) ORDER BY r.id"
    );
    sqlx::query_as::<_, RoomRow>(sqlx::AssertSqlSafe(sql))
        .bind(RoomStatus::Draft.as_str())
        .bind(RoomStatus::Closed.as_str())
        .bind(RoomStatus::Withdrawn.as_str())
        .fetch_all(db)
        .await
}

pub async fn all_ids(db: &AnyPool) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM rooms ORDER BY id")
        .fetch_all(db)
        .await?;
    Ok(rows.iter().map(|(id,)| super::id(id)).collect())
}

pub struct NewRoom<'a> {
    pub office_id: Uuid,
    pub procedure_type_id: Uuid,
    pub title: &'a str,
    pub site_address: &'a str,
}

pub async fn insert(tx: &mut Tx, room: &NewRoom<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    let now = db::to_millis(db::now());
    sqlx::query(
        "INSERT INTO rooms (id, office_id, procedure_type_id, title, site_address, status, \
         created_at, updated_at, last_seq, last_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0, $8)",
    )
    .bind(id.to_string())
    .bind(room.office_id.to_string())
    .bind(room.procedure_type_id.to_string())
    .bind(room.title)
    .bind(room.site_address)
    .bind(RoomStatus::Draft.as_str())
    .bind(now)
    .bind(crate::events::GENESIS_HASH)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn add_member(
    tx: &mut Tx,
    room_id: Uuid,
    user_id: Uuid,
    role: RoomRole,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(room_id.to_string())
    .bind(user_id.to_string())
    .bind(role.as_str())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn has_member_in_role<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    room_id: Uuid,
    role: RoomRole,
) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT user_id FROM room_members WHERE room_id = $1 AND role = $2 LIMIT 1")
            .bind(room_id.to_string())
            .bind(role.as_str())
            .fetch_optional(db)
            .await?;
    Ok(row.is_some())
}

/// Re-reads the room's status inside a write, where it cannot change under us.
pub async fn status_for_update(tx: &mut Tx, room_id: Uuid) -> Result<RoomStatus, sqlx::Error> {
    // A no-op write takes the row lock on PostgreSQL (SQLite has one writer).
    let (status,): (String,) =
        sqlx::query_as("UPDATE rooms SET status = status WHERE id = $1 RETURNING status")
            .bind(room_id.to_string())
            .fetch_one(&mut **tx)
            .await?;
    Ok(RoomStatus::parse(&status).unwrap_or(RoomStatus::Draft))
}

pub async fn set_status(tx: &mut Tx, room_id: Uuid, status: RoomStatus) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rooms SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(room_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn mark_submitted(
    tx: &mut Tx,
    room_id: Uuid,
    case_number: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE rooms SET case_number = COALESCE(case_number, $1), \
         submitted_at = COALESCE(submitted_at, $2) WHERE id = $3",
    )
    .bind(case_number)
    .bind(db::to_millis(db::now()))
    .bind(room_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ------------------------------------------------------------------ signatures

#[derive(sqlx::FromRow)]
struct SignatureRow {
    user_id: String,
    display_name: String,
    role: String,
    signed_at: i64,
}

async fn signatures(db: &AnyPool, room_id: &str) -> Result<Vec<SignatureView>, sqlx::Error> {
    let rows: Vec<SignatureRow> = sqlx::query_as(
        "SELECT s.user_id, u.display_name, s.role, s.signed_at FROM signatures s \
         JOIN users u ON u.id = s.user_id WHERE s.room_id = $1 ORDER BY s.signed_at",
    )
    .bind(room_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(SignatureView {
                user_id: super::id(&r.user_id),
                display_name: r.display_name,
                role: RoomRole::parse(&r.role)?,
                signed_at: db::from_millis(r.signed_at),
            })
        })
        .collect())
}

pub async fn sign(
    tx: &mut Tx,
    room_id: Uuid,
    user_id: Uuid,
    role: RoomRole,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signatures (room_id, user_id, role, signed_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(room_id.to_string())
    .bind(user_id.to_string())
    .bind(role.as_str())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes the given person's signature, or all when `user_id` is `None`;
/// returns whose were removed, for the event log.
pub async fn withdraw_signatures(
    tx: &mut Tx,
    room_id: Uuid,
    user_id: Option<Uuid>,
) -> Result<Vec<(Uuid, RoomRole)>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "DELETE FROM signatures WHERE room_id = $1 AND ($2 IS NULL OR user_id = $2) \
         RETURNING user_id, role",
    )
    .bind(room_id.to_string())
    .bind(user_id.map(|id| id.to_string()))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user, role)| Some((super::id(&user), RoomRole::parse(&role)?)))
        .collect())
}

/// The roles whose declaration is still missing for submission: the builder
/// and the designer (a room without a designer member lacks that signature).
pub async fn unsigned_roles<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    room_id: &str,
) -> Result<Vec<RoomRole>, sqlx::Error> {
    let signed: Vec<(String,)> = sqlx::query_as("SELECT role FROM signatures WHERE room_id = $1")
        .bind(room_id)
        .fetch_all(db)
        .await?;
    Ok([RoomRole::Builder, RoomRole::Designer]
        .into_iter()
        .filter(|role| !signed.iter().any(|(r,)| r == role.as_str()))
        .collect())
}

/// What the policy needs to judge the caller's actions in the room.
pub async fn facts(
    db: &AnyPool,
    ctx: &RoomContext,
    user_id: Uuid,
) -> Result<RoomFacts, sqlx::Error> {
    let signed: Option<(i64,)> =
        sqlx::query_as("SELECT signed_at FROM signatures WHERE room_id = $1 AND user_id = $2")
            .bind(&ctx.room.id)
            .bind(user_id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(RoomFacts {
        status: ctx.room.status(),
        role: ctx.role,
        signed: signed.is_some(),
        unsigned_roles: unsigned_roles(db, &ctx.room.id).await?,
    })
}

// ------------------------------------------------------------------ documents

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: String,
    document_id: String,
    category: String,
    version: i64,
    file_name: String,
    size_bytes: i64,
    media_type: String,
    sha256: String,
    uploaded_by: String,
    uploader_name: String,
    uploaded_at: i64,
}

async fn documents(db: &AnyPool, room_id: &str) -> Result<Vec<DocumentView>, sqlx::Error> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT v.id, v.document_id, d.category, v.version, v.file_name, v.size_bytes, \
         v.media_type, v.sha256, v.uploaded_by, u.display_name AS uploader_name, v.uploaded_at \
         FROM document_versions v JOIN documents d ON d.id = v.document_id \
         JOIN users u ON u.id = v.uploaded_by \
         WHERE v.room_id = $1 ORDER BY d.created_at, d.id, v.version",
    )
    .bind(room_id)
    .fetch_all(db)
    .await?;

    let mut documents: Vec<DocumentView> = Vec::new();
    for row in rows {
        let version = DocumentVersionView {
            id: super::id(&row.id),
            version: row.version,
            file_name: row.file_name,
            size_bytes: row.size_bytes.max(0) as u64,
            media_type: row.media_type,
            sha256: row.sha256,
            uploaded_by: ActorRef {
                user_id: super::id(&row.uploaded_by),
                display_name: row.uploader_name,
            },
            uploaded_at: db::from_millis(row.uploaded_at),
            download_url: format!("/api/rooms/{room_id}/documents/{}/content", row.id),
        };
        let document_id = super::id(&row.document_id);
        match documents.last_mut() {
            Some(doc) if doc.id == document_id => doc.versions.push(version),
            _ => documents.push(DocumentView {
                id: document_id,
                category: DocumentCategory::parse(&row.category).unwrap_or(DocumentCategory::Other),
                versions: vec![version],
            }),
        }
    }
    Ok(documents)
}

pub async fn document(
    db: &AnyPool,
    room_id: Uuid,
    document_id: Uuid,
) -> Result<Option<DocumentView>, sqlx::Error> {
    let all = documents(db, &room_id.to_string()).await?;
    Ok(all.into_iter().find(|d| d.id == document_id))
}

/// The category of a document of this room, for adding a version to it.
pub async fn document_category(
    db: &AnyPool,
    room_id: Uuid,
    document_id: Uuid,
) -> Result<Option<DocumentCategory>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT category FROM documents WHERE id = $1 AND room_id = $2")
            .bind(document_id.to_string())
            .bind(room_id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(c,)| DocumentCategory::parse(&c)))
}

pub async fn insert_document(
    tx: &mut Tx,
    room_id: Uuid,
    document_id: Uuid,
    category: DocumentCategory,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO documents (id, room_id, category, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(document_id.to_string())
    .bind(room_id.to_string())
    .bind(category.as_str())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct NewVersion<'a> {
    pub id: Uuid,
    pub document_id: Uuid,
    pub room_id: Uuid,
    pub object_key: &'a str,
    pub file_name: &'a str,
    pub size_bytes: u64,
    pub media_type: &'a str,
    pub sha256: &'a str,
    pub uploaded_by: Uuid,
}

/// Inserts the next version of a document; returns its number.
pub async fn insert_version(tx: &mut Tx, v: &NewVersion<'_>) -> Result<i64, sqlx::Error> {
    let (version,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM document_versions WHERE document_id = $1",
    )
    .bind(v.document_id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO document_versions (id, document_id, room_id, version, object_key, file_name, \
         size_bytes, media_type, sha256, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(v.id.to_string())
    .bind(v.document_id.to_string())
    .bind(v.room_id.to_string())
    .bind(version)
    .bind(v.object_key)
    .bind(v.file_name)
    .bind(v.size_bytes as i64)
    .bind(v.media_type)
    .bind(v.sha256)
    .bind(v.uploaded_by.to_string())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(version)
}

#[derive(sqlx::FromRow)]
pub struct StoredVersion {
    pub document_id: String,
    pub version: i64,
    pub object_key: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub media_type: String,
}

pub async fn stored_version(
    db: &AnyPool,
    room_id: Uuid,
    version_id: Uuid,
) -> Result<Option<StoredVersion>, sqlx::Error> {
    sqlx::query_as(
        "SELECT document_id, version, object_key, file_name, size_bytes, media_type \
         FROM document_versions WHERE id = $1 AND room_id = $2",
    )
    .bind(version_id.to_string())
    .bind(room_id.to_string())
    .fetch_optional(db)
    .await
}

// ------------------------------------------------------------------ views

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: String,
    display_name: String,
    role: String,
    joined_at: i64,
}

async fn members(db: &AnyPool, room_id: &str) -> Result<Vec<MemberView>, sqlx::Error> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT m.user_id, u.display_name, m.role, m.joined_at FROM room_members m \
         JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY m.joined_at",
    )
    .bind(room_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(MemberView {
                user_id: super::id(&r.user_id),
                display_name: r.display_name,
                role: RoomRole::parse(&r.role)?,
                joined_at: db::from_millis(r.joined_at),
            })
        })
        .collect())
}

/// Everything the room page shows the caller.
pub async fn view(
    db: &AnyPool,
    ctx: &RoomContext,
    facts: &RoomFacts,
) -> Result<RoomView, sqlx::Error> {
    let room = &ctx.room;
    Ok(RoomView {
        id: room.id(),
        title: room.title.clone(),
        site_address: room.site_address.clone(),
        office: OfficeRef {
            id: room.office_id(),
            name: room.office_name.clone(),
        },
        procedure_type: room.procedure_type(),
        status: room.status(),
        next_actor: room.status().next_actor(),
        case_number: room.case_number.clone(),
        submitted_at: room.submitted_at.map(db::from_millis),
        created_at: db::from_millis(room.created_at),
        my_role: ctx.role,
        deadlines: room.deadlines(),
        members: members(db, &room.id).await?,
        documents: documents(db, &room.id).await?,
        signatures: signatures(db, &room.id).await?,
        allowed: crate::domain::policy::allowed(facts),
        last_seq: room.last_seq,
    })
}

/// The rooms the person is an applicant in, most recently changed first.
pub async fn list_for_member(db: &AnyPool, user_id: Uuid) -> Result<Vec<RoomSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {ROOM_COLUMNS}, m.role AS member_role {ROOM_FROM} \
         JOIN room_members m ON m.room_id = r.id WHERE m.user_id = $1 ORDER BY r.updated_at DESC"
    );
    let rooms: Vec<MemberRoomRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id.to_string())
        .fetch_all(db)
        .await?;
    Ok(rooms
        .into_iter()
        .map(|r| {
            r.room
                .summary(RoomRole::parse(&r.member_role).unwrap_or(RoomRole::OtherApplicant))
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct MemberRoomRow {
    #[sqlx(flatten)]
    room: RoomRow,
    member_role: String,
}

#[derive(sqlx::FromRow)]
struct QueueRow {
    #[sqlx(flatten)]
    room: RoomRow,
    builder_name: Option<String>,
    document_count: i64,
}

/// The caseworker's queue: submitted rooms of the person's offices that are
/// not finished, the one whose next deadline ends soonest first; rooms without
/// a running deadline after them, longest waiting first.
pub async fn queue(db: &AnyPool, user_id: Uuid) -> Result<Vec<QueueItem>, sqlx::Error> {
    let sql = format!(
        "SELECT {ROOM_COLUMNS}, \
         (SELECT u.display_name FROM room_members bm JOIN users u ON u.id = bm.user_id \
          WHERE bm.room_id = r.id AND bm.role = 'builder' LIMIT 1) AS builder_name, \
         (SELECT COUNT(*) FROM documents d WHERE d.room_id = r.id) AS document_count \
         {ROOM_FROM} JOIN office_staff s ON s.office_id = r.office_id \
         WHERE s.user_id = $1 AND s.role = 'caseworker' \
         AND r.status NOT IN ('draft', 'closed', 'withdrawn') \
         ORDER BY r.submitted_at, r.id"
    );
    let rows: Vec<QueueRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id.to_string())
        .fetch_all(db)
        .await?;
    let mut items: Vec<QueueItem> = rows
        .into_iter()
        .map(|r| QueueItem {
            room: r.room.summary(RoomRole::Caseworker),
            builder_name: r.builder_name,
            document_count: r.document_count,
        })
        .collect();
    // Stable: rooms without a deadline keep the order of submission.
    items.sort_by_key(|item| {
        item.room
            .deadlines
            .first()
            .map(|d| d.due_at)
            .unwrap_or(chrono::DateTime::<Utc>::MAX_UTC)
    });
    Ok(items)
}

// ------------------------------------------------------------------ invitations

pub struct NewInvitation<'a> {
    pub id: Uuid,
    pub room_id: Uuid,
    pub token_hash: &'a str,
    pub email: &'a str,
    pub role: RoomRole,
    pub invited_by: Uuid,
    pub expires_at: i64,
}

pub async fn insert_invitation(tx: &mut Tx, i: &NewInvitation<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invitations (id, room_id, token_hash, email, role, invited_by, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(i.id.to_string())
    .bind(i.room_id.to_string())
    .bind(i.token_hash)
    .bind(i.email)
    .bind(i.role.as_str())
    .bind(i.invited_by.to_string())
    .bind(db::to_millis(db::now()))
    .bind(i.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct InvitationRow {
    pub id: String,
    pub room_id: String,
    pub role: String,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub room_title: String,
    pub site_address: String,
    pub room_status: String,
    pub invited_by: String,
}

pub async fn invitation(
    db: &AnyPool,
    token_hash: &str,
) -> Result<Option<InvitationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.room_id, i.role, i.expires_at, i.accepted_at, r.title AS room_title, \
         r.site_address, r.status AS room_status, u.display_name AS invited_by \
         FROM invitations i JOIN rooms r ON r.id = i.room_id JOIN users u ON u.id = i.invited_by \
         WHERE i.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Marks an invitation used; `false` when someone used it first.
pub async fn accept_invitation(tx: &mut Tx, id: &str, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE invitations SET accepted_at = $1, accepted_by = $2 \
         WHERE id = $3 AND accepted_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(user_id.to_string())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
