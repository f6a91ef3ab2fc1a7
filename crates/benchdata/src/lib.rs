//! Seeded drafts for benchmarks: the store bench's 100,000-draft file and
//! the data directories `benches/app-probe.sh` starts the app on are made by
//! the same generator, so their figures describe the same data.
//!
//! Drafts are deterministic in their content (company names, bills of
//! lading, HS codes) so searches know their hit counts; only ids are fresh.

use portdesk_domain::{
    client_seq_no_for, AttachedDocument, Charge, Container, Declaration, DraftStatus,
    ElectronicAttachment, GoodsLine, IeFlag, SaveInfo, MAX_LINES,
};
use portdesk_store::{Store, StoreError};
use uuid::Uuid;

/// Drafts per transaction while seeding: one fsync per batch, not per draft.
const SEED_BATCH: usize = 10_000;

/// Middle parts of seeded company names: 40 × 40 = 1600 distinct pairs, so
/// one pair (a "company-name token" such as 华强) matches ~60 of 100k drafts.
const SYLLABLES: [&str; 40] = [
    "华", "强", "兴", "盛", "达", "通", "远", "海", "宏", "鑫", "瑞", "祥", "恒", "泰", "安", "信",
    "德", "丰", "利", "源", "昌", "隆", "新", "嘉", "凯", "明", "光", "辉", "晨", "星", "金", "银",
    "宝", "富", "裕", "和", "顺", "义", "诚", "联",
];
const CITIES: [&str; 8] = [
    "深圳市",
    "宁波",
    "上海",
    "广州市",
    "厦门",
    "青岛",
    "天津",
    "苏州",
];
/// The suffix 电子有限公司 is on 1 in 5 drafts: the "common token" search.
const SUFFIXES: [&str; 5] = [
    "电子有限公司",
    "贸易有限公司",
    "进出口有限公司",
    "实业有限公司",
    "科技股份有限公司",
];
const CARRIERS: [&str; 5] = ["COSU", "MEDU", "MAEU", "EGLV", "ONEY"];
const HS_CODES: [&str; 6] = [
    "8471300000",
    "8517130000",
    "6109100021",
    "9403600000",
    "8504401400",
    "3926909090",
];

pub fn info(note: &str) -> SaveInfo {
    SaveInfo {
        status: DraftStatus::Draft,
        error_count: 3,
        warning_count: 1,
        note: note.into(),
    }
}

/// A fully filled declaration with `MAX_LINES` (50) goods lines: the
/// largest document a save has to write.
pub fn full_declaration(id: Uuid) -> Declaration {
    let mut d = Declaration::new(client_seq_no_for(id), IeFlag::E);
    let h = &mut d.head;
    h.declaring_customs = "5316".into();
    h.ie_port = "5316".into();
    h.record_no = "B53161234567".into();
    h.contract_no = "HQ-2025-EX-000123".into();
    h.ie_date = "20250314".into();
    h.trade_scc = "91440300MA5F123456".into();
    h.trade_code = "4403961234".into();
    h.trade_name = "深圳市华强电子有限公司".into();
    h.overseas_name = "ACME ELECTRONICS GMBH".into();
    h.overseas_address = "HAUPTSTRASSE 1, 20095 HAMBURG, GERMANY".into();
    h.overseas_aeo = "NO".into();
    h.owner_scc = "91440300MA5F123456".into();
    h.owner_code = "4403961234".into();
    h.owner_name = "深圳市华强电子有限公司".into();
    h.agent_scc = "91440300MA5F654321".into();
    h.agent_code = "4403980001".into();
    h.agent_name = "深圳市通关报关有限公司".into();
    h.transport_mode = "2".into();
    h.conveyance_name = "COSCO SHIPPING ARIES".into();
    h.voyage_no = "042W".into();
    h.bill_no = "COSU6123456789".into();
    h.trade_mode = "0110".into();
    h.levy_kind = "101".into();
    h.trade_country = "DEU".into();
    h.trading_country = "DEU".into();
    h.destination_port = "DEU076".into();
    h.departure_port = "CHN331".into();
    h.entry_exit_port = "470401".into();
    h.terms_of_sale = "3".into();
    h.freight = Charge {
        mark: "3".into(),
        value: "1200".into(),
        currency: "USD".into(),
    };
    h.insurance = Charge {
        mark: "1".into(),
        value: "0.3".into(),
        currency: String::new(),
    };
    h.packages = "120".into();
    h.package_kind = "22".into();
    h.gross_weight = "2450.5".into();
    h.net_weight = "2300".into();
    h.marks = "N/M".into();
    h.document_type = "000000".into();
    h.price_declarations = "000".into();
    h.remarks = "整柜出口".into();
    for i in 0..MAX_LINES {
        d.lines.push(GoodsLine {
            commodity_code: HS_CODES[i % HS_CODES.len()].into(),
            name: format!("便携式自动数据处理设备第{i}型"),
            elements: format!("4|3|无品牌|型号X{i}|14英寸|Intel处理器|16GB内存"),
            quantity: "100".into(),
            unit: "001".into(),
            first_quantity: "100".into(),
            first_unit: "001".into(),
            second_quantity: "150.5".into(),
            second_unit: "035".into(),
            unit_price: "325.50".into(),
            total_price: "32550.00".into(),
            currency: "USD".into(),
            origin_country: "CHN".into(),
            destination_country: "DEU".into(),
            district_code: "44031".into(),
            duty_mode: "1".into(),
            part_number: String::new(),
        });
    }
    for i in 0..4 {
        d.containers.push(Container {
            number: format!("MSKU12345{i}5"),
            size_type: "45G1".into(),
            line_refs: "1,2,3".into(),
            part_load: false,
            weight: "3800".into(),
        });
    }
    d.documents.push(AttachedDocument {
        code: "Y".into(),
        cert_no: "Y2025000123".into(),
    });
    d.edocs.push(ElectronicAttachment {
        code: "00000001".into(),
        file_name: "invoice.pdf".into(),
        size: "120344".into(),
    });
    d
}

/// Seeded draft number `i`: varied company, bill of lading, two goods lines
/// and a container, deterministic so the searches know their hit counts.
pub fn seeded_declaration(id: Uuid, i: usize) -> Declaration {
    let mut d = Declaration::new(
        client_seq_no_for(id),
        if i.is_multiple_of(3) {
            IeFlag::I
        } else {
            IeFlag::E
        },
    );
    let a = SYLLABLES[i % 40];
    let b = SYLLABLES[(i / 40) % 40];
    d.head.trade_name = format!("{}{a}{b}{}", CITIES[i % 8], SUFFIXES[(i / 7) % 5]);
    d.head.bill_no = format!("{}{:010}", CARRIERS[i % 5], i * 7919 % 10_000_000_000);
    d.head.overseas_name = format!("BUYER {} TRADING LTD", i % 500);
    for l in 0..2 {
        d.lines.push(GoodsLine {
            commodity_code: HS_CODES[(i + l) % HS_CODES.len()].into(),
            name: "电子产品配件".into(),
            quantity: "10".into(),
            ..GoodsLine::default()
        });
    }
    d.containers.push(Container {
        number: format!("TGHU{:07}", i),
        ..Container::default()
    });
    d
}

/// Adds `count` seeded drafts (numbers `0..count`) to `store` through
/// `Store::create_declarations`, [`SEED_BATCH`] per transaction.
pub async fn seed_drafts(store: &Store, count: usize) -> Result<(), StoreError> {
    let mut i = 0;
    while i < count {
        let batch: Vec<_> = (i..(i + SEED_BATCH).min(count))
            .map(|n| {
                let id = Uuid::now_v7();
                (id, seeded_declaration(id, n), info("import"))
            })
            .collect();
        store.create_declarations(&batch).await?;
        i += batch.len();
    }
    Ok(())
}
