//! The exactly-once check of the fault test, on what the client *sent*
//! (the mock's request log, written before the server's dedup by client
//! document id could hide a second filing): every document filed was sent,
//! and every request for one document carried one and the same key. A
//! second key for a document is a second filing the server only refused
//! because it deduplicates; a client that did that would file twice at a
//! server that does not.

use std::collections::{BTreeMap, BTreeSet};

use portdesk_testkit::LoggedRequest;

/// Checks the mock's request log against the documents `filed`; `Err`
/// says which document broke which rule.
pub fn check_exactly_once(sent: &[LoggedRequest], filed: &[String]) -> Result<(), String> {
    let mut keys: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in sent
        .iter()
        .filter(|s| s.method == "POST" && s.path == "/v1/declarations")
    {
        let csn = s
            .client_seq_no
            .as_deref()
            .ok_or_else(|| format!("a filing without client_seq_no: {s:?}"))?;
        let key = s
            .idempotency_key
            .as_deref()
            .ok_or_else(|| format!("{csn} sent without an idempotency key"))?;
        keys.entry(csn).or_default().insert(key);
    }
    for csn in filed {
        match keys.get(csn.as_str()) {
            None => return Err(format!("{csn} was never sent")),
            Some(k) if k.len() > 1 => {
                return Err(format!("{csn} was sent under {} keys: {k:?}", k.len()))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn sent(csn: &str, key: &str) -> LoggedRequest {
    LoggedRequest {
        method: "POST".into(),
        path: "/v1/declarations".into(),
        client_seq_no: Some(csn.into()),
        idempotency_key: Some(key.into()),
    }
}

#[test]
fn retries_under_one_key_pass() {
    let history = [
        sent("A", "k1"),
        sent("A", "k1"),
        sent("B", "k2"),
        sent("A", "k1"),
    ];
    check_exactly_once(&history, &["A".into(), "B".into()]).unwrap();
}

#[test]
fn a_document_sent_under_a_second_key_fails_the_check() {
    let history = [sent("A", "k1"), sent("B", "k2"), sent("A", "k3")];
    let err = check_exactly_once(&history, &["A".into(), "B".into()]).unwrap_err();
    assert!(err.contains("A was sent under 2 keys"), "{err}");
}

#[test]
fn a_document_never_sent_fails_the_check() {
    let err = check_exactly_once(&[sent("A", "k1")], &["A".into(), "B".into()]).unwrap_err();
    assert!(err.contains("B was never sent"), "{err}");
}
