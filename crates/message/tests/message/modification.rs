//! The modification message (修撤单, `DecModMessage`): a hand-written file
//! read as the contract says, write → read round trips, the items an
//! amendment makes (the export country swap included), what is refused,
//! and the property targets: random amendments of generated declarations
//! round-trip and map back to the changes they were made from
//! (`changes_of`), arbitrary bytes never panic.

use portdesk_domain::{CodeLists, Declaration, IeFlag};
use portdesk_message::modification::{
    changes_of, modification_from_amendment, read_modification, reason_of_note, write_modification,
    InterchangeChange, ModificationItem, ModificationMessage, ModificationRequest,
    ModificationWriteOptions, DEC_MOD_TYPE_MODIFY, MAX_MODIFICATION_ITEMS, MODIFICATION_VERSION,
};
use portdesk_message::{Declarant, Fragment, MessageError, OperType, WriteOptions};
use portdesk_testkit::fuzz;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::{json_fixtures, message_fixture, repo_root};

const FIXTURE: &str = "decmod-export.xml";

fn declaration(name: &str) -> Declaration {
    let path = repo_root().join("tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn request() -> ModificationRequest {
    ModificationRequest {
        dec_seq_no: "I20260000012345678".into(),
        entry_id: "090020261000012345".into(),
        reason: "data_entry_error".into(),
        note: "毛重录错".into(),
        oper_type: OperType::C,
        declarant: Declarant {
            ic_code: "2100000012345".into(),
            oper_name: "王敏".into(),
            ..Declarant::default()
        },
        phone: "0411-82790000".into(),
    }
}

fn item(code: &str, name: &str, old: &str, new: &str) -> ModificationItem {
    ModificationItem {
        field_code: code.into(),
        field_name: name.into(),
        old_value: old.into(),
        new_value: new.into(),
        ..ModificationItem::default()
    }
}

fn round_trip(msg: &ModificationMessage) -> ModificationMessage {
    let bytes = write_modification(msg, &ModificationWriteOptions::default())
        .unwrap_or_else(|e| panic!("write: {e}"));
    read_modification(&bytes)
        .unwrap_or_else(|e| panic!("read back: {e}\n{}", String::from_utf8_lossy(&bytes)))
}

fn unwritable_field(e: MessageError) -> String {
    match e {
        MessageError::Unwritable { field, .. } => field,
        other => panic!("expected message.unwritable, got {other:?}"),
    }
}

#[test]
fn a_hand_written_modification_reads_as_the_contract_says() {
    let msg = read_modification(&message_fixture(FIXTURE)).unwrap();
    assert_eq!(msg.dec_mod_seq_no, "");
    assert_eq!(msg.version, "1.0");
    assert_eq!(msg.dec_mod_type, "1");
    assert_eq!(msg.entry_id, "090020261000012345");
    assert_eq!(msg.dec_seq_no, "I20260000012345678");
    assert_eq!(msg.ie_flag, "E");
    assert_eq!(msg.customs_code, "0900");
    assert_eq!(msg.trade_name, "大连北方钢材进出口有限公司");
    assert_eq!(msg.agent_code, "2102980567");
    assert_eq!(msg.note, "录入错误：毛重与目的国录错");
    assert_eq!(msg.oper_type, "C");
    assert_eq!(msg.ic_code, "2100000012345");
    assert_eq!(msg.ent_op_name, "王敏");
    assert_eq!(msg.ent_op_tele, "");
    assert_eq!(msg.trade_credit_code, "91210200MA0QC4L18M");
    assert_eq!(msg.agent_credit_code, "91210231MA10XB2P32");
    assert_eq!(msg.items.len(), 2);
    let first = &msg.items[0];
    assert_eq!(
        (first.field_code.as_str(), first.field_name.as_str()),
        ("GrossWet", "毛重")
    );
    assert_eq!(
        (first.old_value.as_str(), first.new_value.as_str()),
        ("47800", "47850.5")
    );
    assert_eq!((first.old_name.as_str(), first.new_name.as_str()), ("", ""));
    assert_eq!(first.unmodelled.len(), 1);
    assert_eq!(first.unmodelled[0].name, "No");
    assert_eq!(first.unmodelled[0].xml, "<No>1</No>");
    // Children of an item in another order are the same item.
    let second = &msg.items[1];
    assert_eq!(second.field_code, "DecList.1.OriginCountry");
    assert_eq!(second.field_name, "第1项最终目的国(地区)");
    assert_eq!(
        (second.old_value.as_str(), second.new_value.as_str()),
        ("JPN", "KOR")
    );
    assert_eq!(
        (second.old_name.as_str(), second.new_name.as_str()),
        ("日本", "韩国")
    );
    assert_eq!(
        msg.unmodelled,
        vec![Fragment {
            parent: "DecModMessage".into(),
            name: "CheckMark".into(),
            xml: "<CheckMark>0</CheckMark>".into(),
        }]
    );
}

#[test]
fn a_gbk_modification_reads_like_the_utf8_one() {
    let utf8 = String::from_utf8(message_fixture(FIXTURE)).unwrap();
    let gbk_text = utf8.replacen("encoding=\"UTF-8\"", "encoding=\"GBK\"", 1);
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&gbk_text);
    assert!(!lossy);
    assert_ne!(gbk.as_ref(), gbk_text.as_bytes(), "the file really is GBK");
    assert_eq!(
        read_modification(&gbk).unwrap(),
        read_modification(utf8.as_bytes()).unwrap()
    );
}

#[test]
fn what_is_read_writes_and_reads_back_the_same() {
    let msg = read_modification(&message_fixture(FIXTURE)).unwrap();
    assert_eq!(round_trip(&msg), msg);
    // Without the namespace, too (the switch for a client that wants none).
    let bytes = write_modification(
        &msg,
        &ModificationWriteOptions {
            without_namespace: true,
        },
    )
    .unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("<DecModMessage>\n"), "{text}");
    assert_eq!(read_modification(&bytes).unwrap(), msg);
}

#[test]
fn an_amendment_makes_one_item_per_changed_field() {
    let lists = CodeLists::bundled();
    let original = declaration("declaration-valid.json");
    let mut amended = original.clone();
    amended.head.gross_weight = "47850.5".into();
    amended.head.trade_mode = "0214".into();
    amended.head.voyage_no = "027E".into();
    amended.head.freight.value = "1900".into();
    amended.head.guarantee_release = true;
    amended.lines[1].quantity = "30".into();
    amended.containers[0].part_load = !original.containers[0].part_load;

    let msg = modification_from_amendment(&original, &amended, &request(), &lists).unwrap();
    let h = &original.head;
    assert_eq!(msg.version, MODIFICATION_VERSION);
    assert_eq!(msg.dec_mod_type, DEC_MOD_TYPE_MODIFY);
    assert_eq!(msg.dec_mod_seq_no, "");
    assert_eq!(msg.entry_id, "090020261000012345");
    assert_eq!(msg.dec_seq_no, "I20260000012345678");
    assert_eq!(msg.note, "录入错误：毛重录错");
    assert_eq!(msg.ie_flag, "E");
    assert_eq!(msg.oper_type, "C");
    assert_eq!(msg.customs_code, h.declaring_customs);
    assert_eq!(msg.trade_code, h.trade_code);
    assert_eq!(msg.trade_credit_code, h.trade_scc);
    assert_eq!(msg.agent_name, h.agent_name);
    assert_eq!(msg.agent_credit_code, h.agent_scc);
    assert_eq!(msg.ic_code, "2100000012345");
    assert_eq!(msg.ent_op_name, "王敏");
    assert_eq!(msg.ent_op_tele, "0411-82790000");

    let lcl = |b: bool| if b { "1" } else { "0" };
    let mut trade_mode = item("TradeMode", "监管方式", "0110", "0214");
    trade_mode.old_name = "一般贸易".into();
    trade_mode.new_name = "来料加工".into();
    let expected = vec![
        trade_mode,
        item("FeeRate", "运费数值", "1800", "1900"),
        item("GrossWet", "毛重", "47800", "47850.5"),
        item("ChkSurety", "担保验放", "0", "1"),
        item("VoyNo", "航次号", "026E", "027E"),
        item(
            "DecList.2.GQty",
            "第2项成交数量",
            &original.lines[1].quantity,
            "30",
        ),
        item(
            "Container.1.LclFlag",
            "第1个拼箱标识",
            lcl(original.containers[0].part_load),
            lcl(!original.containers[0].part_load),
        ),
    ];
    assert_eq!(msg.items, expected);
    assert_eq!(round_trip(&msg), msg);
}

#[test]
fn an_export_names_the_element_the_swapped_countries_travel_in() {
    let lists = CodeLists::bundled();
    let export = declaration("declaration-valid.json");
    assert_eq!(export.head.ie_flag, IeFlag::E);
    let mut amended = export.clone();
    amended.lines[0].destination_country = "KOR".into();
    amended.lines[0].origin_country = "JPN".into();
    amended.head.overseas_name = "HANSHIN STEEL CO., LTD.".into();
    let msg = modification_from_amendment(&export, &amended, &request(), &lists).unwrap();
    let codes: Vec<(&str, &str, &str)> = msg
        .items
        .iter()
        .map(|i| {
            (
                i.field_code.as_str(),
                i.old_value.as_str(),
                i.new_value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            (
                "OverseasConsigneeEname",
                "HANSHIN STEEL TRADING CO., LTD.",
                "HANSHIN STEEL CO., LTD."
            ),
            // origin_country travels in DestinationCountry on an export…
            ("DecList.1.DestinationCountry", "CHN", "JPN"),
            // …and destination_country in OriginCountry.
            ("DecList.1.OriginCountry", "JPN", "KOR"),
        ]
    );
    assert_eq!(msg.items[2].field_name, "第1项最终目的国(地区)");
    assert_eq!(
        (
            msg.items[2].old_name.as_str(),
            msg.items[2].new_name.as_str()
        ),
        ("日本", "韩国")
    );
    // The declaration message of the amended export carries the new
    // destination in the element the item names.
    let written =
        String::from_utf8(portdesk_message::write(&amended, &WriteOptions::default()).unwrap())
            .unwrap();
    assert!(
        written.contains("<OriginCountry>KOR</OriginCountry>"),
        "{written}"
    );
    assert!(written.contains("<DestinationCountry>JPN</DestinationCountry>"));
    // Read back, the items name the fields they were made from.
    let fields: Vec<(String, String)> = changes_of(&msg)
        .unwrap()
        .into_iter()
        .map(|c| (c.field, c.value))
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                "head.overseas_name".into(),
                "HANSHIN STEEL CO., LTD.".into()
            ),
            ("lines.0.origin_country".into(), "JPN".into()),
            ("lines.0.destination_country".into(), "KOR".into()),
        ]
    );
    // The same change on an import names the plain elements.
    let import = declaration("declaration-two-step-full.json");
    assert_eq!(import.head.ie_flag, IeFlag::I);
    let mut amended = import.clone();
    amended.lines[0].origin_country = "KOR".into();
    amended.head.overseas_name = "X".into();
    let msg = modification_from_amendment(&import, &amended, &request(), &lists).unwrap();
    let codes: Vec<&str> = msg.items.iter().map(|i| i.field_code.as_str()).collect();
    assert_eq!(
        codes,
        vec!["OverseasConsignorEname", "DecList.1.OriginCountry"]
    );
}

#[test]
fn changes_the_message_cannot_carry_are_refused_by_name() {
    let lists = CodeLists::bundled();
    let original = declaration("declaration-valid.json");
    let refused = |edit: &dyn Fn(&mut Declaration), req: &ModificationRequest| {
        let mut amended = original.clone();
        edit(&mut amended);
        unwritable_field(
            modification_from_amendment(&original, &amended, req, &lists)
                .expect_err("should be refused"),
        )
    };
    let req = request();
    assert_eq!(refused(&|d| d.advance = !d.advance, &req), "advance");
    assert_eq!(
        refused(
            &|d| d.filing_mode = portdesk_domain::FilingMode::TwoStepComplete,
            &req
        ),
        "filing_mode"
    );
    assert_eq!(
        refused(&|d| d.client_seq_no = "PD0000000000000009".into(), &req),
        "client_seq_no"
    );
    assert_eq!(
        refused(&|d| d.head.ie_flag = IeFlag::I, &req),
        "head.ie_flag"
    );
    assert_eq!(
        refused(&|d| d.lines.push(d.lines[0].clone()), &req),
        "lines"
    );
    assert_eq!(
        refused(
            &|d| {
                d.containers.pop();
            },
            &req
        ),
        "containers"
    );
    assert_eq!(refused(&|_| {}, &req), "changes");
    // A change to an element-less field is refused even beside good ones.
    assert_eq!(
        refused(
            &|d| {
                d.head.gross_weight = "1".into();
                d.advance = !d.advance;
            },
            &req
        ),
        "advance"
    );
    let gross = |d: &mut Declaration| d.head.gross_weight = "1".into();
    let bad_reason = ModificationRequest {
        reason: "because".into(),
        ..request()
    };
    assert_eq!(refused(&gross, &bad_reason), "reason");
    let no_filing = ModificationRequest {
        dec_seq_no: " ".into(),
        entry_id: String::new(),
        ..request()
    };
    assert_eq!(refused(&gross, &no_filing), "entry_id");
    // Without the clerk's note the reason alone is the note.
    let mut amended = original.clone();
    gross(&mut amended);
    let msg = modification_from_amendment(
        &original,
        &amended,
        &ModificationRequest {
            note: "  ".into(),
            ..request()
        },
        &lists,
    )
    .unwrap();
    assert_eq!(msg.note, "录入错误");
}

#[test]
fn the_writer_refuses_what_the_reader_would_refuse() {
    let msg = read_modification(&message_fixture(FIXTURE)).unwrap();
    let opts = ModificationWriteOptions::default();
    let field =
        |m: &ModificationMessage| unwritable_field(write_modification(m, &opts).unwrap_err());
    let mut m = msg.clone();
    m.entry_id.clear();
    m.dec_seq_no.clear();
    assert_eq!(field(&m), "entry_id");
    let mut m = msg.clone();
    m.items[1].field_code = " ".into();
    assert_eq!(field(&m), "items[1].field_code");
    let mut m = msg.clone();
    m.items[0].new_value = "a\u{1}b".into();
    assert_eq!(field(&m), "items[0].NewValue");
    let mut m = msg.clone();
    m.unmodelled.push(Fragment {
        parent: "DecModMessage".into(),
        name: "EntryId".into(),
        xml: "<EntryId>1</EntryId>".into(),
    });
    assert_eq!(field(&m), "unmodelled[1]");
    let mut m = msg.clone();
    m.unmodelled[0].xml = "<CheckMark>0".into();
    assert_eq!(field(&m), "unmodelled[0]");
    let mut m = msg;
    m.items = vec![item("GrossWet", "", "1", "2"); MAX_MODIFICATION_ITEMS + 1];
    assert_eq!(field(&m), "items");
}

#[test]
fn malformed_modifications_name_the_element_and_line() {
    let fixture = String::from_utf8(message_fixture(FIXTURE)).unwrap();
    let err = |text: &str| read_modification(text.as_bytes()).unwrap_err();

    let e = err(&fixture.replace("<FieldCode>GrossWet</FieldCode>", "<FieldCode/>"));
    assert_eq!(e.code(), "message.missing");
    assert_eq!(e.element(), Some("DecModMessage/Items/Item/FieldCode"));
    assert_eq!(e.line(), Some(22));

    let e = err(&fixture.replace(
        "<EntryId>090020261000012345</EntryId>\n  <DecSeqNo>I20260000012345678</DecSeqNo>",
        "<EntryId/>",
    ));
    assert_eq!(e.code(), "message.missing");
    assert_eq!(e.element(), Some("DecModMessage/EntryId"));

    let e = err(&fixture.replace(
        "<IeFlag>E</IeFlag>",
        "<IeFlag>E</IeFlag>\n  <IeFlag>I</IeFlag>",
    ));
    assert_eq!(e.code(), "message.duplicate");
    assert_eq!(e.element(), Some("DecModMessage/IeFlag"));
    assert_eq!(e.line(), Some(14));

    let e = err(&fixture.replace("<NewValue>KOR</NewValue>", "<NewValue><b/></NewValue>"));
    assert_eq!(e.code(), "message.invalid_value");
    assert_eq!(e.element(), Some("DecModMessage/Items/Item/NewValue"));

    let e = err(&fixture.replace("</Items>", "</Item>"));
    assert_eq!(e.code(), "message.malformed");

    let e = err(&fixture.replace(
        "http://www.chinaport.gov.cn/dec",
        "http://example.com/other",
    ));
    assert_eq!(e.code(), "message.wrong_namespace");

    // A declaration message is not a modification message.
    let e = read_modification(&message_fixture("bare-4.8.xml")).unwrap_err();
    assert_eq!(e.code(), "message.wrong_root");
    assert_eq!(e.element(), Some("DecMessage"));

    let many = format!(
        "<DecModMessage><EntryId>1</EntryId><Items>{}</Items></DecModMessage>",
        "<Item><FieldCode>X</FieldCode></Item>".repeat(MAX_MODIFICATION_ITEMS + 1)
    );
    let e = err(&many);
    assert_eq!(e.code(), "message.too_many_items");
    assert_eq!(e.element(), Some("DecModMessage/Items/Item"));
}

/// Every leaf of the interchange form that differs, counted the way the
/// property compares with the items (independent of the crate's own walk).
fn differing_leaves(a: &serde_json::Value, b: &serde_json::Value) -> usize {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .map(|(k, v)| differing_leaves(v, &y[k.as_str()]))
            .sum(),
        (Value::Array(x), Value::Array(y)) => {
            x.iter().zip(y).map(|(p, q)| differing_leaves(p, q)).sum()
        }
        _ => usize::from(a != b),
    }
}

const AMENDMENT_CASES: u32 = 64;

#[test]
fn random_amendments_of_generated_declarations_round_trip() {
    let bases: Vec<Declaration> = json_fixtures().into_iter().map(|(_, d)| d).collect();
    let lists = CodeLists::bundled();
    let strategy = (any::<u64>(), fuzz::text_edits(6));
    fuzz::check(
        "message::modification_amendments",
        file!(),
        AMENDMENT_CASES,
        strategy,
        |(seed, edits)| {
            let original = crate::generated::generate(&mut ChaCha8Rng::seed_from_u64(seed), &bases);
            let mut doc = serde_json::to_value(&original).unwrap();
            for e in &edits {
                e.apply(&mut doc);
            }
            let Ok(mut amended) = serde_json::from_value::<Declaration>(doc.clone()) else {
                return Ok(());
            };
            // The line's part number is never sent: the server's copy keeps
            // the filed one, so the amendment is compared without it.
            for (a, o) in amended.lines.iter_mut().zip(&original.lines) {
                a.part_number.clone_from(&o.part_number);
            }
            let doc = serde_json::to_value(&amended).unwrap();
            let msg = match modification_from_amendment(&original, &amended, &request(), &lists) {
                Ok(msg) => msg,
                Err(MessageError::Unwritable { field, .. }) => {
                    // Only what the message cannot say is refused.
                    prop_assert!(
                        [
                            "changes",
                            "client_seq_no",
                            "filing_mode",
                            "head.ie_flag",
                            "lines",
                            "containers",
                            "documents",
                            "edocs",
                        ]
                        .contains(&field.as_str()),
                        "refused {field}"
                    );
                    return Ok(());
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
            };
            // The items map back to the changes: applied to the filed
            // declaration they give the amended one (what the mock does).
            let changes = changes_of(&msg).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let wire: Vec<portdesk_api::FieldChange> = changes
                .into_iter()
                .map(|c| portdesk_api::FieldChange {
                    field: c.field,
                    value: c.value,
                })
                .collect();
            let applied = portdesk_api::apply_changes(&original, &wire)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&applied, &amended);
            // One item per changed field, each a real change.
            let changed = differing_leaves(&serde_json::to_value(&original).unwrap(), &doc);
            prop_assert_eq!(msg.items.len(), changed);
            for i in &msg.items {
                prop_assert_ne!(&i.old_value, &i.new_value);
                prop_assert!(!i.field_code.is_empty() && !i.field_name.is_empty());
            }
            match write_modification(&msg, &ModificationWriteOptions::default()) {
                Ok(bytes) => {
                    let back = read_modification(&bytes).map_err(|e| {
                        TestCaseError::fail(format!("our own message does not read: {e}"))
                    })?;
                    prop_assert_eq!(back, msg);
                }
                // Text XML 1.0 cannot hold (control characters) is refused
                // by name, as the declaration writer refuses it.
                Err(MessageError::Unwritable { field, .. }) => {
                    prop_assert!(field.starts_with("items["), "refused {field}");
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
            }
            Ok(())
        },
    );
}

/// What reads and writes reads back the same.
fn read_write_read(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(msg) = read_modification(bytes) else {
        return Ok(());
    };
    // The reader takes control characters XML 1.0 forbids (as the
    // declaration reader does); the writer refuses them by name. Then there
    // is nothing to compare, and no panic is all that is asked.
    let written = match write_modification(&msg, &ModificationWriteOptions::default()) {
        Ok(written) => written,
        Err(MessageError::Unwritable { .. }) => return Ok(()),
        Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
    };
    let again = read_modification(&written)
        .map_err(|e| TestCaseError::fail(format!("our own message does not read: {e}")))?;
    prop_assert_eq!(again, msg);
    Ok(())
}

#[test]
fn arbitrary_bytes_never_panic() {
    let fixture = message_fixture(FIXTURE);
    let strategy = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..4096),
        fuzz::nasty_text().prop_map(String::into_bytes),
        // The fixture with a piece of hostile text put somewhere.
        (any::<proptest::sample::Index>(), fuzz::nasty_text()).prop_map(move |(at, text)| {
            let mut bytes = fixture.clone();
            let at = at.index(bytes.len());
            bytes.splice(at..at, text.into_bytes());
            bytes
        }),
    ];
    fuzz::check(
        "message::modification_read_arbitrary",
        file!(),
        AMENDMENT_CASES,
        strategy,
        |bytes| read_write_read(&bytes),
    );
}

#[test]
fn every_field_the_message_carries_has_a_code_and_a_chinese_name() {
    /// Changes every text and yes/no leaf but the three the message has no
    /// element for, the direction and the line's part number (never sent);
    /// returns how many it changed.
    fn change(v: &mut serde_json::Value, path: &str) -> usize {
        use serde_json::Value;
        let skip = [
            "client_seq_no",
            "filing_mode",
            "advance",
            "head.ie_flag",
            "lines.part_number",
        ];
        match v {
            Value::Object(map) => map
                .iter_mut()
                .map(|(k, v)| {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    change(v, &p)
                })
                .sum(),
            Value::Array(items) => items.iter_mut().map(|v| change(v, path)).sum(),
            _ if skip.contains(&path) => 0,
            Value::String(s) => {
                s.push('9');
                1
            }
            Value::Bool(b) => {
                *b = !*b;
                1
            }
            _ => 0,
        }
    }
    let lists = CodeLists::bundled();
    for fixture in ["declaration-valid.json", "declaration-two-step-full.json"] {
        let original = declaration(fixture);
        let mut doc = serde_json::to_value(&original).unwrap();
        let changed = change(&mut doc, "");
        let amended: Declaration = serde_json::from_value(doc).unwrap();
        let msg = modification_from_amendment(&original, &amended, &request(), &lists).unwrap();
        assert_eq!(msg.items.len(), changed, "{fixture}");
        let mut codes = std::collections::HashSet::new();
        for i in &msg.items {
            assert!(
                codes.insert(i.field_code.clone()),
                "{fixture}: {} twice",
                i.field_code
            );
            assert!(
                !i.field_name.is_ascii(),
                "{fixture}: {} has no Chinese name ({})",
                i.field_code,
                i.field_name
            );
        }
        assert_eq!(round_trip(&msg), msg);
    }
}

#[test]
fn items_map_back_to_fields_and_a_code_we_do_not_make_is_refused_by_item() {
    let msg = |ie: &str, items: Vec<ModificationItem>| ModificationMessage {
        dec_seq_no: "I20260000012345678".into(),
        ie_flag: ie.into(),
        items,
        ..ModificationMessage::default()
    };
    let change = |field: &str, value: &str| InterchangeChange {
        field: field.into(),
        value: value.into(),
    };
    let ok = msg(
        "I",
        vec![
            item("GrossWet", "毛重", "1200", "1250"),
            item("ChkSurety", "担保验放", "0", "1"),
            item("VoyNo", "航次号", "", "2612E"),
            item("OverseasConsignorEname", "境外发货人名称", "A", "B"),
            item("DecList.2.GQty", "第2项成交数量", "10", "12"),
            item("DecList.1.OriginCountry", "第1项原产国", "JPN", "KOR"),
            item("Container.1.LclFlag", "第1项拼箱标识", "1", "0"),
            item("LicenseDocu.1.CertCode", "第1项许可证编号", "x", "y"),
            item("EdocRealation.3.EdocID", "第3项文件名", "a.pdf", "b.pdf"),
        ],
    );
    assert_eq!(
        changes_of(&ok).unwrap(),
        vec![
            change("head.gross_weight", "1250"),
            change("head.guarantee_release", "true"),
            change("head.voyage_no", "2612E"),
            change("head.overseas_name", "B"),
            change("lines.1.quantity", "12"),
            change("lines.0.origin_country", "KOR"),
            change("containers.0.part_load", "false"),
            change("documents.0.cert_no", "y"),
            change("edocs.2.file_name", "b.pdf"),
        ]
    );
    let refused = |ie: &str, items: Vec<ModificationItem>| {
        let e = changes_of(&msg(ie, items)).unwrap_err();
        assert_eq!(e.code(), "message.invalid_item", "{e}");
        e.element().unwrap().to_owned()
    };
    let gross = || item("GrossWet", "毛重", "1", "2");
    // The consignee's elements are an export's; an import has none.
    for bad in [
        "NoSuchElement",
        "OverseasConsigneeEname",
        "DecList.0.GQty",
        "DecList.x.GQty",
        "DecList.123456.GQty",
        "DecList.1.NoSuch",
        "Nowhere.1.GQty",
        "DecList.1",
    ] {
        assert_eq!(
            refused("I", vec![gross(), item(bad, "", "", "1")]),
            "DecModMessage/Items/Item[2]/FieldCode",
            "{bad}"
        );
    }
    assert_eq!(
        refused("I", vec![item("ChkSurety", "", "0", "yes")]),
        "DecModMessage/Items/Item[1]/NewValue"
    );
    assert_eq!(
        refused("I", vec![gross(), gross()]),
        "DecModMessage/Items/Item[2]/FieldCode"
    );
    assert_eq!(refused("X", vec![gross()]), "DecModMessage/IeFlag");
}

#[test]
fn the_note_gives_back_the_reason_and_the_clerks_words() {
    let lists = CodeLists::bundled();
    let filed = declaration("declaration-valid.json");
    let mut amended = filed.clone();
    amended.head.gross_weight = "1".into();
    for (reason, note) in [
        ("import_date_change", "船期变更"),
        ("other", ""),
        ("price_change", ""),
    ] {
        let req = ModificationRequest {
            reason: reason.into(),
            note: note.into(),
            ..request()
        };
        let msg = modification_from_amendment(&filed, &amended, &req, &lists).unwrap();
        assert_eq!(reason_of_note(&msg.note), (reason, note.to_owned()));
    }
    // Free text from another tool is "other", whole.
    assert_eq!(reason_of_note("更正毛重"), ("other", "更正毛重".to_owned()));
}
