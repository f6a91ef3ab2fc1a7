//! Declaration message speed: reading and writing one 50-line message in
//! UTF-8, and reading the same message saved as GBK (as files written on
//! Windows are).
//!
//! `cargo bench --workspace --bench message`; numbers go in
//! docs/benchmarks.md ("Declaration messages").

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use portdesk_domain::{Declaration, MAX_LINES};
use portdesk_message::{read, write, Declarant, WriteOptions};

/// The valid export fixture with its goods lines repeated to 50, each line
/// with its own quantity and total so no two are the same text.
fn fifty_lines() -> Declaration {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/declaration-valid.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut d: Declaration = serde_json::from_str(&text).unwrap();
    let base = d.lines.clone();
    d.lines = (0..MAX_LINES)
        .map(|i| {
            let mut line = base[i % base.len()].clone();
            line.quantity = format!("{}.5", 10 + i);
            line.total_price = format!("{}.00", 1000 * (i + 1));
            line
        })
        .collect();
    d
}

fn options() -> WriteOptions {
    WriteOptions {
        declarant: Declarant {
            cop_code: "2102980567".into(),
            cop_name: "大连港通报关有限公司".into(),
            cop_scc: "91210231MA10XB2P32".into(),
            inputer_name: "王敏".into(),
            declare_name: "王敏".into(),
            typist_no: "2100000012345".into(),
            ic_code: "2100000012345".into(),
            oper_name: "王敏".into(),
        },
        ..WriteOptions::default()
    }
}

fn messages(c: &mut Criterion) {
    let decl = fifty_lines();
    let opts = options();
    let utf8 = write(&decl, &opts).unwrap();
    let text = String::from_utf8(utf8.clone()).unwrap();
    let gbk_text = text.replacen("encoding=\"UTF-8\"", "encoding=\"GBK\"", 1);
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&gbk_text);
    assert!(!lossy, "the fixture's text is all in GBK");
    let gbk = gbk.into_owned();
    // Both read back to the declaration, so the bench measures real work.
    assert_eq!(read(&utf8).unwrap().declaration, decl);
    assert_eq!(read(&gbk).unwrap().declaration, decl);
    println!(
        "50-line message: {} bytes UTF-8, {} bytes GBK",
        utf8.len(),
        gbk.len()
    );

    let mut group = c.benchmark_group("message");
    group.sample_size(50);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("read_50_lines_utf8", |b| b.iter(|| read(black_box(&utf8))));
    group.bench_function("write_50_lines_utf8", |b| {
        b.iter(|| write(black_box(&decl), black_box(&opts)))
    });
    group.bench_function("read_50_lines_gbk", |b| b.iter(|| read(black_box(&gbk))));
    group.finish();
}

criterion_group!(benches, messages);
criterion_main!(benches);
