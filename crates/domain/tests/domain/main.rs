//! The integration tests of `portdesk-domain`, one module per area, linked
//! into one test binary: on a 2-core machine every extra binary is another
//! link of the whole dependency tree.

mod copy;
mod elements;
mod fixtures;
mod limits;
mod props;
mod schema;
