//! The test app: a real server on an ephemeral port, and people using it.

use std::path::PathBuf;
use std::sync::Arc;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use server::config::{S3Config, StoreConfig};
use server::{App, Config};
use shared::*;
use tempfile::TempDir;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub config: Config,
    /// Holds the data folder (SQLite file, documents, outbox) for the test.
    pub dir: Arc<TempDir>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The database URL for a fresh test database.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use sqlx::Connection;
            let name = format!("t_{}", Uuid::new_v4().simple());
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await
                .expect("create test database");
            let mut url = url::Url::parse(&admin_url).unwrap();
            url.set_path(&name);
            url.to_string()
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
    }
}

/// Local files, or with `TEST_S3_ENDPOINT` a bucket of this test's own on
/// that server (named after `TEST_S3_BUCKET`), so that a test sweeping the
/// store never touches another test's objects.
pub async fn test_store(dir: &std::path::Path) -> StoreConfig {
    match (
        std::env::var("TEST_S3_ENDPOINT"),
        std::env::var("TEST_S3_BUCKET"),
    ) {
        (Ok(endpoint), Ok(bucket)) if !endpoint.is_empty() => {
            let bucket = format!("{bucket}-{}", &Uuid::new_v4().simple().to_string()[..12]);
            // The S3 stand-in creates buckets on an unsigned PUT.
            reqwest::Client::new()
                .put(format!("{endpoint}/{bucket}"))
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .expect("test bucket created");
            StoreConfig::S3(S3Config {
                bucket,
                endpoint: Some(endpoint),
                region: "us-east-1".into(),
                allow_http: true,
                access_key_id: Some("testing".into()),
                secret_access_key: Some(server::config::Secret::new("testing")),
            })
        }
        _ => StoreConfig::Local(dir.join("documents")),
    }
}

pub async fn test_config(dir: &std::path::Path) -> Config {
    let data = dir.to_str().unwrap().to_string();
    let mut config = Config::from_lookup(|name| match name {
        "VR_DATA_DIR" => Some(data.clone()),
        "VR_BIND" => Some("127.0.0.1:0".into()),
        _ => None,
    })
    .unwrap();
    config.database_url = fresh_database_url(dir).await;
    config.store = test_store(dir).await;
    config.mail.smtp_url = std::env::var("TEST_SMTP_URL")
        .ok()
        .map(server::config::Secret::new);
    config
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with(|_| {}).await
    }

    /// A test app whose configuration `adjust` may change first.
    pub async fn with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let mut config = test_config(dir.path()).await;
        adjust(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        // A test that sets an https address (as behind a TLS proxy) keeps
        // it; requests still go to `base`.
        if !config.public_url.starts_with("https://") {
            config.public_url = base.clone();
        }
        let app = App::start(config.clone()).await.expect("app starts");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server::serve(app.clone(), listener, async move {
            let _ = rx.await;
        }));
        TestApp {
            base,
            app,
            config,
            dir,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client with its own cookies and no login.
    pub fn anonymous(&self) -> Person {
        Person::anonymous(&self.base)
    }

    /// Registers a new applicant account and logs it in.
    pub async fn register(&self, name: &str) -> Person {
        Person::register(&self.base, name).await
    }

    /// Creates an office as the operator would.
    pub async fn office(&self, name: &str) -> Uuid {
        server::cli::create_office(&self.config, name, "MV")
            .await
            .unwrap()
    }

    /// Creates a caseworker of `office` and logs them in.
    pub async fn caseworker(&self, office: Uuid, name: &str) -> Person {
        self.staff(office, name, OfficeRole::Caseworker).await
    }

    pub async fn staff(&self, office: Uuid, name: &str, role: OfficeRole) -> Person {
        let email = official_email(name);
        let person = server::cli::NewPerson {
            email: &email,
            display_name: name,
            password: Some(PASSWORD.into()),
        };
        server::cli::create_staff(&self.config, &office.to_string(), &person, role)
            .await
            .unwrap();
        self.login(&email, name).await
    }

    /// Creates the operator's account on the command line, as an installer
    /// would, and logs it in.
    pub async fn operator(&self, name: &str) -> Person {
        let email = official_email(name);
        let person = server::cli::NewPerson {
            email: &email,
            display_name: name,
            password: Some(PASSWORD.into()),
        };
        server::cli::create_operator(&self.config, &person)
            .await
            .unwrap();
        self.login(&email, name).await
    }

    /// Creates an admin of `office` and logs them in.
    pub async fn office_admin(&self, office: Uuid, name: &str) -> Person {
        self.staff(office, name, OfficeRole::OfficeAdmin).await
    }

    /// Has `person`'s identity confirmed in person by a new admin of `office`,
    /// through the API, as the office would before they submit.
    pub async fn confirm_identity(&self, office: Uuid, person: &Person) {
        let admin = self.office_admin(office, "Ida Identitaet").await;
        confirm_identity(&admin, office, person).await;
    }

    /// Creates a member of one of the office's consulted bodies (by key,
    /// e.g. `fire_protection`) and logs them in.
    pub async fn body_member(&self, office: Uuid, body: &str, name: &str) -> Person {
        let email = official_email(name);
        let person = server::cli::NewPerson {
            email: &email,
            display_name: name,
            password: Some(PASSWORD.into()),
        };
        server::cli::create_body_member(&self.config, &office.to_string(), body, &person)
            .await
            .unwrap();
        self.login(&email, name).await
    }

    async fn login(&self, email: &str, name: &str) -> Person {
        let person = self.anonymous();
        let answer = person
            .post_json(
                "/api/auth/login",
                &json!({"email": email, "password": PASSWORD}),
            )
            .await
            .expect_status(StatusCode::OK);
        let me: Me = answer.json();
        Person {
            id: me.id,
            email: email.into(),
            name: name.into(),
            session: session_of(&answer),
            ..person
        }
    }

    /// An office, a builder with a fresh draft room in it, and the office's
    /// first procedure type.
    pub async fn room(&self) -> (Uuid, Person, RoomView) {
        let office = self
            .office(&format!("Bauamt {}", Uuid::new_v4().simple()))
            .await;
        let builder = self.register("Bea Builder").await;
        let room = builder.create_room(office).await;
        (office, builder, room)
    }

    /// The parts of resumable uploads present in the store.
    pub async fn staged_objects(&self) -> Vec<String> {
        self.objects_under("staging").await
    }

    async fn objects_under(&self, prefix: &str) -> Vec<String> {
        use futures::TryStreamExt;
        let prefix = object_store::path::Path::from(prefix);
        self.app
            .store
            .inner
            .list(Some(&prefix))
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .unwrap()
    }

    /// The document objects present in the store (local or S3) for a room.
    pub async fn stored_objects(&self, room_id: Uuid) -> Vec<String> {
        use futures::TryStreamExt;
        let prefix = object_store::path::Path::from(format!("rooms/{room_id}"));
        self.app
            .store
            .inner
            .list(Some(&prefix))
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .unwrap()
    }
}

pub fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-requested-with", "vorgangsraum".parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Someone using the server through their own client (their own cookies).
#[derive(Clone)]
pub struct Person {
    pub base: String,
    pub client: reqwest::Client,
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// The session cookie (`vr_session=…`), for the live socket.
    pub session: String,
}

/// The access cookie (`vr_session=…`) an answer set.
pub fn session_of(answer: &Answer) -> String {
    cookie_of(answer, "vr_session")
}

/// The `name=value` of a cookie an answer set.
pub fn cookie_of(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie set"))
        .to_string()
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: bytes::Bytes,
}

impl Answer {
    #[track_caller]
    pub fn expect_status(self, status: StatusCode) -> Answer {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn problem(&self) -> Problem {
        let problem: Problem = self.json();
        assert_eq!(
            self.headers.get("content-type").unwrap(),
            "application/problem+json",
            "errors are problem documents"
        );
        problem
    }
}

impl Person {
    pub fn anonymous(base: &str) -> Person {
        Person {
            base: base.to_string(),
            client: client(),
            id: Uuid::nil(),
            email: String::new(),
            name: String::new(),
            session: String::new(),
        }
    }

    pub async fn register(base: &str, name: &str) -> Person {
        let mut person = Person::anonymous(base);
        let email = format!(
            "{}.{}@example.de",
            name.to_lowercase().replace(' ', "."),
            Uuid::new_v4().simple()
        );
        let answer = person
            .post_json(
                "/api/auth/register",
                &json!({"email": email, "password": PASSWORD, "display_name": name}),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let me: Me = answer.json();
        person.session = session_of(&answer);
        person.id = me.id;
        person.email = email;
        person.name = name.into();
        person
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request sent");
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap_or_default(),
        }
    }

    /// Like `send`, but a request that does not get through (the server is
    /// down) answers `None` instead of failing the test.
    pub async fn try_send(&self, request: reqwest::RequestBuilder) -> Option<Answer> {
        let response = request.send().await.ok()?;
        Some(Answer {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.ok()?,
        })
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.send(self.client.post(format!("{}{path}", self.base)).json(body))
            .await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Answer {
        self.send(self.client.put(format!("{}{path}", self.base)).json(body))
            .await
    }

    pub async fn post(&self, path: &str) -> Answer {
        self.send(self.client.post(format!("{}{path}", self.base)))
            .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(self.client.delete(format!("{}{path}", self.base)))
            .await
    }

    pub async fn create_room(&self, office: Uuid) -> RoomView {
        let offices: Vec<OfficeSummary> = self.get("/api/offices").await.json();
        let office = offices
            .into_iter()
            .find(|o| o.id == office)
            .expect("office listed");
        self.post_json(
            "/api/rooms",
            &json!({
                "office_id": office.id,
                "procedure_type_id": office.procedure_types[0].id,
                "title": "Neubau Einfamilienhaus",
                "site_address": "Müller-Straße 5, 17489 Greifswald",
            }),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json()
    }

    pub async fn room(&self, room_id: Uuid) -> RoomView {
        self.get(&format!("/api/rooms/{room_id}"))
            .await
            .expect_status(StatusCode::OK)
            .json()
    }

    pub async fn upload(
        &self,
        room_id: Uuid,
        category: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Answer {
        let url = format!("{}/api/rooms/{room_id}/documents", self.base);
        self.send(
            self.client
                .post(url)
                .query(&[("category", category), ("file_name", name)])
                .body(bytes),
        )
        .await
    }

    /// A step of the procedure that must succeed: POST, 200, the room.
    pub async fn act(&self, path: &str, body: Option<Value>) -> RoomView {
        let answer = match body {
            Some(body) => self.post_json(path, &body).await,
            None => self.post(path).await,
        };
        answer.expect_status(StatusCode::OK).json()
    }

    /// Signs the declaration in a room; it must succeed.
    pub async fn sign(&self, room_id: Uuid) -> RoomView {
        self.post(&format!("/api/rooms/{room_id}/signature"))
            .await
            .expect_status(StatusCode::OK)
            .json()
    }

    /// Submits the application; it must succeed.
    pub async fn submit(&self, room_id: Uuid) -> RoomView {
        self.post(&format!("/api/rooms/{room_id}/submit"))
            .await
            .expect_status(StatusCode::OK)
            .json()
    }

    /// Invites `other` as designer and lets them accept.
    pub async fn invite(&self, room_id: Uuid, other: &Person, role: &str) -> InvitationCreated {
        let created: InvitationCreated = self
            .post_json(
                &format!("/api/rooms/{room_id}/invitations"),
                &json!({"email": other.email, "role": role}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let token = created.link.rsplit('/').next().unwrap();
        other
            .post(&format!("/api/invitations/{token}/accept"))
            .await
            .expect_status(StatusCode::OK);
        created
    }
}

/// The people of one procedure, to bring a room to a stage in few lines.
pub struct Parties<'a> {
    pub builder: &'a Person,
    pub designer: &'a Person,
    /// Further applicants invited as `other_applicant`.
    pub others: &'a [&'a Person],
    pub caseworker: &'a Person,
    /// An admin of the office, who confirms the builder's identity before
    /// submission as the office's default rule asks.
    pub admin: &'a Person,
}

impl Parties<'_> {
    /// A submitted room with a site plan (a real PDF/A), signed by both;
    /// with the site plan's document id.
    pub async fn submitted(&self, office: Uuid) -> (RoomView, Uuid) {
        let room = self.builder.create_room(office).await;
        self.builder
            .invite(room.id, self.designer, "designer")
            .await;
        for other in self.others {
            self.builder.invite(room.id, other, "other_applicant").await;
        }
        let plan: DocumentView = self
            .builder
            .upload(
                room.id,
                "site_plan",
                "Lageplan.pdf",
                real_file("pdfa2b_verapdf.pdf"),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        self.builder.sign(room.id).await;
        self.designer.sign(room.id).await;
        confirm_identity(self.admin, office, self.builder).await;
        (self.builder.submit(room.id).await, plan.id)
    }

    /// A room in the completeness check.
    pub async fn checking(&self, office: Uuid) -> (RoomView, Uuid) {
        let (room, plan) = self.submitted(office).await;
        let room = self
            .caseworker
            .act(&format!("/api/rooms/{}/check", room.id), None)
            .await;
        (room, plan)
    }

    /// A room in review: checked and found complete.
    pub async fn in_review(&self, office: Uuid) -> (RoomView, Uuid) {
        let (room, plan) = self.checking(office).await;
        let room = self
            .caseworker
            .act(&format!("/api/rooms/{}/complete", room.id), None)
            .await;
        (room, plan)
    }
}

/// The office admin confirms `person`'s identity with an identity card, through
/// the API; the record it answers.
pub async fn confirm_identity(admin: &Person, office: Uuid, person: &Person) -> IdentityConfirmed {
    admin
        .post_json(
            &format!("/api/offices/{office}/identity-confirmations"),
            &json!({"email": person.email, "document_type": "id_card"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json()
}

/// The caseworker uploads a notice (a real PDF); its version id.
pub async fn upload_notice(caseworker: &Person, room_id: Uuid) -> Uuid {
    let notice: DocumentView = caseworker
        .upload(
            room_id,
            "notice",
            "Bescheid.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    notice.versions[0].id
}

/// The caseworker uploads a fee notice (a real PDF); its version id.
pub async fn upload_fee_notice(caseworker: &Person, room_id: Uuid) -> Uuid {
    let fee: DocumentView = caseworker
        .upload(
            room_id,
            "fee_notice",
            "Gebührenbescheid.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    fee.versions[0].id
}

/// A file attached by a consulted body to its request; the version's id.
pub async fn attach(body: &Person, room_id: Uuid, request_id: Uuid, file: &str) -> Answer {
    let url = format!(
        "{}/api/rooms/{room_id}/statement-requests/{request_id}/attachments",
        body.base
    );
    body.send(
        body.client
            .post(url)
            .query(&[("file_name", file)])
            .body(real_file(file)),
    )
    .await
}

/// A small but real PDF from the shared test data.
pub fn real_file(name: &str) -> Vec<u8> {
    std::fs::read(real_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn real_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/testdata/real")
        .join(name)
}

/// A draft room with builder and designer members.
pub async fn room_with_designer(app: &TestApp) -> (Uuid, Person, Person, RoomView) {
    let (office, builder, room) = app.room().await;
    let designer = app.register("Dana Designer").await;
    builder.invite(room.id, &designer, "designer").await;
    (office, builder, designer, room)
}

/// A unique address at the authorities for a test person.
fn official_email(name: &str) -> String {
    format!(
        "{}.{}@amt.example.de",
        name.to_lowercase().replace(' ', "."),
        Uuid::new_v4().simple()
    )
}

/// The real server binary in a process of its own, on `port`, with the test
/// configuration's database and store; killed when dropped.
pub struct ServerProcess(pub std::process::Child);

impl ServerProcess {
    pub fn start(config: &Config, data_dir: &std::path::Path, port: u16) -> ServerProcess {
        use std::process::{Command, Stdio};
        let base = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(env!("CARGO_BIN_EXE_vorgangsraum"));
        command
            .arg("serve")
            .env("VR_DATA_DIR", data_dir)
            .env("DATABASE_URL", &config.database_url)
            .env("VR_BIND", format!("127.0.0.1:{port}"))
            .env("VR_PUBLIC_URL", &base)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null());
        if let StoreConfig::S3(s3) = &config.store {
            command
                .env("VR_STORE", "s3")
                .env("VR_S3_BUCKET", &s3.bucket)
                .env("VR_S3_ENDPOINT", s3.endpoint.as_deref().unwrap())
                .env("VR_S3_ALLOW_HTTP", "true")
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing");
        }
        ServerProcess(command.spawn().expect("the server binary starts"))
    }

    /// SIGKILL: no shutdown, no flushing, as a power cut would leave it.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn wait_until_healthy(base: &str) {
    for _ in 0..300 {
        if let Ok(response) = reqwest::get(format!("{base}/healthz")).await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not come up");
}
