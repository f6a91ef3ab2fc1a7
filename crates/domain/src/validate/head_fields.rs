//! The declaration head's fields (表头字段), written once: serde name in
//! struct order, label in Chinese and English, and when each must be filled
//! in. Report order (`order.rs`), labels (`labels.rs`), the required-field
//! rule (`required.rs`) and text hygiene (`cross_field.rs`, rule 10) all
//! read this table, so adding a head field is one row here.
//!
//! Flags: `D` required in a draft (暂存, the D column of the declaration
//! reference), `S` required in a two-step summary (概要申报), `F` required
//! when declaring in full (the S column), `E` English text only (ASCII:
//! the overseas party). Conditional requirements stay with their rule in
//! `required.rs`: the consuming/producing unit's credit code (unless it has
//! a customs code) and, for imports, the goods location.

use crate::declaration::Head;

/// One head field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeadField {
    /// The serde name (`gross_weight`); its path is `head.<name>`.
    pub(crate) name: &'static str,
    pub(crate) zh: &'static str,
    pub(crate) en: &'static str,
    flags: &'static str,
    /// The field's text, for the text fields (not the flag, charges, booleans).
    pub(crate) text: Option<fn(&Head) -> &str>,
}

impl HeadField {
    /// Required in a draft.
    pub(crate) fn in_draft(&self) -> bool {
        self.flags.contains('D')
    }
    /// Required in a two-step summary.
    pub(crate) fn in_summary(&self) -> bool {
        self.flags.contains('S')
    }
    /// Required when declaring in full.
    pub(crate) fn in_full(&self) -> bool {
        self.flags.contains('F')
    }
    /// English (ASCII) text only.
    pub(crate) fn english_only(&self) -> bool {
        self.flags.contains('E')
    }
}

macro_rules! head_fields {
    ($($name:ident $kind:ident $flags:literal $zh:literal $en:literal;)*) => {
        /// Every head field, in struct order.
        pub(crate) const HEAD: &[HeadField] = &[$(HeadField {
            name: stringify!($name),
            zh: $zh,
            en: $en,
            flags: $flags,
            text: head_fields!(@$kind $name),
        },)*];
    };
    (@text $name:ident) => {
        Some({
            fn text(h: &Head) -> &str {
                &h.$name
            }
            text
        })
    };
    (@other $name:ident) => {
        None
    };
}

head_fields! {
    ie_flag other "" "进出口标志" "import/export flag";
    declaring_customs text "DSF" "申报地海关" "declaring customs office";
    ie_port text "SF" "进/出境关别" "port of entry/exit";
    record_no text "" "备案号" "record no.";
    contract_no text "" "合同协议号" "contract no.";
    ie_date text "" "进出口日期" "import/export date";
    trade_scc text "SF" "境内收发货人统一社会信用代码" "domestic consignee/consignor credit code";
    trade_code text "SF" "境内收发货人海关编码" "domestic consignee/consignor customs code";
    trade_name text "SF" "境内收发货人名称" "domestic consignee/consignor name";
    overseas_name text "E" "境外收发货人名称" "overseas consignor/consignee name";
    overseas_address text "E" "境外收发货人地址" "overseas consignor/consignee address";
    overseas_aeo text "E" "境外收发货人AEO编码" "overseas consignor/consignee AEO code";
    owner_scc text "" "消费使用/生产销售单位统一社会信用代码" "consuming/producing unit credit code";
    owner_code text "" "消费使用/生产销售单位代码" "consuming/producing unit code";
    owner_name text "F" "消费使用/生产销售单位名称" "consuming/producing unit name";
    agent_scc text "DSF" "申报单位统一社会信用代码" "declaring agent credit code";
    agent_code text "DSF" "申报单位海关编码" "declaring agent customs code";
    agent_name text "DSF" "申报单位名称" "declaring agent name";
    transport_mode text "SF" "运输方式" "transport mode";
    conveyance_name text "S" "运输工具名称" "conveyance name";
    voyage_no text "S" "航次号" "voyage no.";
    bill_no text "S" "提运单号" "bill of lading no.";
    trade_mode text "SF" "监管方式" "trade mode";
    levy_kind text "" "征免性质" "levy kind";
    licence_no text "" "许可证号" "licence no.";
    trade_country text "F" "启运国/运抵国" "country of departure/arrival";
    trading_country text "DF" "贸易国别" "trading country";
    destination_port text "F" "指运港/经停港" "destination/transit port";
    departure_port text "F" "启运港" "departure port";
    entry_exit_port text "F" "入境/离境口岸" "entry/exit port";
    terms_of_sale text "F" "成交方式" "terms of sale";
    freight other "" "运费" "freight";
    insurance other "" "保费" "insurance";
    other_charges other "" "杂费" "other charges";
    packages text "F" "件数" "number of packages";
    package_kind text "F" "包装种类" "kind of package";
    gross_weight text "SF" "毛重" "gross weight";
    net_weight text "F" "净重" "net weight";
    marks text "" "标记唛码" "marks and numbers";
    goods_place text "" "货物存放地点" "goods location";
    entry_type text "F" "报关单类型" "declaration form type";
    document_type text "F" "单据类型" "document type";
    price_declarations text "DF" "价格说明" "price declarations";
    guarantee_release other "" "担保验放" "guarantee release";
    remarks text "" "备注" "remarks";
}

/// The head field named `name`.
pub(crate) fn find(name: &str) -> Option<&'static HeadField> {
    HEAD.iter().find(|f| f.name == name)
}

/// `(path, text)` of every text field of `head`, in struct order.
pub(crate) fn texts(head: &Head) -> impl Iterator<Item = (&'static HeadField, &str)> {
    HEAD.iter()
        .filter_map(move |f| f.text.map(|text| (f, text(head))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_field_reads_its_own_value() {
        // Fill each text field with its own name through serde, then read
        // it back through the table: a row wired to the wrong field fails.
        let mut json = serde_json::to_value(Head::default()).unwrap();
        for f in HEAD.iter().filter(|f| f.text.is_some()) {
            json[f.name] = serde_json::Value::String(f.name.to_owned());
        }
        let head: Head = serde_json::from_value(json).unwrap();
        let read: Vec<(&str, &str)> = texts(&head).map(|(f, t)| (f.name, t)).collect();
        assert_eq!(read.len(), 40);
        for (name, text) in read {
            assert_eq!(name, text);
        }
    }
}
