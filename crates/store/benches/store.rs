//! Benchmarks of the local store on a real file (temp dir), with the same
//! pragmas the app uses. Run: `cargo bench -p portdesk-store`; the numbers
//! are recorded in `docs/benchmarks.md` ("Local store").
//!
//! - `baseline/insert_commit`: a bare one-row INSERT + commit. With
//!   `synchronous=FULL` this is one WAL fsync, the floor for any durable write;
//!   every other number is read against it.
//! - `save_50_lines/*`: saving a declaration with all 50 goods lines filled,
//!   on an empty file and on the 100k-draft file.
//! - `list_100k/*`: the first page (50) of 100k drafts, including the total.
//! - `search_100k/*`: full-text search across 100k drafts.
//!
//! Seeding 100k drafts goes through `Store::create_declarations` in batches
//! of 10k (one transaction each), not one fsync per draft.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use portdesk_benchdata::{full_declaration, info, seed_drafts};
use portdesk_domain::{DraftQuery, IeFlag};
use portdesk_store::{connect_options, Store};
use sqlx::sqlite::SqlitePoolOptions;
use tempfile::TempDir;
use tokio::runtime::Runtime;
use uuid::Uuid;

const SEED_DRAFTS: usize = 100_000;

async fn seed(store: &Store) {
    let started = Instant::now();
    seed_drafts(store, SEED_DRAFTS).await.unwrap();
    eprintln!(
        "seeded {SEED_DRAFTS} drafts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn baseline(c: &mut Criterion, rt: &Runtime, dir: &TempDir) {
    let pool = rt.block_on(async {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(connect_options(&dir.path().join("baseline.db")))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    });
    c.bench_function("baseline/insert_commit", |b| {
        b.to_async(rt).iter(|| async {
            // Autocommit: the statement is its own transaction.
            sqlx::query("INSERT INTO t (v) VALUES ('x')")
                .execute(&pool)
                .await
                .unwrap();
        })
    });
    rt.block_on(pool.close());
}

/// Saves a changed 50-line declaration per iteration (an unchanged one would
/// write nothing).
fn bench_save(c: &mut Criterion, rt: &Runtime, store: &Store, name: &str) {
    let id = Uuid::now_v7();
    let mut d = full_declaration(id);
    rt.block_on(store.create_declaration(id, &d, &info("created")))
        .unwrap();
    let mut n = 0u64;
    c.bench_function(name, |b| {
        b.to_async(rt).iter(|| {
            n += 1;
            d.head.remarks = format!("autosave {n}");
            let (store, d) = (store.clone(), d.clone());
            async move {
                store
                    .save_declaration(id, &d, &info("autosave"))
                    .await
                    .unwrap()
            }
        })
    });
}

fn bench_query(c: &mut Criterion, rt: &Runtime, store: &Store, name: &str, q: DraftQuery) {
    let page = rt.block_on(store.list_drafts(&q)).unwrap();
    eprintln!(
        "{name}: {} on the page, {} in total",
        page.items.len(),
        page.total
    );
    c.bench_function(name, |b| {
        b.to_async(rt)
            .iter(|| async { store.list_drafts(&q).await.unwrap() })
    });
}

fn text(t: &str) -> DraftQuery {
    DraftQuery {
        text: Some(t.into()),
        ..DraftQuery::default()
    }
}

fn all(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();

    baseline(c, &rt, &dir);

    let small = rt
        .block_on(Store::open(&dir.path().join("small.db")))
        .unwrap();
    bench_save(c, &rt, &small, "save_50_lines/empty_db");
    rt.block_on(small.close());

    let big = rt
        .block_on(Store::open(&dir.path().join("big.db")))
        .unwrap();
    rt.block_on(seed(&big));
    bench_query(c, &rt, &big, "list_100k/first_page", DraftQuery::default());
    bench_query(
        c,
        &rt,
        &big,
        "list_100k/first_page_import_only",
        DraftQuery {
            ie_flag: Some(IeFlag::I),
            ..DraftQuery::default()
        },
    );
    bench_query(c, &rt, &big, "search_100k/company_huaqiang", text("华强"));
    bench_query(
        c,
        &rt,
        &big,
        "search_100k/company_dianzi_common",
        text("电子有限"),
    );
    bench_query(
        c,
        &rt,
        &big,
        "search_100k/bill_prefix_COSU0001",
        text("COSU0001"),
    );
    bench_save(c, &rt, &big, "save_50_lines/100k_db");
    rt.block_on(big.close());
}

criterion_group! {
    name = benches;
    // Small samples: the whole run, seeding included, stays within minutes
    // on a 2-core machine.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = all
}
criterion_main!(benches);
