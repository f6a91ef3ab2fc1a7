//! Fault knobs (故障注入) and the seeded RNG that decides, request by
//! request, which fault strikes.
//!
//! Every faultable request draws the same number of values whatever the
//! rates are, so the n-th request meets the same fate in every run with the
//! same seed and settings.

use std::sync::Mutex;

use portdesk_api::FaultSettings;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The fate of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Draw {
    pub rate_limited: bool,
    pub error_5xx: bool,
    pub drop: bool,
    pub commit_then_fail: bool,
}

pub struct Faults {
    inner: Mutex<(FaultSettings, ChaCha8Rng)>,
}

impl Faults {
    pub fn new(settings: FaultSettings) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(settings.seed);
        Faults {
            inner: Mutex::new((settings, rng)),
        }
    }

    pub fn settings(&self) -> FaultSettings {
        self.lock().0.clone()
    }

    /// Replaces the knobs and restarts the RNG from their seed.
    pub fn set(&self, settings: FaultSettings) {
        let mut g = self.lock();
        g.1 = ChaCha8Rng::seed_from_u64(settings.seed);
        g.0 = settings;
    }

    /// Draws the fate of the next request.
    pub fn draw(&self) -> Draw {
        let mut g = self.lock();
        let (s, rng) = &mut *g;
        let r429: f64 = rng.random();
        let r5xx: f64 = rng.random();
        let rdrop: f64 = rng.random();
        let rctf: f64 = rng.random();
        Draw {
            rate_limited: r429 < s.rate_429,
            error_5xx: r5xx < s.error_5xx_rate,
            drop: rdrop < s.drop_rate,
            commit_then_fail: rctf < s.commit_then_fail_rate,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (FaultSettings, ChaCha8Rng)> {
        // A panic while holding this lock leaves plain data behind: keep going.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Marker put in a response's extensions: the accept loop closes the
/// connection instead of sending the response.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// A response that makes the server close the connection unanswered.
pub fn drop_response() -> axum::response::Response {
    let mut r = axum::response::Response::new(axum::body::Body::empty());
    r.extensions_mut().insert(DropConnection);
    r
}
