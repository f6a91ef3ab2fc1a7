//! Attached documents a paperless declaration no longer needs (policy
//! measure 9, 简化报关随附单证): which documents the client asks for, and a
//! gentle warning when the user attaches one that is no longer required.
//!
//! Paperless declarations (`entry_type` `W`, `D` or `M`) need not carry, on
//! import, the contract, packing list and manifest; on export, the
//! contract, invoice, packing list and manifest. Imported aquatic products
//! need no certificate of origin; imported cosmetics declare that the
//! hygiene permit exists instead of attaching it. Special requirements
//! still follow their own rules, and a declaration that is not paperless
//! keeps every document. The client must not ask for what the policy has
//! dropped: that is the measure's whole point.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::declaration::{Declaration, IeFlag};
use crate::problem::{Problem, Severity};
use crate::rules::RuleInfo;

/// Declaration form types that are paperless (无纸化): `W` paperless, `D`
/// list + paperless, `M` paperless clearance.
pub const PAPERLESS_ENTRY_TYPES: &[&str] = &["W", "D", "M"];

/// Stable rule ids.
pub mod rule {
    /// An edoc of a kind the paperless declaration no longer needs (warning).
    pub const NOT_NEEDED: &str = "DOC-NOT-NEEDED";
}

/// The `DOC-*` rules.
pub const RULES: &[RuleInfo] = &[RuleInfo {
    id: rule::NOT_NEEDED,
    severity: Severity::Warning,
    title_zh: "无纸化申报无需提交该单证",
    title_en: "Document not needed for a paperless declaration",
}];

/// Document codes of [`RequiredDocument::code`]: stable names, with the
/// edoc code (随附单据代码) where the document travels as an edoc.
/// `00000001` invoice is from the specification; `00000002` packing list
/// and `00000004` contract are assumed from public integrator tables.
pub mod doc {
    pub const CONTRACT: &str = "contract";
    pub const INVOICE: &str = "invoice";
    pub const PACKING_LIST: &str = "packing_list";
    pub const MANIFEST: &str = "manifest";
    pub const ORIGIN_CERTIFICATE: &str = "origin_certificate";
    pub const COSMETICS_PERMIT: &str = "cosmetics_permit";
    pub const COSMETICS_PERMIT_DECLARATION: &str = "cosmetics_permit_declaration";

    /// The edoc code a document is attached under, if it has one.
    pub fn edoc_code(code: &str) -> Option<&'static str> {
        match code {
            INVOICE => Some("00000001"),
            PACKING_LIST => Some("00000002"),
            CONTRACT => Some("00000004"),
            _ => None,
        }
    }
}

/// What kind of goods a declaration carries, as far as measure 9 cares.
/// [`GoodsKind::from_declaration`] derives aquatic and cosmetics from the
/// commodity codes; `special_requirements` is the user's (or a licence
/// rule's) say that the goods fall under rules of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
pub struct GoodsKind {
    /// Aquatic products: HS chapter 03, headings 1604 and 1605.
    pub aquatic: bool,
    /// Cosmetics: HS headings 3303-3307.
    pub cosmetics: bool,
    /// Special requirements apply (有特殊要求的): every document stays required.
    pub special_requirements: bool,
}

fn is_aquatic(code: &str) -> bool {
    code.starts_with("03") || code.starts_with("1604") || code.starts_with("1605")
}

fn is_cosmetic(code: &str) -> bool {
    matches!(
        code.get(..4),
        Some("3303" | "3304" | "3305" | "3306" | "3307")
    )
}

impl GoodsKind {
    /// Aquatic / cosmetics if any goods line's commodity code says so.
    pub fn from_declaration(d: &Declaration) -> Self {
        GoodsKind {
            aquatic: d.lines.iter().any(|l| is_aquatic(l.commodity_code.trim())),
            cosmetics: d.lines.iter().any(|l| is_cosmetic(l.commodity_code.trim())),
            special_requirements: false,
        }
    }
}

/// One document and whether this declaration needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RequiredDocument {
    /// A [`doc`] code.
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub required: bool,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Whether `d` is a paperless declaration.
pub fn is_paperless(d: &Declaration) -> bool {
    PAPERLESS_ENTRY_TYPES.contains(&d.head.entry_type.trim())
}

fn label(code: &str) -> (&'static str, &'static str) {
    match code {
        doc::CONTRACT => ("合同", "contract"),
        doc::INVOICE => ("发票", "invoice"),
        doc::PACKING_LIST => ("装箱单", "packing list"),
        doc::MANIFEST => ("载货清单（舱单）", "manifest"),
        doc::ORIGIN_CERTIFICATE => ("原产地证书", "certificate of origin"),
        doc::COSMETICS_PERMIT => ("化妆品卫生许可批件", "cosmetics hygiene permit"),
        doc::COSMETICS_PERMIT_DECLARATION => (
            "已取得化妆品卫生许可批件的声明",
            "declaration that the cosmetics hygiene permit exists",
        ),
        _ => ("", ""),
    }
}

fn entry(code: &str, required: bool, zh: &str, en: &str) -> RequiredDocument {
    let (label_zh, label_en) = label(code);
    RequiredDocument {
        code: code.to_owned(),
        label_zh: label_zh.to_owned(),
        label_en: label_en.to_owned(),
        required,
        reason_zh: zh.to_owned(),
        reason_en: en.to_owned(),
    }
}

/// Whether a preferential (`Y`) or ordinary (`y`) certificate of origin is
/// among the attached documents.
fn claims_origin(d: &Declaration) -> bool {
    d.documents
        .iter()
        .any(|a| matches!(a.code.trim(), "Y" | "y"))
}

/// The documents measure 9 talks about for `d`, each saying whether it is
/// required and why. The certificate of origin is listed for imported
/// aquatic products and whenever a certificate is attached; the cosmetics
/// rows only for imported cosmetics.
pub fn required_attachments(d: &Declaration, kind: GoodsKind) -> Vec<RequiredDocument> {
    let import = d.head.ie_flag == IeFlag::I;
    let paperless = is_paperless(d);
    // Relief applies only to a paperless declaration without special requirements.
    let relieved = paperless && !kind.special_requirements;
    let keep = if kind.special_requirements {
        (
            "有特殊要求，仍须按相关规定提交",
            "Special requirements apply: still required",
        )
    } else {
        (
            "非无纸化申报，仍须提交",
            "Not a paperless declaration: still required",
        )
    };
    let (drop_zh, drop_en) = if import {
        (
            "无纸化申报，进口环节无需提交（措施9）",
            "Paperless import: not needed (measure 9)",
        )
    } else {
        (
            "无纸化申报，出口环节无需提交（措施9）",
            "Paperless export: not needed (measure 9)",
        )
    };
    let dropped_or_kept = |code: &str| {
        if relieved {
            entry(code, false, drop_zh, drop_en)
        } else {
            entry(code, true, keep.0, keep.1)
        }
    };

    let preferential = d.documents.iter().any(|a| a.code.trim() == "Y");
    let mut out = vec![dropped_or_kept(doc::CONTRACT)];
    out.push(if import {
        entry(
            doc::INVOICE,
            true,
            "进口环节仍须提交发票",
            "Imports still need the invoice",
        )
    } else if preferential {
        // Rule DEC-X09: a preferential certificate of origin rests on the invoice.
        entry(
            doc::INVOICE,
            true,
            "随附优惠原产地证书，仍须提交发票",
            "A preferential certificate of origin still needs the invoice",
        )
    } else {
        dropped_or_kept(doc::INVOICE)
    });
    out.push(dropped_or_kept(doc::PACKING_LIST));
    out.push(dropped_or_kept(doc::MANIFEST));

    if import && kind.aquatic {
        out.push(
            if claims_origin(d) && d.documents.iter().any(|a| a.code.trim() == "Y") {
                // Assumed: a preferential tariff claim still rests on its certificate.
                entry(
                    doc::ORIGIN_CERTIFICATE,
                    true,
                    "申请协定税率，仍须提交优惠原产地证书",
                    "A preferential tariff claim still needs its certificate of origin",
                )
            } else if relieved {
                entry(
                    doc::ORIGIN_CERTIFICATE,
                    false,
                    "进口水产品无需提交原产地证书（措施9）",
                    "Imported aquatic products need no certificate of origin (measure 9)",
                )
            } else {
                entry(doc::ORIGIN_CERTIFICATE, true, keep.0, keep.1)
            },
        );
    } else if claims_origin(d) {
        out.push(entry(
            doc::ORIGIN_CERTIFICATE,
            true,
            "已随附原产地证书代码，须提交证书",
            "A certificate of origin is listed among the documents",
        ));
    }

    if import && kind.cosmetics {
        if relieved {
            out.push(entry(
                doc::COSMETICS_PERMIT,
                false,
                "声明已取得批件即可，免于提交批件凭证（措施9）",
                "Declaring that the permit exists replaces attaching it (measure 9)",
            ));
            out.push(entry(
                doc::COSMETICS_PERMIT_DECLARATION,
                true,
                "进口化妆品须声明已取得卫生许可批件",
                "Imported cosmetics must declare that the hygiene permit exists",
            ));
        } else {
            out.push(entry(doc::COSMETICS_PERMIT, true, keep.0, keep.1));
        }
    }
    out
}

/// `DOC-NOT-NEEDED` warnings: edocs attached to `d` that its paperless
/// declaration no longer needs. Only a warning: attaching more is not wrong,
/// but the user may not know the work can be skipped next time.
pub fn attachment_problems(d: &Declaration, kind: GoodsKind) -> Vec<Problem> {
    let not_needed: Vec<RequiredDocument> = required_attachments(d, kind)
        .into_iter()
        .filter(|r| !r.required)
        .collect();
    let mut out = Vec::new();
    for (i, e) in d.edocs.iter().enumerate() {
        if let Some(r) = not_needed
            .iter()
            .find(|r| doc::edoc_code(&r.code) == Some(e.code.trim()))
        {
            out.push(Problem::warning(
                rule::NOT_NEEDED,
                format!("edocs[{i}].code"),
                format!("{}：{}", r.label_zh, r.reason_zh),
                format!(
                    "{}: {}",
                    capitalise(&r.label_en),
                    r.reason_en.to_lowercase()
                ),
            ));
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::{AttachedDocument, ElectronicAttachment, GoodsLine};

    fn decl(ie: IeFlag, entry_type: &str, codes: &[&str]) -> Declaration {
        let mut d = Declaration::new("PD06H1RX30KSSW337D".into(), ie);
        d.head.entry_type = entry_type.into();
        d.lines = codes
            .iter()
            .map(|c| GoodsLine {
                commodity_code: (*c).into(),
                ..GoodsLine::default()
            })
            .collect();
        d
    }

    fn required(list: &[RequiredDocument], code: &str) -> Option<bool> {
        list.iter().find(|r| r.code == code).map(|r| r.required)
    }

    #[test]
    fn paperless_import_drops_contract_packing_list_and_manifest() {
        let d = decl(IeFlag::I, "M", &["7208390000"]);
        let l = required_attachments(&d, GoodsKind::from_declaration(&d));
        assert_eq!(required(&l, doc::CONTRACT), Some(false));
        assert_eq!(required(&l, doc::INVOICE), Some(true));
        assert_eq!(required(&l, doc::PACKING_LIST), Some(false));
        assert_eq!(required(&l, doc::MANIFEST), Some(false));
        assert_eq!(required(&l, doc::ORIGIN_CERTIFICATE), None);
        assert!(l
            .iter()
            .all(|r| !r.reason_zh.is_empty() && !r.reason_en.is_empty()));
    }

    #[test]
    fn paperless_export_also_drops_the_invoice() {
        for et in ["W", "D", "M"] {
            let d = decl(IeFlag::E, et, &["7208390000"]);
            let l = required_attachments(&d, GoodsKind::default());
            assert!(l.iter().all(|r| !r.required), "{et}: {l:?}");
        }
    }

    #[test]
    fn paper_declarations_keep_everything() {
        for et in ["0", "L"] {
            for ie in [IeFlag::I, IeFlag::E] {
                let d = decl(ie, et, &["0302110000", "3304990000"]);
                let l = required_attachments(&d, GoodsKind::from_declaration(&d));
                let codes: Vec<(&str, bool)> =
                    l.iter().map(|r| (r.code.as_str(), r.required)).collect();
                assert!(l.iter().all(|r| r.required), "{et} {ie:?}: {codes:?}");
            }
        }
    }

    #[test]
    fn special_requirements_keep_everything() {
        let d = decl(IeFlag::I, "M", &["0302110000"]);
        let kind = GoodsKind {
            special_requirements: true,
            ..GoodsKind::from_declaration(&d)
        };
        let l = required_attachments(&d, kind);
        assert!(l.iter().all(|r| r.required), "{l:?}");
        assert!(l[0].reason_en.contains("Special"));
    }

    #[test]
    fn aquatic_imports_need_no_certificate_of_origin() {
        for code in ["0302110000", "1604141000", "1605100000"] {
            let d = decl(IeFlag::I, "W", &[code]);
            let kind = GoodsKind::from_declaration(&d);
            assert!(kind.aquatic && !kind.cosmetics, "{code}");
            assert_eq!(
                required(&required_attachments(&d, kind), doc::ORIGIN_CERTIFICATE),
                Some(false)
            );
        }
        // A preferential claim keeps its certificate.
        let mut d = decl(IeFlag::I, "W", &["0302110000"]);
        d.documents.push(AttachedDocument {
            code: "Y".into(),
            cert_no: "E26470ZC41091001".into(),
        });
        let l = required_attachments(&d, GoodsKind::from_declaration(&d));
        assert_eq!(required(&l, doc::ORIGIN_CERTIFICATE), Some(true));
        // Not aquatic: 1603 (extracts) and 0402 (milk).
        assert!(
            !GoodsKind::from_declaration(&decl(IeFlag::I, "W", &["1603000000", "0402100000"]))
                .aquatic
        );
    }

    #[test]
    fn imported_cosmetics_declare_the_permit_instead() {
        let d = decl(IeFlag::I, "D", &["3304990000"]);
        let kind = GoodsKind::from_declaration(&d);
        assert!(kind.cosmetics);
        let l = required_attachments(&d, kind);
        assert_eq!(required(&l, doc::COSMETICS_PERMIT), Some(false));
        assert_eq!(required(&l, doc::COSMETICS_PERMIT_DECLARATION), Some(true));
        let paper = decl(IeFlag::I, "0", &["3307100000"]);
        let l = required_attachments(&paper, GoodsKind::from_declaration(&paper));
        assert_eq!(required(&l, doc::COSMETICS_PERMIT), Some(true));
        assert_eq!(required(&l, doc::COSMETICS_PERMIT_DECLARATION), None);
        for code in ["3302100000", "3308000000"] {
            assert!(!GoodsKind::from_declaration(&decl(IeFlag::I, "0", &[code])).cosmetics);
        }
        // Exported cosmetics are not concerned.
        let exp = decl(IeFlag::E, "M", &["3304990000"]);
        assert_eq!(
            required(
                &required_attachments(&exp, GoodsKind::from_declaration(&exp)),
                doc::COSMETICS_PERMIT
            ),
            None
        );
    }

    #[test]
    fn doc_not_needed_warns_about_superfluous_edocs() {
        let edoc = |code: &str| ElectronicAttachment {
            code: code.into(),
            file_name: "x.pdf".into(),
            size: "1".into(),
        };
        let mut d = decl(IeFlag::E, "M", &["7208390000"]);
        d.edocs = vec![edoc("00000003"), edoc("00000001"), edoc("00000002")];
        let p = attachment_problems(&d, GoodsKind::default());
        let got: Vec<(&str, &str, Severity)> = p
            .iter()
            .map(|p| (p.rule.as_str(), p.field.as_str(), p.severity))
            .collect();
        assert_eq!(
            got,
            [
                ("DOC-NOT-NEEDED", "edocs[1].code", Severity::Warning),
                ("DOC-NOT-NEEDED", "edocs[2].code", Severity::Warning),
            ]
        );
        // Passing: a paper declaration, or an import invoice, draws no warning.
        d.head.entry_type = "0".into();
        assert!(attachment_problems(&d, GoodsKind::default()).is_empty());
        let mut imp = decl(IeFlag::I, "M", &["7208390000"]);
        imp.edocs = vec![edoc("00000001")];
        assert!(attachment_problems(&imp, GoodsKind::default()).is_empty());
    }

    #[test]
    fn a_preferential_certificate_keeps_the_invoice_on_a_paperless_export() {
        let mut d = decl(IeFlag::E, "M", &["7208510000"]);
        d.edocs.push(ElectronicAttachment {
            code: "00000001".into(),
            ..ElectronicAttachment::default()
        });
        d.documents.push(AttachedDocument {
            code: "Y".into(),
            cert_no: "E26470ZC41091001".into(),
        });
        let invoice = required_attachments(&d, GoodsKind::default())
            .into_iter()
            .find(|r| r.code == doc::INVOICE)
            .unwrap();
        assert!(invoice.required, "{invoice:?}");
        assert!(attachment_problems(&d, GoodsKind::default()).is_empty());
    }
}
