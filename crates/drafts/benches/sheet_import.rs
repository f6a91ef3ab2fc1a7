//! Importing a spreadsheet (`Drafts::preview_sheet_import`, then
//! `save_sheet_import`, as `portdesk import FILE.xlsx` and the app do) of
//! 50 goods lines and of 5,000 (split into 100 declarations), beside a
//! plain calamine read of every sheet of the same file: what our reading,
//! layout, split and validation add to the library's own parse.
//!
//! The workbooks are the template layout, written by our writer from the
//! valid fixture with its lines repeated. Each save goes into a fresh
//! database. `cargo bench --workspace --bench sheet_import`; numbers go in
//! docs/benchmarks.md ("Spreadsheet import").

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use calamine::{open_workbook_auto_from_rs, Reader};
use criterion::{criterion_group, criterion_main, Criterion};
use portdesk_domain::{CodeLists, Declaration};
use portdesk_drafts::Drafts;
use portdesk_store::Store;
use tokio::runtime::Runtime;

/// The valid fixture with `lines` goods lines, as a template workbook in `dir`.
fn workbook(dir: &Path, lines: usize) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/declaration-valid.json");
    let mut d: Declaration = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let template = d.lines.clone();
    d.lines = (0..lines)
        .map(|i| {
            let mut l = template[i % template.len()].clone();
            l.name = format!("{} {i}", l.name);
            l
        })
        .collect();
    d.containers.clear();
    let bytes = portdesk_sheet::write_declaration(&d, &CodeLists::bundled()).unwrap();
    let file = dir.join(format!("lines-{lines}.xlsx"));
    std::fs::write(&file, bytes).unwrap();
    file
}

fn calamine_read(file: &Path) -> usize {
    let bytes = std::fs::read(file).unwrap();
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    let mut cells = 0;
    for name in book.sheet_names() {
        cells += book.worksheet_range(&name).unwrap().used_cells().count();
    }
    cells
}

fn sheet_import(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let files = tempfile::tempdir().unwrap();
    let lists = Arc::new(CodeLists::bundled());
    let fresh = |db: &Path| {
        rt.block_on(async {
            let store = Store::open(&db.join("portdesk.db")).await.unwrap();
            Drafts::new(store, lists.clone())
        })
    };
    let mut group = c.benchmark_group("sheet_import");
    group.sample_size(10);
    for (lines, parts) in [(50usize, 1usize), (5_000, 100)] {
        let file = workbook(files.path(), lines);
        group.measurement_time(Duration::from_secs(if lines > 50 { 40 } else { 10 }));
        group.bench_function(format!("calamine_read_{lines}"), |b| {
            b.iter(|| calamine_read(&file))
        });
        let db = tempfile::tempdir().unwrap();
        let drafts = fresh(db.path());
        group.bench_function(format!("preview_{lines}"), |b| {
            b.iter(|| {
                let p = rt
                    .block_on(drafts.preview_sheet_import(&file, Some("template"), None))
                    .unwrap();
                assert_eq!(p.parts.len(), parts);
            })
        });
        group.bench_function(format!("save_{lines}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let db = tempfile::tempdir().unwrap();
                    let drafts = fresh(db.path());
                    let p = rt
                        .block_on(drafts.preview_sheet_import(&file, Some("template"), None))
                        .unwrap();
                    let start = Instant::now();
                    let saved = rt
                        .block_on(drafts.save_sheet_import(p.ticket, p.parts))
                        .unwrap();
                    total += start.elapsed();
                    assert_eq!(saved.len(), parts);
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sheet_import);
criterion_main!(benches);
