//! The command line: serving, migrating, and the operator's and office's first
//! accounts. `main.rs` parses and dispatches; the work is here.

use anyhow::Context;
use clap::{Parser, Subcommand};
use shared::OfficeRole;
use uuid::Uuid;

use crate::auth;
use crate::config::Config;
use crate::db::Db;
use crate::domain::values::{Email, FederalState, Line, NewPassword};
use crate::repo;

#[derive(Debug, Parser)]
#[command(
    name = "vorgangsraum",
    version,
    about = "The case room for building-permit procedures"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Brings the database schema up to date and serves the application.
    Serve,
    /// Brings the database schema up to date and exits.
    Migrate,
    /// Operator: adds a building office (with the default procedure types).
    /// Prints the new office's id.
    CreateOffice {
        #[arg(long)]
        name: String,
        /// The federal state's two-letter code, e.g. MV, BY, NW.
        #[arg(long)]
        state: String,
    },
    /// Recomputes the hash chain of one room's record, or of all rooms, and
    /// names the first entry that does not match. Exits non-zero if any fails.
    Verify {
        #[arg(long)]
        room: Option<Uuid>,
    },
    /// Writes a room's record as a ZIP archive (as on the room page), as seen
    /// by a caseworker of its office, and records the export as theirs.
    Export {
        #[arg(long)]
        room: Uuid,
        /// The address of the caseworker the export is made as.
        #[arg(long)]
        staff: String,
        /// Where to write the archive.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Adds a caseworker or an office admin to an office, creating the account
    /// if needed. Without --password one is generated and printed.
    CreateStaff {
        /// The office's id (as printed by create-office) or its exact name.
        #[arg(long)]
        office: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: String,
        #[arg(long, value_parser = parse_office_role)]
        role: OfficeRole,
        #[arg(long, env = "VR_STAFF_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Adds a person to one of an office's consulted bodies (municipality,
    /// fire_protection, monument_protection, nature_conservation,
    /// road_authority), creating the account if needed. Without --password
    /// one is generated and printed.
    CreateBodyMember {
        /// The office's id or its exact name.
        #[arg(long)]
        office: String,
        /// The body's key, e.g. fire_protection.
        #[arg(long)]
        body: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: String,
        #[arg(long, env = "VR_STAFF_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Makes an account the installation's operator (who adds offices and
    /// sees nothing inside them), creating the account if needed. Without
    /// --password one is generated and printed.
    CreateOperator {
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: String,
        #[arg(long, env = "VR_STAFF_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

fn parse_office_role(value: &str) -> Result<OfficeRole, String> {
    OfficeRole::parse(value).ok_or_else(|| "expected caseworker or office_admin".into())
}

pub async fn create_office(config: &Config, name: &str, state: &str) -> anyhow::Result<Uuid> {
    let name = Line::parse(name, "office name", 200)
        .map_err(anyhow::Error::msg)?
        .into_string();
    let state = FederalState::parse(state).map_err(anyhow::Error::msg)?;
    let db = connect(config).await?;
    let mut tx = db.begin().await?;
    let id = repo::offices::create(&mut tx, &name, state.as_str())
        .await
        .context("creating the office")?;
    tx.commit().await?;
    Ok(id)
}

/// Returns the password when one was generated.
pub async fn create_staff(
    config: &Config,
    office: &str,
    person: &NewPerson<'_>,
    role: OfficeRole,
) -> anyhow::Result<Option<String>> {
    let db = connect(config).await?;
    let office_id = find_office(&db, office).await?;
    let (user_id, generated, mut tx) = account(&db, person).await?;
    repo::users::add_staff(&mut tx, office_id, user_id, role)
        .await
        .context("this person works in that office already")?;
    tx.commit().await?;
    Ok(generated)
}

/// Returns the password when one was generated.
pub async fn create_body_member(
    config: &Config,
    office: &str,
    body: &str,
    person: &NewPerson<'_>,
) -> anyhow::Result<Option<String>> {
    let db = connect(config).await?;
    let office_id = find_office(&db, office).await?;
    let body_id = repo::procedure::body_by_key(&db.read, office_id, body.trim())
        .await?
        .with_context(|| format!("the office has no consulted body {body:?}"))?;
    let (user_id, generated, mut tx) = account(&db, person).await?;
    repo::procedure::add_body_member(&mut tx, body_id, user_id)
        .await
        .context("this person is a member of that body already")?;
    tx.commit().await?;
    Ok(generated)
}

/// Returns the password when one was generated. An existing account keeps
/// its password and becomes the operator too.
pub async fn create_operator(
    config: &Config,
    person: &NewPerson<'_>,
) -> anyhow::Result<Option<String>> {
    let db = connect(config).await?;
    let (user_id, generated, mut tx) = account(&db, person).await?;
    repo::users::make_operator(&mut tx, user_id).await?;
    tx.commit().await?;
    tracing::info!(target: "security", event = "operator_created", subject = %user_id,
        "an account was made the operator's from the command line");
    Ok(generated)
}

/// Who a new account is for, as given on the command line.
pub struct NewPerson<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: Option<String>,
}

/// The person's account, created if needed, inside a transaction the caller
/// finishes; with the password when one was generated.
async fn account(
    db: &Db,
    person: &NewPerson<'_>,
) -> anyhow::Result<(Uuid, Option<String>, crate::db::Tx)> {
    let email = Email::parse(person.email).map_err(anyhow::Error::msg)?;
    let name = Line::parse(person.display_name, "name", 100)
        .map_err(anyhow::Error::msg)?
        .into_string();
    let generated = person.password.is_none().then(generate_password);
    let password = person
        .password
        .clone()
        .or_else(|| generated.clone())
        .expect("one of the two is set");
    let password = NewPassword::parse(&password).map_err(anyhow::Error::msg)?;
    let hash = auth::hash_password(password.expose().to_owned()).await?;
    let mut tx = db.begin().await?;
    let user_id = match repo::users::id_by_email(&mut tx, email.as_str()).await? {
        Some(existing) => existing,
        None => repo::users::insert(&mut tx, email.as_str(), &name, &hash).await?,
    };
    Ok((user_id, generated, tx))
}

/// One room's verdict, as the verify command prints it.
pub struct RoomVerdict {
    pub room_id: Uuid,
    pub result: Result<i64, crate::events::ChainBreak>,
}

pub async fn verify(config: &Config, room: Option<Uuid>) -> anyhow::Result<Vec<RoomVerdict>> {
    let db = connect(config).await?;
    let rooms = match room {
        Some(room) => vec![room],
        None => repo::rooms::all_ids(&db.read).await?,
    };
    let mut verdicts = Vec::new();
    for room_id in rooms {
        let result = crate::events::verify_chain(&db.read, room_id).await?;
        verdicts.push(RoomVerdict { room_id, result });
    }
    Ok(verdicts)
}

async fn connect(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    repo::procedure::ensure_default_bodies(&db).await?;
    Ok(db)
}

async fn find_office(db: &Db, office: &str) -> anyhow::Result<Uuid> {
    let offices = repo::offices::list(&db.read).await?;
    offices
        .iter()
        .find(|o| o.id.to_string() == office || o.name == office)
        .map(|o| o.id)
        .with_context(|| format!("there is no office {office:?}; create it with create-office"))
}

/// Five random words' worth of entropy (about 120 bits), readable to pass on.
fn generate_password() -> String {
    let bytes: [u8; 15] = rand::random();
    let text = hex::encode(bytes);
    text.as_bytes()
        .chunks(6)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// The `export` subcommand: the room's record, as `staff_email` (a caseworker
/// of the room's office) would export it from the room page, written to `out`.
pub async fn export(
    config: &Config,
    room_id: Uuid,
    staff_email: &str,
    out: &std::path::Path,
) -> anyhow::Result<u64> {
    let app = crate::App::start(config.clone()).await?;
    let email = staff_email.trim().to_lowercase();
    let account = repo::users::credentials(&app.db.read, &email)
        .await?
        .with_context(|| format!("no account with the address {email}"))?;
    let user_id = repo::id(&account.id);
    let profile = repo::users::profile(&app.db.read, user_id)
        .await?
        .context("the account vanished")?;
    let ctx = repo::rooms::context(&app.db.read, user_id, room_id)
        .await?
        .with_context(|| format!("{email} has no access to room {room_id}"))?;
    let actor = shared::ActorRef {
        user_id,
        display_name: profile.display_name,
    };
    let (_, mut archive) = crate::export::export_room(&app, &ctx, &actor).await?;
    let mut file =
        std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    std::io::copy(&mut archive.file, &mut file)?;
    file.sync_all()?;
    Ok(archive.size_bytes)
}
