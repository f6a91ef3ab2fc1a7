//! Local SQLite store.
