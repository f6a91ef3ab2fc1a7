//! Binding, starting the background review task, and the accept loop.
//!
//! The loop is ours rather than `axum::serve` for one reason: a fault must
//! be able to close a connection without any HTTP answer. A response marked
//! with [`DropConnection`] makes the connection's service return an error,
//! and hyper then closes the TCP connection without writing a byte.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use portdesk_domain::CodeLists;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::clock::Clock;
use crate::faults::{DropConnection, Faults};
use crate::reference::ReferenceData;
use crate::start_error::StartError;
use crate::{app, certificates, db, review, seed, AppState, Config};

/// A bound, ready server; [`serve`] runs it.
pub struct Server {
    listener: TcpListener,
    router: Router,
    state: AppState,
    addr: SocketAddr,
}

impl Server {
    /// Opens the database, seeds it, builds the router and binds the socket.
    pub async fn bind(config: Config) -> Result<Server, StartError> {
        let pool = db::open((!config.memory).then_some(config.db.as_path())).await?;
        seed::seed(&pool).await?;
        // Answers still "in flight" were cut off by a crash: forget them so a
        // retry can run (the filing itself, if it was stored, deduplicates
        // by the client's document id).
        sqlx::query("DELETE FROM idempotency WHERE state = 'in_flight'")
            .execute(&pool)
            .await?;
        let offset = db::setting(&pool, db::CLOCK_OFFSET)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let seal_key = certificates::load_seal_key(&pool, config.seal_key.as_deref()).await?;
        let code_lists = CodeLists::bundled();
        let state = AppState {
            reference: Arc::new(ReferenceData::new(&code_lists)),
            seal_key: Arc::new(seal_key),
            code_lists: Arc::new(code_lists),
            db: pool,
            clock: Arc::new(Clock::with_offset_ms(offset)),
            faults: Arc::new(Faults::new(config.faults())),
            review_wakeup: Arc::new(Notify::new()),
            openapi_json: Arc::new(OnceLock::new()),
            token_ttl_secs: config.token_ttl_secs,
            idempotency_ttl_secs: config.idempotency_ttl_secs,
        };
        let router = app::router(state.clone());
        let addr = config.bind_addr();
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        Ok(Server {
            listener,
            router,
            state,
            addr,
        })
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
    } = server;
    tokio::spawn(review::run(state));
    tracing::info!(%addr, "mock Single Window listening");
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Too many open files and the like: wait and go on.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                let router = router.clone();
                async move {
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
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
}
