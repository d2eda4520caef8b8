//! `vorgangsraum`: reads the configuration, sets up logging and signals, and
//! hands over to the library.

use clap::Parser;
use server::cli::{self, Cli, Command};
use server::{App, Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is the normal case.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    init_tracing(config.log_json);

    match cli.command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            App::start(config).await?;
            println!("The database schema is up to date.");
            Ok(())
        }
        Command::CreateOffice { name, state } => {
            println!("{}", cli::create_office(&config, &name, &state).await?);
            Ok(())
        }
        Command::Export { room, staff, out } => {
            let size = cli::export(&config, room, &staff, &out).await?;
            println!("{} ({size} bytes)", out.display());
            Ok(())
        }
        Command::Verify { room } => {
            let verdicts = cli::verify(&config, room).await?;
            let mut broken = 0;
            for verdict in &verdicts {
                match &verdict.result {
                    Ok(entries) => println!("{} ok ({entries} entries)", verdict.room_id),
                    Err(brk) => {
                        broken += 1;
                        println!(
                            "{} BROKEN at entry {}: {}",
                            verdict.room_id, brk.seq, brk.reason
                        );
                    }
                }
            }
            if broken > 0 {
                anyhow::bail!("{broken} of {} rooms failed verification", verdicts.len());
            }
            Ok(())
        }
        Command::CreateStaff {
            office,
            email,
            display_name,
            role,
            password,
        } => {
            let person = cli::NewPerson {
                email: &email,
                display_name: &display_name,
                password,
            };
            let generated = cli::create_staff(&config, &office, &person, role).await?;
            print_account(&email, generated);
            Ok(())
        }
        Command::CreateBodyMember {
            office,
            body,
            email,
            display_name,
            password,
        } => {
            let person = cli::NewPerson {
                email: &email,
                display_name: &display_name,
                password,
            };
            let generated = cli::create_body_member(&config, &office, &body, &person).await?;
            print_account(&email, generated);
            Ok(())
        }
        Command::CreateOperator {
            email,
            display_name,
            password,
        } => {
            let person = cli::NewPerson {
                email: &email,
                display_name: &display_name,
                password,
            };
            let generated = cli::create_operator(&config, &person).await?;
            print_account(&email, generated);
            Ok(())
        }
    }
}

/// The new account's address, and its password when one was generated.
fn print_account(email: &str, generated: Option<String>) {
    match generated {
        Some(password) => println!("{email} {password}"),
        None => println!("{email}"),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|err| {
            anyhow::anyhow!(
                "cannot listen on {}: {err}. Is another server running there? \
             Set VR_BIND to another address, e.g. VR_BIND=127.0.0.1:8081",
                config.bind
            )
        })?;
    let public_url = config.public_url.clone();
    let app = App::start(config).await?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    println!("Vorgangsraum is running: open {public_url}");
    server::serve(app, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

fn init_tracing(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}
