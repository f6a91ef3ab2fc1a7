//! The integration tests of `portdesk-mock-window`, one module per area, linked
//! into one test binary: on a 2-core machine every extra binary is another
//! link of the whole dependency tree.

mod auth;
mod common;
mod control;
mod declarations;
mod exchange;
mod faults;
mod files;
mod guarantees;
mod idempotency;
mod openapi;
mod origin;
mod receipts_restart;
mod request_log;
mod transport;
