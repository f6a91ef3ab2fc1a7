use portdesk_domain::{FilingMode, IeFlag};
use portdesk_message::{read, write, Declarant, OperType, Version, WriteOptions};

use crate::{json_fixtures, through_message};

#[test]
fn every_fixture_declaration_comes_back_the_same_in_every_form() {
    let fixtures = json_fixtures();
    assert!(fixtures.len() >= 4, "found only {fixtures:?}");
    for (name, mut d) in fixtures {
        // The summary fixture has no sequence number yet; a message cannot
        // be written without one (tested in malformed.rs).
        if d.client_seq_no.is_empty() {
            d.client_seq_no = "PD06H1RX30KSSW3399".into();
        }
        for envelope in [false, true] {
            for version in [Version::V4_8, Version::V5_0] {
                for oper_type in [OperType::G, OperType::C] {
                    let opts = WriteOptions {
                        envelope,
                        oper_type,
                        version,
                        ..WriteOptions::default()
                    };
                    let (_, back) = through_message(&d, &opts);
                    assert_eq!(
                        back.declaration, d,
                        "{name} envelope={envelope} {version:?}"
                    );
                    assert_eq!(back.envelope, envelope);
                    assert_eq!(back.version, version);
                    assert_eq!(back.oper_type, Some(oper_type));
                }
            }
        }
    }
}

#[test]
fn the_writer_defaults_to_a_bare_4_8_draft_in_utf8() {
    let (_, d) = json_fixtures().into_iter().next().unwrap();
    let mut d = d;
    d.client_seq_no = "PD06H1RX30KSSW3398".into();
    let text = String::from_utf8(write(&d, &WriteOptions::default()).unwrap()).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DecMessage xmlns=\"http://www.chinaport.gov.cn/dec\" Version=\"4.8\">"), "{text}");
    assert!(text.contains("<OperType>G</OperType>"));
    assert!(text.contains("<Sign/>") && text.contains("<SignDate/>"));
    assert!(!text.contains("ImportMessage"));
}

#[test]
fn the_envelope_and_the_declarant_settings_are_written() {
    let mut d = portdesk_domain::Declaration::new("PD06H1RX30KSSW3397".into(), IeFlag::I);
    d.head.voyage_no = "2611N".into();
    let declarant = Declarant {
        cop_code: "2102980567".into(),
        cop_name: "大连港通报关有限公司".into(),
        cop_scc: "91210231MA10XB2P32".into(),
        inputer_name: "李明".into(),
        declare_name: "王芳".into(),
        typist_no: "8930000012345".into(),
        ic_code: "8930000012345".into(),
        oper_name: "李明".into(),
    };
    let opts = WriteOptions {
        envelope: true,
        oper_type: OperType::C,
        declarant: declarant.clone(),
        ..WriteOptions::default()
    };
    let bytes = write(&d, &opts).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    for part in [
        "<ImportMessage>",
        "<CopMsgId>PD06H1RX30KSSW3397</CopMsgId>",
        "<MsgType>SWDEC001</MsgType>",
        "<FunctionCode>0</FunctionCode>",
        "<SWImpData>",
        "<OperType>C</OperType>",
        "<InputerName>李明</InputerName>",
        "<TypistNo>8930000012345</TypistNo>",
        "<ICCode>8930000012345</ICCode>",
        "<DeclTrnRel>0</DeclTrnRel>",
    ] {
        assert!(text.contains(part), "{part} missing in\n{text}");
    }
    // The voyage goes into DecFreeTxt, never DecHead.
    let head = &text[text.find("<DecHead>").unwrap()..text.find("</DecHead>").unwrap()];
    assert!(!head.contains("VoyNo"));
    assert!(
        text.contains("<DecFreeTxt>\n        <VoyNo>2611N</VoyNo>"),
        "{text}"
    );
    let back = read(&bytes).unwrap();
    assert_eq!(back.declarant, declarant);
    assert!(back.envelope);
}

#[test]
fn an_export_writes_the_line_countries_swapped() {
    let mut d = portdesk_domain::Declaration::new("PD06H1RX30KSSW3396".into(), IeFlag::E);
    d.lines.push(portdesk_domain::GoodsLine {
        origin_country: "CHN".into(),
        destination_country: "JPN".into(),
        ..Default::default()
    });
    let text = String::from_utf8(write(&d, &WriteOptions::default()).unwrap()).unwrap();
    assert!(
        text.contains("<OriginCountry>JPN</OriginCountry>"),
        "{text}"
    );
    assert!(text.contains("<DestinationCountry>CHN</DestinationCountry>"));
    d.head.ie_flag = IeFlag::I;
    let text = String::from_utf8(write(&d, &WriteOptions::default()).unwrap()).unwrap();
    assert!(
        text.contains("<OriginCountry>CHN</OriginCountry>"),
        "{text}"
    );
}

#[test]
fn the_filing_mode_travels_in_the_document_type() {
    let mut d = portdesk_domain::Declaration::new("PD06H1RX30KSSW3395".into(), IeFlag::I);
    d.filing_mode = FilingMode::TwoStepSummary;
    d.head.document_type = "SW5".into();
    let (_, back) = through_message(&d, &WriteOptions::default());
    assert_eq!(back.declaration.filing_mode, FilingMode::TwoStepSummary);
    let d = d.into_two_step_complete();
    let (_, back) = through_message(&d, &WriteOptions::default());
    assert_eq!(back.declaration.filing_mode, FilingMode::TwoStepComplete);
}

#[test]
fn advance_stays_with_the_draft() {
    let mut d = portdesk_domain::Declaration::new("PD06H1RX30KSSW3394".into(), IeFlag::I);
    d.advance = true;
    let bytes = write(&d, &WriteOptions::default()).unwrap();
    // The message has no element for it: read alone, it is the default …
    assert!(!read(&bytes).unwrap().declaration.advance);
    // … and the draft's value is kept when the app merges.
    let (_, back) = through_message(&d, &WriteOptions::default());
    assert!(back.declaration.advance);
}
