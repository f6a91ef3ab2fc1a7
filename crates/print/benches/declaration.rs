//! Printed declaration speed: the 50-line, 10-container fixture
//! (tests/fixtures/declarations/fifty-lines.json, 8 pages) as a draft
//! sheet, and with a GBK name drawn from the system fallback font
//! (fonts-wqy-zenhei, as `scripts/setup.sh --tests` installs it).
//!
//! `cargo bench -p portdesk-print --bench declaration`; numbers go in
//! docs/benchmarks.md ("Printed declaration").

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use portdesk_domain::declaration::Declaration;
use portdesk_domain::CodeLists;
use portdesk_print::{render_declaration, DeclarationJob, FallbackFont, SheetKind};

fn fixture() -> Declaration {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/declarations/fifty-lines.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn job(declaration: Declaration) -> DeclarationJob {
    DeclarationJob {
        declaration,
        kind: SheetKind::Draft,
        released: false,
        entry_id: None,
        declared_on: None,
        fallback_font: None,
        printed_at: None,
    }
}

fn declaration(c: &mut Criterion) {
    let lists = CodeLists::bundled();
    let mut group = c.benchmark_group("declaration");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(6));

    let plain = job(fixture());
    let size = render_declaration(&plain, &lists).map_or(0, |p| p.len());
    println!("50 lines: {size} bytes");
    group.bench_function("50_lines_10_containers", |b| {
        b.iter(|| render_declaration(black_box(&plain), &lists))
    });

    if let Ok(bytes) = std::fs::read("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc") {
        let font = FallbackFont::new(Arc::new(bytes), 0).expect("a font");
        let mut d = fixture();
        d.head.trade_name = "大连镕达钢材进出口有限公司".into();
        let mut gbk = job(d);
        gbk.fallback_font = Some(font);
        let size = render_declaration(&gbk, &lists).map_or(0, |p| p.len());
        println!("50 lines + GBK fallback: {size} bytes");
        group.bench_function("50_lines_gbk_fallback", |b| {
            b.iter(|| render_declaration(black_box(&gbk), &lists))
        });
    }
    group.finish();
}

criterion_group!(benches, declaration);
criterion_main!(benches);
