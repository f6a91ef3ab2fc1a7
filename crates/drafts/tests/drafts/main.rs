//! The integration tests of `portdesk-drafts`, one module per area, linked
//! into one test binary: on a 2-core machine every extra binary is another
//! link of the whole dependency tree.

mod copy;
mod goods;
mod interchange_props;
mod messages;
mod printing;
mod spreadsheets;
mod tax;
mod templates;
