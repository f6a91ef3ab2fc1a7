//! The mapping table: which message element holds which declaration field.
//! It is the single place the reader and the writer take element names
//! from, in the order the writer emits them; docs/formats/decmessage.md
//! prints the same table with the assumptions marked. The few elements with
//! a rule of their own (IEFlag, ChkSurety, LclFlag, the overseas party, the
//! swapped line countries, VoyNo, GNo) are named here too and handled in
//! read.rs/write.rs beside a comment saying why.

use portdesk_domain::{AttachedDocument, Container, ElectronicAttachment, GoodsLine, Head};

/// One element that carries one text field verbatim.
pub(crate) struct TextField<T: 'static> {
    pub element: &'static str,
    /// The interchange field path, for the docs and for error messages.
    #[allow(dead_code)]
    pub field: &'static str,
    /// Length as the specification gives it (`19,5` = 19 digits, 5 decimals).
    #[allow(dead_code)]
    pub length: &'static str,
    pub get: fn(&T) -> &str,
    pub set: fn(&mut T, String),
}

macro_rules! text_field {
    ($t:ty, $element:literal, $prefix:literal, $($field:ident).+, $length:literal) => {
        TextField::<$t> {
            element: $element,
            field: concat!($prefix, stringify!($($field).+)),
            length: $length,
            get: {
                fn get(x: &$t) -> &str {
                    &x.$($field).+
                }
                get
            },
            set: {
                fn set(x: &mut $t, v: String) {
                    x.$($field).+ = v;
                }
                set
            },
        }
    };
}

/// Default namespace of `DecMessage` [spec].
pub const NAMESPACE: &str = "http://www.chinaport.gov.cn/dec";

// Special head elements (handled in code).
pub(crate) const IE_FLAG: &str = "IEFlag";
pub(crate) const CHK_SURETY: &str = "ChkSurety";

/// `DecHead` children that map one-to-one onto `head.*`, in writing order.
pub(crate) static HEAD: &[TextField<Head>] = &[
    text_field!(Head, "CustomMaster", "head.", declaring_customs, "4"),
    text_field!(Head, "IEPort", "head.", ie_port, "4"),
    text_field!(Head, "Type", "head.", document_type, "6"),
    text_field!(Head, "EntryType", "head.", entry_type, "1"),
    text_field!(Head, "ManualNo", "head.", record_no, "12"),
    text_field!(Head, "IEDate", "head.", ie_date, "8"),
    text_field!(Head, "LicenseNo", "head.", licence_no, "20"),
    text_field!(Head, "ContrNo", "head.", contract_no, "32"),
    text_field!(Head, "BillNo", "head.", bill_no, "32"),
    text_field!(Head, "TradeMode", "head.", trade_mode, "4"),
    text_field!(Head, "CutMode", "head.", levy_kind, "3"),
    text_field!(Head, "TrafMode", "head.", transport_mode, "1"),
    text_field!(Head, "TrafName", "head.", conveyance_name, "50"),
    text_field!(Head, "TradeCountry", "head.", trade_country, "3"),
    text_field!(Head, "TradeAreaCode", "head.", trading_country, "3"),
    text_field!(Head, "DistinatePort", "head.", destination_port, "6"),
    text_field!(Head, "DespPortCode", "head.", departure_port, "8"),
    text_field!(Head, "EntyPortCode", "head.", entry_exit_port, "8"),
    text_field!(Head, "GoodsPlace", "head.", goods_place, "100"),
    text_field!(Head, "TransMode", "head.", terms_of_sale, "1"),
    text_field!(Head, "FeeMark", "head.", freight.mark, "1"),
    text_field!(Head, "FeeRate", "head.", freight.value, "19,5"),
    text_field!(Head, "FeeCurr", "head.", freight.currency, "3"),
    text_field!(Head, "InsurMark", "head.", insurance.mark, "1"),
    text_field!(Head, "InsurRate", "head.", insurance.value, "19,5"),
    text_field!(Head, "InsurCurr", "head.", insurance.currency, "3"),
    text_field!(Head, "OtherMark", "head.", other_charges.mark, "1"),
    text_field!(Head, "OtherRate", "head.", other_charges.value, "19,5"),
    text_field!(Head, "OtherCurr", "head.", other_charges.currency, "3"),
    text_field!(Head, "PackNo", "head.", packages, "9"),
    text_field!(Head, "WrapType", "head.", package_kind, "2"),
    text_field!(Head, "GrossWet", "head.", gross_weight, "19,5"),
    text_field!(Head, "NetWt", "head.", net_weight, "19,5"),
    text_field!(Head, "NoteS", "head.", remarks, "255"),
    text_field!(Head, "MarkNo", "head.", marks, "400"),
    text_field!(Head, "PromiseItmes", "head.", price_declarations, "32"),
    text_field!(Head, "TradeCode", "head.", trade_code, "18"),
    text_field!(Head, "TradeName", "head.", trade_name, "100"),
    text_field!(Head, "TradeCoScc", "head.", trade_scc, "18"),
    text_field!(Head, "OwnerCode", "head.", owner_code, "18"),
    text_field!(Head, "OwnerName", "head.", owner_name, "100"),
    text_field!(Head, "OwnerCodeScc", "head.", owner_scc, "18"),
    text_field!(Head, "AgentCode", "head.", agent_code, "10"),
    text_field!(Head, "AgentName", "head.", agent_name, "100"),
    text_field!(Head, "AgentCodeScc", "head.", agent_scc, "18"),
];

/// The overseas party (境外收发货人) is the consignor on an import and the
/// consignee on an export; `[code, name, address]` elements for each.
/// The consignee's address element is assumed (only the consignor's is seen).
pub(crate) const OVERSEAS_IMPORT: [&str; 3] = [
    "OverseasConsignorCode",
    "OverseasConsignorEname",
    "OverseasConsignorAddr",
];
pub(crate) const OVERSEAS_EXPORT: [&str; 3] = [
    "OverseasConsigneeCode",
    "OverseasConsigneeEname",
    "OverseasConsigneeAddr",
];

/// `DecHead` children that come from the account's settings, not the
/// declaration (see `Declarant`).
pub(crate) const HEAD_DECLARANT: [&str; 6] = [
    "CopCode",
    "CopName",
    "CopCodeScc",
    "InputerName",
    "DeclareName",
    "TypistNo",
];

/// `DecHead` children the writer fills with a fixed value when the
/// unmodelled head does not bring its own: ordinary (not transit) entry,
/// ordinary EDI, no pre-entry number yet.
pub(crate) const HEAD_DEFAULTS: [(&str, &str); 3] =
    [("DeclTrnRel", "0"), ("EdiId", "1"), ("SeqNo", "")];

pub(crate) const LIST_GNO: &str = "GNo";
/// `[origin, destination]`; swapped on an export (see read.rs).
pub(crate) const LIST_COUNTRIES: [&str; 2] = ["OriginCountry", "DestinationCountry"];

/// `DecList` children mapped one-to-one onto `lines[].*`.
pub(crate) static LINE: &[TextField<GoodsLine>] = &[
    text_field!(GoodsLine, "CodeTS", "lines[].", commodity_code, "10"),
    text_field!(GoodsLine, "GName", "lines[].", name, "255"),
    text_field!(GoodsLine, "GModel", "lines[].", elements, "255 bytes"),
    text_field!(GoodsLine, "GQty", "lines[].", quantity, "19,5"),
    text_field!(GoodsLine, "GUnit", "lines[].", unit, "3"),
    text_field!(GoodsLine, "FirstQty", "lines[].", first_quantity, "19,5"),
    text_field!(GoodsLine, "FirstUnit", "lines[].", first_unit, "3"),
    text_field!(GoodsLine, "SecondQty", "lines[].", second_quantity, "19,5"),
    text_field!(GoodsLine, "SecondUnit", "lines[].", second_unit, "3"),
    text_field!(GoodsLine, "DeclPrice", "lines[].", unit_price, "19,4"),
    text_field!(GoodsLine, "DeclTotal", "lines[].", total_price, "19,4"),
    text_field!(GoodsLine, "TradeCurr", "lines[].", currency, "3"),
    text_field!(GoodsLine, "DutyMode", "lines[].", duty_mode, "1"),
    text_field!(GoodsLine, "DistrictCode", "lines[].", district_code, "5"),
];

pub(crate) const LCL_FLAG: &str = "LclFlag";
/// `Container` children mapped one-to-one onto `containers[].*`.
pub(crate) static CONTAINER: &[TextField<Container>] = &[
    text_field!(Container, "ContainerId", "containers[].", number, "11"),
    text_field!(Container, "ContainerMd", "containers[].", size_type, "4"),
    text_field!(Container, "GoodsNo", "containers[].", line_refs, "-"),
    text_field!(Container, "ContainerWt", "containers[].", weight, "19,5"),
];

/// `LicenseDocu` children → `documents[].*`.
pub(crate) static DOCUMENT: &[TextField<AttachedDocument>] = &[
    text_field!(AttachedDocument, "DocuCode", "documents[].", code, "1"),
    text_field!(AttachedDocument, "CertCode", "documents[].", cert_no, "32"),
];

/// `EdocRealation` children → `edocs[].*`.
pub(crate) static EDOC: &[TextField<ElectronicAttachment>] = &[
    text_field!(ElectronicAttachment, "EdocID", "edocs[].", file_name, "64"),
    text_field!(ElectronicAttachment, "EdocCode", "edocs[].", code, "8"),
    text_field!(ElectronicAttachment, "EdocSize", "edocs[].", size, "-"),
];

pub(crate) const VOY_NO: &str = "VoyNo";

// DecSign.
pub(crate) const OPER_TYPE: &str = "OperType";
pub(crate) const CLIENT_SEQ_NO: &str = "ClientSeqNo";
pub(crate) const IC_CODE: &str = "ICCode";
pub(crate) const SIGN_COP_CODE: &str = "CopCode";
pub(crate) const OPER_NAME: &str = "OperName";
/// Written empty: the signature comes from the operator's card, which
/// PortDesk does not have (the specification made them optional).
pub(crate) const SIGN_EMPTY: [&str; 2] = ["Sign", "SignDate"];

/// The `SWImpHead` of the import envelope, as the writer fills it when the
/// unmodelled envelope brings none (`CopMsgId` is the ClientSeqNo [assumed]).
pub(crate) const ENVELOPE_HEAD: [(&str, &str); 5] = [
    ("MsgType", "SWDEC001"),
    ("FunctionCode", "0"),
    ("Format", "xml"),
    ("Compress", "0"),
    ("Version", "1.0"),
];
