//! An office's people as its admin manages them: staff and their roles,
//! consulted bodies and their members, which applicant actions need a
//! confirmed identity, and identity confirmations. Who may do this is
//! decided in `domain::policy::office` (the office's admins only; to anyone
//! outside the office, the operator included, none of it exists).
//!
//! Every change is a security event in the server's log (target
//! `security`), naming actor, subject and office by id and never an address.
//! Rooms read staff and body membership on every request, so a change here
//! reaches every room at once.
//!
//! FIXME: an office-level audit log, kept in the database and shown to the
//! office's admins, is wanted (issue #7); until it exists these changes are
//! only in the server's log.

use axum::extract::State;
use axum::http::StatusCode;
use shared::{
    AddBodyMemberRequest, AddStaffRequest, ChangeRoleRequest, ConfirmIdentityRequest,
    CreateBodyRequest, IdentityConfirmed, OfficeBody, OfficeRole, OfficeSettings, PersonView,
    Problem, RenameBodyRequest, StaffMember,
};
use uuid::Uuid;

use super::{Json, Path, authorize_office};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::domain::policy::office::OfficeAction;
use crate::domain::values::{BodyKey, Email, Line};
use crate::error::{ApiError, ApiResult};
use crate::repo::{self, organisations as org};

// ------------------------------------------------------------------ staff

/// The office's staff with their roles (its admins only).
#[utoipa::path(get, path = "/api/offices/{office_id}/staff", tag = "office administration",
    params(("office_id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<StaffMember>),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem, description = "No such office, or the caller does not \
                                                      work there"),
    ))]
pub async fn list_staff(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<StaffMember>>> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageStaff).await?;
    Ok(axum::Json(org::staff(&app.db.read, office_id).await?))
}

/// Adds the holder of an existing account to the office's staff.
///
/// FIXME: inviting someone without an account by mail is out of scope for
/// now (issue #6 asks only for existing accounts); the answer tells the
/// admin to have the person register first.
#[utoipa::path(post, path = "/api/offices/{office_id}/staff", tag = "office administration",
    params(("office_id" = Uuid, Path)),
    request_body = AddStaffRequest,
    responses(
        (status = 201, body = StaffMember),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`already_staff`: works here already"),
        (status = 422, body = Problem, description = "`no_account`: nobody has registered with \
            this address; or a field is not acceptable"),
    ))]
pub async fn add_staff(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
    Json(request): Json<AddStaffRequest>,
) -> ApiResult<(StatusCode, axum::Json<StaffMember>)> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageStaff).await?;
    let email = parse_email(&request.email)?;

    let mut tx = app.db.begin().await?;
    let person = existing_account(&mut tx, &email).await?;
    org::lock_office(&mut tx, office_id).await?;
    repo::users::add_staff(&mut tx, office_id, person.user_id, request.role).await?;
    tx.commit().await?;

    security_event("staff_added", &user, person.user_id, office_id);
    Ok((
        StatusCode::CREATED,
        axum::Json(staff_member(&app, office_id, person.user_id).await?),
    ))
}

/// Gives someone of the office's staff another role. The last admin stays
/// admin, or nobody could manage the office any more.
#[utoipa::path(put, path = "/api/offices/{office_id}/staff/{user_id}",
    tag = "office administration",
    params(("office_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    request_body = ChangeRoleRequest,
    responses(
        (status = 200, body = StaffMember),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem, description = "No such office or staff member"),
        (status = 409, body = Problem, description = "`last_admin`: the office's only admin"),
        (status = 422, body = Problem, description = "Not a role of an office"),
    ))]
pub async fn change_staff_role(
    State(app): State<App>,
    user: CurrentUser,
    Path((office_id, subject)): Path<(Uuid, Uuid)>,
    Json(request): Json<ChangeRoleRequest>,
) -> ApiResult<axum::Json<StaffMember>> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageStaff).await?;

    let mut tx = app.db.begin().await?;
    org::lock_office(&mut tx, office_id).await?;
    let current = org::role_of(&mut tx, office_id, subject)
        .await?
        .ok_or_else(|| ApiError::not_found("staff member"))?;
    if current == OfficeRole::OfficeAdmin && request.role != OfficeRole::OfficeAdmin {
        keep_an_admin(&mut tx, office_id).await?;
    }
    org::set_role(&mut tx, office_id, subject, request.role).await?;
    tx.commit().await?;

    security_event("role_changed", &user, subject, office_id);
    Ok(axum::Json(staff_member(&app, office_id, subject).await?))
}

/// Takes someone off the office's staff: from their next request on they
/// see none of the office's rooms. The last admin stays.
#[utoipa::path(delete, path = "/api/offices/{office_id}/staff/{user_id}",
    tag = "office administration",
    params(("office_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem, description = "No such office or staff member"),
        (status = 409, body = Problem, description = "`last_admin`: the office's only admin"),
    ))]
pub async fn remove_staff(
    State(app): State<App>,
    user: CurrentUser,
    Path((office_id, subject)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageStaff).await?;

    let mut tx = app.db.begin().await?;
    org::lock_office(&mut tx, office_id).await?;
    let current = org::role_of(&mut tx, office_id, subject)
        .await?
        .ok_or_else(|| ApiError::not_found("staff member"))?;
    if current == OfficeRole::OfficeAdmin {
        keep_an_admin(&mut tx, office_id).await?;
    }
    org::remove_staff(&mut tx, office_id, subject).await?;
    tx.commit().await?;

    // Their open live sockets stop too: a socket checks access before each
    // event it sends (`handlers::live`).
    security_event("staff_removed", &user, subject, office_id);
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses a change that would leave the office without an admin.
async fn keep_an_admin(tx: &mut Tx, office_id: Uuid) -> ApiResult<()> {
    if org::admin_count(tx, office_id).await? <= 1 {
        return Err(ApiError::conflict(
            "last_admin",
            "This is the office's only administrator: without one nobody could manage the \
             office. Make someone else an administrator first.",
        ));
    }
    Ok(())
}

async fn staff_member(app: &App, office_id: Uuid, user_id: Uuid) -> ApiResult<StaffMember> {
    org::staff(&app.db.read, office_id)
        .await?
        .into_iter()
        .find(|s| s.user_id == user_id)
        .ok_or_else(|| ApiError::not_found("staff member"))
}

// ------------------------------------------------------------------ bodies

/// The office's consulted bodies with their members (its admins only).
#[utoipa::path(get, path = "/api/offices/{office_id}/bodies", tag = "office administration",
    params(("office_id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<OfficeBody>),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
    ))]
pub async fn list_office_bodies(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<OfficeBody>>> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageBodies).await?;
    Ok(axum::Json(org::bodies(&app.db.read, office_id).await?))
}

/// Adds a consulted body to the office. Its key is derived from the name
/// unless given; it names the body in requests and records, so it stays.
#[utoipa::path(post, path = "/api/offices/{office_id}/bodies", tag = "office administration",
    params(("office_id" = Uuid, Path)),
    request_body = CreateBodyRequest,
    responses(
        (status = 201, body = OfficeBody),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`duplicate_body_key`: the office uses \
            the key"),
        (status = 422, body = Problem, description = "A field is not acceptable"),
    ))]
pub async fn create_body(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
    Json(request): Json<CreateBodyRequest>,
) -> ApiResult<(StatusCode, axum::Json<OfficeBody>)> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageBodies).await?;
    let name = body_name(&request.name)?;
    let key = match request.key.as_deref() {
        Some(key) => BodyKey::parse(key),
        None => BodyKey::derive(&name),
    }
    .map_err(|e| ApiError::invalid("key", e.0))?;

    let mut tx = app.db.begin().await?;
    let body_id = org::insert_body(
        &mut tx,
        office_id,
        key.as_str(),
        &name,
        request.consent_required,
    )
    .await?;
    let body = stored_body(&mut tx, office_id, body_id).await?;
    tx.commit().await?;

    security_event("body_added", &user, body_id, office_id);
    Ok((StatusCode::CREATED, axum::Json(body)))
}

/// Renames a consulted body; its key stays.
#[utoipa::path(put, path = "/api/offices/{office_id}/bodies/{body_id}",
    tag = "office administration",
    params(("office_id" = Uuid, Path), ("body_id" = Uuid, Path)),
    request_body = RenameBodyRequest,
    responses(
        (status = 200, body = OfficeBody),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem, description = "No such office or body"),
        (status = 422, body = Problem, description = "The name is not acceptable"),
    ))]
pub async fn rename_body(
    State(app): State<App>,
    user: CurrentUser,
    Path((office_id, body_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<RenameBodyRequest>,
) -> ApiResult<axum::Json<OfficeBody>> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageBodies).await?;
    let name = body_name(&request.name)?;

    let mut tx = app.db.begin().await?;
    if !org::rename_body(&mut tx, office_id, body_id, &name).await? {
        return Err(ApiError::not_found("body"));
    }
    let body = stored_body(&mut tx, office_id, body_id).await?;
    tx.commit().await?;

    security_event("body_renamed", &user, body_id, office_id);
    Ok(axum::Json(body))
}

/// Makes the holder of an existing account a member of the body: they see
/// and answer its requests from then on.
#[utoipa::path(post, path = "/api/offices/{office_id}/bodies/{body_id}/members",
    tag = "office administration",
    params(("office_id" = Uuid, Path), ("body_id" = Uuid, Path)),
    request_body = AddBodyMemberRequest,
    responses(
        (status = 201, body = OfficeBody),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem, description = "No such office or body"),
        (status = 409, body = Problem, description = "`already_body_member`: in the body already"),
        (status = 422, body = Problem, description = "`no_account`: nobody has registered with \
            this address; or the address is not acceptable"),
    ))]
pub async fn add_body_member(
    State(app): State<App>,
    user: CurrentUser,
    Path((office_id, body_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<AddBodyMemberRequest>,
) -> ApiResult<(StatusCode, axum::Json<OfficeBody>)> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageBodies).await?;
    let email = parse_email(&request.email)?;

    let mut tx = app.db.begin().await?;
    stored_body(&mut tx, office_id, body_id).await?;
    let person = existing_account(&mut tx, &email).await?;
    repo::procedure::add_body_member(&mut tx, body_id, person.user_id).await?;
    let body = stored_body(&mut tx, office_id, body_id).await?;
    tx.commit().await?;

    security_event("body_member_added", &user, person.user_id, office_id);
    Ok((StatusCode::CREATED, axum::Json(body)))
}

/// Takes someone out of a body: from their next request on they see none of
/// the body's requests.
#[utoipa::path(delete, path = "/api/offices/{office_id}/bodies/{body_id}/members/{user_id}",
    tag = "office administration",
    params(("office_id" = Uuid, Path), ("body_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem, description = "No such office, body or member"),
    ))]
pub async fn remove_body_member(
    State(app): State<App>,
    user: CurrentUser,
    Path((office_id, body_id, subject)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageBodies).await?;

    let mut tx = app.db.begin().await?;
    stored_body(&mut tx, office_id, body_id).await?;
    if !org::remove_body_member(&mut tx, body_id, subject).await? {
        return Err(ApiError::not_found("body member"));
    }
    tx.commit().await?;

    security_event("body_member_removed", &user, subject, office_id);
    Ok(StatusCode::NO_CONTENT)
}

/// The body as stored, or 404 when the office has none such.
async fn stored_body(tx: &mut Tx, office_id: Uuid, body_id: Uuid) -> ApiResult<OfficeBody> {
    org::body(tx, office_id, body_id)
        .await?
        .ok_or_else(|| ApiError::not_found("body"))
}

fn body_name(raw: &str) -> ApiResult<String> {
    Line::parse(raw, "name", 200)
        .map(Line::into_string)
        .map_err(|e| ApiError::invalid("name", e.0))
}

// ------------------------------------------------------------------ settings

/// Which applicant actions need a confirmed identity in this office.
#[utoipa::path(get, path = "/api/offices/{office_id}/settings", tag = "office administration",
    params(("office_id" = Uuid, Path)),
    responses(
        (status = 200, body = OfficeSettings),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
    ))]
pub async fn get_office_settings(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
) -> ApiResult<axum::Json<OfficeSettings>> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageSettings).await?;
    let identity_required_for = org::identity_required_for(&app.db.read, office_id)
        .await?
        .ok_or_else(|| ApiError::not_found("office"))?;
    Ok(axum::Json(OfficeSettings {
        identity_required_for,
    }))
}

/// Sets which applicant actions need a confirmed identity. It applies from
/// the next attempt on, in every room of the office.
#[utoipa::path(put, path = "/api/offices/{office_id}/settings", tag = "office administration",
    params(("office_id" = Uuid, Path)),
    request_body = OfficeSettings,
    responses(
        (status = 200, body = OfficeSettings),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
        (status = 422, body = Problem, description = "An unknown action"),
    ))]
pub async fn update_office_settings(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
    Json(request): Json<OfficeSettings>,
) -> ApiResult<axum::Json<OfficeSettings>> {
    authorize_office(&app, &user, office_id, OfficeAction::ManageSettings).await?;
    let mut actions = request.identity_required_for;
    actions.sort_by_key(|a| a.as_str());
    actions.dedup();

    let mut tx = app.db.begin().await?;
    org::set_identity_required_for(&mut tx, office_id, &actions).await?;
    tx.commit().await?;

    security_event("identity_rule_changed", &user, office_id, office_id);
    Ok(axum::Json(OfficeSettings {
        identity_required_for: actions,
    }))
}

// ------------------------------------------------------------------ identity

/// Records that the holder of an account showed an identity document at the
/// office: who checked it (the caller), when (now) and which kind. A newer
/// confirmation replaces an older one.
///
/// The admin of any office may confirm any account, not only people of
/// their own rooms: an identity belongs to the person, not to an office, and
/// a builder may well show their card at the nearest office before applying
/// to another one. What each office then requires is its own setting.
#[utoipa::path(post, path = "/api/offices/{office_id}/identity-confirmations",
    tag = "office administration",
    params(("office_id" = Uuid, Path)),
    request_body = ConfirmIdentityRequest,
    responses(
        (status = 200, body = IdentityConfirmed),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
        (status = 422, body = Problem, description = "`no_account`: nobody has registered with \
            this address; or an unknown document type"),
    ))]
pub async fn confirm_identity(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
    Json(request): Json<ConfirmIdentityRequest>,
) -> ApiResult<axum::Json<IdentityConfirmed>> {
    authorize_office(&app, &user, office_id, OfficeAction::ConfirmIdentity).await?;
    let email = parse_email(&request.email)?;

    let mut tx = app.db.begin().await?;
    let person = existing_account(&mut tx, &email).await?;
    org::confirm_identity_in_person(&mut tx, person.user_id, user.id, request.document_type)
        .await?;
    tx.commit().await?;

    security_event("identity_confirmed", &user, person.user_id, office_id);
    let identity = repo::users::profile(&app.db.read, person.user_id)
        .await?
        .and_then(|profile| profile.identity())
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the confirmation is gone")))?;
    Ok(axum::Json(IdentityConfirmed { person, identity }))
}

// ------------------------------------------------------------------ shared steps

fn parse_email(raw: &str) -> ApiResult<Email> {
    Email::parse(raw).map_err(|e| ApiError::invalid("email", e.0))
}

/// The account with the address. Without one, the admin is told to have the
/// person register: an account is always the person's own doing.
async fn existing_account(tx: &mut Tx, email: &Email) -> ApiResult<PersonView> {
    org::person_by_email(tx, email.as_str())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_account",
                "Nobody has registered with this e-mail address. Ask the person to register \
                 in the case room first, then add them again.",
            )
            .with_field("email")
        })
}

/// One line in the security log for a change of who may do what. Ids only:
/// addresses and names stay out of the log.
fn security_event(event: &'static str, actor: &CurrentUser, subject: Uuid, office_id: Uuid) {
    tracing::info!(
        target: "security",
        event,
        actor = %actor.id,
        subject = %subject,
        office = %office_id,
        "office administration changed who may do what"
    );
}
