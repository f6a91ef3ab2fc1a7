//! The mock China International Trade Single Window (国际贸易单一窗口模拟服务).
//!
//! A real HTTP server that behaves like the real Single Window would if it
//! offered an API to small firms: login and tenancy, declarations with
//! server-side validation and asynchronous review receipts, idempotent
//! writes, reference data, and the faults a government service really shows.
//! See `docs/mock-window.md` for how to run it and what it knows.
//!
//! Modules, one room each:
//! - [`config`]: command-line flags.
//! - [`db`]: the SQLite pool and migrations; [`seed`]: the Liaoning demo data.
//! - [`app`]: assembles the router from the area modules ([`auth`],
//!   [`declarations`], [`receipts`], [`reference`], [`guarantees`],
//!   [`origin`], [`certificates`], [`control`], [`openapi`]).
//! - [`guard`]: what every protected /v1 request passes: faults and idempotency.
//! - [`throttle`]: login throttling and the bound on concurrent password checks.
//! - [`request_log`]: the `--request-log` evidence file of /v1 writes.
//! - [`review`]: the background task that issues receipts on a schedule.
//! - [`exchange`]: the Single Window client played over exchange folders
//!   (`--exchange-dir`), filing through the same handlers.
//! - [`server`]: the accept loop (it can drop a connection without an answer;
//!   header-read and idle timeouts, a connection cap).

pub mod app;
pub mod auth;
pub mod certificates;
pub mod clock;
pub mod config;
pub mod control;
pub mod db;
pub mod declarations;
pub mod error;
pub mod exchange;
pub mod faults;
pub mod guarantees;
pub mod guard;
pub mod ids;
pub mod openapi;
pub mod origin;
pub mod receipts;
pub mod reference;
pub mod request_log;
pub mod review;
pub mod seed;
pub mod server;
pub mod start_error;
pub mod state;
pub mod throttle;

pub use config::Config;
pub use server::{serve, Server};
pub use start_error::StartError;
pub use state::AppState;
