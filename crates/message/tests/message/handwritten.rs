//! Messages written by hand from the contract (tests/fixtures/decmessage),
//! the way other tools write them, each giving the declaration the
//! contract says.

use portdesk_domain::{FilingMode, IeFlag};
use portdesk_message::{OperType, Version};

use crate::read_fixture;

#[test]
fn a_bare_4_8_import_maps_every_block() {
    let m = read_fixture("bare-4.8.xml");
    assert!(!m.envelope);
    assert_eq!(m.version, Version::V4_8);
    assert_eq!(m.oper_type, Some(OperType::G));
    let d = &m.declaration;
    let h = &d.head;
    assert_eq!(d.client_seq_no, "PD06H1RX30KSSW3301");
    assert_eq!(d.filing_mode, FilingMode::OneStep);
    assert_eq!(h.ie_flag, IeFlag::I);
    assert_eq!(h.declaring_customs, "0900");
    assert_eq!(h.ie_port, "0902");
    assert_eq!(h.document_type, "  0");
    assert_eq!(h.entry_type, "M");
    assert_eq!(h.trade_name, "大连精工机械有限公司");
    assert_eq!(h.trade_scc, "91210200241280379U");
    assert_eq!(h.owner_code, "2102910128");
    assert_eq!(h.agent_scc, "91210231MA10XB2P32");
    // The import's overseas party is the consignor.
    assert_eq!(h.overseas_name, "OSAKA SEIKI CO., LTD.");
    assert_eq!(h.overseas_address, "1-2-3 NAMBA, OSAKA");
    assert_eq!(h.overseas_aeo, "NO");
    assert_eq!(h.levy_kind, "101");
    assert_eq!(h.trading_country, "JPN");
    assert_eq!(h.entry_exit_port, "210201");
    assert_eq!(h.goods_place, "大连港大窑湾港区");
    assert_eq!(h.terms_of_sale, "1");
    assert_eq!(
        (
            h.freight.mark.as_str(),
            h.freight.value.as_str(),
            h.freight.currency.as_str()
        ),
        ("3", "1200.50", "USD")
    );
    assert_eq!(h.insurance.value, "0.3");
    // Decimals are kept as written, all five decimals.
    assert_eq!(h.gross_weight, "5230.12345");
    assert_eq!(h.packages, "12");
    assert_eq!(h.package_kind, "22");
    assert_eq!(h.price_declarations, "00099");
    assert_eq!(h.remarks, "随附发票");
    assert!(!h.guarantee_release);
    // The voyage comes from DecFreeTxt.
    assert_eq!(h.voyage_no, "2611N");
    assert_eq!(h.conveyance_name, "SITC DALIAN");

    assert_eq!(d.lines.len(), 1);
    let l = &d.lines[0];
    assert_eq!(l.commodity_code, "8466930000");
    assert_eq!(l.elements, "0|0|机床用|铣刀夹头|无品牌|MK-20");
    assert_eq!(l.unit_price, "1250.1234");
    assert_eq!(l.total_price, "15001.48");
    assert_eq!(l.origin_country, "JPN");
    assert_eq!(l.destination_country, "CHN");
    assert_eq!(l.district_code, "21029");

    assert_eq!(d.containers.len(), 1);
    assert_eq!(d.containers[0].number, "TGHU1234567");
    assert_eq!(d.containers[0].line_refs, "1");
    assert!(d.containers[0].part_load);
    assert_eq!(d.containers[0].weight, "2200");
    assert_eq!(d.documents[0].code, "Y");
    assert_eq!(d.documents[0].cert_no, "CO-JP-2026-000123");
    assert_eq!(d.edocs[0].code, "00000001");
    assert_eq!(
        d.edocs[0].file_name,
        "0900000000001IM000000000000000001.pdf"
    );
    assert_eq!(d.edocs[0].size, "183204");

    assert_eq!(m.declarant.cop_code, "2102980567");
    assert_eq!(m.declarant.inputer_name, "李明");
    assert_eq!(m.declarant.declare_name, "王芳");
    assert_eq!(m.declarant.typist_no, "8930000012345");
    assert_eq!(m.declarant.ic_code, "8930000012345");
    assert_eq!(m.declarant.oper_name, "李明");

    let names = |frags: &[portdesk_message::Fragment]| {
        frags.iter().map(|f| f.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&m.unmodelled.head),
        ["SeqNo", "DeclTrnRel", "EdiId", "SpecDeclFlag"]
    );
    assert_eq!(
        names(&m.unmodelled.lines[0]),
        ["ClassMark", "ContrItem", "CiqCode", "Purpose"]
    );
    assert_eq!(names(&m.unmodelled.containers[0]), ["GoodsContaWt"]);
    assert_eq!(names(&m.unmodelled.edocs[0]), ["EdocFomatType", "OpNote"]);
    assert_eq!(names(&m.unmodelled.free_text), ["DecBpNo", "RelId"]);
    assert_eq!(
        names(&m.unmodelled.sign),
        ["Sign", "SignDate", "HostId", "DomainId"]
    );
    assert_eq!(
        names(&m.unmodelled.blocks),
        ["DecRequestCerts", "DecOtherPacks"]
    );
    assert!(m.unmodelled.blocks[1]
        .xml
        .contains("<PackType>92</PackType>"));
}

#[test]
fn an_enveloped_5_0_message_is_read_from_inside_the_envelope() {
    let m = read_fixture("envelope-5.0.xml");
    assert!(m.envelope);
    assert_eq!(m.version, Version::V5_0);
    assert_eq!(m.oper_type, Some(OperType::C));
    let d = &m.declaration;
    assert_eq!(d.client_seq_no, "PD06H1RX30KSSW3302");
    // Type SW5: a two-step summary.
    assert_eq!(d.filing_mode, FilingMode::TwoStepSummary);
    assert_eq!(d.head.document_type, "SW5");
    assert_eq!(d.lines[0].commodity_code, "846693");
    assert_eq!(d.head.voyage_no, "2611N");
    // Absent elements: empty, and the domain's default entry type.
    assert_eq!(d.head.contract_no, "");
    assert_eq!(d.head.entry_type, "0");
    let heads: Vec<_> = m
        .unmodelled
        .envelope_head
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        heads,
        [
            "CopMsgId",
            "MsgType",
            "FunctionCode",
            "Format",
            "Compress",
            "Version"
        ]
    );
    assert_eq!(
        m.unmodelled.envelope_head[0].xml,
        "<CopMsgId>MSG-20261103-0001</CopMsgId>"
    );
}

#[test]
fn a_gbk_file_is_decoded_as_its_declaration_says() {
    let bytes = crate::message_fixture("gbk.xml");
    // Really GBK on disk, not UTF-8.
    assert!(std::str::from_utf8(&bytes).is_err());
    let m = portdesk_message::read(&bytes).unwrap();
    assert_eq!(m.declaration.head.trade_name, "大连精工机械有限公司");
    assert_eq!(m.declaration.head.goods_place, "大连港大窑湾港区");
    assert_eq!(m.declaration.lines[0].name, "机床零件");
    assert_eq!(m.declaration.lines[0].elements, "0|0|机床用|铣刀夹头");
}

#[test]
fn gb2312_and_gb18030_labels_decode_too() {
    let body = "<DecMessage xmlns=\"http://www.chinaport.gov.cn/dec\" Version=\"4.8\"><DecHead><IEFlag>I</IEFlag><TradeName>精工😀</TradeName></DecHead><DecLists/><DecSign><ClientSeqNo>X1</ClientSeqNo></DecSign></DecMessage>";
    // GB18030 has four-byte sequences for characters beyond GBK.
    let (encoded, _, unmappable) = encoding_rs::GB18030.encode(body);
    assert!(!unmappable);
    let mut bytes = b"<?xml version='1.0' encoding='GB18030'?>".to_vec();
    bytes.extend_from_slice(&encoded);
    let m = portdesk_message::read(&bytes).unwrap();
    assert_eq!(m.declaration.head.trade_name, "精工😀");
    // GB2312 is read as GBK, its superset.
    let body = body.replace("😀", "");
    let (encoded, _, _) = encoding_rs::GBK.encode(&body);
    let mut bytes = b"<?xml version=\"1.0\" encoding=\"gb2312\"?>".to_vec();
    bytes.extend_from_slice(&encoded);
    let m = portdesk_message::read(&bytes).unwrap();
    assert_eq!(m.declaration.head.trade_name, "精工");
}

#[test]
fn children_in_any_order_and_lines_by_gno() {
    let m = read_fixture("shuffled.xml");
    let d = &m.declaration;
    assert_eq!(d.client_seq_no, "PD06H1RX30KSSW3303");
    assert_eq!(d.head.ie_flag, IeFlag::I);
    assert_eq!(d.head.trade_name, "大连北方钢材进出口有限公司");
    assert_eq!(d.head.ie_date, "20261105");
    // WrapType as the last DecHead child, as one generator writes it.
    assert_eq!(d.head.package_kind, "99");
    assert_eq!(d.head.voyage_no, "V88");
    assert_eq!(d.lines[0].name, "第一项");
    assert_eq!(d.lines[0].commodity_code, "7208390000");
    assert_eq!(d.lines[1].name, "第二项");
    assert_eq!(d.edocs[0].file_name, "contract.pdf");
    assert_eq!(d.edocs[0].code, "00000004");
}

#[test]
fn empty_elements_escapes_and_cdata_are_taken_as_they_come() {
    let m = read_fixture("empties.xml");
    let d = &m.declaration;
    assert_eq!(d.head.record_no, "");
    assert_eq!(d.head.contract_no, "");
    assert_eq!(d.head.licence_no, "");
    assert!(!d.head.guarantee_release);
    assert_eq!(d.head.marks, "A&B <1> +Z");
    assert_eq!(d.head.remarks, "含 <特殊> 字符");
    // The generator's escaped `+` and the grouped elements at the end.
    assert_eq!(d.lines[0].elements, "0|0|热镀锌|DX51D+Z|<a><b>");
    assert_eq!(d.lines[0].second_quantity, "");
    assert!(d.containers.is_empty());
    assert_eq!(m.oper_type, None);
}

#[test]
fn unknown_elements_and_prefixes_are_kept_not_fatal() {
    let m = read_fixture("unknown.xml");
    let d = &m.declaration;
    assert_eq!(d.head.trade_name, "大连精工机械有限公司");
    assert_eq!(d.lines[0].commodity_code, "8466930000");
    assert_eq!(m.oper_type, Some(OperType::C));
    let un = &m.unmodelled;
    assert_eq!(un.head[0].name, "FutureHeadField");
    assert_eq!(
        un.head[0].xml,
        "<dec:FutureHeadField>F1</dec:FutureHeadField>"
    );
    assert_eq!(un.lines[0][0].name, "FutureLineField");
    assert_eq!(un.sign[0].name, "FutureSignField");
    let blocks: Vec<_> = un.blocks.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(blocks, ["DecCopPromises", "FutureBlock"]);
    assert!(un.blocks[1].xml.contains("kind=\"x\""));
}

#[test]
fn an_export_has_its_line_countries_swapped_back() {
    let m = read_fixture("export-swapped.xml");
    let d = &m.declaration;
    assert_eq!(d.head.ie_flag, IeFlag::E);
    // The message's OriginCountry (JPN) is the destination.
    assert_eq!(d.lines[0].origin_country, "CHN");
    assert_eq!(d.lines[0].destination_country, "JPN");
    // The export's overseas party is the consignee.
    assert_eq!(d.head.overseas_name, "HANSHIN STEEL TRADING CO., LTD.");
    assert_eq!(d.head.overseas_aeo, "NO");
    assert_eq!(d.head.voyage_no, "026E");
}
