//! The integration tests of `portdesk-sync`, one module per area, linked
//! into one test binary: on a 2-core machine every extra binary is another
//! link of the whole dependency tree.

mod common;
mod crash;
mod exactly_once;
mod exchange;
mod exchange_only;
mod exchange_window;
mod faults;
mod flows;
mod guarantees;
mod hostile;
mod keyring;
mod offline;
mod origin;
mod secrets;
mod session;
mod simulation;
mod supervisor;
mod transport;
