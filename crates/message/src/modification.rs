//! The modification message (修撤单报文, `DecModMessage`): how an amendment
//! of a filed declaration travels as a file. [`modification_from_amendment`]
//! makes one from the declaration as filed and as amended — one `Item` per
//! changed field, old and new value in message form; [`write_modification`]
//! and [`read_modification`] turn it into bytes and back with the encoding,
//! limits and error discipline of the declaration message (read.rs).
//!
//! The elements are the contract's [spec]; the field codes, the type table,
//! the version and the namespace are ours and marked [assumed] here and in
//! docs/formats/decmessage.md ("Modification message").

use std::collections::{BTreeSet, HashSet};

use portdesk_domain::validate::field_label;
use portdesk_domain::{CodeLists, Declaration, IeFlag};
use serde::{Deserialize, Serialize};

use crate::error::MessageError;
use crate::mapping::{self as m, TextField};
use crate::read::{first_time, join};
use crate::text::{decode, Lines};
use crate::tree::{self, Node};
use crate::write::{check_fragment, Out};
use crate::{Declarant, Fragment, OperType, MAX_LINES};

/// Root element of the modification message [spec].
pub const MODIFICATION_ROOT: &str = "DecModMessage";
/// `Version` written by [`modification_from_amendment`] [assumed: the
/// contract names the element, no public message shows a value].
pub const MODIFICATION_VERSION: &str = "1.0";
/// `DecModType` 修改申请, a modification [spec for the code, from public
/// client code; that every amendment reason is one is assumed].
pub const DEC_MOD_TYPE_MODIFY: &str = "1";
/// `DecModType` 撤销申请, a withdrawal [spec for the code]. PortDesk does
/// not withdraw declarations; a message saying so is read as it is.
pub const DEC_MOD_TYPE_WITHDRAW: &str = "2";
/// Most `Item`s one modification message may carry. Every field of a
/// 50-line declaration is under 1,200; the bound keeps a hostile file from
/// making us hold more than a real one could need.
pub const MAX_MODIFICATION_ITEMS: usize = 10_000;

const ITEMS: &str = "Items";
const ITEM: &str = "Item";

/// A modification message (修撤单). Every value is text, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModificationMessage {
    /// 修撤单统一编号 (`DecModSeqNo`): the Single Window's number of this
    /// modification; empty until it gives one [assumed, as `DecHead/SeqNo`].
    pub dec_mod_seq_no: String,
    /// `Version`.
    pub version: String,
    /// 修撤单类型 (`DecModType`): [`DEC_MOD_TYPE_MODIFY`] or [`DEC_MOD_TYPE_WITHDRAW`].
    pub dec_mod_type: String,
    /// 报关单号 (`EntryId`): the customs no. of the declaration modified.
    pub entry_id: String,
    /// 申报地海关 (`CustomsCode`).
    pub customs_code: String,
    /// 境内收发货人代码 (`TradeCode`).
    pub trade_code: String,
    /// 境内收发货人名称 (`TradeName`).
    pub trade_name: String,
    /// 申报单位代码 (`AgentCode`).
    pub agent_code: String,
    /// 申报单位名称 (`AgentName`).
    pub agent_name: String,
    /// 修撤原因 (`DecModNote`): why.
    pub note: String,
    /// 报关单统一编号 (`DecSeqNo`): the unified no. of the declaration modified.
    pub dec_seq_no: String,
    /// 进出口标志 (`IeFlag`), `I` or `E`.
    pub ie_flag: String,
    /// 操作类型 (`OperType`) [assumed: `G` 暂存 / `C` 申报, as `DecSign`].
    pub oper_type: String,
    /// 操作员卡号 (`IcCode`).
    pub ic_code: String,
    /// 联系人 (`EntOpName`).
    pub ent_op_name: String,
    /// 联系电话 (`EntOpTele`).
    pub ent_op_tele: String,
    /// 境内收发货人统一社会信用代码 (`TradeCreditCode`).
    pub trade_credit_code: String,
    /// 申报单位统一社会信用代码 (`AgentCreditCode`).
    pub agent_credit_code: String,
    /// `Items` › `Item`: the changed fields.
    pub items: Vec<ModificationItem>,
    /// Children of `DecModMessage` (`parent` = `DecModMessage`) and of
    /// `Items` (`parent` = `Items`, after the root's) we do not map
    /// (`CheckMark`, `Sign`, `SignTime`, `FeedDept`, …), kept verbatim and
    /// written back: the root's after `Items`, the others inside it.
    pub unmodelled: Vec<Fragment>,
}

/// One changed field (`Items/Item`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModificationItem {
    /// 字段代码 (`FieldCode`): the message element of the field, e.g.
    /// `GrossWet`, `DecList.2.GQty` [assumed form, see the module docs].
    pub field_code: String,
    /// 字段名 (`FieldName`), e.g. 毛重, 第2项成交数量.
    pub field_name: String,
    /// 字段原值 (`OldValue`), in message form.
    pub old_value: String,
    /// 字段新值 (`NewValue`), in message form.
    pub new_value: String,
    /// The old value's name in its code list (`OldName`), e.g. 一般贸易;
    /// empty for a field without one or a code the list lacks.
    pub old_name: String,
    /// The new value's name in its code list (`NewName`).
    pub new_name: String,
    /// Children of this `Item` we do not map (`No`, …).
    pub unmodelled: Vec<Fragment>,
}

/// What a modification needs that the declarations do not hold: which
/// filing, why, and who files it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModificationRequest {
    /// The filing's unified no. (统一编号, `DecSeqNo`).
    pub dec_seq_no: String,
    /// The filing's customs no. (海关编号, `EntryId`), once customs gave one.
    pub entry_id: String,
    /// The amendment reason by its wire name (`AmendmentReason::as_str()`,
    /// e.g. `data_entry_error`): this crate may not depend on the API
    /// crate (ARCHITECTURE.md), so it takes the name. See [`REASONS`].
    pub reason: String,
    /// The clerk's note, appended to the reason in `DecModNote`.
    pub note: String,
    /// `G` 暂存 (default) or `C` 申报.
    pub oper_type: OperType,
    /// The account's settings: `ic_code` → `IcCode`, `oper_name` → `EntOpName`.
    pub declarant: Declarant,
    /// 联系电话 (`EntOpTele`).
    pub phone: String,
}

/// Amendment reasons (`AmendmentReason` wire names) → `DecModType` and the
/// Chinese reason that opens `DecModNote` [assumed table: every reason is a
/// modification, 修改申请].
pub const REASONS: &[(&str, &str, &str)] = &[
    ("import_date_change", DEC_MOD_TYPE_MODIFY, "进口日期变更"),
    ("conveyance_change", DEC_MOD_TYPE_MODIFY, "运输工具变更"),
    ("data_entry_error", DEC_MOD_TYPE_MODIFY, "录入错误"),
    ("quantity_change", DEC_MOD_TYPE_MODIFY, "数量/重量变更"),
    ("price_change", DEC_MOD_TYPE_MODIFY, "价格变更"),
    ("commodity_code_change", DEC_MOD_TYPE_MODIFY, "商品编号变更"),
    ("other", DEC_MOD_TYPE_MODIFY, "其他"),
];

/// Fields whose value is a code of a code list, by their mapping path
/// (mapping.rs `field`), for `OldName`/`NewName`: the same lists the
/// domain's validation checks them against.
const CODED: &[(&str, &str)] = &[
    ("head.declaring_customs", "customs_office"),
    ("head.ie_port", "customs_office"),
    ("head.trade_mode", "trade_mode"),
    ("head.levy_kind", "levy_kind"),
    ("head.transport_mode", "transport_mode"),
    ("head.trade_country", "country"),
    ("head.trading_country", "country"),
    ("head.destination_port", "port"),
    ("head.departure_port", "port"),
    ("head.entry_exit_port", "port"),
    ("head.terms_of_sale", "terms_of_sale"),
    ("head.freight.currency", "currency"),
    ("head.insurance.currency", "currency"),
    ("head.other_charges.currency", "currency"),
    ("head.package_kind", "package_kind"),
    ("lines[].unit", "unit"),
    ("lines[].first_unit", "unit"),
    ("lines[].second_unit", "unit"),
    ("lines[].currency", "currency"),
    ("lines[].origin_country", "country"),
    ("lines[].destination_country", "country"),
    ("lines[].district_code", "district"),
    ("lines[].duty_mode", "duty_mode"),
    ("documents[].code", "document"),
];

/// A direct child of `DecModMessage` holding one text field.
struct Element {
    name: &'static str,
    get: fn(&ModificationMessage) -> &str,
    set: fn(&mut ModificationMessage, String),
}

macro_rules! element {
    ($name:literal, $field:ident) => {
        Element {
            name: $name,
            get: |x| &x.$field,
            set: |x, v| x.$field = v,
        }
    };
}

/// The head elements in the contract's order, which the writer keeps.
static HEAD: &[Element] = &[
    element!("DecModSeqNo", dec_mod_seq_no),
    element!("Version", version),
    element!("DecModType", dec_mod_type),
    element!("EntryId", entry_id),
    element!("CustomsCode", customs_code),
    element!("TradeCode", trade_code),
    element!("TradeName", trade_name),
    element!("AgentCode", agent_code),
    element!("AgentName", agent_name),
    element!("DecModNote", note),
    element!("DecSeqNo", dec_seq_no),
    element!("IeFlag", ie_flag),
    element!("OperType", oper_type),
    element!("IcCode", ic_code),
    element!("EntOpName", ent_op_name),
    element!("EntOpTele", ent_op_tele),
    element!("TradeCreditCode", trade_credit_code),
    element!("AgentCreditCode", agent_credit_code),
];

struct ItemElement {
    name: &'static str,
    get: fn(&ModificationItem) -> &str,
    set: fn(&mut ModificationItem, String),
}

macro_rules! item_element {
    ($name:literal, $field:ident) => {
        ItemElement {
            name: $name,
            get: |x| &x.$field,
            set: |x, v| x.$field = v,
        }
    };
}

static ITEM_ELEMENTS: &[ItemElement] = &[
    item_element!("FieldCode", field_code),
    item_element!("FieldName", field_name),
    item_element!("OldValue", old_value),
    item_element!("NewValue", new_value),
    item_element!("OldName", old_name),
    item_element!("NewName", new_name),
];

/// Fields PortDesk keeps for itself and never sends (the line's part
/// number, 商品料号, the goods library's key): changing one needs no
/// modification item, and is not refused.
fn is_local_only(path: &str) -> bool {
    path.starts_with("lines.") && path.ends_with(".part_number")
}

/// Makes the modification message of an amendment: `original` is the
/// declaration as filed, `amended` the same with the amendment applied
/// (`apply_changes`). One item per field that differs, in the declaration
/// message's order (head, lines, containers, documents, edocs), each with
/// its element as field code and its values as the declaration message
/// writes them — on an export the line countries swapped, yes/no as `1`/`0`.
/// `lists` gives the code names (`OldName`/`NewName`).
///
/// Refused (`message.unwritable`, naming the field): a change to a field
/// the message has no element for (`advance`, `filing_mode`,
/// `client_seq_no`), to `head.ie_flag`, adding or removing a line,
/// container, document or edoc; no change at all; a filing with neither
/// unified nor customs no.; an unknown reason.
pub fn modification_from_amendment(
    original: &Declaration,
    amended: &Declaration,
    request: &ModificationRequest,
    lists: &CodeLists,
) -> Result<ModificationMessage, MessageError> {
    let unwritable = |field: &str, reason: String| MessageError::Unwritable {
        field: field.to_owned(),
        reason,
    };
    let (_, dec_mod_type, reason_zh) = REASONS
        .iter()
        .find(|(name, _, _)| *name == request.reason)
        .ok_or_else(|| {
            unwritable(
                "reason",
                format!("{:?} is not an amendment reason", request.reason),
            )
        })?;
    if request.dec_seq_no.trim().is_empty() && request.entry_id.trim().is_empty() {
        return Err(unwritable(
            "entry_id",
            "neither the unified no. (DecSeqNo) nor the customs no. (EntryId) is known".into(),
        ));
    }
    if amended.lines.len() > MAX_LINES {
        return Err(unwritable(
            "lines",
            format!("{} goods lines, at most {MAX_LINES}", amended.lines.len()),
        ));
    }
    let mut diff = Diff {
        lists,
        items: Vec::new(),
        covered: HashSet::new(),
    };
    diff.declaration(original, amended)?;
    // Whatever else differs has no element: refuse it by name rather than
    // let the modification say less than the amendment did.
    if let Some(field) = changed_paths(original, amended)
        .into_iter()
        .find(|p| !diff.covered.contains(p) && !is_local_only(p))
    {
        return Err(unwritable(
            &field,
            "the modification message has no element for this field; it stays with the draft"
                .into(),
        ));
    }
    if diff.items.is_empty() {
        return Err(unwritable(
            "changes",
            "the amendment changes no field of the filed declaration".into(),
        ));
    }
    if diff.items.len() > MAX_MODIFICATION_ITEMS {
        return Err(unwritable(
            "changes",
            format!(
                "{} changed fields, at most {MAX_MODIFICATION_ITEMS}",
                diff.items.len()
            ),
        ));
    }
    let h = &original.head;
    let note = request.note.trim();
    Ok(ModificationMessage {
        dec_mod_seq_no: String::new(),
        version: MODIFICATION_VERSION.to_owned(),
        dec_mod_type: (*dec_mod_type).to_owned(),
        entry_id: request.entry_id.clone(),
        customs_code: h.declaring_customs.clone(),
        trade_code: h.trade_code.clone(),
        trade_name: h.trade_name.clone(),
        agent_code: h.agent_code.clone(),
        agent_name: h.agent_name.clone(),
        note: if note.is_empty() {
            (*reason_zh).to_owned()
        } else {
            format!("{reason_zh}：{note}")
        },
        dec_seq_no: request.dec_seq_no.clone(),
        ie_flag: ie_str(h.ie_flag).to_owned(),
        oper_type: request.oper_type.as_str().to_owned(),
        ic_code: request.declarant.ic_code.clone(),
        ent_op_name: request.declarant.oper_name.clone(),
        ent_op_tele: request.phone.clone(),
        trade_credit_code: h.trade_scc.clone(),
        agent_credit_code: h.agent_scc.clone(),
        items: diff.items,
        unmodelled: Vec::new(),
    })
}

fn ie_str(ie: IeFlag) -> &'static str {
    match ie {
        IeFlag::I => "I",
        IeFlag::E => "E",
    }
}

fn bit(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// The items of one amendment, and the interchange paths they cover
/// (`head.gross_weight`, `lines.0.quantity`: the form `apply_changes` and
/// [`changed_paths`] use).
struct Diff<'l> {
    lists: &'l CodeLists,
    items: Vec<ModificationItem>,
    covered: HashSet<String>,
}

/// Where one field sits: its mapping path (`lines[].quantity`), its index
/// in a repeated block, and the field code's block prefix (`DecList`).
struct At<'a> {
    field: &'a str,
    index: Option<usize>,
    block: &'a str,
}

impl Diff<'_> {
    fn declaration(&mut self, o: &Declaration, a: &Declaration) -> Result<(), MessageError> {
        let (oh, ah) = (&o.head, &a.head);
        if oh.ie_flag != ah.ie_flag {
            return Err(MessageError::Unwritable {
                field: "head.ie_flag".into(),
                reason: "an amendment cannot turn an import into an export or back".into(),
            });
        }
        let ie = oh.ie_flag;
        let head = |field| At {
            field,
            index: None,
            block: "",
        };
        for f in m::HEAD {
            self.text(&head(f.field), f.element, (f.get)(oh), (f.get)(ah));
        }
        self.text(
            &head("head.guarantee_release"),
            m::CHK_SURETY,
            bit(oh.guarantee_release),
            bit(ah.guarantee_release),
        );
        // The overseas party's elements depend on the direction (mapping.rs).
        let overseas = match ie {
            IeFlag::I => m::OVERSEAS_IMPORT,
            IeFlag::E => m::OVERSEAS_EXPORT,
        };
        for (i, (field, old, new)) in [
            ("head.overseas_aeo", &oh.overseas_aeo, &ah.overseas_aeo),
            ("head.overseas_name", &oh.overseas_name, &ah.overseas_name),
            (
                "head.overseas_address",
                &oh.overseas_address,
                &ah.overseas_address,
            ),
        ]
        .into_iter()
        .enumerate()
        {
            self.text(&head(field), overseas[i], old, new);
        }
        // DecFreeTxt/VoyNo; the code is the element's own name [assumed].
        self.text(
            &head("head.voyage_no"),
            m::VOY_NO,
            &oh.voyage_no,
            &ah.voyage_no,
        );

        same_count("lines", o.lines.len(), a.lines.len())?;
        for (i, (ol, al)) in o.lines.iter().zip(&a.lines).enumerate() {
            self.table(m::LINE, ol, al, i, "DecList");
            // On an export OriginCountry carries the destination and
            // DestinationCountry the origin (read.rs); the item names the
            // element the value travels in.
            let (origin, destination) = match ie {
                IeFlag::I => (m::LIST_COUNTRIES[0], m::LIST_COUNTRIES[1]),
                IeFlag::E => (m::LIST_COUNTRIES[1], m::LIST_COUNTRIES[0]),
            };
            let at = |field| At {
                field,
                index: Some(i),
                block: "DecList",
            };
            self.text(
                &at("lines[].origin_country"),
                origin,
                &ol.origin_country,
                &al.origin_country,
            );
            self.text(
                &at("lines[].destination_country"),
                destination,
                &ol.destination_country,
                &al.destination_country,
            );
        }
        same_count("containers", o.containers.len(), a.containers.len())?;
        for (i, (oc, ac)) in o.containers.iter().zip(&a.containers).enumerate() {
            self.table(m::CONTAINER, oc, ac, i, "Container");
            self.text(
                &At {
                    field: "containers[].part_load",
                    index: Some(i),
                    block: "Container",
                },
                m::LCL_FLAG,
                bit(oc.part_load),
                bit(ac.part_load),
            );
        }
        same_count("documents", o.documents.len(), a.documents.len())?;
        for (i, (od, ad)) in o.documents.iter().zip(&a.documents).enumerate() {
            self.table(m::DOCUMENT, od, ad, i, "LicenseDocu");
        }
        same_count("edocs", o.edocs.len(), a.edocs.len())?;
        for (i, (oe, ae)) in o.edocs.iter().zip(&a.edocs).enumerate() {
            self.table(m::EDOC, oe, ae, i, "EdocRealation");
        }
        Ok(())
    }

    fn table<T>(&mut self, table: &[TextField<T>], old: &T, new: &T, index: usize, block: &str) {
        for f in table {
            let at = At {
                field: f.field,
                index: Some(index),
                block,
            };
            self.text(&at, f.element, (f.get)(old), (f.get)(new));
        }
    }

    /// One field: an item when the values differ.
    fn text(&mut self, at: &At, element: &str, old: &str, new: &str) {
        // `lines[].quantity` at 1 → label `lines[1].quantity`, path `lines.1.quantity`.
        let (label_path, json_path, field_code) = match at.index {
            None => (at.field.to_owned(), at.field.to_owned(), element.to_owned()),
            Some(i) => (
                at.field.replacen("[]", &format!("[{i}]"), 1),
                at.field.replacen("[]", &format!(".{i}"), 1),
                // Lines by GNo, other blocks by position, both from 1 [assumed].
                format!("{}.{}.{element}", at.block, i + 1),
            ),
        };
        self.covered.insert(json_path);
        if old == new {
            return;
        }
        let name = |code: &str| {
            CODED
                .iter()
                .find(|(f, _)| *f == at.field)
                .and_then(|(_, list)| self.lists.lookup(list, code))
                .map(|e| e.label_zh.clone())
                .unwrap_or_default()
        };
        let item = ModificationItem {
            field_code,
            field_name: field_label(&label_path).0,
            old_value: old.to_owned(),
            new_value: new.to_owned(),
            old_name: name(old),
            new_name: name(new),
            unmodelled: Vec::new(),
        };
        self.items.push(item);
    }
}

fn same_count(field: &str, old: usize, new: usize) -> Result<(), MessageError> {
    if old == new {
        return Ok(());
    }
    Err(MessageError::Unwritable {
        field: field.to_owned(),
        reason: format!(
            "{old} before the amendment, {new} after: a modification changes fields, it cannot add or remove {field}"
        ),
    })
}

/// Every leaf of the interchange form that differs between `a` and `b`, as
/// a dot path (`head.gross_weight`, `lines.0.quantity`); a list whose
/// length differs is one path (`lines`).
fn changed_paths(a: &Declaration, b: &Declaration) -> BTreeSet<String> {
    fn walk(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut BTreeSet<String>) {
        use serde_json::Value;
        let child = |name: &str| {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    let null = Value::Null;
                    walk(
                        &child(k),
                        x.get(k).unwrap_or(&null),
                        y.get(k).unwrap_or(&null),
                        out,
                    );
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    walk(&child(&i.to_string()), p, q, out);
                }
            }
            _ if a != b => {
                out.insert(path.to_owned());
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    // A declaration always serialises (plain strings and flags); should it
    // not, the typed comparison is all there is.
    if let (Ok(x), Ok(y)) = (serde_json::to_value(a), serde_json::to_value(b)) {
        walk("", &x, &y, &mut out);
    }
    out
}

/// One field change in the interchange form, what `portdesk_api::FieldChange`
/// carries (this crate may not depend on the API crate): a dot path
/// (`head.gross_weight`, `lines.1.quantity`) and the value as
/// `apply_changes` takes it (`true`/`false` for a yes/no field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterchangeChange {
    pub field: String,
    pub value: String,
}

/// How one item's value becomes the interchange value.
#[derive(Clone, Copy)]
enum Value {
    /// Verbatim.
    Text,
    /// `1`/`0` → `true`/`false`.
    Bit,
}

/// The changes a modification message makes, in the interchange form: the
/// inverse of [`modification_from_amendment`], so that applying them to the
/// filed declaration gives the amended one. Each item's `FieldCode` maps
/// back to the field it was made from (the export's swapped line countries
/// and overseas party included, by `IeFlag`), its `NewValue` to the value.
/// `OldValue` and the names are not checked: the filing holds the old value.
///
/// Refused (`message.invalid_item`, naming `DecModMessage/Items/Item[n]/…`):
/// a field code we do not make, a position out of range (0, or more
/// digits than a position has), a yes/no value other than `1`/`0`, two
/// items for one field; an `IeFlag` other than `I`/`E`.
pub fn changes_of(msg: &ModificationMessage) -> Result<Vec<InterchangeChange>, MessageError> {
    let ie = match msg.ie_flag.trim() {
        "I" => IeFlag::I,
        "E" => IeFlag::E,
        other => {
            return Err(MessageError::InvalidItem {
                element: join(MODIFICATION_ROOT, "IeFlag"),
                value: other.to_owned(),
                expected: "I or E",
            })
        }
    };
    let mut seen = HashSet::new();
    let mut changes = Vec::with_capacity(msg.items.len());
    for (i, item) in msg.items.iter().enumerate() {
        let element = |name: &str| format!("{MODIFICATION_ROOT}/{ITEMS}/{ITEM}[{}]/{name}", i + 1);
        let code = item.field_code.trim();
        let Some((field, kind)) = field_of_code(code, ie) else {
            return Err(MessageError::InvalidItem {
                element: element("FieldCode"),
                value: code.to_owned(),
                expected: "a field code of the modification message (docs/formats/decmessage.md, \"Field codes\")",
            });
        };
        if !seen.insert(field.clone()) {
            return Err(MessageError::InvalidItem {
                element: element("FieldCode"),
                value: code.to_owned(),
                expected: "a field not changed by an earlier item",
            });
        }
        let value = match kind {
            Value::Text => item.new_value.clone(),
            Value::Bit => match item.new_value.trim() {
                "1" => "true".to_owned(),
                "0" => "false".to_owned(),
                other => {
                    return Err(MessageError::InvalidItem {
                        element: element("NewValue"),
                        value: other.to_owned(),
                        expected: "1 or 0",
                    })
                }
            },
        };
        changes.push(InterchangeChange { field, value });
    }
    Ok(changes)
}

/// The interchange path of a field code and how its value reads; `None`
/// for a code [`modification_from_amendment`] never makes.
fn field_of_code(code: &str, ie: IeFlag) -> Option<(String, Value)> {
    let Some((block, rest)) = code.split_once('.') else {
        return head_field(code, ie).map(|(f, k)| (f.to_owned(), k));
    };
    let (position, element) = rest.split_once('.')?;
    // A position is 1-based and short: never a huge or negative index.
    if position.is_empty() || position.len() > 5 || !position.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let index = position.parse::<usize>().ok()?.checked_sub(1)?;
    let in_table = |fields: &[(&'static str, &'static str)]| {
        fields
            .iter()
            .find(|(e, _)| *e == element)
            .map(|(_, f)| (*f, Value::Text))
    };
    let (field, kind) = match block {
        "DecList" => {
            let [first, second] = m::LIST_COUNTRIES;
            // On an export the elements carry the other country (read.rs).
            let (origin, destination) = match ie {
                IeFlag::I => (first, second),
                IeFlag::E => (second, first),
            };
            if element == origin {
                ("lines[].origin_country", Value::Text)
            } else if element == destination {
                ("lines[].destination_country", Value::Text)
            } else {
                in_table(&pairs(m::LINE))?
            }
        }
        "Container" if element == m::LCL_FLAG => ("containers[].part_load", Value::Bit),
        "Container" => in_table(&pairs(m::CONTAINER))?,
        "LicenseDocu" => in_table(&pairs(m::DOCUMENT))?,
        "EdocRealation" => in_table(&pairs(m::EDOC))?,
        _ => return None,
    };
    Some((field.replacen("[]", &format!(".{index}"), 1), kind))
}

fn pairs<T>(table: &[TextField<T>]) -> Vec<(&'static str, &'static str)> {
    table.iter().map(|f| (f.element, f.field)).collect()
}

fn head_field(code: &str, ie: IeFlag) -> Option<(&'static str, Value)> {
    if let Some(f) = m::HEAD.iter().find(|f| f.element == code) {
        return Some((f.field, Value::Text));
    }
    if code == m::CHK_SURETY {
        return Some(("head.guarantee_release", Value::Bit));
    }
    if code == m::VOY_NO {
        return Some(("head.voyage_no", Value::Text));
    }
    let overseas = match ie {
        IeFlag::I => m::OVERSEAS_IMPORT,
        IeFlag::E => m::OVERSEAS_EXPORT,
    };
    let fields = [
        "head.overseas_aeo",
        "head.overseas_name",
        "head.overseas_address",
    ];
    overseas
        .iter()
        .position(|e| *e == code)
        .map(|i| (fields[i], Value::Text))
}

/// The amendment reason (wire name) and the clerk's note of a `DecModNote`,
/// the inverse of what [`modification_from_amendment`] writes: the reason's
/// Chinese text, then `：` and the note. A note that opens with no reason
/// of ours is `other` with the whole note [assumed: other tools write free text].
pub fn reason_of_note(note: &str) -> (&'static str, String) {
    let note = note.trim();
    for (name, _, zh) in REASONS {
        if note == *zh {
            return (name, String::new());
        }
        if let Some(rest) = note.strip_prefix(zh).and_then(|r| r.strip_prefix('：')) {
            return (name, rest.trim().to_owned());
        }
    }
    ("other", note.to_owned())
}

/// Reads a modification message, in the encoding its XML declaration
/// names. Children in any order; unknown ones kept in `unmodelled`.
/// Required: `EntryId` or `DecSeqNo` non-blank (which filing), and each
/// `Item`'s `FieldCode`.
pub fn read_modification(bytes: &[u8]) -> Result<ModificationMessage, MessageError> {
    let text = decode(bytes)?;
    let lines = Lines::new(&text);
    let root = tree::parse(&text, &lines)?;
    if root.name != MODIFICATION_ROOT {
        return Err(MessageError::NotModification {
            element: root.name.clone(),
            line: root.line,
        });
    }
    // As for DecMessage: no namespace is taken, another one refused.
    if let Some(ns) = &root.namespace {
        if ns != m::NAMESPACE {
            return Err(MessageError::WrongNamespace {
                element: MODIFICATION_ROOT.into(),
                line: root.line,
                namespace: ns.clone(),
                expected: m::NAMESPACE,
            });
        }
    }
    let path = MODIFICATION_ROOT;
    let fragment = |parent: &Node, node: &Node| Fragment {
        parent: parent.name.clone(),
        name: node.name.clone(),
        xml: text[node.start..node.end].to_owned(),
    };
    let mut msg = ModificationMessage::default();
    // Unknown children of Items go after those of the root: the writer
    // writes them inside Items wherever they stand, so this order is the
    // one a message read, written and read again keeps.
    let mut in_items = Vec::new();
    let mut seen = HashSet::new();
    for c in &root.children {
        if let Some(e) = HEAD.iter().find(|e| e.name == c.name) {
            first_time(&mut seen, c, path)?;
            (e.set)(&mut msg, leaf_text(c, path)?);
        } else if c.name == ITEMS {
            first_time(&mut seen, c, path)?;
            let items_path = join(path, ITEMS);
            let item_path = join(&items_path, ITEM);
            for i in &c.children {
                if i.name != ITEM {
                    in_items.push(fragment(c, i));
                    continue;
                }
                if msg.items.len() == MAX_MODIFICATION_ITEMS {
                    return Err(MessageError::TooManyItems {
                        element: item_path,
                        line: i.line,
                        limit: MAX_MODIFICATION_ITEMS,
                    });
                }
                let mut item = ModificationItem::default();
                let mut item_seen = HashSet::new();
                for f in &i.children {
                    match ITEM_ELEMENTS.iter().find(|e| e.name == f.name) {
                        Some(e) => {
                            first_time(&mut item_seen, f, &item_path)?;
                            (e.set)(&mut item, leaf_text(f, &item_path)?);
                        }
                        None => item.unmodelled.push(fragment(i, f)),
                    }
                }
                if item.field_code.trim().is_empty() {
                    return Err(MessageError::Missing {
                        element: join(&item_path, "FieldCode"),
                        line: i.line,
                    });
                }
                msg.items.push(item);
            }
        } else {
            msg.unmodelled.push(fragment(&root, c));
        }
    }
    msg.unmodelled.extend(in_items);
    if msg.entry_id.trim().is_empty() && msg.dec_seq_no.trim().is_empty() {
        return Err(MessageError::Missing {
            element: join(path, "EntryId"),
            line: root.line,
        });
    }
    Ok(msg)
}

/// The text of an element we map; one holding elements is not a value.
fn leaf_text(node: &Node, path: &str) -> Result<String, MessageError> {
    if let Some(child) = node.children.first() {
        return Err(MessageError::InvalidValue {
            element: join(path, &node.name),
            line: child.line,
            value: format!("<{}>", child.name),
            expected: "text, not elements",
        });
    }
    Ok(node.text.clone())
}

/// How to write a modification message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModificationWriteOptions {
    /// Leave out the default namespace. By default the root carries the
    /// declaration message's namespace [assumed: the contract gives none
    /// for `DecModMessage`]; this is the switch should the client want none.
    pub without_namespace: bool,
}

/// Writes a modification message: UTF-8, two-space indented, the head
/// elements in the contract's order (empty ones as `<X/>`), `Items`, then
/// what a read kept. Refuses (`message.unwritable`, naming the field) what
/// [`read_modification`] would refuse, so what it writes reads back equal.
pub fn write_modification(
    msg: &ModificationMessage,
    opts: &ModificationWriteOptions,
) -> Result<Vec<u8>, MessageError> {
    let unwritable = |field: String, reason: &str| MessageError::Unwritable {
        field,
        reason: reason.to_owned(),
    };
    if msg.entry_id.trim().is_empty() && msg.dec_seq_no.trim().is_empty() {
        return Err(unwritable(
            "entry_id".into(),
            "empty, and so is dec_seq_no: the message must say which filing it modifies",
        ));
    }
    if msg.items.len() > MAX_MODIFICATION_ITEMS {
        return Err(unwritable(
            "items".into(),
            &format!(
                "{} items, at most {MAX_MODIFICATION_ITEMS}",
                msg.items.len()
            ),
        ));
    }
    for (i, item) in msg.items.iter().enumerate() {
        if item.field_code.trim().is_empty() {
            return Err(unwritable(
                format!("items[{i}].field_code"),
                "empty; every Item needs its FieldCode",
            ));
        }
        for (j, f) in item.unmodelled.iter().enumerate() {
            let field = format!("items[{i}].unmodelled[{j}]");
            if f.parent != ITEM || ITEM_ELEMENTS.iter().any(|e| e.name == f.name) {
                return Err(unwritable(
                    field,
                    "must be an Item child the message does not map",
                ));
            }
            check_fragment(field, f)?;
        }
    }
    for (i, f) in msg.unmodelled.iter().enumerate() {
        let field = format!("unmodelled[{i}]");
        let mapped = match f.parent.as_str() {
            MODIFICATION_ROOT => f.name == ITEMS || HEAD.iter().any(|e| e.name == f.name),
            ITEMS => f.name == ITEM,
            _ => true,
        };
        if mapped {
            return Err(unwritable(
                field,
                "must be a DecModMessage or Items child the message does not map",
            ));
        }
        check_fragment(field, f)?;
    }

    let mut w = Out::default();
    w.s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if opts.without_namespace {
        w.line(&format!("<{MODIFICATION_ROOT}>"));
    } else {
        w.line(&format!("<{MODIFICATION_ROOT} xmlns=\"{}\">", m::NAMESPACE));
    }
    w.depth += 1;
    for e in HEAD {
        w.leaf(e.name, (e.get)(msg), e.name)?;
    }
    w.open(ITEMS);
    for (i, item) in msg.items.iter().enumerate() {
        w.open(ITEM);
        for e in ITEM_ELEMENTS {
            w.leaf(e.name, (e.get)(item), &format!("items[{i}].{}", e.name))?;
        }
        for f in &item.unmodelled {
            w.line(&f.xml);
        }
        w.close(ITEM);
    }
    for f in msg.unmodelled.iter().filter(|f| f.parent == ITEMS) {
        w.line(&f.xml);
    }
    w.close(ITEMS);
    for f in msg
        .unmodelled
        .iter()
        .filter(|f| f.parent == MODIFICATION_ROOT)
    {
        w.line(&f.xml);
    }
    w.close(MODIFICATION_ROOT);
    Ok(w.s.into_bytes())
}
