//! `portdesk file` and the tax-payment choice, against the real mock-window
//! process: a declaration drawing on an exhausted guarantee is refused by
//! the CLI before sending, naming the TAX-* rule and field; forced with
//! `--skip-tax-check`, it is filed and the server rejects it (receipt `E`)
//! with the same rule id and field.
//!
//! The mock is the `mock-window` binary of the workspace, started by
//! `portdesk-testkit`.

use std::process::Output;

use portdesk_store::Store;
use portdesk_testkit::MockProcess;

use crate::common::*;

/// The consignor of tests/fixtures/declaration-valid.json; its tax
/// insurance is seeded exhausted (2,000,000.00 of 2,000,000.00 used).
const STEEL: &str = "2102930001";
const EXHAUSTED: &str = "PICC-GTI-2026-2102-000187";
const QUOTA_RULE: &str = "TAX-GUARANTEE-QUOTA";
const QUOTA_FIELD: &str = "tax_payment.guarantee_no";

/// The mock with a quick review pace.
fn start_mock() -> MockProcess {
    MockProcess::start(&["--review-pace-ms", "20"])
}

#[test]
fn exhausted_guarantee_is_refused_offline_and_when_forced_by_the_server_with_the_same_rule() {
    let mock = start_mock();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();

    // Logging in caches the guarantees and enterprise profile.
    let out = portdesk(
        dir,
        &[
            "login",
            "--server",
            &mock.base,
            "--customs-code",
            STEEL,
            "--operator",
            OPERATOR,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    let choice = dir.join("tax-choice.json");
    std::fs::write(
        &choice,
        serde_json::json!({ "summary_tax": true, "guarantee_no": EXHAUSTED }).to_string(),
    )
    .unwrap();
    let declaration = fixture("declaration-valid.json");
    let file_args = [
        "file",
        declaration.to_str().unwrap(),
        "--tax-choice",
        choice.to_str().unwrap(),
    ];

    // Refused before sending: non-zero exit, the rule and field named.
    let out = portdesk(dir, &file_args);
    let refused = text(&out);
    assert_eq!(out.status.code(), Some(1), "{refused}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("refused\t"))
        .unwrap_or_else(|| panic!("no refused line: {refused}"));
    assert!(line.contains("tax_refused"), "{line}");
    assert!(line.contains(QUOTA_RULE), "{line}");
    assert!(line.contains(QUOTA_FIELD), "{line}");
    assert!(!stdout.contains("filed\t"), "{refused}");

    // Forced past the offline check: filed (queued) ...
    let mut forced = file_args.to_vec();
    forced.push("--skip-tax-check");
    let out = portdesk(dir, &forced);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("filed\t"),
        "{}",
        text(&out)
    );

    // ... delivered, and answered with a rejection naming the same rule.
    let out = portdesk(dir, &["sync", "--until-idle", "--timeout-secs", "120"]);
    let synced = text(&out);
    assert!(out.status.success(), "{synced}");
    assert!(synced.contains("failed 0"), "{synced}");
    assert!(synced.contains("E 1"), "{synced}");
    // Sync also caches the issuer keys `portdesk verify` trusts offline.
    assert!(synced.contains("issuer keys\t1"), "{synced}");
    let keys = std::fs::read_to_string(dir.join("seal-keys.json")).expect("issuer keys cached");
    assert!(keys.contains("Ed25519") || keys.contains("OKP"), "{keys}");

    let csn =
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&declaration).unwrap())
            .unwrap()["client_seq_no"]
            .as_str()
            .unwrap()
            .to_owned();
    // The rejection names its rule and field on the CLI:
    // rejected<TAB>client_seq_no<TAB>rule<TAB>field<TAB>message.
    let rejected_lines = |out: &Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("rejected\t"))
            .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let lines = rejected_lines(&out);
    assert_eq!(lines.len(), 1, "{synced}");
    assert_eq!(lines[0].len(), 5, "{synced}");
    assert_eq!(
        lines[0][..4],
        ["rejected", csn.as_str(), QUOTA_RULE, QUOTA_FIELD],
        "{synced}"
    );
    assert!(!lines[0][4].is_empty(), "{synced}");
    // Still current on the next run, with nothing new received.
    let out = portdesk(dir, &["sync", "--until-idle", "--timeout-secs", "120"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(rejected_lines(&out), lines, "{}", text(&out));
    let receipts = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let store = Store::open(&dir.join("portdesk.db")).await.unwrap();
            store.receipts_for(&csn).await.unwrap()
        });
    let rejection = receipts
        .iter()
        .find(|r| r.receipt.code == "E")
        .unwrap_or_else(|| panic!("no E receipt for {csn}: {receipts:?}"));
    let reasons: serde_json::Value = serde_json::from_str(&rejection.receipt.reasons).unwrap();
    assert!(
        reasons
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"] == QUOTA_RULE && r["field"] == QUOTA_FIELD),
        "{reasons}"
    );
}
