//! The sheet crate on files: our own exports read back, and fixtures
//! written by another program (openpyxl, LibreOffice:
//! tests/fixtures/excel/make_fixtures.py) read as their cells show.

mod docs;
mod fixtures;
mod round_trip;
