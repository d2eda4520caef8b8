//! Configuration, read from the environment (a `.env` file may set it too).
//!
//! Every variable is listed with its default in the README's configuration
//! table; keep the two in step.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

/// 2 GiB: single plan drawings of several hundred MB are normal.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// 20 GiB per room: a large plan set with every version kept, with room to spare.
pub const DEFAULT_ROOM_QUOTA_BYTES: u64 = 20 * 1024 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the embedded defaults keep their files: SQLite, documents, outbox.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub bind: SocketAddr,
    /// The address people open; links in mails point here.
    pub public_url: String,
    /// The built wasm interface (`scripts/build-frontend` writes it).
    pub frontend_dir: PathBuf,
    pub store: StoreConfig,
    /// The one upload size limit, applied before anything is stored.
    pub max_upload_bytes: u64,
    pub uploads: UploadConfig,
    pub jwt_secret: Secret,
    pub mail: MailConfig,
    pub reminders: ReminderConfig,
    pub log_json: bool,
    /// With a reverse proxy in front: the header it puts the client's address
    /// in (e.g. `x-forwarded-for`); without, the peer address is the client's.
    pub client_ip_header: Option<String>,
    /// The bearer token a Prometheus scrape of `/metrics` must send; without
    /// one, `/metrics` is off.
    pub metrics_token: Option<Secret>,
    /// How often live sockets are shown the server is alive; silence of two
    /// heartbeats and five seconds more ends a socket (see `shared::live`).
    pub live_heartbeat: Duration,
    /// How long an access token lives before the page trades its refresh
    /// token for a new one (see `auth`).
    pub access_token_ttl: Duration,
    /// Single sign-on through an OpenID Connect provider; `None` when the
    /// `VR_OIDC_*` variables are unset.
    pub sso: Option<SsoConfig>,
}

impl Config {
    /// How long a live socket (and a server instance's presence) may be
    /// silent before it counts as dead.
    pub fn live_dead_after(&self) -> Duration {
        self.live_heartbeat * 2 + Duration::from_secs(5)
    }
}

#[derive(Debug, Clone)]
pub enum StoreConfig {
    /// Documents on the local disk under this folder.
    Local(PathBuf),
    S3(S3Config),
}

#[derive(Debug, Clone)]
pub struct S3Config {
    pub bucket: String,
    /// For S3-compatible servers; `None` means AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub allow_http: bool,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (or `smtps://`); `None` writes mails to the outbox folder.
    pub smtp_url: Option<Secret>,
    pub from: String,
    pub outbox_dir: PathBuf,
}

#[derive(Debug, Clone)]
pub struct UploadConfig {
    /// What all versions in one room may add up to, uploads on their way included.
    pub room_quota_bytes: u64,
    /// The largest chunk of a resumable upload the server takes in one request.
    pub chunk_bytes: u64,
    /// How long a resumable upload may rest untouched before the sweep removes it.
    pub idle: Duration,
    /// How often the sweep for abandoned uploads runs.
    pub sweep_interval: Duration,
    /// A ClamAV daemon (`host:port`) every file must pass before it is
    /// recorded; `None` scans nothing.
    pub clamd_address: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReminderConfig {
    /// How often the reminder sweep looks for deadlines.
    pub interval: Duration,
    /// How many days before a deadline falls due its reminder goes out.
    pub days_before: i64,
}

/// An OpenID Connect provider people may log in through (an office's
/// Keycloak, or Keycloak brokering BundID).
#[derive(Debug, Clone)]
pub struct SsoConfig {
    /// The provider's issuer, exactly as it names itself (ID tokens are
    /// checked against this string); its discovery document lives below it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// The provider's name on the login button, e.g. "BundID".
    pub label: String,
    /// Assurance levels (`acr` of the ID token) that count as a confirmed
    /// identity, lowest first, e.g. BundID's `substantial`, `high`; empty
    /// when no login through this provider confirms an identity.
    pub confirmed_acr: Vec<String>,
}

/// A value that must never reach a log: its `Debug` prints nothing.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> anyhow::Result<Config> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the configuration through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let data_dir = PathBuf::from(lookup("VR_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = lookup("DATABASE_URL").unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("vorgangsraum.db").display()
            )
        });
        let bind = lookup("VR_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .context("VR_BIND must be an address like 127.0.0.1:8080")?;
        let public_url = lookup("VR_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://localhost:{}", port_of(&bind)))
            .trim_end_matches('/')
            .to_string();
        url::Url::parse(&public_url).context("VR_PUBLIC_URL must be an absolute URL")?;

        let max_upload_bytes = match lookup("VR_MAX_UPLOAD_BYTES") {
            Some(v) => v
                .parse()
                .context("VR_MAX_UPLOAD_BYTES must be a number of bytes")?,
            None => DEFAULT_MAX_UPLOAD_BYTES,
        };
        let jwt_secret = match lookup("VR_JWT_SECRET") {
            Some(v) if v.len() < 32 => bail!("VR_JWT_SECRET must have at least 32 characters"),
            Some(v) => Secret::new(v),
            None => load_or_create_secret(&data_dir)?,
        };

        // At most the heartbeat browsers expect (`shared::HEARTBEAT_SECONDS`):
        // a longer one would make them reconnect a socket that is fine.
        let live_heartbeat = match lookup("VR_LIVE_HEARTBEAT_SECONDS") {
            Some(v) => v
                .parse()
                .ok()
                .filter(|n| (1..=shared::HEARTBEAT_SECONDS).contains(n))
                .map(Duration::from_secs)
                .with_context(|| {
                    format!(
                        "VR_LIVE_HEARTBEAT_SECONDS must be from 1 to {}",
                        shared::HEARTBEAT_SECONDS
                    )
                })?,
            None => Duration::from_secs(shared::HEARTBEAT_SECONDS),
        };

        // Short, so that a stolen access token is worth little; not so short
        // that every page spends its time renewing.
        let access_token_ttl = match lookup("VR_ACCESS_TOKEN_SECONDS") {
            Some(v) => v
                .parse()
                .ok()
                .filter(|n| (5..=1800).contains(n))
                .map(Duration::from_secs)
                .context("VR_ACCESS_TOKEN_SECONDS must be from 5 to 1800")?,
            None => Duration::from_secs(600),
        };

        Ok(Config {
            live_heartbeat,
            access_token_ttl,
            store: store_config(&lookup, &data_dir)?,
            mail: MailConfig {
                smtp_url: lookup("VR_SMTP_URL").map(Secret::new),
                from: lookup("VR_MAIL_FROM")
                    .unwrap_or_else(|| "Vorgangsraum <no-reply@localhost>".into()),
                outbox_dir: data_dir.join("outbox"),
            },
            reminders: reminder_config(&lookup)?,
            uploads: upload_config(&lookup)?,
            frontend_dir: PathBuf::from(
                lookup("VR_FRONTEND_DIR").unwrap_or_else(|| "frontend/dist".into()),
            ),
            log_json: lookup("VR_LOG_FORMAT").as_deref() == Some("json"),
            client_ip_header: lookup("VR_CLIENT_IP_HEADER").map(|h| h.to_lowercase()),
            metrics_token: lookup("VR_METRICS_TOKEN").map(Secret::new),
            sso: sso_config(&lookup)?,
            data_dir,
            database_url,
            bind,
            public_url,
            max_upload_bytes,
            jwt_secret,
        })
    }

    /// Whether cookies must carry `Secure` (only when served over TLS).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn port_of(bind: &SocketAddr) -> u16 {
    bind.port()
}

fn store_config(
    lookup: &impl Fn(&str) -> Option<String>,
    data_dir: &std::path::Path,
) -> anyhow::Result<StoreConfig> {
    match lookup("VR_STORE").as_deref().unwrap_or("fs") {
        "fs" => Ok(StoreConfig::Local(data_dir.join("documents"))),
        "s3" => Ok(StoreConfig::S3(S3Config {
            bucket: lookup("VR_S3_BUCKET").context("VR_STORE=s3 needs VR_S3_BUCKET")?,
            endpoint: lookup("VR_S3_ENDPOINT"),
            region: lookup("VR_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
            allow_http: lookup("VR_S3_ALLOW_HTTP").as_deref() == Some("true"),
            access_key_id: lookup("AWS_ACCESS_KEY_ID"),
            secret_access_key: lookup("AWS_SECRET_ACCESS_KEY").map(Secret::new),
        })),
        other => bail!("VR_STORE must be fs or s3, not {other:?}"),
    }
}

fn upload_config(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<UploadConfig> {
    let number = |name: &str, default: u64| -> anyhow::Result<u64> {
        match lookup(name) {
            Some(v) => v
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .with_context(|| format!("{name} must be a positive number")),
            None => Ok(default),
        }
    };
    Ok(UploadConfig {
        room_quota_bytes: number("VR_ROOM_QUOTA_BYTES", DEFAULT_ROOM_QUOTA_BYTES)?,
        chunk_bytes: number("VR_UPLOAD_CHUNK_BYTES", 16 * 1024 * 1024)?,
        idle: Duration::from_secs(3600 * number("VR_UPLOAD_IDLE_HOURS", 24)?),
        sweep_interval: Duration::from_secs(number("VR_UPLOAD_SWEEP_SECONDS", 3600)?),
        clamd_address: lookup("VR_CLAMD_ADDRESS"),
    })
}

fn reminder_config(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<ReminderConfig> {
    let interval_seconds: u64 = match lookup("VR_REMINDER_INTERVAL_SECONDS") {
        Some(v) => v
            .parse()
            .ok()
            .filter(|&s| s > 0)
            .context("VR_REMINDER_INTERVAL_SECONDS must be a positive number of seconds")?,
        None => 300,
    };
    let days_before = match lookup("VR_REMINDER_DAYS_BEFORE") {
        Some(v) => v
            .parse()
            .ok()
            .filter(|&d| d >= 0)
            .context("VR_REMINDER_DAYS_BEFORE must be a number of days, 0 or more")?,
        None => 3,
    };
    Ok(ReminderConfig {
        interval: Duration::from_secs(interval_seconds),
        days_before,
    })
}

/// All four `VR_OIDC_*` basics set turn single sign-on on; none set leaves
/// it off. Some but not all is a mistake worth refusing to start over: the
/// operator meant to turn it on.
fn sso_config(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<SsoConfig>> {
    const REQUIRED: [&str; 4] = [
        "VR_OIDC_ISSUER",
        "VR_OIDC_CLIENT_ID",
        "VR_OIDC_CLIENT_SECRET",
        "VR_OIDC_LABEL",
    ];
    let values: Vec<Option<String>> = REQUIRED.iter().map(|name| lookup(name)).collect();
    if values.iter().all(Option::is_none) {
        if lookup("VR_OIDC_CONFIRMED_ACR").is_some() {
            bail!(
                "VR_OIDC_CONFIRMED_ACR is set, but single sign-on is off: set \
                 VR_OIDC_ISSUER, VR_OIDC_CLIENT_ID, VR_OIDC_CLIENT_SECRET and VR_OIDC_LABEL too"
            );
        }
        return Ok(None);
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .zip(&values)
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        bail!("single sign-on needs {} set as well", missing.join(", "));
    }
    let [issuer, client_id, client_secret, label] = <[Option<String>; 4]>::try_from(values)
        .expect("four values")
        .map(Option::unwrap);

    url::Url::parse(&issuer)
        .ok()
        .filter(|url| matches!(url.scheme(), "https" | "http"))
        .context(
            "VR_OIDC_ISSUER must be the provider's issuer URL, \
             e.g. https://id.example.org/realms/office",
        )?;
    let confirmed_acr = lookup("VR_OIDC_CONFIRMED_ACR")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|acr| !acr.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(Some(SsoConfig {
        issuer,
        client_id,
        client_secret: Secret::new(client_secret),
        label: label.trim().to_owned(),
        confirmed_acr,
    }))
}

/// The signing key for session tokens, generated on first start and kept in the
/// data folder, so that restarts do not log everybody out.
fn load_or_create_secret(data_dir: &std::path::Path) -> anyhow::Result<Secret> {
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(Secret::new(existing.trim()));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
    let secret = hex::encode(rand::random::<[u8; 32]>());
    write_private_file(&path, &secret)?;
    Ok(Secret::new(secret))
}

fn write_private_file(path: &std::path::Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(content.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap().to_string();
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .chain([("VR_DATA_DIR".to_string(), data)])
            .collect();
        Config::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn the_embedded_default_needs_no_variable() {
        let config = config(&[]).unwrap();
        assert!(config.database_url.starts_with("sqlite://"));
        assert!(matches!(config.store, StoreConfig::Local(_)));
        assert_eq!(config.max_upload_bytes, DEFAULT_MAX_UPLOAD_BYTES);
        assert_eq!(config.public_url, "http://localhost:8080");
    }

    #[test]
    fn a_short_jwt_secret_is_refused() {
        assert!(config(&[("VR_JWT_SECRET", "short")]).is_err());
    }

    #[test]
    fn s3_needs_a_bucket() {
        let err = config(&[("VR_STORE", "s3")]).unwrap_err();
        assert!(err.to_string().contains("VR_S3_BUCKET"));
    }

    #[test]
    fn reminders_default_to_every_five_minutes_three_days_ahead() {
        let config = config(&[]).unwrap();
        assert_eq!(config.reminders.interval, Duration::from_secs(300));
        assert_eq!(config.reminders.days_before, 3);
    }

    #[test]
    fn a_reminder_interval_of_zero_is_refused() {
        let err = config(&[("VR_REMINDER_INTERVAL_SECONDS", "0")]).unwrap_err();
        assert!(err.to_string().contains("VR_REMINDER_INTERVAL_SECONDS"));
    }

    #[test]
    fn single_sign_on_is_off_without_its_variables() {
        assert!(config(&[]).unwrap().sso.is_none());
    }

    #[test]
    fn single_sign_on_reads_its_variables() {
        let config = config(&[
            ("VR_OIDC_ISSUER", "https://id.example.org/realms/bauamt"),
            ("VR_OIDC_CLIENT_ID", "vorgangsraum"),
            ("VR_OIDC_CLIENT_SECRET", "s3cret"),
            ("VR_OIDC_LABEL", "BundID"),
            ("VR_OIDC_CONFIRMED_ACR", "substantial, high"),
        ])
        .unwrap();
        let sso = config.sso.unwrap();
        assert_eq!(sso.issuer, "https://id.example.org/realms/bauamt");
        assert_eq!(sso.label, "BundID");
        assert_eq!(sso.confirmed_acr, ["substantial", "high"]);
        assert_eq!(format!("{:?}", sso.client_secret), "Secret(…)");
    }

    #[test]
    fn half_a_single_sign_on_configuration_is_refused() {
        let err = config(&[("VR_OIDC_ISSUER", "https://id.example.org")]).unwrap_err();
        assert!(err.to_string().contains("VR_OIDC_CLIENT_SECRET"), "{err}");
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(…)");
    }
}
