//! Inviting people into a room by a single-use, expiring link.

use axum::extract::State;
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use shared::*;
use uuid::Uuid;

use super::{Json, Path, authorize, room_for};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::procedure;
use crate::domain::values::Email;
use crate::error::{ApiError, ApiResult};
use crate::events;
use crate::notify::{self, Notification};
use crate::repo;

/// The builder takes a designer or another applicant out of the room. Their
/// access ends at once: an open socket of theirs is told and gets nothing
/// more. In a draft, their declaration lapses with them.
#[utoipa::path(
    delete,
    path = "/api/rooms/{room_id}/members/{user_id}",
    tag = "rooms",
    params(("room_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Removed"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "Only the builder removes people"),
        (status = 404, body = Problem, description = "No such room, or no such member"),
        (status = 409, body = Problem, description = "The room is closed"),
        (status = 422, body = Problem, description = "The builder cannot be removed"),
    )
)]
pub async fn remove_member(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, member_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<RoomView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::RemoveMember).await?;
    if member_id == user.id {
        return Err(ApiError::invalid(
            "user_id",
            "The builder cannot leave the room; withdraw the application instead.",
        ));
    }

    let mut write = app.db.begin_room_write(&app.bus).await?;
    let status = repo::rooms::status_for_update(&mut write.tx, room_id).await?;
    let (role, display_name) = repo::rooms::remove_member(&mut write.tx, room_id, member_id)
        .await?
        .ok_or_else(|| ApiError::not_found("such member in this room"))?;
    let actor = user.actor();
    let removed = EventPayload::MemberRemoved {
        user_id: member_id,
        display_name,
        role,
    };
    events::append(&mut write, room_id, Some(&actor), &removed).await?;
    if status == RoomStatus::Draft {
        for (signer, role) in
            repo::rooms::withdraw_signatures(&mut write.tx, room_id, Some(member_id)).await?
        {
            let withdrawn = EventPayload::SignatureWithdrawn {
                user_id: signer,
                role,
                reason: "the signer was taken out of the room".into(),
            };
            events::append(&mut write, room_id, Some(&actor), &withdrawn).await?;
        }
    }
    write.commit().await?;
    tracing::info!(room.id = %room_id, member = %member_id, "member removed");

    Ok(axum::Json(
        super::rooms::room_view(&app, &user, room_id).await?,
    ))
}

/// How long an invitation link stays valid.
const INVITATION_DAYS: i64 = 14;

/// The builder invites a designer or another applicant party.
#[utoipa::path(
    post,
    path = "/api/rooms/{room_id}/invitations",
    tag = "rooms",
    params(("room_id" = Uuid, Path)),
    request_body = InviteRequest,
    responses(
        (status = 201, body = InvitationCreated, description = "Invited; link mailed"),
        (status = 403, body = Problem, description = "Only the builder invites"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not now, or has a designer"),
        (status = 422, body = Problem, description = "Address or role not acceptable"),
    )
)]
pub async fn invite_member(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<InviteRequest>,
) -> ApiResult<(StatusCode, axum::Json<InvitationCreated>)> {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::Invite).await?;
    let email = Email::parse(&request.email).map_err(|e| ApiError::invalid("email", e.0))?;
    if !matches!(request.role, RoomRole::Designer | RoomRole::OtherApplicant) {
        return Err(ApiError::invalid(
            "role",
            "People can be invited as designer or as other applicant party.",
        ));
    }

    if email.as_str() == user.email {
        return Err(ApiError::invalid("email", "You are in this room already."));
    }
    if request.role == RoomRole::Designer
        && repo::rooms::has_member_in_role(&app.db.read, room_id, RoomRole::Designer).await?
    {
        return Err(ApiError::conflict(
            "designer_exists",
            "This room has its designer already; invite further planners as other applicant party.",
        ));
    }

    let token = hex::encode(rand::random::<[u8; 32]>());
    let invitation_id = Uuid::now_v7();
    let expires_at = db::now() + chrono::Duration::days(INVITATION_DAYS);
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let invitation = repo::rooms::NewInvitation {
        id: invitation_id,
        room_id,
        token_hash: &token_hash(&token),
        email: email.as_str(),
        role: request.role,
        invited_by: user.id,
        expires_at: db::to_millis(expires_at),
    };
    repo::rooms::insert_invitation(&mut write.tx, &invitation).await?;
    let payload = EventPayload::MemberInvited {
        invitation_id,
        role: request.role,
        email: email.as_str().to_owned(),
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;

    let path = format!("/invitations/{token}");
    let link = notify::link(&app, &path);
    let notification = invitation_notification(&user.display_name, &ctx.room.title, path);
    // The invitation stands even if the mail fails: the builder sees the link.
    let delivery = notify::send_to_address(&app, &email, &notification).await;
    let mailed = delivery.sent == 1 && app.mailer.delivers();
    let created = InvitationCreated {
        invitation_id,
        link,
        expires_at,
        mailed,
    };
    Ok((StatusCode::CREATED, axum::Json(created)))
}

fn invitation_notification(inviter: &str, title: &str, path: String) -> Notification {
    Notification {
        kind: NotificationKind::Invitation,
        subject_de: format!("Einladung in den Vorgangsraum „{title}“"),
        subject_en: format!("Invitation into the case room \"{title}\""),
        body_de: format!(
            "{inviter} lädt Sie in den Vorgangsraum „{title}“ ein.\n\n\
             Öffnen Sie diesen Link, um beizutreten (gültig {INVITATION_DAYS} Tage, nur einmal):"
        ),
        body_en: format!(
            "{inviter} invites you into the case room \"{title}\".\n\n\
             Open this link to join (valid for {INVITATION_DAYS} days, once):"
        ),
        path,
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What an invitation link leads to, before accepting it.
#[utoipa::path(
    get,
    path = "/api/invitations/{token}",
    tag = "rooms",
    params(("token" = String, Path)),
    responses(
        (status = 200, body = InvitationPreview),
        (status = 404, body = Problem, description = "No such invitation"),
        (status = 410, body = Problem, description = "Used or expired"),
    )
)]
pub async fn preview_invitation(
    State(app): State<App>,
    Path(token): Path<String>,
) -> ApiResult<axum::Json<InvitationPreview>> {
    let invitation = usable_invitation(&app, &token).await?;
    Ok(axum::Json(InvitationPreview {
        room_title: invitation.room_title,
        site_address: invitation.site_address,
        invited_by: invitation.invited_by,
        role: RoomRole::parse(&invitation.role).unwrap_or(RoomRole::OtherApplicant),
        expires_at: db::from_millis(invitation.expires_at),
    }))
}

/// Joins the room with the invitation's role. Each link works once, for
/// whoever holds it and is logged in: the link is the credential, as it is in
/// the mail. (Binding it to the invited address means nothing while addresses
/// are not verified; identity issue #6.)
#[utoipa::path(
    post,
    path = "/api/invitations/{token}/accept",
    tag = "rooms",
    params(("token" = String, Path)),
    responses(
        (status = 200, body = InvitationAccepted),
        (status = 401, body = Problem, description = "Log in or register first"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Member, or has a designer"),
        (status = 410, body = Problem, description = "Used or expired"),
    )
)]
pub async fn accept_invitation(
    State(app): State<App>,
    user: CurrentUser,
    Path(token): Path<String>,
) -> ApiResult<axum::Json<InvitationAccepted>> {
    let invitation = usable_invitation(&app, &token).await?;
    let room_id = repo::id(&invitation.room_id);
    let role = RoomRole::parse(&invitation.role).unwrap_or(RoomRole::OtherApplicant);

    let mut write = app.db.begin_room_write(&app.bus).await?;
    if !repo::rooms::accept_invitation(&mut write.tx, &invitation.id, user.id).await? {
        return Err(used_up());
    }
    if role == RoomRole::Designer
        && repo::rooms::has_member_in_role(&mut *write.tx, room_id, RoomRole::Designer).await?
    {
        return Err(ApiError::conflict(
            "designer_exists",
            "This room has its designer already. Ask the builder to invite you as other \
             applicant party instead.",
        ));
    }
    repo::rooms::add_member(&mut write.tx, room_id, user.id, role).await?;
    let payload = EventPayload::MemberJoined {
        user_id: user.id,
        display_name: user.display_name.clone(),
        role,
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    tracing::info!(room.id = %room_id, "invitation accepted");

    Ok(axum::Json(InvitationAccepted { room_id }))
}

async fn usable_invitation(app: &App, token: &str) -> ApiResult<repo::rooms::InvitationRow> {
    let invitation = repo::rooms::invitation(&app.db.read, &token_hash(token))
        .await?
        .ok_or_else(|| ApiError::not_found("invitation"))?;
    if invitation.accepted_at.is_some() {
        return Err(used_up());
    }
    if invitation.expires_at < db::to_millis(db::now()) {
        return Err(ApiError::new(
            StatusCode::GONE,
            "invitation_expired",
            "This invitation has expired. Ask the builder to invite you again.",
        ));
    }
    let status = RoomStatus::parse(&invitation.room_status).unwrap_or(RoomStatus::Closed);
    if !procedure::applicants_may_edit(status) {
        return Err(ApiError::new(
            StatusCode::GONE,
            "invitation_closed",
            "The application was submitted meanwhile; this invitation no longer applies.",
        ));
    }
    Ok(invitation)
}

fn used_up() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "invitation_used",
        "This invitation has been used already. Ask the builder for a new one if you need it.",
    )
}
