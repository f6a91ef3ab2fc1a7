//! How the outbox worker reaches the Single Window (传输通道): deliver one
//! outbox entry, pull receipts from a cursor, read a filing back. The HTTP
//! API ([`Client`]) implements it today; the Single Window client's exchange
//! folders are the second transport to come. Answers have the HTTP shape
//! ([`Answer`]: status, body, `Retry-After`), which the worker classifies the
//! same way whichever transport produced them.
//!
//! Object-safe on purpose (boxed futures, no generic worker): the app picks
//! the transport an account is configured with at run time.

use std::future::Future;
use std::pin::Pin;

use portdesk_store::{LogEntry, OutboxEntry};

use crate::client::{Answer, Client, TransportError};
use crate::secret::Secret;

/// A boxed future of a transport call.
pub type Call<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One transport's answer with its log lines.
pub type Reply<L> = (Result<Answer, TransportError>, L);

/// See the module docs.
pub trait Transport: Send + Sync {
    /// Delivers `entry` (its stored method, path and exact bytes, its
    /// idempotency key); returns the answer and its log line (the request
    /// was logged when the entry was claimed).
    fn send_entry<'a>(
        &'a self,
        entry: &'a OutboxEntry,
        token: &'a Secret,
    ) -> Call<'a, Reply<LogEntry>>;

    /// Up to `limit` receipts after cursor `since`.
    fn receipts<'a>(
        &'a self,
        token: &'a Secret,
        since: &'a str,
        limit: u32,
    ) -> Call<'a, Reply<Vec<LogEntry>>>;

    /// The filing `seq_no` as the Single Window holds it.
    fn get_filing<'a>(
        &'a self,
        token: &'a Secret,
        seq_no: &'a str,
    ) -> Call<'a, Reply<Vec<LogEntry>>>;
}

impl Transport for Client {
    fn send_entry<'a>(
        &'a self,
        entry: &'a OutboxEntry,
        token: &'a Secret,
    ) -> Call<'a, Reply<LogEntry>> {
        Box::pin(Client::send_entry(self, entry, token))
    }

    fn receipts<'a>(
        &'a self,
        token: &'a Secret,
        since: &'a str,
        limit: u32,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        Box::pin(Client::receipts(self, token, since, limit))
    }

    fn get_filing<'a>(
        &'a self,
        token: &'a Secret,
        seq_no: &'a str,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        Box::pin(Client::get_filing(self, token, seq_no))
    }
}
