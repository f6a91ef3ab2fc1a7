//! Certificate printing speed: one certificate of each form (with the seal
//! and signature images and a sealed QR code), a 40-item certificate with
//! continuation sheets, and a batch of 1,000 through `render_batch`.
//!
//! `cargo bench -p portdesk-print --bench render`; numbers go in
//! docs/benchmarks.md ("Certificate printing").

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{application, job, many_items};
use criterion::{criterion_group, criterion_main, Criterion};
use portdesk_domain::origin::OriginForm;
use portdesk_print::{render, render_batch};

fn single(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    for form in [OriginForm::C, OriginForm::E, OriginForm::R] {
        let j = job(application(form));
        let size = render(&j).map(|pdf| pdf.len()).unwrap_or(0);
        println!("form {form:?}: {size} bytes");
        group.bench_function(format!("form_{form:?}"), |b| {
            b.iter(|| render(black_box(&j)))
        });
    }
    let mut app = application(OriginForm::E);
    app.items = many_items(&app, 40);
    let j = job(app);
    group.bench_function("form_E_40_items", |b| b.iter(|| render(black_box(&j))));
    group.finish();
}

fn batch(c: &mut Criterion) {
    // 1,000 certificates, the three forms in turn. Ten samples of the whole
    // batch: criterion's minimum, a couple of minutes on two cores.
    let jobs: Vec<_> = (0..1000)
        .map(|i| {
            job(application(
                [OriginForm::C, OriginForm::E, OriginForm::R][i % 3],
            ))
        })
        .collect();
    let mut group = c.benchmark_group("render_batch");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("1000_certificates", |b| {
        b.iter(|| {
            let results = render_batch(black_box(&jobs), |_, _| {});
            assert!(results.iter().all(Result::is_ok));
            results
        })
    });
    group.finish();
}

criterion_group!(benches, single, batch);
criterion_main!(benches);
