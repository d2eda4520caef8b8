//! The running application: its shared state and how it is served.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::TokenKeys;
use crate::config::Config;
use crate::db::{Backend, Db};
use crate::live::{self, Bus};
use crate::mail::Mailer;
use crate::sso::Sso;
use crate::store::Store;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct App(Arc<AppState>);

pub struct AppState {
    pub config: Config,
    pub db: Db,
    /// Where document bytes live.
    pub store: Store,
    /// Fan-out of new room events to this instance's sockets.
    pub bus: Bus,
    pub mailer: Mailer,
    pub keys: TokenKeys,
    /// Single sign-on through the configured provider; `None` when off.
    pub sso: Option<Sso>,
    /// Cancelled on shutdown, so that open sockets close and let the server stop.
    pub shutdown: CancellationToken,
    /// This process among the instances sharing the database (presence).
    pub instance_id: uuid::Uuid,
}

impl Deref for App {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.0
    }
}

impl App {
    /// Connects to the database and the store and brings the schema up to date.
    pub async fn start(config: Config) -> anyhow::Result<App> {
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        crate::repo::procedure::ensure_default_bodies(&db).await?;
        let bus = Bus::default();
        if db.backend == Backend::Postgres {
            live::spawn_pg_listener(config.database_url.clone(), bus.clone());
        }
        let app = App(Arc::new(AppState {
            store: Store::build(&config.store)?,
            mailer: Mailer::new(&config.mail)?,
            keys: TokenKeys::new(config.jwt_secret.expose())?,
            sso: Sso::new(&config)?,
            shutdown: CancellationToken::new(),
            instance_id: uuid::Uuid::now_v7(),
            config,
            db,
            bus,
        }));
        // Before the first socket: presence counts only on a live instance.
        live::instance_alive(&app).await?;
        Ok(app)
    }
}

/// Serves the application on `listener` until `shutdown` completes, then lets
/// requests in flight finish and closes the sockets.
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let reminders = crate::notify::reminders::spawn(app.clone());
    let upload_sweep = crate::handlers::uploads::spawn_sweep(app.clone());
    let presence = live::spawn_presence(app.clone());
    let session_sweep = crate::auth::spawn_sweep(app.clone());
    let router = crate::router::router(app.clone());
    let token = app.shutdown.clone();
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            shutdown.await;
            token.cancel();
        })
        .await;

    // The sweep stops at the cancelled token; a sweep in flight finishes first.
    app.shutdown.cancel();
    if let Err(err) = reminders.await {
        tracing::warn!(error = ?err, "the reminder sweep ended abnormally");
    }
    if let Err(err) = upload_sweep.await {
        tracing::warn!(error = ?err, "the upload sweep ended abnormally");
    }
    if let Err(err) = session_sweep.await {
        tracing::warn!(error = ?err, "the session sweep ended abnormally");
    }
    if let Err(err) = presence.await {
        tracing::warn!(error = ?err, "the presence task ended abnormally");
    }
    app.db.close().await;
    Ok(served?)
}
