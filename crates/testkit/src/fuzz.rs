//! One runner for every property and fuzz target of the workspace, so the
//! test gate and the long runs (`tests/fuzz/run.sh MINUTES`) share their
//! strategies and checks and differ only in how long they run.
//!
//! - Without `PORTDESK_FUZZ_SECS` a target runs a short pass of its gate
//!   case count (a normal `cargo test`).
//! - With `PORTDESK_FUZZ_SECS=N` it keeps starting fresh, randomly seeded
//!   proptest runs until N seconds have passed.
//!
//! Either way it ends with one line on stderr that `run.sh` collects:
//! `fuzz target NAME: CASES cases, FAILURES failures, SECS s`. A failing case
//! is shrunk, persisted by proptest next to the test source
//! (`proptest-regressions/…`, replayed first on every later run) and fails
//! the test with the minimal input.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

/// The environment variable that turns a target into a timed fuzz run.
pub const FUZZ_SECS_VAR: &str = "PORTDESK_FUZZ_SECS";

/// How long a timed run lasts, if one was asked for.
pub fn fuzz_duration() -> Option<Duration> {
    let raw = std::env::var(FUZZ_SECS_VAR).ok()?;
    match raw.trim().parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => panic!("{FUZZ_SECS_VAR} must be a whole number of seconds, not {raw:?}"),
    }
}

/// Runs the property `test` over values of `strategy`: `gate_cases` cases,
/// or as many as fit in `PORTDESK_FUZZ_SECS`. `source_file` is the caller's
/// `file!()`: proptest keeps the regressions it finds beside it.
///
/// Panics (failing the calling test) with the shrunk input on the first
/// failure or panic inside `test`.
pub fn check<S, F>(name: &str, source_file: &'static str, gate_cases: u32, strategy: S, test: F)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
    F: Fn(S::Value) -> Result<(), TestCaseError>,
{
    let executed = AtomicU64::new(0);
    let counted = |value: S::Value| {
        executed.fetch_add(1, Ordering::Relaxed);
        test(value)
    };
    let started = Instant::now();
    let result = match fuzz_duration() {
        None => runner(source_file, gate_cases).run(&strategy, counted),
        Some(budget) => {
            // Chunks grow while they are quick, so the deadline is checked
            // often for slow targets and rarely for fast ones.
            let mut chunk = gate_cases.max(1);
            let mut outcome = Ok(());
            while outcome.is_ok() && started.elapsed() < budget {
                let t = Instant::now();
                outcome = runner(source_file, chunk).run(&strategy, counted);
                if t.elapsed() < Duration::from_secs(2) {
                    chunk = chunk.saturating_mul(2).min(1 << 20);
                }
            }
            outcome
        }
    };
    let cases = executed.load(Ordering::Relaxed);
    let failures = u32::from(result.is_err());
    eprintln!(
        "fuzz target {name}: {cases} cases, {failures} failures, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("fuzz target {name} failed: {e}");
    }
}

fn runner(source_file: &'static str, cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        source_file: Some(source_file),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        // Shrinking a slow target (the sync simulation) must not outlast
        // the run: a few hundred steps find a small enough history.
        max_shrink_iters: 512,
        ..Config::default()
    })
}

pub use strategies::*;

/// Inputs that have broken parsers and validators elsewhere: what a paste,
/// an old export, a foreign tool or an attacker puts where text belongs.
mod strategies {
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde_json::{Map, Value};

    /// Hostile text for one field: arbitrary Unicode, control characters,
    /// non-BMP characters, numbers written every way, odd blanks, huge
    /// strings, and the empty string.
    pub fn nasty_text() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => any::<String>(),
            1 => Just(String::new()),
            2 => "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}]{1,4}[A-Z0-9]{0,6}",
            2 => "[A-Z0-9 ]{0,8}[\\x00-\\x1f\\x7f]{1,2}[A-Z0-9]{0,8}",
            2 => "[😀-🙏𝟘-𝟡𠀀-𠀟\u{10FFFD}]{1,8}",
            2 => "[ \\t\\u{3000}\\u{a0}\\u{200b}\\u{feff}\\u{202e}]{1,3}[A-Z0-9]{0,10}[ \\t\\u{3000}]{0,2}",
            3 => numbers_as_text(),
            1 => huge_text(),
        ]
    }

    /// Numbers as a clerk or a spreadsheet writes them: signs, exponents,
    /// far too many digits, full-width digits, NaN and infinities, commas.
    pub fn numbers_as_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|x| x.to_string()),
            any::<f64>().prop_map(|x| format!("{x:e}")),
            "[-+]?[0-9]{1,40}(\\.[0-9]{0,30})?",
            "[-+]?[0-9]{0,3}\\.?[0-9]{0,3}[eE][-+]?[0-9]{1,5}",
            "[０-９]{1,12}(．[０-９]{1,4})?",
            "[0-9]{1,3}(,[0-9]{3}){1,4}(\\.[0-9]{1,2})?",
            Just("NaN".to_owned()),
            Just("-inf".to_owned()),
            Just("0x1F".to_owned()),
            Just("-0".to_owned()),
            Just("12.5x".to_owned()),
        ]
    }

    /// A string of 1 000 to 60 000 repetitions of a short arbitrary piece.
    pub fn huge_text() -> impl Strategy<Value = String> {
        (any::<String>(), 1_000usize..60_000).prop_map(|(piece, n)| {
            let piece = if piece.is_empty() {
                "9".to_owned()
            } else {
                piece
            };
            piece.chars().cycle().take(n).collect()
        })
    }

    /// An arbitrary JSON value of a few levels (keys and strings hostile).
    pub fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            nasty_text().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((nasty_text(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    /// One change to a JSON document. Nodes are picked by [`Index`] among
    /// the nodes of the kind the edit needs, so every edit applies to any
    /// document that has such a node.
    #[derive(Debug, Clone)]
    pub enum JsonEdit {
        /// Replaces a string leaf.
        SetText(Index, String),
        /// Inserts text into a string leaf at a character position.
        Splice(Index, Index, String),
        /// Repeats an array item `n` more times (past every count limit).
        Repeat(Index, Index, usize),
        /// Removes an array item.
        RemoveItem(Index, Index),
        /// Replaces any node with another value (a number for a string …).
        SetValue(Index, Value),
        /// Removes a member of an object.
        RemoveKey(Index, Index),
        /// Adds a member to an object (an unknown key, mostly).
        AddKey(Index, String, Value),
    }

    /// Edits that keep every value's JSON type: text changed, items
    /// repeated or removed. A typed document mostly still deserializes.
    pub fn text_edits(max: usize) -> impl Strategy<Value = Vec<JsonEdit>> {
        let edit = prop_oneof![
            6 => (any::<Index>(), nasty_text()).prop_map(|(a, t)| JsonEdit::SetText(a, t)),
            3 => (any::<Index>(), any::<Index>(), nasty_text())
                .prop_map(|(a, p, t)| JsonEdit::Splice(a, p, t)),
            1 => (any::<Index>(), any::<Index>(), 1usize..60)
                .prop_map(|(a, i, n)| JsonEdit::Repeat(a, i, n)),
            1 => (any::<Index>(), any::<Index>()).prop_map(|(a, i)| JsonEdit::RemoveItem(a, i)),
        ];
        prop::collection::vec(edit, 1..=max)
    }

    /// Every kind of edit, including type changes and unknown keys.
    pub fn any_edits(max: usize) -> impl Strategy<Value = Vec<JsonEdit>> {
        let edit = prop_oneof![
            4 => (any::<Index>(), nasty_text()).prop_map(|(a, t)| JsonEdit::SetText(a, t)),
            2 => (any::<Index>(), any::<Index>(), nasty_text())
                .prop_map(|(a, p, t)| JsonEdit::Splice(a, p, t)),
            1 => (any::<Index>(), any::<Index>(), 1usize..60)
                .prop_map(|(a, i, n)| JsonEdit::Repeat(a, i, n)),
            1 => (any::<Index>(), any::<Index>()).prop_map(|(a, i)| JsonEdit::RemoveItem(a, i)),
            2 => (any::<Index>(), any_json()).prop_map(|(a, v)| JsonEdit::SetValue(a, v)),
            1 => (any::<Index>(), any::<Index>()).prop_map(|(a, k)| JsonEdit::RemoveKey(a, k)),
            1 => (any::<Index>(), nasty_text(), any_json())
                .prop_map(|(a, k, v)| JsonEdit::AddKey(a, k, v)),
        ];
        prop::collection::vec(edit, 1..=max)
    }

    /// A step from a node to one of its children.
    #[derive(Debug, Clone)]
    enum Step {
        Key(String),
        Item(usize),
    }

    fn paths(value: &Value, keep: &dyn Fn(&Value) -> bool) -> Vec<Vec<Step>> {
        fn walk(
            v: &Value,
            here: &mut Vec<Step>,
            keep: &dyn Fn(&Value) -> bool,
            out: &mut Vec<Vec<Step>>,
        ) {
            if keep(v) {
                out.push(here.clone());
            }
            match v {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        here.push(Step::Item(i));
                        walk(item, here, keep, out);
                        here.pop();
                    }
                }
                Value::Object(map) => {
                    for (k, item) in map {
                        here.push(Step::Key(k.clone()));
                        walk(item, here, keep, out);
                        here.pop();
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(value, &mut Vec::new(), keep, &mut out);
        out
    }

    fn node<'v>(mut v: &'v mut Value, path: &[Step]) -> &'v mut Value {
        for step in path {
            v = match step {
                Step::Key(k) => &mut v[k.as_str()],
                Step::Item(i) => &mut v[*i],
            };
        }
        v
    }

    fn pick<'v>(
        doc: &'v mut Value,
        at: &Index,
        keep: &dyn Fn(&Value) -> bool,
    ) -> Option<&'v mut Value> {
        let all = paths(doc, keep);
        if all.is_empty() {
            return None;
        }
        let path = all[at.index(all.len())].clone();
        Some(node(doc, &path))
    }

    impl JsonEdit {
        /// Applies the edit; `false` when the document has no node of the
        /// kind it needs (it is left unchanged then).
        pub fn apply(&self, doc: &mut Value) -> bool {
            match self {
                JsonEdit::SetText(at, text) => match pick(doc, at, &Value::is_string) {
                    Some(v) => {
                        *v = Value::String(text.clone());
                        true
                    }
                    None => false,
                },
                JsonEdit::Splice(at, pos, text) => match pick(doc, at, &Value::is_string) {
                    Some(Value::String(s)) => {
                        let chars: Vec<char> = s.chars().collect();
                        let p = pos.index(chars.len() + 1);
                        let mut out: String = chars[..p].iter().collect();
                        out.push_str(text);
                        out.extend(&chars[p..]);
                        *s = out;
                        true
                    }
                    _ => false,
                },
                JsonEdit::Repeat(at, item, n) => {
                    let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
                    match pick(doc, at, &non_empty) {
                        Some(Value::Array(items)) => {
                            let copy = items[item.index(items.len())].clone();
                            items.extend(std::iter::repeat_n(copy, *n));
                            true
                        }
                        _ => false,
                    }
                }
                JsonEdit::RemoveItem(at, item) => {
                    let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
                    match pick(doc, at, &non_empty) {
                        Some(Value::Array(items)) => {
                            let i = item.index(items.len());
                            items.remove(i);
                            true
                        }
                        _ => false,
                    }
                }
                JsonEdit::SetValue(at, value) => match pick(doc, at, &|_: &Value| true) {
                    Some(v) => {
                        *v = value.clone();
                        true
                    }
                    None => false,
                },
                JsonEdit::RemoveKey(at, key) => {
                    let non_empty = |v: &Value| v.as_object().is_some_and(|m| !m.is_empty());
                    match pick(doc, at, &non_empty) {
                        Some(Value::Object(map)) => {
                            let k = map.keys().nth(key.index(map.len())).cloned();
                            k.and_then(|k| map.remove(&k)).is_some()
                        }
                        _ => false,
                    }
                }
                JsonEdit::AddKey(at, key, value) => match pick(doc, at, &Value::is_object) {
                    Some(Value::Object(map)) => {
                        map.insert(key.clone(), value.clone());
                        true
                    }
                    _ => false,
                },
            }
        }
    }
}
