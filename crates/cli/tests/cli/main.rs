//! The integration tests of `portdesk-cli`, one module per area, linked
//! into one test binary: on a 2-core machine every extra binary is another
//! link of the whole dependency tree.

mod commands;
mod common;
mod convert;
mod copy;
mod exchange;
mod goods;
mod limits;
mod messages;
mod origin;
mod print_declaration;
mod sheets;
mod tax;
mod templates;
mod verify;
