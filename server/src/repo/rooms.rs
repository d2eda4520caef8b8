//! Rooms, their members, signatures, documents and invitations.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use shared::*;
use sqlx::AnyPool;
use uuid::Uuid;

use super::procedure::{self as repo_procedure, MissingItemsRow, RequestRow};
use crate::db::{self, Tx};
use crate::domain::deadlines::{self, Deadline};
use crate::domain::holidays::Calendar;
use crate::domain::policy::{self, RequestPolicyFacts, RoomFacts};
use crate::domain::procedure::{self, MissingItemsFacts, RequestFacts, RoomTimeline};
use crate::domain::rules::DeadlineRules;

const ROOM_COLUMNS: &str = "r.id, r.office_id, o.name AS office_name, o.state AS office_state, \
     r.title, r.site_address, p.deadline_rules AS pt_deadline_rules, \
     r.status, r.case_number, r.submitted_at, r.created_at, r.updated_at, r.last_seq, \
     p.id AS pt_id, p.office_id AS pt_office_id, p.key AS pt_key, p.name_de AS pt_name_de, \
     p.name_en AS pt_name_en, p.required_categories AS pt_required_categories, \
     r.assigned_to, a.display_name AS assignee_name";

const ROOM_FROM: &str = "FROM rooms r JOIN offices o ON o.id = r.office_id \
     JOIN procedure_types p ON p.id = r.procedure_type_id \
     LEFT JOIN users a ON a.id = r.assigned_to";

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
    pub assigned_to: Option<String>,
    pub assignee_name: Option<String>,
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

    pub fn rules(&self) -> DeadlineRules {
        DeadlineRules::parse(&self.pt_deadline_rules)
    }

    pub fn calendar(&self) -> Calendar {
        Calendar::for_state(&self.office_state)
    }

    fn assignee(&self) -> Option<ActorRef> {
        Some(ActorRef {
            user_id: super::id(self.assigned_to.as_deref()?),
            display_name: self.assignee_name.clone().unwrap_or_default(),
        })
    }

    /// The deadlines running in the room now, soonest first.
    pub fn deadlines(&self, procedure: &ProcedureRows, now: DateTime<Utc>) -> Vec<DeadlineView> {
        let missing_items: Vec<MissingItemsFacts> =
            procedure.missing.iter().map(|m| m.facts()).collect();
        let requests: Vec<RequestFacts> = procedure.requests.iter().map(|r| r.facts()).collect();
        let timeline = RoomTimeline {
            status: self.status(),
            submitted_at: self.submitted_at.map(db::from_millis),
            missing_items: &missing_items,
            requests: &requests,
        };
        let running = procedure::running_deadlines(
            &timeline,
            &self.rules(),
            &self.calendar(),
            deadlines::german_date(now),
        );
        let mut views: Vec<DeadlineView> = running
            .into_iter()
            .map(|r| deadline_view(r.kind, &r.deadline, r.request_id, r.subject, now))
            .collect();
        views.sort_by_key(|d| d.due_at);
        views
    }

    /// Whether consulted bodies still have time to answer.
    fn requests_pending(&self, procedure: &ProcedureRows, now: DateTime<Utc>) -> bool {
        let calendar = self.calendar();
        let today = deadlines::german_date(now);
        procedure.requests.iter().any(|r| {
            let facts = r.facts();
            let deadline = procedure::statement_deadline(&facts, &calendar, today);
            procedure::shown_status(facts.status, &deadline, now).awaits_answer()
                && facts.status.awaits_answer()
                && now < deadline.due_at
        })
    }

    fn summary(&self, my_role: RoomRole, procedure: &ProcedureRows) -> RoomSummary {
        let now = Utc::now();
        RoomSummary {
            id: self.id(),
            title: self.title.clone(),
            site_address: self.site_address.clone(),
            office_name: self.office_name.clone(),
            procedure_type: self.procedure_type(),
            status: self.status(),
            next_actor: procedure::next_actor(self.status(), self.requests_pending(procedure, now)),
            case_number: self.case_number.clone(),
            submitted_at: self.submitted_at.map(db::from_millis),
            my_role,
            updated_at: db::from_millis(self.updated_at),
            deadlines: self.deadlines(procedure, now),
        }
    }
}

/// A deadline as the parties see it.
pub fn deadline_view(
    kind: DeadlineKind,
    deadline: &Deadline,
    request_id: Option<Uuid>,
    subject: Option<String>,
    now: DateTime<Utc>,
) -> DeadlineView {
    DeadlineView {
        kind,
        due_date: deadline.end,
        due_at: deadline.due_at,
        overdue: now >= deadline.due_at,
        request_id,
        subject,
        rule_de: deadline.explain_de(),
        rule_en: deadline.explain_en(),
    }
}

/// The procedure's rows of one room: requests for missing items and
/// statement requests, oldest first.
#[derive(Default)]
pub struct ProcedureRows {
    pub missing: Vec<MissingItemsRow>,
    pub requests: Vec<RequestRow>,
}

impl ProcedureRows {
    pub async fn of_room(db: &AnyPool, room_id: &str) -> Result<ProcedureRows, sqlx::Error> {
        let ids = [room_id.to_string()];
        Ok(ProcedureRows {
            missing: repo_procedure::missing_items(db, &ids).await?,
            requests: repo_procedure::requests(db, &ids).await?,
        })
    }

    /// The rows of many rooms in two queries, by room id.
    async fn of_rooms(
        db: &AnyPool,
        room_ids: Vec<String>,
    ) -> Result<HashMap<String, ProcedureRows>, sqlx::Error> {
        let mut by_room: HashMap<String, ProcedureRows> = HashMap::new();
        for chunk in room_ids.chunks(500) {
            for m in repo_procedure::missing_items(db, chunk).await? {
                by_room
                    .entry(m.room_id.clone())
                    .or_default()
                    .missing
                    .push(m);
            }
            for r in repo_procedure::requests(db, chunk).await? {
                by_room
                    .entry(r.room_id.clone())
                    .or_default()
                    .requests
                    .push(r);
            }
        }
        Ok(by_room)
    }
}

/// A room together with the caller's role in it.
pub struct RoomContext {
    pub room: RoomRow,
    pub role: RoomRole,
    /// The consulted body the caller acts for, when the role is that.
    pub body_id: Option<Uuid>,
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
    Ok(role.map(|(role, body_id)| RoomContext {
        room,
        role,
        body_id,
    }))
}

/// Applicants by membership; the office's caseworkers once the room is
/// submitted; a consulted body's members while the body has a request there.
async fn role_in(
    db: &AnyPool,
    user_id: Uuid,
    room: &RoomRow,
) -> Result<Option<(RoomRole, Option<Uuid>)>, sqlx::Error> {
    let member: Option<(String,)> =
        sqlx::query_as("SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2")
            .bind(&room.id)
            .bind(user_id.to_string())
            .fetch_optional(db)
            .await?;
    if let Some((role,)) = member {
        return Ok(RoomRole::parse(&role).map(|role| (role, None)));
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
    if staff.is_some() {
        return Ok(Some((RoomRole::Caseworker, None)));
    }
    let body = repo_procedure::body_in_room(db, user_id, &room.id).await?;
    Ok(body.map(|body_id| (RoomRole::ConsultedBody, Some(body_id))))
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

/// The applicants of a room: everyone who is a member of it.
pub async fn applicant_ids(db: &AnyPool, room_id: &str) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT user_id FROM room_members WHERE room_id = $1 ORDER BY joined_at")
            .bind(room_id)
            .fetch_all(db)
            .await?;
    Ok(rows.iter().map(|(id,)| super::id(id)).collect())
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
    pub created_by: Uuid,
    pub client_key: Option<Uuid>,
}

/// The room this person started with `client_key`, if any.
pub async fn by_client_key(
    db: &AnyPool,
    created_by: Uuid,
    client_key: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM rooms WHERE created_by = $1 AND client_key = $2")
            .bind(created_by.to_string())
            .bind(client_key.to_string())
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(room,)| super::id(&room)))
}

pub async fn insert(tx: &mut Tx, room: &NewRoom<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    let now = db::to_millis(db::now());
    sqlx::query(
        "INSERT INTO rooms (id, office_id, procedure_type_id, title, site_address, status, \
         created_at, updated_at, last_seq, last_hash, created_by, client_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0, $8, $9, $10)",
    )
    .bind(id.to_string())
    .bind(room.office_id.to_string())
    .bind(room.procedure_type_id.to_string())
    .bind(room.title)
    .bind(room.site_address)
    .bind(RoomStatus::Draft.as_str())
    .bind(now)
    .bind(crate::events::GENESIS_HASH)
    .bind(room.created_by.to_string())
    .bind(room.client_key.map(|k| k.to_string()))
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

/// Takes a person out of the room; returns their role and name, or `None`
/// when they were no member.
pub async fn remove_member(
    tx: &mut Tx,
    room_id: Uuid,
    user_id: Uuid,
) -> Result<Option<(RoomRole, String)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT m.role, u.display_name FROM room_members m JOIN users u ON u.id = m.user_id \
         WHERE m.room_id = $1 AND m.user_id = $2",
    )
    .bind(room_id.to_string())
    .bind(user_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    let Some((role, name)) = row else {
        return Ok(None);
    };
    sqlx::query("DELETE FROM room_members WHERE room_id = $1 AND user_id = $2")
        .bind(room_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(RoomRole::parse(&role).map(|role| (role, name)))
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
    let signed = is_signed(db, &ctx.room.id, user_id).await?;
    let procedure = ProcedureRows::of_room(db, &ctx.room.id).await?;
    Ok(facts_with(
        ctx,
        signed,
        unsigned_roles(db, &ctx.room.id).await?,
        &procedure,
    ))
}

fn facts_with(
    ctx: &RoomContext,
    signed: bool,
    unsigned_roles: Vec<RoomRole>,
    procedure: &ProcedureRows,
) -> RoomFacts {
    let now = Utc::now();
    let calendar = ctx.room.calendar();
    let today = deadlines::german_date(now);
    let missing_items_overdue = procedure
        .missing
        .iter()
        .filter(|m| m.answered_at.is_none())
        .any(|m| now >= procedure::missing_items_deadline(&m.facts(), &calendar, today).due_at);
    RoomFacts {
        status: ctx.room.status(),
        role: ctx.role,
        signed,
        unsigned_roles,
        missing_items_overdue,
        requests_pending: ctx.room.requests_pending(procedure, now),
    }
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
    request_id: Option<String>,
}

const VERSION_SELECT: &str = "SELECT v.id, v.document_id, d.category, v.version, v.file_name, \
     v.size_bytes, v.media_type, v.sha256, v.uploaded_by, u.display_name AS uploader_name, \
     v.uploaded_at, d.request_id FROM document_versions v JOIN documents d ON d.id = v.document_id \
     JOIN users u ON u.id = v.uploaded_by";

impl VersionRow {
    fn into_view(self, room_id: &str) -> DocumentVersionView {
        DocumentVersionView {
            download_url: format!("/api/rooms/{room_id}/documents/{}/content", self.id),
            id: super::id(&self.id),
            version: self.version,
            file_name: self.file_name,
            size_bytes: self.size_bytes.max(0) as u64,
            media_type: self.media_type,
            sha256: self.sha256,
            uploaded_by: ActorRef {
                user_id: super::id(&self.uploaded_by),
                display_name: self.uploader_name,
            },
            uploaded_at: db::from_millis(self.uploaded_at),
        }
    }
}

/// A document of the room with the statement request that owns it, if it is
/// a consulted body's attachment.
pub struct RoomDocument {
    pub view: DocumentView,
    pub request_id: Option<Uuid>,
}

/// Every document of the room with all its versions, oldest first; who may
/// see which is [`DocumentAccess`]'s to say.
pub async fn documents(db: &AnyPool, room_id: &str) -> Result<Vec<RoomDocument>, sqlx::Error> {
    let sql =
        format!("{VERSION_SELECT} WHERE v.room_id = $1 ORDER BY d.created_at, d.id, v.version");
    let rows: Vec<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .fetch_all(db)
        .await?;

    let mut documents: Vec<RoomDocument> = Vec::new();
    for row in rows {
        let document_id = super::id(&row.document_id);
        let category = DocumentCategory::parse(&row.category).unwrap_or(DocumentCategory::Other);
        let request_id = row.request_id.as_deref().map(super::id);
        let version = row.into_view(room_id);
        match documents.last_mut() {
            Some(doc) if doc.view.id == document_id => doc.view.versions.push(version),
            _ => documents.push(RoomDocument {
                view: DocumentView {
                    id: document_id,
                    category,
                    versions: vec![version],
                },
                request_id,
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
    Ok(all
        .into_iter()
        .map(|d| d.view)
        .find(|d| d.id == document_id))
}

/// The document one of whose versions is `version_id`.
pub async fn document_of_version(
    db: &AnyPool,
    room_id: Uuid,
    version_id: Uuid,
) -> Result<Option<DocumentView>, sqlx::Error> {
    let all = documents(db, &room_id.to_string()).await?;
    Ok(all
        .into_iter()
        .map(|d| d.view)
        .find(|d| d.versions.iter().any(|v| v.id == version_id)))
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

/// Adds a document to the room; `request_id` makes it an attachment owned by
/// that statement request.
pub async fn insert_document(
    tx: &mut Tx,
    room_id: Uuid,
    document_id: Uuid,
    category: DocumentCategory,
    request_id: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO documents (id, room_id, category, request_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(document_id.to_string())
    .bind(room_id.to_string())
    .bind(category.as_str())
    .bind(request_id.map(|id| id.to_string()))
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
    pub category: String,
    /// The statement request owning the document, for a body's attachment.
    pub request_id: Option<String>,
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
        "SELECT v.document_id, d.category, d.request_id, v.version, v.object_key, v.file_name, \
         v.size_bytes, v.media_type FROM document_versions v JOIN documents d ON d.id = v.document_id \
         WHERE v.id = $1 AND v.room_id = $2",
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
pub async fn view(db: &AnyPool, ctx: &RoomContext, user_id: Uuid) -> Result<RoomView, sqlx::Error> {
    let room = &ctx.room;
    let now = Utc::now();
    let procedure = ProcedureRows::of_room(db, &room.id).await?;
    let facts = {
        let signed = is_signed(db, &room.id, user_id).await?;
        facts_with(ctx, signed, unsigned_roles(db, &room.id).await?, &procedure)
    };
    let decision = repo_procedure::decision(db, &room.id).await?;
    let statements = repo_procedure::statements(db, &room.id).await?;
    let access = DocumentAccess::new(ctx, &procedure, decision.as_ref(), &statements);
    let mut all_documents = documents(db, &room.id).await?;
    all_documents.retain_mut(|doc| {
        let (id, category, request_id) = (doc.view.id, doc.view.category, doc.request_id);
        doc.view
            .versions
            .retain(|v| access.admits(id, category, request_id, v.id));
        !doc.view.versions.is_empty()
    });
    // A body's attachments are shown with its statement, not among the
    // application's documents.
    let (attachments, application): (Vec<RoomDocument>, Vec<RoomDocument>) = all_documents
        .into_iter()
        .partition(|doc| doc.request_id.is_some());
    let attachments: HashMap<Uuid, DocumentVersionView> = attachments
        .into_iter()
        .flat_map(|doc| doc.view.versions)
        .map(|v| (v.id, v))
        .collect();
    let office_view = ctx.role == RoomRole::Caseworker;
    let applicant_view = ctx.role.is_applicant();
    let mut deadlines = room.deadlines(&procedure, now);
    if ctx.role == RoomRole::ConsultedBody {
        let own: HashSet<Uuid> = own_requests(ctx, &procedure).map(|r| r.id()).collect();
        deadlines.retain(|d| d.request_id.is_some_and(|id| own.contains(&id)));
    }
    let statement_requests = statement_requests(ctx, &procedure, &statements, &attachments, now);
    let decision_view = match (&decision, office_view || applicant_view) {
        (Some(d), true) => Some(decision_view(db, room, d, &statement_requests).await?),
        _ => None,
    };
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
        next_actor: procedure::next_actor(room.status(), room.requests_pending(&procedure, now)),
        case_number: room.case_number.clone(),
        submitted_at: room.submitted_at.map(db::from_millis),
        created_at: db::from_millis(room.created_at),
        my_role: ctx.role,
        deadlines,
        members: if ctx.role == RoomRole::ConsultedBody {
            Vec::new()
        } else {
            members(db, &room.id).await?
        },
        documents: application.into_iter().map(|d| d.view).collect(),
        signatures: if ctx.role == RoomRole::ConsultedBody {
            Vec::new()
        } else {
            signatures(db, &room.id).await?
        },
        form: if ctx.role == RoomRole::ConsultedBody {
            Vec::new()
        } else {
            super::form::all(db, &room.id).await?
        },
        assigned_to: room.assignee(),
        missing_items: if ctx.role == RoomRole::ConsultedBody {
            Vec::new()
        } else {
            missing_items_views(room, &procedure, now)
        },
        statement_requests,
        decision: decision_view,
        allowed: policy::allowed(&facts),
        identity_needed_for: {
            let (required, trust) =
                super::organisations::trust_facts(db, room.office_id(), user_id).await?;
            policy::identity_needed_for(ctx.role, &required, trust)
        },
        last_seq: room.last_seq,
    })
}

async fn is_signed(db: &AnyPool, room_id: &str, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let signed: Option<(i64,)> =
        sqlx::query_as("SELECT signed_at FROM signatures WHERE room_id = $1 AND user_id = $2")
            .bind(room_id)
            .bind(user_id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(signed.is_some())
}

/// The requests the caller sees: a consulted body only its own.
fn own_requests<'a>(
    ctx: &'a RoomContext,
    procedure: &'a ProcedureRows,
) -> impl Iterator<Item = &'a RequestRow> + 'a {
    requests_seen_by(ctx.role, ctx.body_id, procedure)
}

fn requests_seen_by(
    role: RoomRole,
    body_id: Option<Uuid>,
    procedure: &ProcedureRows,
) -> impl Iterator<Item = &RequestRow> + '_ {
    procedure.requests.iter().filter(move |r| match role {
        RoomRole::ConsultedBody => Some(r.body_id()) == body_id,
        _ => true,
    })
}

fn missing_items_views(
    room: &RoomRow,
    procedure: &ProcedureRows,
    now: DateTime<Utc>,
) -> Vec<MissingItemsView> {
    let calendar = room.calendar();
    let today = deadlines::german_date(now);
    procedure
        .missing
        .iter()
        .map(|m| {
            let deadline = procedure::missing_items_deadline(&m.facts(), &calendar, today);
            MissingItemsView {
                id: super::id(&m.id),
                requested_by: m.requester(),
                requested_at: db::from_millis(m.requested_at),
                items: m.items(),
                deadline: deadline_view(DeadlineKind::MissingItems, &deadline, None, None, now),
                answered_at: m.answered_at.map(db::from_millis),
            }
        })
        .collect()
}

fn statement_requests(
    ctx: &RoomContext,
    procedure: &ProcedureRows,
    statements: &[repo_procedure::StatementRow],
    attachments: &HashMap<Uuid, DocumentVersionView>,
    now: DateTime<Utc>,
) -> Vec<StatementRequestView> {
    let calendar = ctx.room.calendar();
    let today = deadlines::german_date(now);
    own_requests(ctx, procedure)
        .map(|r| {
            let facts = r.facts();
            let deadline = procedure::statement_deadline(&facts, &calendar, today);
            let kind = if facts.consent_required {
                DeadlineKind::MunicipalConsent
            } else {
                DeadlineKind::Statement
            };
            let versions: Vec<StatementView> = statements
                .iter()
                .filter(|s| s.request_id == r.id)
                .map(|s| s.view(attachments))
                .collect();
            let unreleased_statement = versions.last().is_some_and(|s| s.released_at.is_none());
            let allowed = policy::allowed_request(&RequestPolicyFacts {
                room_status: ctx.room.status(),
                role: ctx.role,
                own_body: Some(r.body_id()) == ctx.body_id,
                status: facts.status,
                unreleased_statement,
            });
            let visible: Vec<StatementView> = match ctx.role {
                RoomRole::Caseworker | RoomRole::ConsultedBody => versions,
                _ => versions
                    .into_iter()
                    .filter(|s| s.released_at.is_some())
                    .collect(),
            };
            StatementRequestView {
                id: r.id(),
                body: r.body(),
                question: r.question.clone(),
                requested_by: r.requester(),
                requested_at: db::from_millis(r.requested_at),
                document_ids: r.document_ids(),
                status: procedure::shown_status(facts.status, &deadline, now),
                consent_deemed_given: procedure::consent_deemed_given(&facts, &deadline, now),
                deadline: deadline_view(
                    kind,
                    &deadline,
                    Some(r.id()),
                    Some(r.body_name.clone()),
                    now,
                ),
                extension: r.extension(),
                statements: visible,
                allowed,
            }
        })
        .collect()
}

async fn decision_view(
    db: &AnyPool,
    room: &RoomRow,
    d: &repo_procedure::DecisionRow,
    requests: &[StatementRequestView],
) -> Result<DecisionView, sqlx::Error> {
    let version = |id: &str| version_view(db, &room.id, id.to_string());
    let conditions: Vec<DecisionCondition> =
        serde_json::from_str(&d.conditions).unwrap_or_default();
    let body_of = |statement_id: Uuid| {
        requests
            .iter()
            .find(|r| r.statements.iter().any(|s| s.id == statement_id))
            .map(|r| r.body.name.clone())
    };
    let notice = version(&d.notice_version_id).await?;
    let fee = match (&d.fee_version_id, d.fee_amount_cents) {
        (Some(id), Some(amount_cents)) => Some(FeeView {
            amount_cents,
            paid: d.fee_paid != 0,
            notice: version(id).await?,
        }),
        _ => None,
    };
    let retrieved_at = d.retrieved_at.map(db::from_millis);
    Ok(DecisionView {
        outcome: DecisionOutcome::parse(&d.outcome).unwrap_or(DecisionOutcome::Rejected),
        conditions: conditions
            .into_iter()
            .map(|c| DecisionConditionView {
                body_name: c.statement_id.and_then(body_of),
                text: c.text,
                statement_id: c.statement_id,
            })
            .collect(),
        decided_by: ActorRef {
            user_id: super::id(&d.decided_by),
            display_name: d.decider_name.clone(),
        },
        decided_at: db::from_millis(d.decided_at),
        notice,
        fee,
        retrieved_at,
        delivery_date: retrieved_at.map(procedure::delivery_date),
    })
}

async fn version_view(
    db: &AnyPool,
    room_id: &str,
    version_id: String,
) -> Result<DocumentVersionView, sqlx::Error> {
    let sql = format!("{VERSION_SELECT} WHERE v.id = $1 AND v.room_id = $2");
    let row: VersionRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(version_id)
        .bind(room_id)
        .fetch_one(db)
        .await?;
    Ok(row.into_view(room_id))
}

/// Which documents the caller may see: the office all; applicants their own
/// and, once decided, the notice and fee notice; a consulted body those
/// shared with its requests. A body's attachments are seen by that body and,
/// once a statement naming them is released, by the applicants.
pub struct DocumentAccess {
    role: RoomRole,
    shared: HashSet<Uuid>,
    released: HashSet<Uuid>,
    /// The caller's own requests, for a consulted body.
    own_requests: HashSet<Uuid>,
    /// Attachment versions of released statements.
    released_attachments: HashSet<Uuid>,
}

impl DocumentAccess {
    pub fn new(
        ctx: &RoomContext,
        procedure: &ProcedureRows,
        decision: Option<&repo_procedure::DecisionRow>,
        statements: &[repo_procedure::StatementRow],
    ) -> DocumentAccess {
        DocumentAccess::for_reader(ctx.role, ctx.body_id, procedure, decision, statements)
    }

    /// What a reader in `role` (acting for `body_id`, if a consulted body)
    /// may see, whoever asks: a message may only refer to documents every
    /// reader of its thread sees.
    pub fn for_reader(
        role: RoomRole,
        body_id: Option<Uuid>,
        procedure: &ProcedureRows,
        decision: Option<&repo_procedure::DecisionRow>,
        statements: &[repo_procedure::StatementRow],
    ) -> DocumentAccess {
        let shared = requests_seen_by(role, body_id, procedure)
            .filter(|r| r.status() != RequestStatus::Withdrawn)
            .flat_map(|r| r.document_ids())
            .collect();
        let own_requests = match role {
            RoomRole::ConsultedBody => requests_seen_by(role, body_id, procedure)
                .map(|r| r.id())
                .collect(),
            _ => HashSet::new(),
        };
        let released_attachments = statements
            .iter()
            .filter(|s| s.released_at.is_some())
            .flat_map(|s| s.attachment_ids())
            .collect();
        let released = decision
            .into_iter()
            .flat_map(|d| {
                [
                    Some(d.notice_version_id.as_str()),
                    d.fee_version_id.as_deref(),
                ]
            })
            .flatten()
            .map(super::id)
            .collect();
        DocumentAccess {
            role,
            shared,
            released,
            own_requests,
            released_attachments,
        }
    }

    pub async fn load(db: &AnyPool, ctx: &RoomContext) -> Result<DocumentAccess, sqlx::Error> {
        let procedure = ProcedureRows::of_room(db, &ctx.room.id).await?;
        let decision = repo_procedure::decision(db, &ctx.room.id).await?;
        let statements = repo_procedure::statements(db, &ctx.room.id).await?;
        Ok(DocumentAccess::new(
            ctx,
            &procedure,
            decision.as_ref(),
            &statements,
        ))
    }

    /// The newest version of `document` this reader may see, if any.
    pub fn newest<'d>(&self, document: &'d RoomDocument) -> Option<&'d DocumentVersionView> {
        let view = &document.view;
        view.versions
            .iter()
            .rev()
            .find(|v| self.admits(view.id, view.category, document.request_id, v.id))
    }

    /// Whether the caller may see this version; `request_id` is the
    /// statement request owning the document, for a body's attachment.
    pub fn admits(
        &self,
        document_id: Uuid,
        category: DocumentCategory,
        request_id: Option<Uuid>,
        version_id: Uuid,
    ) -> bool {
        match (self.role, request_id) {
            (RoomRole::Caseworker, _) => true,
            (RoomRole::ConsultedBody, Some(request)) => self.own_requests.contains(&request),
            (RoomRole::ConsultedBody, None) => {
                category.is_application() && self.shared.contains(&document_id)
            }
            (_, Some(_)) => self.released_attachments.contains(&version_id),
            (_, None) => category.is_application() || self.released.contains(&version_id),
        }
    }
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
    let procedures =
        ProcedureRows::of_rooms(db, rooms.iter().map(|r| r.room.id.clone()).collect()).await?;
    let none = ProcedureRows::default();
    Ok(rooms
        .into_iter()
        .map(|r| {
            let procedure = procedures.get(&r.room.id).unwrap_or(&none);
            let role = RoomRole::parse(&r.member_role).unwrap_or(RoomRole::OtherApplicant);
            r.room.summary(role, procedure)
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

/// Which rooms of the queue to show.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<RoomStatus>,
    /// Only rooms with a deadline that has passed.
    pub overdue: bool,
    /// Only rooms the caller took.
    pub mine: bool,
}

/// The caseworker's queue: submitted rooms of the person's offices that are
/// not finished, the one whose next deadline ends soonest first; rooms without
/// a running deadline after them, longest waiting first.
pub async fn queue(
    db: &AnyPool,
    user_id: Uuid,
    filter: &QueueFilter,
) -> Result<Vec<QueueItem>, sqlx::Error> {
    let sql = format!(
        "SELECT {ROOM_COLUMNS}, \
         (SELECT u.display_name FROM room_members bm JOIN users u ON u.id = bm.user_id \
          WHERE bm.room_id = r.id AND bm.role = 'builder' LIMIT 1) AS builder_name, \
         (SELECT COUNT(*) FROM documents d WHERE d.room_id = r.id) AS document_count \
         {ROOM_FROM} JOIN office_staff s ON s.office_id = r.office_id \
         WHERE s.user_id = $1 AND s.role = 'caseworker' \
         AND r.status NOT IN ('draft', 'closed', 'withdrawn') \
         AND ($2 IS NULL OR r.status = $2) AND ($3 = 0 OR r.assigned_to = $1) \
         ORDER BY r.submitted_at, r.id"
    );
    let rows: Vec<QueueRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id.to_string())
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter.mine as i64)
        .fetch_all(db)
        .await?;
    let procedures =
        ProcedureRows::of_rooms(db, rows.iter().map(|r| r.room.id.clone()).collect()).await?;
    let none = ProcedureRows::default();
    let mut items: Vec<QueueItem> = rows
        .into_iter()
        .map(|r| QueueItem {
            assigned_to: r.room.assignee(),
            room: r.room.summary(
                RoomRole::Caseworker,
                procedures.get(&r.room.id).unwrap_or(&none),
            ),
            builder_name: r.builder_name,
            document_count: r.document_count,
        })
        .filter(|item| !filter.overdue || item.room.deadlines.iter().any(|d| d.overdue))
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

/// The caller takes the case (starting the check does this).
pub async fn assign(tx: &mut Tx, room_id: Uuid, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rooms SET assigned_to = $1 WHERE id = $2")
        .bind(user_id.to_string())
        .bind(room_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
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
