//! Load for the live socket, driven by `bench/run live` against a release
//! server (issue #5). Two measurements, each printed next to a baseline taken
//! in the same run:
//!
//! - `fanout`: how long one room event takes to reach 1 socket (the baseline)
//!   and then N sockets subscribed to the same room. The clock starts when the
//!   HTTP request that writes the event is sent, and stops when the event's
//!   frame has been read on a socket; the request's own round trip is printed
//!   beside it, since the event may arrive before the response does.
//! - `idle`: the server's resident memory before (the baseline) and after N
//!   sockets have subscribed and then sit idle.
//!
//! The events are the caller signing the draft application and withdrawing
//! the signature again, the cheapest write that every member of a room sees.
//! The caller must be the room's builder or designer, the room a draft.

use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use futures::{SinkExt, StreamExt};
use shared::{ClientMessage, RoomAction, RoomView, ServerMessage};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use uuid::Uuid;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Handshakes in flight at once; more only fill the server's accept queue.
const OPENING_AT_ONCE: usize = 100;
/// How long one event may take to reach every socket before the run fails.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Parser)]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    base: String,
    /// The session cookie, `vr_session=…`.
    #[arg(long)]
    cookie: String,
    /// A draft room in which the cookie's user is builder or designer.
    #[arg(long)]
    room: Uuid,
    #[command(subcommand)]
    measure: Measure,
}

#[derive(Subcommand)]
enum Measure {
    /// Delay of one event to 1 socket, then to `sockets` sockets.
    Fanout {
        #[arg(long, default_value_t = 1000)]
        sockets: usize,
        /// Events sent to the many sockets, one at a time.
        #[arg(long, default_value_t = 20)]
        events: usize,
        /// Events sent to the single socket of the baseline.
        #[arg(long, default_value_t = 200)]
        baseline_events: usize,
    },
    /// Server memory before and with `sockets` idle subscribed sockets.
    Idle {
        #[arg(long, default_value_t = 10_000)]
        sockets: usize,
        /// The server's process id, to read /proc/<pid>/status.
        #[arg(long)]
        server_pid: u32,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bench = Bench::new(&args)?;
    match args.measure {
        Measure::Fanout {
            sockets,
            events,
            baseline_events,
        } => fanout(&bench, sockets, events, baseline_events).await,
        Measure::Idle {
            sockets,
            server_pid,
        } => idle(&bench, sockets, server_pid).await,
    }
}

async fn fanout(
    bench: &Bench,
    sockets: usize,
    events: usize,
    baseline_events: usize,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        sockets > 0 && events > 0 && baseline_events > 0,
        "nothing to measure"
    );
    bench.withdraw_signature_if_given().await?;

    let one = bench.measure_delivery(1, baseline_events).await?;
    let many = bench.measure_delivery(sockets, events).await?;

    one.print("1 socket");
    many.print(&format!("{sockets} sockets"));
    println!(
        "    {sockets} sockets cost {:.1}× the single socket's p50 and {:.1}× its p99",
        many.delays.percentile(50) / one.delays.percentile(50),
        many.delays.percentile(99) / one.delays.percentile(99),
    );
    Ok(())
}

async fn idle(bench: &Bench, sockets: usize, server_pid: u32) -> anyhow::Result<()> {
    let before = Memory::of(server_pid)?;
    // The peak so far belongs to whatever ran before; start it afresh (Linux
    // resets VmHWM to the current RSS when 5 is written to clear_refs).
    let peak_reset = std::fs::write(format!("/proc/{server_pid}/clear_refs"), "5").is_ok();

    let started = Instant::now();
    let open = bench.open_subscribed(sockets).await?;
    let opening = started.elapsed();
    // Let the server finish what the handshakes left behind.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = Memory::of(server_pid)?;

    let per_socket = (after.rss_kib - before.rss_kib) as f64 / sockets as f64;
    let peak_since = match peak_reset {
        true => "while opening",
        false => "of the whole run",
    };
    println!("    idle server:            RSS {:>8} KiB", before.rss_kib);
    println!(
        "    {sockets:>6} idle sockets:    RSS {:>8} KiB   peak {peak_since} {:>8} KiB",
        after.rss_kib, after.peak_kib,
    );
    println!("    {per_socket:.1} KiB per socket; opening and subscribing took {opening:.1?}");
    drop(open);
    Ok(())
}

/// What every measurement needs: where the server is and who we are.
struct Bench {
    http: reqwest::Client,
    base: String,
    cookie: String,
    room: Uuid,
}

impl Bench {
    fn new(args: &Args) -> anyhow::Result<Bench> {
        Ok(Bench {
            http: reqwest::Client::builder().build()?,
            base: args.base.trim_end_matches('/').to_owned(),
            cookie: args.cookie.clone(),
            room: args.room,
        })
    }

    /// Opens `sockets` sockets, subscribes each to the room, then sends
    /// `events` events one at a time, each once every socket has the last.
    async fn measure_delivery(&self, sockets: usize, events: usize) -> anyhow::Result<Delivery> {
        let (arrived, mut arrivals) = mpsc::unbounded_channel();
        let open = self.open_subscribed(sockets).await?;
        let readers: Vec<_> = open
            .into_iter()
            .map(|socket| tokio::spawn(read_events(socket, arrived.clone())))
            .collect();

        let mut delivery = Delivery::default();
        let mut seq = self.room_view().await?.last_seq;
        for i in 0..events {
            let sent = Instant::now();
            self.toggle_signature(i % 2 == 0).await?;
            delivery.round_trips.push(sent.elapsed());
            seq += 1;

            let mut reached = 0;
            while reached < sockets {
                let (event_seq, at) = tokio::time::timeout(DELIVERY_TIMEOUT, arrivals.recv())
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("every socket closed"))?;
                anyhow::ensure!(event_seq == seq, "expected event {seq}, got {event_seq}");
                delivery.delays.push(at - sent);
                reached += 1;
            }
        }

        for reader in readers {
            reader.abort();
        }
        // The signature goes back to how it was, for the next measurement.
        if events % 2 == 1 {
            self.toggle_signature(false).await?;
        }
        Ok(delivery)
    }

    /// Opens `count` sockets, `OPENING_AT_ONCE` at a time, each subscribed
    /// to the room from its newest event.
    async fn open_subscribed(&self, count: usize) -> anyhow::Result<Vec<Socket>> {
        let after_seq = self.room_view().await?.last_seq;
        futures::stream::iter(0..count)
            .map(|_| self.open_one(after_seq))
            .buffer_unordered(OPENING_AT_ONCE)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect()
    }

    async fn open_one(&self, after_seq: i64) -> anyhow::Result<Socket> {
        let url = format!("{}/api/live", self.base.replacen("http", "ws", 1));
        let mut request = url.into_client_request()?;
        request.headers_mut().insert("cookie", self.cookie.parse()?);
        // Our side must not spend the default 128 KiB read buffer per
        // socket either: 10,000 of them would take 1.25 GiB of the machine
        // the server is measured on.
        let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
        let (mut socket, _) =
            tokio_tungstenite::connect_async_with_config(request, Some(config), true).await?;

        let subscribe = ClientMessage::Subscribe {
            room_id: self.room,
            after_seq,
        };
        socket
            .send(Message::text(serde_json::to_string(&subscribe)?))
            .await?;
        match next_message(&mut socket).await? {
            Some(ServerMessage::Subscribed { .. }) => Ok(socket),
            other => anyhow::bail!("expected the subscription, got {other:?}"),
        }
    }

    async fn room_view(&self) -> anyhow::Result<RoomView> {
        let url = format!("{}/api/rooms/{}", self.base, self.room);
        let response = self
            .http
            .get(url)
            .header("cookie", &self.cookie)
            .send()
            .await?;
        Ok(response.error_for_status()?.json().await?)
    }

    /// Signs (`true`) or withdraws the signature (`false`): one event each.
    async fn toggle_signature(&self, sign: bool) -> anyhow::Result<()> {
        let url = format!("{}/api/rooms/{}/signature", self.base, self.room);
        let request = match sign {
            true => self.http.post(url),
            false => self.http.delete(url),
        };
        request
            .header("cookie", &self.cookie)
            .header("x-requested-with", "vorgangsraum")
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// The measurement starts unsigned, so that it can sign first.
    async fn withdraw_signature_if_given(&self) -> anyhow::Result<()> {
        let view = self.room_view().await?;
        if view.allowed.contains(&RoomAction::WithdrawSignature) {
            self.toggle_signature(false).await?;
        }
        Ok(())
    }
}

/// Passes the sequence number and arrival time of every event to `arrived`
/// until the socket closes. Pings are answered by tungstenite while reading.
async fn read_events(mut socket: Socket, arrived: mpsc::UnboundedSender<(i64, Instant)>) {
    while let Ok(Some(message)) = next_message(&mut socket).await {
        let at = Instant::now();
        if let ServerMessage::Event { event } = message {
            let _ = arrived.send((event.seq, at));
        }
    }
}

/// The next server message, skipping pings; `None` once the socket closed.
async fn next_message(socket: &mut Socket) -> anyhow::Result<Option<ServerMessage>> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => return Ok(Some(serde_json::from_str(&text)?)),
            Some(Ok(Message::Close(_))) | None => return Ok(None),
            Some(Ok(_)) => {}
            Some(Err(tungstenite::Error::ConnectionClosed)) => return Ok(None),
            Some(Err(err)) => return Err(err.into()),
        }
    }
}

#[derive(Default)]
struct Delivery {
    /// From sending the request to the event's arrival, one per socket and event.
    delays: Durations,
    /// The HTTP round trip of each request that wrote an event.
    round_trips: Durations,
}

impl Delivery {
    fn print(&self, label: &str) {
        println!(
            "    {label:<14} p50 {:>8.2} ms   p99 {:>8.2} ms   max {:>8.2} ms   \
             ({} deliveries; the request itself: p50 {:.2} ms)",
            self.delays.percentile(50),
            self.delays.percentile(99),
            self.delays.max(),
            self.delays.0.len(),
            self.round_trips.percentile(50),
        );
    }
}

#[derive(Default)]
struct Durations(Vec<Duration>);

impl Durations {
    fn push(&mut self, duration: Duration) {
        self.0.push(duration);
    }

    /// The nearest-rank percentile, in milliseconds.
    fn percentile(&self, p: usize) -> f64 {
        let mut sorted = self.0.clone();
        sorted.sort();
        let rank = (p * sorted.len()).div_ceil(100).max(1);
        millis(sorted[rank - 1])
    }

    fn max(&self) -> f64 {
        self.0.iter().max().copied().map_or(0.0, millis)
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Resident memory of a process, from /proc/<pid>/status.
struct Memory {
    rss_kib: u64,
    peak_kib: u64,
}

impl Memory {
    fn of(pid: u32) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let line = status
                .lines()
                .find(|line| line.starts_with(name))
                .ok_or_else(|| anyhow::anyhow!("no {name} in /proc/{pid}/status"))?;
            let kib = line.split_whitespace().nth(1).unwrap_or_default();
            Ok(kib.parse()?)
        };
        Ok(Memory {
            rss_kib: field("VmRSS:")?,
            peak_kib: field("VmHWM:")?,
        })
    }
}
