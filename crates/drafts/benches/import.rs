//! Importing a folder of 1,000 declaration messages (`Drafts::import_files`
//! over `expand_inputs`, as `portdesk import DIR` and the app's import do):
//! each file read with its limits, parsed, validated and saved as a draft
//! in its own transaction, into a fresh database each time.
//!
//! `cargo bench --workspace --bench import`; numbers go in
//! docs/benchmarks.md ("Declaration messages").

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use portdesk_domain::{client_seq_no_for, CodeLists, Declaration};
use portdesk_drafts::messages::expand_inputs;
use portdesk_drafts::Drafts;
use portdesk_message::{write, WriteOptions};
use portdesk_store::Store;
use tokio::runtime::Runtime;
use uuid::Uuid;

const FILES: usize = 1_000;

/// A folder of `FILES` messages: the valid export fixture under its own
/// client sequence no. each, written by our writer.
fn folder() -> tempfile::TempDir {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/declaration-valid.json");
    let base: Declaration = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..FILES {
        let d = Declaration {
            client_seq_no: client_seq_no_for(Uuid::now_v7()),
            ..base.clone()
        };
        let bytes = write(&d, &WriteOptions::default()).unwrap();
        std::fs::write(dir.path().join(format!("{i:04}.xml")), bytes).unwrap();
    }
    dir
}

fn import_folder(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let messages = folder();
    let lists = Arc::new(CodeLists::bundled());
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("folder_of_1000_messages", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let db = tempfile::tempdir().unwrap();
                let drafts = rt.block_on(async {
                    let store = Store::open(&db.path().join("portdesk.db")).await.unwrap();
                    Drafts::new(store, lists.clone())
                });
                let start = Instant::now();
                let files = expand_inputs(&[messages.path().to_path_buf()]).unwrap();
                let outcomes = rt.block_on(drafts.import_files(&files));
                total += start.elapsed();
                assert_eq!(outcomes.len(), FILES);
                assert!(outcomes.iter().all(|o| o.error.is_none()));
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, import_folder);
criterion_main!(benches);
