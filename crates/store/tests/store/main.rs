//! The integration tests of `portdesk-store`, one module per area, linked
//! into one test binary: on a 2-core machine every extra binary is another
//! link of the whole dependency tree.

mod drafts;
mod flows;
mod goods;
mod message_log;
mod origin;
mod outbox;
mod templates;
mod upgrade;
