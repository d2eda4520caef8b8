//! The database: SQLite (embedded default) or PostgreSQL, behind one set of
//! queries through sqlx's `Any` driver.
//!
//! The schema keeps to types both databases share (see the first migration), so
//! one query text serves both. SQLite gets a single writer connection: every
//! write transaction queues for it instead of racing for the file lock, so
//! concurrent writers never see "database is locked". Reads use a pool of their
//! own and, in WAL mode, never wait for the writer.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::live::Bus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub backend: Backend,
    /// Pool for reads (and for writes on PostgreSQL, where it is the same pool).
    pub read: AnyPool,
    /// On SQLite one connection, the single writer; on PostgreSQL `read` again.
    pub write: AnyPool,
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let options: AnyConnectOptions = url.parse().context("DATABASE_URL is not a valid URL")?;

        if url.starts_with("postgres") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .context("connecting to PostgreSQL")?;
            return Ok(Db {
                backend: Backend::Postgres,
                read: pool.clone(),
                write: pool,
            });
        }
        if !url.starts_with("sqlite:") {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        }
        create_sqlite_folder(url)?;
        let write = sqlite_pool(options.clone(), 1).await?;
        let read = sqlite_pool(options, 8).await?;
        Ok(Db {
            backend: Backend::Sqlite,
            read,
            write,
        })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
        };
        migrator
            .run(&self.write)
            .await
            .context("running database migrations")
    }

    /// Starts a write transaction; on SQLite this waits for the single writer.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        self.write.begin().await
    }

    /// Starts a write transaction whose room events are published to `bus`
    /// once it commits.
    pub async fn begin_room_write(&self, bus: &Bus) -> Result<RoomWrite, sqlx::Error> {
        Ok(RoomWrite {
            tx: self.begin().await?,
            appended: Vec::new(),
            bus: bus.clone(),
            backend: self.backend,
        })
    }

    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// A write transaction that appends to rooms' event logs. Use `commit`, which
/// tells live subscribers about the new events only after they are durable.
pub struct RoomWrite {
    pub tx: Tx,
    /// (room, sequence number) of every event appended in this transaction.
    pub(crate) appended: Vec<(uuid::Uuid, i64)>,
    bus: Bus,
    pub(crate) backend: Backend,
}

impl RoomWrite {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await?;
        metrics::counter!(crate::telemetry::EVENTS_WRITTEN).increment(self.appended.len() as u64);
        for (room_id, seq) in self.appended {
            self.bus.announce(room_id, seq);
        }
        Ok(())
    }
}

async fn sqlite_pool(options: AnyConnectOptions, size: u32) -> anyhow::Result<AnyPool> {
    AnyPoolOptions::new()
        .max_connections(size)
        // A queued writer waits for the single write connection, not for a lock.
        .acquire_timeout(Duration::from_secs(60))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // WAL lets readers go on while the writer writes; FULL makes every
                // acknowledged commit survive a power cut, not only a crash.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 30000").await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .context("opening the SQLite database")
}

fn create_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the database folder {}", parent.display()))?;
    }
    Ok(())
}

/// Times are stored as milliseconds since the Unix epoch, UTC.
pub fn to_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Now, at the millisecond precision the database keeps.
pub fn now() -> DateTime<Utc> {
    from_millis(Utc::now().timestamp_millis())
}
