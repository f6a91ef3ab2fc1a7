//! Login throttling (登录限流) and the bound on concurrent password checks.
//!
//! Two independent guards stand before every password check:
//! - [`LoginThrottle`]: failed logins per operator (customs code +
//!   operator) and per client address within a window. An attempt being
//!   checked counts as a failure until it succeeds, so 128 guesses sent in
//!   parallel are admitted no faster than 128 sent one after another. Past
//!   the limit the answer is 429 with `Retry-After` (seconds until the
//!   oldest failure leaves the window). The window runs on real monotonic
//!   time: the server clock can be moved by `/control`, and moving it must
//!   neither lift nor extend a lockout.
//! - [`HashGate`]: at most `permits` argon2 checks at once and `queue` more
//!   waiting; beyond that the answer is a quick 503. Each check holds its
//!   memory cost for its duration, so the gate is what bounds the server's
//!   memory under a flood of logins.
//!
//! Unknown operators are checked against a dummy hash of the same cost
//! ([`crate::auth`]), and count as failures like any other, so neither the
//! time to answer nor the throttle reveals which operators exist.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Entries kept per map before expired ones are swept out: a flood of
/// made-up operator names must not grow the map without end.
const SWEEP_AT: usize = 4096;

/// Throttle settings (from the command line).
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_operator: u32,
    pub per_addr: u32,
    pub window: Duration,
}

#[derive(Debug, Default)]
struct Record {
    /// Failures within the window, oldest first.
    failures: Vec<Instant>,
    /// Attempts admitted and not yet decided.
    in_flight: u32,
}

impl Record {
    fn prune(&mut self, now: Instant, window: Duration) {
        self.failures
            .retain(|t| now.saturating_duration_since(*t) < window);
    }

    /// Seconds until another attempt may be admitted, if it may not now.
    fn blocked_for(&self, limit: u32, now: Instant, window: Duration) -> Option<u64> {
        let used = self.failures.len() as u64 + u64::from(self.in_flight);
        if used < u64::from(limit) {
            return None;
        }
        // Only in-flight attempts in the way: they end within a second or so.
        let wait = match self.failures.first() {
            Some(oldest) if self.failures.len() as u64 >= u64::from(limit) => {
                window.saturating_sub(now.saturating_duration_since(*oldest))
            }
            _ => Duration::from_secs(1),
        };
        // Rounded up, and never 0: "retry after 0 s" invites a busy loop.
        Some(wait.as_secs_f64().ceil().max(1.0) as u64)
    }

    fn is_idle(&self) -> bool {
        self.failures.is_empty() && self.in_flight == 0
    }
}

/// Who a login attempt is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperatorKey {
    pub customs_code: String,
    pub operator: String,
}

#[derive(Debug, Default)]
struct Maps {
    operators: HashMap<OperatorKey, Record>,
    addrs: HashMap<IpAddr, Record>,
}

fn sweep<K: Eq + Hash>(map: &mut HashMap<K, Record>, now: Instant, window: Duration) {
    if map.len() >= SWEEP_AT {
        map.retain(|_, r| {
            r.prune(now, window);
            !r.is_idle()
        });
    }
}

/// Failed-login counts per operator and per address.
#[derive(Debug)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    maps: Mutex<Maps>,
    /// Attempts answered 429 (for `/control/auth-stats`).
    throttled: AtomicU64,
}

/// An admitted attempt; say how it ended with [`Attempt::succeeded`] or
/// [`Attempt::failed`]. Dropped undecided (the request was cancelled), it
/// counts as a failure: a guesser must not gain by hanging up.
#[must_use]
pub struct Attempt {
    throttle: Arc<LoginThrottle>,
    key: OperatorKey,
    addr: IpAddr,
    decided: bool,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        LoginThrottle {
            limits,
            maps: Mutex::new(Maps::default()),
            throttled: AtomicU64::new(0),
        }
    }

    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    /// Admits an attempt for `key` from `addr`, or says how many seconds to wait.
    pub fn admit(self: &Arc<Self>, key: OperatorKey, addr: IpAddr) -> Result<Attempt, u64> {
        let now = Instant::now();
        let window = self.limits.window;
        let mut guard = self.maps.lock().unwrap_or_else(|p| p.into_inner());
        let maps = &mut *guard;
        sweep(&mut maps.operators, now, window);
        sweep(&mut maps.addrs, now, window);
        let op = maps.operators.entry(key.clone()).or_default();
        op.prune(now, window);
        let op_wait = op.blocked_for(self.limits.per_operator, now, window);
        let ad = maps.addrs.entry(addr).or_default();
        ad.prune(now, window);
        let addr_wait = ad.blocked_for(self.limits.per_addr, now, window);
        if let Some(wait) = op_wait.max(addr_wait) {
            self.throttled.fetch_add(1, Ordering::Relaxed);
            return Err(wait);
        }
        op.in_flight += 1;
        ad.in_flight += 1;
        Ok(Attempt {
            throttle: Arc::clone(self),
            key,
            addr,
            decided: false,
        })
    }

    fn end(&self, key: &OperatorKey, addr: IpAddr, ok: bool) {
        let now = Instant::now();
        let mut guard = self.maps.lock().unwrap_or_else(|p| p.into_inner());
        let maps = &mut *guard;
        if let Some(op) = maps.operators.get_mut(key) {
            op.in_flight = op.in_flight.saturating_sub(1);
            if ok {
                // The operator knows the password: earlier typos are forgiven.
                op.failures.clear();
            } else {
                op.failures.push(now);
            }
            if op.is_idle() {
                maps.operators.remove(key);
            }
        }
        if let Some(ad) = maps.addrs.get_mut(&addr) {
            ad.in_flight = ad.in_flight.saturating_sub(1);
            // An address's failures stay: one good account must not launder
            // guesses at all the others.
            if !ok {
                ad.failures.push(now);
            }
            if ad.is_idle() {
                maps.addrs.remove(&addr);
            }
        }
    }
}

impl Attempt {
    pub fn succeeded(mut self) {
        self.decided = true;
        self.throttle.end(&self.key, self.addr, true);
    }

    /// The attempt was never checked (the server was busy): it counts neither way.
    pub fn abandon(mut self) {
        self.decided = true;
        let mut guard = self.throttle.maps.lock().unwrap_or_else(|p| p.into_inner());
        let maps = &mut *guard;
        if let Some(op) = maps.operators.get_mut(&self.key) {
            op.in_flight = op.in_flight.saturating_sub(1);
        }
        if let Some(ad) = maps.addrs.get_mut(&self.addr) {
            ad.in_flight = ad.in_flight.saturating_sub(1);
        }
    }

    pub fn failed(mut self) {
        self.decided = true;
        self.throttle.end(&self.key, self.addr, false);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.decided {
            self.throttle.end(&self.key, self.addr, false);
        }
    }
}

/// The bound on concurrent password checks.
#[derive(Debug)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    /// Running plus waiting checks.
    admitted: AtomicUsize,
    capacity: usize,
    /// Password checks run (for `/control/auth-stats`).
    checks: AtomicU64,
    /// Logins answered 503 because the gate was full.
    busy: AtomicU64,
}

/// A place in the gate (running or waiting); frees it on drop.
pub struct GatePlace<'a> {
    gate: &'a HashGate,
}

impl Drop for GatePlace<'_> {
    fn drop(&mut self) {
        self.gate.admitted.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashGate {
    pub fn new(permits: usize, queue: usize) -> Self {
        let permits = permits.max(1);
        HashGate {
            permits: Arc::new(Semaphore::new(permits)),
            admitted: AtomicUsize::new(0),
            capacity: permits.saturating_add(queue),
            checks: AtomicU64::new(0),
            busy: AtomicU64::new(0),
        }
    }

    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::Relaxed)
    }

    pub fn busy(&self) -> u64 {
        self.busy.load(Ordering::Relaxed)
    }

    /// A place to run or wait in, or `None` when running and waiting are full.
    pub fn enter(&self) -> Option<GatePlace<'_>> {
        let mut n = self.admitted.load(Ordering::SeqCst);
        loop {
            if n >= self.capacity {
                self.busy.fetch_add(1, Ordering::Relaxed);
                return None;
            }
            match self
                .admitted
                .compare_exchange(n, n + 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return Some(GatePlace { gate: self }),
                Err(actual) => n = actual,
            }
        }
    }

    /// Waits for a permit to run a check (held until the permit drops).
    pub async fn run_permit(&self, _place: &GatePlace<'_>) -> OwnedSemaphorePermit {
        self.checks.fetch_add(1, Ordering::Relaxed);
        Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .expect("the gate's semaphore is never closed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(op: &str) -> OperatorKey {
        OperatorKey {
            customs_code: "2102961234".into(),
            operator: op.into(),
        }
    }

    fn throttle(per_operator: u32, per_addr: u32) -> Arc<LoginThrottle> {
        Arc::new(LoginThrottle::new(ThrottleLimits {
            per_operator,
            per_addr,
            window: Duration::from_secs(60),
        }))
    }

    const ADDR: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn failures_lock_the_operator_out_for_the_window() {
        let t = throttle(3, 100);
        for _ in 0..3 {
            t.admit(key("op01"), ADDR).unwrap().failed();
        }
        let wait = t.admit(key("op01"), ADDR).err().expect("throttled");
        assert!((59..=60).contains(&wait), "{wait}");
        // Another operator is not affected.
        t.admit(key("op02"), ADDR).unwrap().succeeded();
        assert_eq!(t.throttled(), 1);
    }

    #[test]
    fn attempts_in_flight_count_and_success_forgives() {
        let t = throttle(2, 100);
        let a = t.admit(key("op01"), ADDR).unwrap();
        let b = t.admit(key("op01"), ADDR).unwrap();
        assert_eq!(t.admit(key("op01"), ADDR).err(), Some(1), "two in flight");
        a.failed();
        b.succeeded();
        // The success cleared the failure: two more may try.
        let a = t.admit(key("op01"), ADDR).unwrap();
        let b = t.admit(key("op01"), ADDR).unwrap();
        drop(a);
        drop(b);
        // Dropped undecided: counted as failures.
        assert!(t.admit(key("op01"), ADDR).is_err());
    }

    #[test]
    fn an_address_is_limited_across_operators() {
        let t = throttle(100, 3);
        for op in ["a", "b", "c"] {
            t.admit(key(op), ADDR).unwrap().failed();
        }
        assert!(t.admit(key("d"), ADDR).is_err());
        let other = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
        t.admit(key("d"), other).unwrap().failed();
    }

    #[test]
    fn the_map_is_swept_of_expired_entries() {
        let t = Arc::new(LoginThrottle::new(ThrottleLimits {
            per_operator: 5,
            per_addr: u32::MAX,
            window: Duration::ZERO,
        }));
        for i in 0..(SWEEP_AT + 10) {
            t.admit(key(&format!("ghost{i}")), ADDR).unwrap().failed();
        }
        let maps = t.maps.lock().unwrap();
        assert!(maps.operators.len() <= SWEEP_AT, "{}", maps.operators.len());
    }

    #[tokio::test]
    async fn the_gate_refuses_beyond_running_and_waiting() {
        let g = HashGate::new(1, 1);
        let first = g.enter().expect("runs");
        let _permit = g.run_permit(&first).await;
        let second = g.enter().expect("waits");
        assert!(g.enter().is_none(), "full");
        assert_eq!(g.busy(), 1);
        drop(second);
        assert!(g.enter().is_some(), "a place freed");
    }
}
