//! Human names of fields for messages (字段名称), so a message reads
//! "第2项商品编号" / "line 2 commodity code" instead of a path.

/// (serde name, Chinese, English) of head fields.
const HEAD: &[(&str, &str, &str)] = &[
    ("ie_flag", "进出口标志", "import/export flag"),
    (
        "declaring_customs",
        "申报地海关",
        "declaring customs office",
    ),
    ("ie_port", "进/出境关别", "port of entry/exit"),
    ("record_no", "备案号", "record no."),
    ("contract_no", "合同协议号", "contract no."),
    ("ie_date", "进出口日期", "import/export date"),
    (
        "trade_scc",
        "境内收发货人统一社会信用代码",
        "domestic consignee/consignor credit code",
    ),
    (
        "trade_code",
        "境内收发货人海关编码",
        "domestic consignee/consignor customs code",
    ),
    (
        "trade_name",
        "境内收发货人名称",
        "domestic consignee/consignor name",
    ),
    (
        "overseas_name",
        "境外收发货人名称",
        "overseas consignor/consignee name",
    ),
    (
        "overseas_address",
        "境外收发货人地址",
        "overseas consignor/consignee address",
    ),
    (
        "overseas_aeo",
        "境外收发货人AEO编码",
        "overseas consignor/consignee AEO code",
    ),
    (
        "owner_scc",
        "消费使用/生产销售单位统一社会信用代码",
        "consuming/producing unit credit code",
    ),
    (
        "owner_code",
        "消费使用/生产销售单位代码",
        "consuming/producing unit code",
    ),
    (
        "owner_name",
        "消费使用/生产销售单位名称",
        "consuming/producing unit name",
    ),
    (
        "agent_scc",
        "申报单位统一社会信用代码",
        "declaring agent credit code",
    ),
    (
        "agent_code",
        "申报单位海关编码",
        "declaring agent customs code",
    ),
    ("agent_name", "申报单位名称", "declaring agent name"),
    ("transport_mode", "运输方式", "transport mode"),
    ("conveyance_name", "运输工具名称", "conveyance name"),
    ("voyage_no", "航次号", "voyage no."),
    ("bill_no", "提运单号", "bill of lading no."),
    ("trade_mode", "监管方式", "trade mode"),
    ("levy_kind", "征免性质", "levy kind"),
    ("licence_no", "许可证号", "licence no."),
    (
        "trade_country",
        "启运国/运抵国",
        "country of departure/arrival",
    ),
    ("trading_country", "贸易国别", "trading country"),
    (
        "destination_port",
        "指运港/经停港",
        "destination/transit port",
    ),
    ("departure_port", "启运港", "departure port"),
    ("entry_exit_port", "入境/离境口岸", "entry/exit port"),
    ("terms_of_sale", "成交方式", "terms of sale"),
    ("freight", "运费", "freight"),
    ("insurance", "保费", "insurance"),
    ("other_charges", "杂费", "other charges"),
    ("packages", "件数", "number of packages"),
    ("package_kind", "包装种类", "kind of package"),
    ("gross_weight", "毛重", "gross weight"),
    ("net_weight", "净重", "net weight"),
    ("marks", "标记唛码", "marks and numbers"),
    ("goods_place", "货物存放地点", "goods location"),
    ("entry_type", "报关单类型", "declaration form type"),
    ("document_type", "单据类型", "document type"),
    ("price_declarations", "价格说明", "price declarations"),
    ("guarantee_release", "担保验放", "guarantee release"),
    ("remarks", "备注", "remarks"),
];

const CHARGE: &[(&str, &str, &str)] = &[
    ("mark", "标记", "mark"),
    ("value", "数值", "value"),
    ("currency", "币制", "currency"),
];

const LINE: &[(&str, &str, &str)] = &[
    ("commodity_code", "商品编号", "commodity code"),
    ("name", "商品名称", "goods name"),
    ("elements", "规格型号", "declaration elements"),
    ("quantity", "成交数量", "quantity traded"),
    ("unit", "成交计量单位", "unit traded"),
    ("first_quantity", "法定第一数量", "first legal quantity"),
    ("first_unit", "法定第一计量单位", "first legal unit"),
    ("second_quantity", "法定第二数量", "second legal quantity"),
    ("second_unit", "法定第二计量单位", "second legal unit"),
    ("unit_price", "单价", "unit price"),
    ("total_price", "总价", "total price"),
    ("currency", "币制", "currency"),
    ("origin_country", "原产国(地区)", "country of origin"),
    (
        "destination_country",
        "最终目的国(地区)",
        "final destination country",
    ),
    (
        "district_code",
        "境内目的地/货源地",
        "domestic destination/source",
    ),
    ("duty_mode", "征免方式", "duty mode"),
];

const CONTAINER: &[(&str, &str, &str)] = &[
    ("number", "集装箱号", "container no."),
    ("size_type", "集装箱规格", "container size/type"),
    ("line_refs", "商品项号关系", "line references"),
    ("part_load", "拼箱标识", "part-load flag"),
    ("weight", "集装箱自重", "container weight"),
];

const DOCUMENT: &[(&str, &str, &str)] = &[
    ("code", "随附单证代码", "document code"),
    ("cert_no", "随附单证编号", "certificate no."),
];

const EDOC: &[(&str, &str, &str)] = &[
    ("code", "随附单据代码", "edoc code"),
    ("file_name", "随附单据文件名", "edoc file name"),
    ("size", "随附单据文件大小", "edoc file size"),
];

const TOP: &[(&str, &str, &str)] = &[
    ("client_seq_no", "客户端编号", "client sequence no."),
    ("filing_mode", "申报模式", "filing mode"),
    ("advance", "提前申报", "advance declaration"),
    ("lines", "商品项", "goods lines"),
    ("containers", "集装箱", "containers"),
    ("documents", "随附单证", "attached documents"),
    ("edocs", "随附单据", "electronic attachments"),
];

fn find(
    table: &[(&str, &'static str, &'static str)],
    name: &str,
) -> Option<(&'static str, &'static str)> {
    table
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, zh, en)| (*zh, *en))
}

/// The (Chinese, English) name of the field at `path`.
pub(crate) fn field_label(path: &str) -> (String, String) {
    let mut segments = path.split('.');
    let first = segments.next().unwrap_or("");
    let (top, index) = match first.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (first, None),
    };
    let field = segments.next();
    let sub = segments.next();
    let named = match (top, field) {
        ("head", Some(f)) => find(HEAD, f),
        ("lines", Some(f)) => find(LINE, f),
        ("containers", Some(f)) => find(CONTAINER, f),
        ("documents", Some(f)) => find(DOCUMENT, f),
        ("edocs", Some(f)) => find(EDOC, f),
        (t, None) => find(TOP, t),
        _ => None,
    };
    let (mut zh, mut en) = match named {
        Some((zh, en)) => (zh.to_owned(), en.to_owned()),
        None => (path.to_owned(), path.to_owned()),
    };
    if let Some((szh, sen)) = sub.and_then(|s| find(CHARGE, s)) {
        zh.push_str(szh);
        en = format!("{en} {sen}");
    }
    if let Some(i) = index {
        let n = i + 1;
        match top {
            "lines" => {
                zh = format!("第{n}项{zh}");
                en = format!("line {n} {en}");
            }
            "containers" => {
                zh = format!("第{n}个{zh}");
                en = format!("{en} (container {n})");
            }
            _ => {
                zh = format!("第{n}条{zh}");
                en = format!("{en} (row {n})");
            }
        }
    }
    (zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            field_label("head.gross_weight"),
            ("毛重".into(), "gross weight".into())
        );
        assert_eq!(
            field_label("head.freight.value"),
            ("运费数值".into(), "freight value".into())
        );
        assert_eq!(
            field_label("lines[1].commodity_code"),
            ("第2项商品编号".into(), "line 2 commodity code".into())
        );
        assert_eq!(field_label("documents[0].code").1, "document code (row 1)");
        assert_eq!(field_label("lines").0, "商品项");
    }

    #[test]
    fn every_field_has_a_label() {
        use super::super::order::*;
        for f in HEAD_FIELDS {
            assert!(find(HEAD, f).is_some(), "{f}");
        }
        for f in LINE_FIELDS {
            assert!(find(LINE, f).is_some(), "{f}");
        }
        for f in CONTAINER_FIELDS {
            assert!(find(CONTAINER, f).is_some(), "{f}");
        }
        for f in EDOC_FIELDS {
            assert!(find(EDOC, f).is_some(), "{f}");
        }
    }
}
