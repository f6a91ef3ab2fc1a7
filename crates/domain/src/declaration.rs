//! The customs goods declaration (报关单): head, goods lines, containers and
//! attached documents, as the clerk types them.
//!
//! Every user-typed value is kept as text, even amounts and dates: a draft
//! must hold exactly what was typed (autosave never loses a keystroke, even
//! `12.5x`), and validation turns text into decimals and dates and says which
//! field is wrong. Empty text means "not filled in".

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Most goods lines one declaration may carry (rule 8).
pub const MAX_LINES: usize = 50;

/// Import or export (进出口标志, `IEFlag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
pub enum IeFlag {
    /// Import, 进口.
    I,
    /// Export, 出口.
    E,
}

/// How this declaration is filed (申报模式).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FilingMode {
    /// One-step declaration, 一次申报.
    #[default]
    OneStep,
    /// Two-step declaration, step 1: the summary (概要申报). Import only.
    TwoStepSummary,
    /// Two-step declaration, step 2: the complete declaration (完整申报).
    TwoStepComplete,
}

/// One customs goods declaration (报关单).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// Client sequence number (ClientSeqNo): 18 chars, stable for the life of
    /// the declaration and sent with every submission.
    pub client_seq_no: String,
    #[serde(default)]
    pub filing_mode: FilingMode,
    /// Advance declaration (提前申报): filed before the goods arrive.
    #[serde(default)]
    pub advance: bool,
    pub head: Head,
    #[serde(default)]
    pub lines: Vec<GoodsLine>,
    #[serde(default)]
    pub containers: Vec<Container>,
    #[serde(default)]
    pub documents: Vec<AttachedDocument>,
    #[serde(default)]
    pub edocs: Vec<ElectronicAttachment>,
    /// What other formats carry that the declaration does not model, kept so
    /// it goes back out unchanged (扩展数据). Validation and the editor
    /// leave it alone; absent when empty.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    pub extensions: Extensions,
}

/// Data a declaration brought from another format and carries back to it
/// (扩展数据), opaque to the domain: only the crate that reads and writes
/// that format gives it meaning. At most `EXTENSIONS_MAX_BYTES` (1 MiB)
/// as JSON (docs/limits.md). Cleared when a
/// declaration is copied into a new one (`Declaration::copied`): the
/// blocks belong to the message they were read from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Extensions {
    /// What a declaration message (报关单报文, `DecMessage`) held that the
    /// declaration does not: `portdesk_message::Unmodelled` as JSON, written
    /// back on export (docs/formats/decmessage.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "unknown")]
    pub decmessage: Option<serde_json::Value>,
}

impl Extensions {
    pub fn is_empty(&self) -> bool {
        self.decmessage.is_none()
    }
}

/// Freight, insurance or other charges (运费/保费/杂费): mark, value, currency.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Charge {
    /// `1` rate, `2` unit price (freight only), `3` total; empty when none.
    pub mark: String,
    /// The rate or amount, ≤12 integer + 5 decimal digits.
    pub value: String,
    /// ISO 4217 alpha-3; needed for marks `2` and `3`.
    pub currency: String,
}

impl Charge {
    pub fn is_empty(&self) -> bool {
        self.mark.is_empty() && self.value.is_empty() && self.currency.is_empty()
    }
}

/// The declaration head (表头). Field comments give the message tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Head {
    /// IEFlag.
    pub ie_flag: IeFlag,
    /// Declaring customs office, 申报地海关 (CustomMaster), 4 digits.
    pub declaring_customs: String,
    /// Port of entry/exit, 进/出境关别 (IEPort), 4 digits.
    pub ie_port: String,
    /// Record no., 备案号 (ManualNo), 12 alphanumerics.
    pub record_no: String,
    /// Contract no. (ContrNo), ≤32.
    pub contract_no: String,
    /// Import/export date (IEDate), `yyyyMMdd`.
    pub ie_date: String,
    /// Domestic consignee/consignor, 境内收发货人: unified social credit code (TradeCoScc).
    pub trade_scc: String,
    /// … customs code (TradeCode), 10 chars.
    pub trade_code: String,
    /// … name (TradeName).
    pub trade_name: String,
    /// Overseas consignor/consignee, 境外收发货人: name (English).
    pub overseas_name: String,
    /// … address (English).
    pub overseas_address: String,
    /// … AEO code, `NO` when none.
    pub overseas_aeo: String,
    /// Consuming/producing unit, 消费使用/生产销售单位: credit code (OwnerCodeScc).
    pub owner_scc: String,
    /// … code (OwnerCode), 9-10 alphanumerics or `NO`.
    pub owner_code: String,
    /// … name (OwnerName).
    pub owner_name: String,
    /// Declaring agent, 申报单位: credit code (AgentCodeScc).
    pub agent_scc: String,
    /// … customs code (AgentCode), 10 chars.
    pub agent_code: String,
    /// … name (AgentName).
    pub agent_name: String,
    /// Transport mode, 运输方式 (TrafMode), code list `transport_mode`.
    pub transport_mode: String,
    /// Conveyance name, 运输工具名称 (TrafName), ≤50.
    pub conveyance_name: String,
    /// Voyage no., 航次号 (VoyNo), ≤32.
    pub voyage_no: String,
    /// Bill of lading, 提运单号 (BillNo), ≤32.
    pub bill_no: String,
    /// Trade mode, 监管方式 (TradeMode), code list `trade_mode`.
    pub trade_mode: String,
    /// Levy kind, 征免性质 (CutMode), code list `levy_kind`.
    pub levy_kind: String,
    /// Licence no., 许可证号 (LicenseNo).
    pub licence_no: String,
    /// Country of departure/arrival, 启运国/运抵国 (TradeCountry), alpha-3.
    pub trade_country: String,
    /// Trading country, 贸易国别 (TradeAreaCode), alpha-3.
    pub trading_country: String,
    /// Destination/transit port, 指运港/经停港 (DistinatePort), 6 chars.
    pub destination_port: String,
    /// Departure port, 启运港 (DespPortCode), 6 chars.
    pub departure_port: String,
    /// Entry/exit port, 入境口岸/离境口岸 (EntyPortCode), 6 chars.
    pub entry_exit_port: String,
    /// Terms of sale, 成交方式 (TransMode), code list `terms_of_sale`.
    pub terms_of_sale: String,
    /// Freight, 运费.
    pub freight: Charge,
    /// Insurance, 保费.
    pub insurance: Charge,
    /// Other charges, 杂费.
    pub other_charges: Charge,
    /// Number of packages, 件数 (PackNo), integer > 0.
    pub packages: String,
    /// Kind of package, 包装种类 (WrapType), code list `package_kind`.
    pub package_kind: String,
    /// Gross weight in kg, 毛重 (GrossWet).
    pub gross_weight: String,
    /// Net weight in kg, 净重 (NetWt).
    pub net_weight: String,
    /// Marks and numbers, 标记唛码 (MarkNo), `N/M` when none.
    pub marks: String,
    /// Goods location, 货物存放地点 (GoodsPlace); required on import.
    pub goods_place: String,
    /// Declaration form type, 报关单类型 (EntryType): `0`, `L`, `W`, `D`, `M`.
    pub entry_type: String,
    /// Document type, 单据类型 (Type), 6 chars.
    pub document_type: String,
    /// Price declarations, 价格说明 (PromiseItmes): digit string of `1`/`0`/`9`.
    pub price_declarations: String,
    /// Guarantee release, 担保验放 (ChkSurety).
    pub guarantee_release: bool,
    /// Remarks, 备注 (NoteS).
    pub remarks: String,
}

impl Default for Head {
    fn default() -> Self {
        Head {
            ie_flag: IeFlag::I,
            declaring_customs: String::new(),
            ie_port: String::new(),
            record_no: String::new(),
            contract_no: String::new(),
            ie_date: String::new(),
            trade_scc: String::new(),
            trade_code: String::new(),
            trade_name: String::new(),
            overseas_name: String::new(),
            overseas_address: String::new(),
            overseas_aeo: String::new(),
            owner_scc: String::new(),
            owner_code: String::new(),
            owner_name: String::new(),
            agent_scc: String::new(),
            agent_code: String::new(),
            agent_name: String::new(),
            transport_mode: String::new(),
            conveyance_name: String::new(),
            voyage_no: String::new(),
            bill_no: String::new(),
            trade_mode: String::new(),
            levy_kind: String::new(),
            licence_no: String::new(),
            trade_country: String::new(),
            trading_country: String::new(),
            destination_port: String::new(),
            departure_port: String::new(),
            entry_exit_port: String::new(),
            terms_of_sale: String::new(),
            freight: Charge::default(),
            insurance: Charge::default(),
            other_charges: Charge::default(),
            packages: String::new(),
            package_kind: String::new(),
            gross_weight: String::new(),
            net_weight: String::new(),
            marks: String::new(),
            goods_place: String::new(),
            entry_type: "0".into(),
            document_type: String::new(),
            price_declarations: String::new(),
            guarantee_release: false,
            remarks: String::new(),
        }
    }
}

/// One goods line (表体商品项).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GoodsLine {
    /// Commodity code, 商品编号 (CodeTS): 10 digits, 6 in a two-step summary.
    pub commodity_code: String,
    /// Goods name, 商品名称 (GName), ≤255.
    pub name: String,
    /// Declaration elements, 规格型号 (GModel), pipe-separated.
    pub elements: String,
    /// Quantity traded, 成交数量 (GQty).
    pub quantity: String,
    /// Unit traded, 成交单位 (GUnit), code list `unit`.
    pub unit: String,
    /// First legal quantity, 法定第一数量 (FirstQty).
    pub first_quantity: String,
    /// First legal unit (FirstUnit).
    pub first_unit: String,
    /// Second legal quantity (SecondQty), only where the tariff line has one.
    pub second_quantity: String,
    /// Second legal unit (SecondUnit).
    pub second_unit: String,
    /// Unit price, 单价 (DeclPrice).
    pub unit_price: String,
    /// Total price, 总价 (DeclTotal) = unit price × quantity, 2 decimals.
    pub total_price: String,
    /// Currency, 币制 (TradeCurr), ISO 4217 alpha-3.
    pub currency: String,
    /// Country of origin, 原产国 (OriginCountry), alpha-3.
    pub origin_country: String,
    /// Final destination country, 最终目的国 (DestinationCountry), alpha-3.
    pub destination_country: String,
    /// Domestic destination or source, 境内目的地/货源地 (DistrictCode), 5 digits.
    pub district_code: String,
    /// Duty mode, 征免方式 (DutyMode), code list `duty_mode`.
    pub duty_mode: String,
    /// The enterprise's own part number, 商品料号 (企业料号/货号), ≤32: not
    /// in the customs message, the key of the goods library (商品库).
    pub part_number: String,
}

/// A container (集装箱).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Container {
    /// Container number, 集装箱号: ISO 6346 with check digit.
    pub number: String,
    /// Size and type, 规格 (e.g. `22G1`).
    pub size_type: String,
    /// Goods lines it holds, 商品项号关系, e.g. `1,3`.
    pub line_refs: String,
    /// Part load (LCL), 拼箱标识.
    pub part_load: bool,
    /// Own weight in kg, 自重.
    pub weight: String,
}

/// An attached document (随附单证): code + certificate number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AttachedDocument {
    /// Document code, 单证代码, code list `document`.
    pub code: String,
    /// Certificate no., 单证编号, ≤32.
    pub cert_no: String,
}

/// An electronic attachment (随附单据, edoc): e.g. `00000001` invoice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ElectronicAttachment {
    /// Edoc code, e.g. `00000001` invoice, `00000003` bill of lading.
    pub code: String,
    /// File name.
    pub file_name: String,
    /// Size in bytes.
    pub size: String,
}

impl Declaration {
    /// The complete declaration (完整申报) of a two-step summary: the same
    /// document with the mode `two_step_complete` and the document type's
    /// mode digit (position 3) turned from `5` to `6`; a document type that
    /// does not say two-step summary is left as it is.
    pub fn into_two_step_complete(mut self) -> Declaration {
        self.filing_mode = FilingMode::TwoStepComplete;
        let dt = &mut self.head.document_type;
        if dt.chars().nth(2) == Some('5') {
            *dt = dt
                .chars()
                .enumerate()
                .map(|(i, c)| if i == 2 { '6' } else { c })
                .collect();
        }
        self
    }

    /// A new, empty declaration with the given client sequence number.
    pub fn new(client_seq_no: String, ie_flag: IeFlag) -> Self {
        Declaration {
            client_seq_no,
            filing_mode: FilingMode::OneStep,
            advance: false,
            head: Head {
                ie_flag,
                ..Head::default()
            },
            lines: Vec::new(),
            containers: Vec::new(),
            documents: Vec::new(),
            edocs: Vec::new(),
            extensions: Extensions::default(),
        }
    }

    /// A short human title for lists: consignee name, else bill of lading, else the sequence no.
    pub fn title(&self) -> String {
        [
            &self.head.trade_name,
            &self.head.bill_no,
            &self.client_seq_no,
        ]
        .into_iter()
        .find(|s| !s.trim().is_empty())
        .cloned()
        .unwrap_or_default()
    }

    /// Text the local full-text index should find this declaration by:
    /// names, codes, consignee, bill of lading, commodity codes and names.
    pub fn search_text(&self) -> String {
        let h = &self.head;
        let mut parts: Vec<&str> = vec![
            &self.client_seq_no,
            &h.trade_name,
            &h.trade_scc,
            &h.trade_code,
            &h.overseas_name,
            &h.owner_name,
            &h.agent_name,
            &h.bill_no,
            &h.contract_no,
            &h.conveyance_name,
            &h.voyage_no,
        ];
        for l in &self.lines {
            parts.push(&l.commodity_code);
            parts.push(&l.name);
        }
        for c in &self.containers {
            parts.push(&c.number);
        }
        parts
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod complete_tests {
    use super::*;

    #[test]
    fn the_complete_declaration_turns_the_mode_digit() {
        let mut d = Declaration::new("X".into(), IeFlag::I);
        d.filing_mode = FilingMode::TwoStepSummary;
        d.head.document_type = "CL5   ".into();
        let c = d.clone().into_two_step_complete();
        assert_eq!(c.filing_mode, FilingMode::TwoStepComplete);
        assert_eq!(c.head.document_type, "CL6   ");
        // Not a summary's type: unchanged.
        d.head.document_type = "CL0   ".into();
        assert_eq!(d.into_two_step_complete().head.document_type, "CL0   ");
    }
}
