//! Command-line flags of the `mock-window` binary, and the server settings
//! they become.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use portdesk_api::{CommitFailMode, FaultSettings};

/// The mock China International Trade Single Window (国际贸易单一窗口模拟服务).
#[derive(Debug, Clone, Parser)]
#[command(name = "mock-window", version, about)]
pub struct Config {
    /// Address to listen on. Loopback by default: `/control` is reachable only from loopback anyway.
    #[arg(long, default_value = "127.0.0.1:8421")]
    pub listen: SocketAddr,
    /// Port to listen on, overriding the port of `--listen`; `0` picks a free one.
    #[arg(long)]
    pub port: Option<u16>,
    /// SQLite file holding all state.
    #[arg(long, default_value = "./mock-window.db")]
    pub db: PathBuf,
    /// Keep state in memory only (lost on exit); `--db` is ignored.
    #[arg(long)]
    pub memory: bool,
    /// PKCS#8 PEM file of the Ed25519 key that seals certificates of origin;
    /// created with a new key if missing. Without it the key lives in the database.
    #[arg(long)]
    pub seal_key: Option<PathBuf>,
    /// Lifetime of an access token.
    #[arg(long, default_value_t = 3600)]
    pub token_ttl_secs: u64,
    /// How long a stored idempotent answer is kept.
    #[arg(long, default_value_t = 86_400)]
    pub idempotency_ttl_secs: u64,
    /// Time between two review steps (receipts) of one filing.
    #[arg(long, default_value_t = 1500)]
    pub review_pace_ms: u64,
    /// Added latency of every /v1 request (auth excepted).
    #[arg(long, default_value_t = 0)]
    pub fault_latency_ms: u64,
    /// Probability of a 503 before doing the work.
    #[arg(long = "fault-5xx-rate", default_value_t = 0.0)]
    pub fault_5xx_rate: f64,
    /// Probability of doing the work, storing the answer, then failing.
    #[arg(long, default_value_t = 0.0)]
    pub fault_commit_then_fail_rate: f64,
    /// What commit-then-fail does: answer 500 or drop the connection.
    #[arg(long, value_enum, default_value = "error500")]
    pub fault_commit_then_fail_mode: CommitFailModeArg,
    /// Probability of a 429 with `Retry-After`.
    #[arg(long = "fault-429-rate", default_value_t = 0.0)]
    pub fault_429_rate: f64,
    /// Value of `Retry-After` on an injected 429.
    #[arg(long, default_value_t = 2)]
    pub fault_retry_after_secs: u64,
    /// Probability of closing the connection without an answer.
    #[arg(long, default_value_t = 0.0)]
    pub fault_drop_rate: f64,
    /// Apply the rate-based faults to GET requests too.
    #[arg(long)]
    pub fault_reads: bool,
    /// Seed of the fault RNG.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The token every `/control` request must carry in `X-Control-Token`.
    /// Without it (and without `MOCK_CONTROL_TOKEN` in the environment) a
    /// random one is made; either way it is printed as the second line on stdout.
    #[arg(long)]
    pub control_token: Option<String>,
    /// Failed logins of one operator (customs code + operator) within
    /// `--login-window-secs` before further attempts answer 429. Attempts
    /// still being checked count too, so parallel guesses cannot slip past.
    #[arg(long, default_value_t = 5)]
    pub login_max_failures: u32,
    /// The same, per client address (any operator).
    #[arg(long, default_value_t = 30)]
    pub login_max_failures_per_addr: u32,
    /// The window of the login throttle (real time, not the movable clock).
    #[arg(long, default_value_t = 60)]
    pub login_window_secs: u64,
    /// Password checks (argon2) run at once; each holds its memory cost.
    #[arg(long, default_value_t = 2)]
    pub login_hash_permits: usize,
    /// Logins waiting for a password check beyond those running; more answer 503.
    #[arg(long, default_value_t = 16)]
    pub login_hash_queue: usize,
    /// Time a client has to send a request's headers (also an idle
    /// keep-alive connection's limit between requests).
    #[arg(long, default_value_t = 30_000)]
    pub header_read_timeout_ms: u64,
    /// A connection with no request in progress and no bytes moving this
    /// long is closed.
    #[arg(long, default_value_t = 60_000)]
    pub idle_timeout_ms: u64,
    /// Connections served at once; further ones wait to be accepted.
    #[arg(long, default_value_t = 256)]
    pub max_connections: usize,
    /// Largest request body (every route); larger answers 413.
    #[arg(long, default_value_t = 4 * 1024 * 1024)]
    pub body_limit_bytes: usize,
    /// Appends one JSON line per /v1 write (auth excepted) to this file,
    /// before the handler runs: method, path, Idempotency-Key, client_seq_no.
    #[arg(long)]
    pub request_log: Option<PathBuf>,
    /// Also play the Single Window desktop client over this exchange root:
    /// take message files from `DIR/Dec/OutBox`, answer into `DIR/Dec/InBox`
    /// (the four folders are made at start). See docs/mock-window.md.
    #[arg(long, value_name = "DIR")]
    pub exchange_dir: Option<PathBuf>,
    /// How often the exchange folders are looked at.
    #[arg(long, default_value_t = 100)]
    pub exchange_poll_ms: u64,
    /// Pause before taking each message file (a slow client).
    #[arg(long, default_value_t = 0)]
    pub exchange_pause_ms: u64,
    /// Probability that a message file is never taken (decided once per name).
    #[arg(long, default_value_t = 0.0)]
    pub fault_untaken_rate: f64,
    /// Probability of a `Failed_` import response "系统繁忙" for a valid message (nothing filed).
    #[arg(long, default_value_t = 0.0)]
    pub fault_import_failed_rate: f64,
    /// Probability of an extra, truncated receipt file beside a real one.
    #[arg(long, default_value_t = 0.0)]
    pub fault_malformed_receipt_rate: f64,
    /// Probability of a receipt file written twice under two names.
    #[arg(long, default_value_t = 0.0)]
    pub fault_duplicate_receipt_rate: f64,
    /// Probability of an answer file written into `InBox` in two halves, 300–800 ms apart.
    #[arg(long, default_value_t = 0.0)]
    pub fault_partial_write_rate: f64,
    /// Tariff-rate file (税率表, the format of the bundled
    /// `crates/domain/data/tariff_rates.json`) used for the duty estimate
    /// instead of the bundled one. See docs/duty-estimate.md.
    #[arg(long, value_name = "FILE")]
    pub tariff_rates: Option<PathBuf>,
    /// Exchange-rate file (海关汇率) used instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    pub exchange_rates: Option<PathBuf>,
}

/// `--fault-commit-then-fail-mode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CommitFailModeArg {
    Error500,
    Drop,
}

impl Config {
    /// Defaults as if started without flags, but in memory on an ephemeral port.
    pub fn for_tests() -> Self {
        let mut c = Config::parse_from(["mock-window", "--memory", "--port", "0"]);
        c.review_pace_ms = 50;
        c
    }

    /// The address to bind.
    pub fn bind_addr(&self) -> SocketAddr {
        let mut a = self.listen;
        if let Some(p) = self.port {
            a.set_port(p);
        }
        a
    }

    /// The fault knobs the flags ask for.
    pub fn faults(&self) -> FaultSettings {
        FaultSettings {
            latency_ms: self.fault_latency_ms,
            error_5xx_rate: self.fault_5xx_rate,
            commit_then_fail_rate: self.fault_commit_then_fail_rate,
            commit_then_fail_mode: match self.fault_commit_then_fail_mode {
                CommitFailModeArg::Error500 => CommitFailMode::Error500,
                CommitFailModeArg::Drop => CommitFailMode::Drop,
            },
            rate_429: self.fault_429_rate,
            retry_after_secs: self.fault_retry_after_secs,
            drop_rate: self.fault_drop_rate,
            seed: self.seed,
            apply_to_reads: self.fault_reads,
            review_pace_ms: self.review_pace_ms,
            untaken_rate: self.fault_untaken_rate,
            import_failed_rate: self.fault_import_failed_rate,
            malformed_receipt_rate: self.fault_malformed_receipt_rate,
            duplicate_receipt_rate: self.fault_duplicate_receipt_rate,
            partial_write_rate: self.fault_partial_write_rate,
            exchange_pause_ms: self.exchange_pause_ms,
        }
    }
}
