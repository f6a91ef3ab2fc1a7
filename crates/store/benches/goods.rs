//! The goods library picker (商品库): `Store::search_goods` in a library of
//! 20,000 records, as the picker asks while the clerk types: a part-number
//! prefix, the middle of a commodity code, a two-character Chinese name,
//! one character (many matches, sorted by last use), and an empty box (the
//! most recent). The records are made through `import_goods`, the path an
//! Excel import takes. `cargo bench --workspace --bench goods`; numbers go
//! in docs/benchmarks.md ("Goods library picker").

use chrono::{Duration, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use portdesk_domain::goods::GoodsRecord;
use portdesk_store::Store;
use tokio::runtime::Runtime;

const RECORDS: usize = 20_000;

/// Names made of common goods words, so a 2-character query matches a
/// realistic share of the library.
const WORDS: &[&str] = &[
    "螺栓",
    "螺母",
    "垫圈",
    "轴承",
    "钢板",
    "卷板",
    "电脑",
    "显示器",
    "键盘",
    "电缆",
    "阀门",
    "泵",
    "齿轮",
    "弹簧",
    "铸件",
    "塑料粒",
    "棉布",
    "服装",
    "鞋",
    "玩具",
];

fn record(i: usize) -> GoodsRecord {
    GoodsRecord {
        part_number: format!("PN-{:03}-{i:05}", i % 997),
        commodity_code: format!("{:010}", 7_318_000_000u64 + (i as u64 * 7_919) % 1_000_000),
        name: format!(
            "{}{} {}型",
            WORDS[i % WORDS.len()],
            WORDS[(i / 20) % WORDS.len()],
            i % 300
        ),
        elements: "0|3|钢制|M8".into(),
        unit: "007".into(),
        last_unit_price: format!("{}.{:02}", i % 500, i % 100),
        last_currency: "USD".into(),
        last_used: Some(Utc::now() - Duration::minutes(i as i64)),
        ..Default::default()
    }
}

fn goods(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(async {
        let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
        let records: Vec<GoodsRecord> = (0..RECORDS).map(record).collect();
        for chunk in records.chunks(5_000) {
            store.import_goods(chunk).await.unwrap();
        }
        store
    });
    let mut group = c.benchmark_group("goods_search");
    for (name, query) in [
        ("part_number_prefix", "PN-123"),
        ("code_middle", "18123"),
        ("name_two_chars", "螺栓"),
        ("name_one_char", "螺"),
        ("empty", ""),
        ("no_match", "打印机"),
    ] {
        let found = rt.block_on(store.search_goods(query, 20)).unwrap().len();
        println!("goods_search/{name}: {query:?} finds {found} (limit 20)");
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(store.search_goods(query, 20)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, goods);
criterion_main!(benches);
