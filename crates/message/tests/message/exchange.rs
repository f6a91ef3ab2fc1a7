//! Answer files written by hand the way the Single Window client writes
//! them (tests/fixtures/decmessage/answer-*.xml), not by our writer: import
//! responses in UTF-8 and GBK, receipts in any child order, a truncated one;
//! and the CHANNEL table against the receipt codes the API defines.

use portdesk_api::ReceiptCode;
use portdesk_message::exchange::{
    self, channel_of_receipt_code, parse_notice_date, read_answer, receipt_code_of_channel,
    write_dec_result, write_import_response, ExchangeAnswer,
};

use crate::message_fixture;

fn import(name: &str) -> exchange::ImportResponse {
    match read_answer(&message_fixture(name)) {
        Ok(ExchangeAnswer::Import(r)) => r,
        other => panic!("{name}: {other:?}"),
    }
}

fn result(name: &str) -> exchange::DecResult {
    match read_answer(&message_fixture(name)) {
        Ok(ExchangeAnswer::Result(r)) => r,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn an_import_response_that_imported() {
    let r = import("answer-import-ok.xml");
    assert!(r.imported());
    assert_eq!(r.seq_no, "I20260000001234567");
    assert_eq!(r.client_seq_no, "PD20260102000001");
    assert_eq!(r.error_message, "");
    assert_eq!(r.trn_pre_id, "");
}

#[test]
fn a_gbk_import_response_that_failed() {
    let bytes = message_fixture("answer-import-failed-gbk.xml");
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is GBK");
    let r = import("answer-import-failed-gbk.xml");
    assert!(!r.imported());
    assert_eq!(r.response_code, "1");
    assert_eq!(
        r.error_message,
        "报关单表头[提运单号]不能为空；申报单位代码2102961234未备案"
    );
    assert_eq!(r.seq_no, "");
    assert_eq!(r.client_seq_no, "PD20260102000002");
}

#[test]
fn a_receipt_with_every_field() {
    let r = result("answer-dec-result-L.xml");
    assert_eq!(r.cus_ciq_no, "I20260000001234567");
    assert_eq!(r.entry_id, "090020260000012345");
    assert_eq!(r.channel, "L");
    assert_eq!(r.note, "入海关预录入库");
    assert_eq!(r.custom_master, "0900");
    assert_eq!(
        (r.i_e_date.as_str(), r.d_date.as_str()),
        ("20260102", "20260102")
    );
    let at = parse_notice_date(&r.notice_date).unwrap();
    assert_eq!(at.to_rfc3339(), "2026-01-02T02:15:30+00:00", "China time");
    assert_eq!(receipt_code_of_channel(&r.channel), Some("L"));
}

#[test]
fn a_receipt_from_another_tool_reads_the_same() {
    let r = result("answer-dec-result-B-shuffled.xml");
    assert_eq!(r.channel, "B");
    assert_eq!(r.note, "担保放行 & 交单");
    assert_eq!(r.cus_ciq_no, "E20260000007654321");
    assert_eq!(r.entry_id, "");
    assert_eq!(r.i_e_date, "", "absent is empty");
    assert_eq!(receipt_code_of_channel(&r.channel), Some("P"));
    let at = parse_notice_date(&r.notice_date).unwrap();
    assert_eq!(at.to_rfc3339(), "2026-01-03T00:00:00.123+00:00");
}

#[test]
fn a_truncated_receipt_names_the_element_and_the_last_line() {
    let e = read_answer(&message_fixture("answer-dec-result-broken.xml")).unwrap_err();
    assert_eq!(e.code(), "message.malformed", "{e}");
    assert_eq!(e.element(), Some("DEC_RESULT/NOTE"), "{e}");
    assert_eq!(e.line(), Some(6), "{e}");
}

#[test]
fn a_declaration_message_is_not_an_answer() {
    let e = read_answer(&message_fixture("bare-4.8.xml")).unwrap_err();
    assert_eq!(e.code(), "message.wrong_root");
    assert_eq!(e.element(), Some("DecMessage"));
    assert!(e.to_string().contains("DEC_RESULT"), "{e}");
}

#[test]
fn what_we_write_reads_back_equal() {
    let r = result("answer-dec-result-L.xml");
    assert_eq!(
        read_answer(&write_dec_result(&r)).unwrap(),
        ExchangeAnswer::Result(r)
    );
    let i = import("answer-import-failed-gbk.xml");
    assert_eq!(
        read_answer(&write_import_response(&i)).unwrap(),
        ExchangeAnswer::Import(i)
    );
}

#[test]
fn the_channel_table_speaks_the_api_receipt_codes() {
    let channels = [
        "0", "1", "2", "3", "4", "6", "7", "8", "9", "N", "L", "B", "K", "E", "H", "v", "G", "F",
        "T", "Y", "D", "M", "R", "W", "I", "C", "P", "SpL", "SpE", "SpJ", "SpK", "S0", "F1",
    ];
    for c in channels {
        if let Some(code) = receipt_code_of_channel(c) {
            let parsed = ReceiptCode::parse(code).unwrap_or_else(|| panic!("{c} -> {code}"));
            // What the mock writes for that code maps back to it.
            let back = channel_of_receipt_code(parsed.as_str()).unwrap();
            assert_eq!(receipt_code_of_channel(back), Some(code), "{c}");
        }
    }
    // Every declaration receipt code but M has a channel that maps back.
    for code in [
        ReceiptCode::L,
        ReceiptCode::E,
        ReceiptCode::G,
        ReceiptCode::P,
        ReceiptCode::R,
        ReceiptCode::SpL,
        ReceiptCode::SpE,
        ReceiptCode::SpJ,
        ReceiptCode::SpK,
    ] {
        let ch = channel_of_receipt_code(code.as_str()).unwrap();
        assert_eq!(receipt_code_of_channel(ch), Some(code.as_str()));
    }
    assert_eq!(channel_of_receipt_code(ReceiptCode::M.as_str()), None);
    assert_eq!(channel_of_receipt_code(ReceiptCode::CooA.as_str()), None);
}
