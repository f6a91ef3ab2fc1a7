//! Binding, starting the background review task, and the accept loop.
//!
//! The loop is ours rather than `axum::serve` for one reason: a fault must
//! be able to close a connection without any HTTP answer. A response marked
//! with [`DropConnection`] makes the connection's service return an error,
//! and hyper then closes the TCP connection without writing a byte.
//!
//! It also bounds what a client can hold: a header-read timeout
//! (`--header-read-timeout-ms`; a client dripping its headers a byte a
//! second is cut off), an idle timeout (`--idle-timeout-ms`; no request
//! under way and no byte moving), and a cap on connections served at once
//! (`--max-connections`; further ones wait to be accepted).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use portdesk_domain::CodeLists;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

use crate::clock::Clock;
use crate::control::ControlAccess;
use crate::exchange::Exchange;
use crate::faults::{DropConnection, Faults};
use crate::reference::ReferenceData;
use crate::request_log::RequestLog;
use crate::start_error::StartError;
use crate::throttle::{HashGate, LoginThrottle, ThrottleLimits};
use crate::{app, certificates, db, exchange, review, seed, AppState, Config};

/// A bound, ready server; [`serve`] runs it.
pub struct Server {
    listener: TcpListener,
    router: Router,
    state: AppState,
    addr: SocketAddr,
    limits: TransportLimits,
    /// `--exchange-dir`: the folders made, the task started by [`serve`].
    exchange: Option<Exchange>,
}

/// What one client may hold of the server: time to send headers, time to
/// sit idle, and how many connections are served at once.
#[derive(Debug, Clone, Copy)]
struct TransportLimits {
    header_read_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
}

impl Server {
    /// Binds the socket, opens the database (owner-only files), seeds it,
    /// and builds the state and the router.
    pub async fn bind(config: Config) -> Result<Server, StartError> {
        // Bound first: `/control` checks `Host` against the port we got.
        let addr = config.bind_addr();
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let db_file = (!config.memory).then_some(config.db.as_path());
        if let Some(file) = db_file {
            private_files::prepare(file)?;
        }
        let pool = db::open(db_file).await?;
        if let Some(file) = db_file {
            // SQLite gives -wal and -shm the database's mode; made sure here.
            private_files::restrict(file)?;
        }
        seed::seed(&pool).await?;
        // Answers still "in flight" were cut off by a crash: forget them so a
        // retry can run (the filing itself, if it was stored, deduplicates
        // by the client's document id).
        sqlx::query("DELETE FROM idempotency WHERE state = 'in_flight'")
            .execute(&pool)
            .await?;
        let clock = match db::setting(&pool, db::CLOCK_OFFSET).await? {
            None => Clock::default(),
            Some(v) => v
                .parse::<i64>()
                .map_err(|_| format!("{v:?} is not a number of milliseconds"))
                .and_then(|ms| Clock::with_offset_ms(ms).map_err(|e| e.to_string()))
                .map_err(|why| StartError::ClockOffset {
                    db: config.db.clone(),
                    why,
                })?,
        };
        let seal_key = certificates::load_seal_key(&pool, config.seal_key.as_deref()).await?;
        let control_token = config
            .control_token
            .clone()
            .or_else(|| std::env::var("MOCK_CONTROL_TOKEN").ok());
        let control = ControlAccess::new(control_token, addr.port()).map_err(StartError::Config)?;
        let request_log = match &config.request_log {
            None => None,
            Some(path) => Some(Arc::new(RequestLog::open(path).map_err(|e| {
                StartError::Config(format!("request log {}: {e}", path.display()))
            })?)),
        };
        if config.body_limit_bytes == 0 || config.max_connections == 0 {
            return Err(StartError::Config(
                "--body-limit-bytes and --max-connections must be at least 1".into(),
            ));
        }
        let exchange = match &config.exchange_dir {
            None => None,
            Some(root) => Some(
                Exchange::prepare(root, config.exchange_poll_ms)
                    .map_err(|e| StartError::Config(format!("exchange folders: {e}")))?,
            ),
        };
        let code_lists = CodeLists::bundled();
        let estimate_rates = load_estimate_rates(&config).map_err(StartError::Config)?;
        let state = AppState {
            estimate_rates: Arc::new(estimate_rates),
            reference: Arc::new(ReferenceData::new(&code_lists)),
            seal_key: Arc::new(seal_key),
            code_lists: Arc::new(code_lists),
            db: pool,
            clock: Arc::new(clock),
            faults: Arc::new(Faults::new(config.faults())),
            review_wakeup: Arc::new(Notify::new()),
            openapi_json: Arc::new(OnceLock::new()),
            token_ttl_secs: config.token_ttl_secs,
            idempotency_ttl_secs: config.idempotency_ttl_secs,
            control: Arc::new(control),
            throttle: Arc::new(LoginThrottle::new(ThrottleLimits {
                per_operator: config.login_max_failures,
                per_addr: config.login_max_failures_per_addr,
                window: Duration::from_secs(config.login_window_secs),
            })),
            hash_gate: Arc::new(HashGate::new(
                config.login_hash_permits,
                config.login_hash_queue,
            )),
            // Same cost as the seeded ones; the password is thrown away.
            dummy_hash: Arc::new(seed::hash_password(
                &hex::encode(rand::random::<[u8; 16]>()),
            )),
            body_limit: config.body_limit_bytes,
            request_log,
        };
        let router = app::router(state.clone());
        Ok(Server {
            listener,
            router,
            state,
            addr,
            limits: TransportLimits {
                header_read_timeout: Duration::from_millis(config.header_read_timeout_ms.max(1)),
                idle_timeout: Duration::from_millis(config.idle_timeout_ms.max(1)),
                max_connections: config.max_connections,
            },
            exchange,
        })
    }

    /// The token `/control` requests must carry (printed at start-up).
    pub fn control_token(&self) -> &str {
        self.state.control.token()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The router as served (tests enumerate its routes).
    pub fn router(&self) -> &Router {
        &self.router
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }
}

/// The error a connection's service returns to make hyper close it unanswered.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct Dropped;

/// Runs the server: the review task and the accept loop, until the process ends.
pub async fn serve(server: Server) -> std::io::Result<()> {
    let Server {
        listener,
        router,
        state,
        addr,
        limits,
        exchange,
    } = server;
    if let Some(exchange) = exchange {
        tokio::spawn(exchange::run(state.clone(), exchange));
    }
    tokio::spawn(review::run(state));
    tracing::info!(%addr, ?limits, "mock Single Window listening");
    // Beyond the cap, connections wait in the kernel's backlog until one
    // ends: a flood of idle sockets then costs their header timeout, not
    // the server's memory or file descriptors.
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let slot = Arc::clone(&slots)
            .acquire_owned()
            .await
            .expect("the connection semaphore is never closed");
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Too many open files and the like: wait and go on.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        tokio::spawn(async move {
            let _slot = slot;
            serve_connection(stream, peer, router, limits).await;
        });
    }
}

/// One connection: hyper with the header-read timeout, plus our idle timeout.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: TransportLimits,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: Arc::clone(&activity),
    });
    let service_activity = Arc::clone(&activity);
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        let router = router.clone();
        let busy = InFlight::enter(Arc::clone(&service_activity));
        async move {
            let _busy = busy;
            req.extensions_mut().insert(ConnectInfo(peer));
            let resp = router
                .oneshot(req.map(axum::body::Body::new))
                .await
                .unwrap_or_else(|e: Infallible| match e {});
            if resp.extensions().get::<DropConnection>().is_some() {
                tracing::info!(%peer, "fault: dropping the connection");
                return Err(Dropped);
            }
            Ok(resp)
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        // A request under way is not idle however long it takes: look again later.
        let check_at = if activity.in_flight() > 0 {
            Instant::now() + limits.idle_timeout
        } else {
            activity.last() + limits.idle_timeout
        };
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            _ = tokio::time::sleep_until(check_at), if !closing => {
                if activity.idle_for() >= limits.idle_timeout && activity.in_flight() == 0 {
                    tracing::debug!(%peer, "idle timeout: closing the connection");
                    // Closes at once when no request is under way.
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// When a connection last moved a byte, and how many requests it has under way.
struct Activity {
    last: std::sync::Mutex<Instant>,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            last: std::sync::Mutex::new(Instant::now()),
            in_flight: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    fn last(&self) -> Instant {
        *self.last.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn idle_for(&self) -> Duration {
        self.last().elapsed()
    }

    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }
}

/// A request under way on a connection (it is not idle, however quiet).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn enter(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.touch();
    }
}

/// A socket that records when bytes last moved.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Owner-only files: the database holds the sealing key and token digests.
mod private_files {
    use std::path::Path;

    use crate::StartError;

    fn err(path: &Path, e: std::io::Error) -> StartError {
        StartError::Config(format!("{}: {e}", path.display()))
    }

    /// Creates the database's folder (0700) and the empty file (0600) when
    /// missing, so SQLite never creates either with the process umask.
    pub fn prepare(db: &Path) -> Result<(), StartError> {
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                let mut b = std::fs::DirBuilder::new();
                b.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
                b.create(dir).map_err(|e| err(dir, e))?;
            }
        }
        if !db.exists() {
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            o.open(db).map_err(|e| err(db, e))?;
        }
        restrict(db)
    }

    /// Mode 0600 on the database and its -wal and -shm files, where present.
    pub fn restrict(db: &Path) -> Result<(), StartError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let name = db.as_os_str().to_owned();
            for suffix in ["", "-wal", "-shm"] {
                let mut p = name.clone();
                p.push(suffix);
                let p = std::path::PathBuf::from(p);
                if p.exists() {
                    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                        .map_err(|e| err(&p, e))?;
                }
            }
        }
        #[cfg(not(unix))]
        let _ = db;
        Ok(())
    }
}

/// The duty estimate's rate files: the bundled ones, each replaced by the
/// file its flag names. A flag naming an unreadable file stops the start:
/// a mock silently reserving with other rates would mislead the test.
fn load_estimate_rates(
    config: &Config,
) -> Result<portdesk_domain::tax_estimate::EstimateRates, String> {
    fn read<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<T, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("rate file {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("rate file {}: {e}", path.display()))
    }
    let mut rates = portdesk_domain::tax_estimate::EstimateRates::bundled();
    if let Some(p) = &config.tariff_rates {
        rates.tariff = read(p)?;
    }
    if let Some(p) = &config.exchange_rates {
        rates.exchange = read(p)?;
    }
    Ok(rates)
}
