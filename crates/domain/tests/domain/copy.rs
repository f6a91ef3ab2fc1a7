//! Copying a declaration (复制报关单) and a goods line: every field the
//! contract clears is cleared, every other one kept, the original untouched.

use portdesk_domain::{
    AttachedDocument, Container, Declaration, ElectronicAttachment, FilingMode, GoodsLine, Head,
    IeFlag, MAX_LINES,
};

fn full(ie: IeFlag) -> Declaration {
    let mut d = Declaration::new("PDOLD0000000000001".into(), ie);
    d.advance = true;
    d.filing_mode = FilingMode::OneStep;
    d.head.ie_date = "20261130".into();
    d.head.trade_name = "宁波某某贸易有限公司".into();
    d.head.bill_no = "BL123".into();
    d.head.document_type = "CL0   ".into();
    d.head.remarks = "备注".into();
    d.lines = vec![
        GoodsLine {
            commodity_code: "8471300000".into(),
            name: "笔记本电脑".into(),
            quantity: "10".into(),
            ..GoodsLine::default()
        },
        GoodsLine {
            name: "鼠标".into(),
            ..GoodsLine::default()
        },
    ];
    d.containers = vec![Container {
        number: "CSQU3054383".into(),
        line_refs: "1,2".into(),
        ..Container::default()
    }];
    d.documents = vec![AttachedDocument {
        code: "A".into(),
        cert_no: "LIC-1".into(),
    }];
    d.edocs = vec![ElectronicAttachment {
        code: "00000001".into(),
        file_name: "invoice.pdf".into(),
        size: "1024".into(),
    }];
    d.extensions.decmessage = Some(serde_json::json!({
        "head": [{"parent": "DecHead", "name": "EntryId", "xml": "<EntryId>310120261234567890</EntryId>"}]
    }));
    d
}

#[test]
fn a_copy_has_the_new_seq_no_and_clears_the_old_filings_parts() {
    let old = full(IeFlag::E);
    let c = old.copied("PDNEW0000000000002".into());
    assert_eq!(c.client_seq_no, "PDNEW0000000000002");
    assert_eq!(c.head.ie_date, "", "the export date is cleared");
    assert!(c.edocs.is_empty(), "edocs are cleared");
    assert!(c.extensions.is_empty(), "extensions are cleared");
    assert!(!c.advance, "advance is cleared");
    // The original is untouched.
    assert_eq!(old, full(IeFlag::E));
}

#[test]
fn a_copy_keeps_goods_containers_licences_and_the_head() {
    let old = full(IeFlag::E);
    let c = old.copied("PDNEW0000000000002".into());
    assert_eq!(c.lines, old.lines);
    assert_eq!(c.containers, old.containers);
    assert_eq!(c.documents, old.documents);
    assert_eq!(c.filing_mode, FilingMode::OneStep);
    let head = Head {
        ie_date: String::new(),
        ..old.head.clone()
    };
    assert_eq!(c.head, head, "only the export date of the head goes");
}

#[test]
fn an_imports_date_is_kept() {
    let c = full(IeFlag::I).copied("PDNEW0000000000002".into());
    assert_eq!(c.head.ie_date, "20261130");
    assert_eq!(c.head.ie_flag, IeFlag::I);
}

#[test]
fn a_complete_declarations_copy_is_a_summary_again() {
    let mut old = full(IeFlag::I);
    old.filing_mode = FilingMode::TwoStepSummary;
    old.head.document_type = "CL5   ".into();
    let old = old.into_two_step_complete();
    let c = old.copied("PDNEW0000000000002".into());
    assert_eq!(c.filing_mode, FilingMode::TwoStepSummary);
    assert_eq!(c.head.document_type, "CL5   ");
    // A summary stays a summary.
    let again = c.copied("PDNEW0000000000003".into());
    assert_eq!(again.filing_mode, FilingMode::TwoStepSummary);
    assert_eq!(again.head.document_type, "CL5   ");
}

#[test]
fn a_line_is_copied_right_after_itself() {
    let mut d = full(IeFlag::I);
    d.copy_line(0).unwrap();
    assert_eq!(d.lines.len(), 3);
    assert_eq!(d.lines[0], d.lines[1]);
    assert_eq!(d.lines[2].name, "鼠标");
    d.copy_line(2).unwrap();
    assert_eq!(d.lines[3].name, "鼠标");
}

#[test]
fn copying_a_line_past_the_limit_or_out_of_range_names_lines() {
    let mut d = full(IeFlag::I);
    let e = d.copy_line(2).unwrap_err();
    assert_eq!(e.field, "lines");
    assert!(e.message.contains("line 3"), "{e}");
    d.lines = vec![GoodsLine::default(); MAX_LINES - 1];
    d.copy_line(0).unwrap();
    assert_eq!(d.lines.len(), MAX_LINES);
    let e = d.copy_line(0).unwrap_err();
    assert_eq!(e.field, "lines");
    assert!(e.message.contains("at most 50"), "{e}");
    assert_eq!(d.lines.len(), MAX_LINES, "nothing added");
}
