//! The TypeScript types of every command payload, generated from the Rust
//! types with ts-rs into `ui/src/lib/bindings.ts`. The test fails when the
//! committed file is stale; `UPDATE_BINDINGS=1 cargo test bindings` rewrites it.

use portdesk_domain::code_list::{CodeEntry, CodeList};
use portdesk_domain::elements::{Element, ElementKind, ElementList, SourceStatus};
use portdesk_domain::paperless::RequiredDocument;
use portdesk_domain::{
    AttachedDocument, Charge, Container, Declaration, DraftMeta, DraftPage, DraftQuery,
    DraftStatus, ElectronicAttachment, Extensions, FilingMode, GoodsLine, Head, IeFlag, Problem,
    Purpose, RevisionMeta, Severity,
};
use portdesk_drafts::messages::{FileImportOutcome, FileProblem, MessageOperType, MessageOptions};
use portdesk_drafts::spreadsheets::{
    CurrencyTotal, PartTotals, PreviewRow, PreviewTotals, SheetLayoutInfo, SheetPreview,
};
use portdesk_drafts::{
    AmendmentChange, AmendmentView, ConflictChoice, ConflictView, DeadlineState, FieldDifference,
    FilingDeadline,
};
use portdesk_drafts::{DraftView, SaveResult};
use portdesk_sheet::{
    Basis, CellError, FieldSource, FieldSpec, Layout, NumberFormat, PartLayout, SheetRef,
};
use ts_rs::{Config, TS};

use crate::commands::AppInfo;
use crate::error::ApiError;
use crate::startup::{LaunchRequest, PageStep, PageTiming, UiMark};
use crate::sync::{AccountView, OnlineState, SyncEventPayload};
use crate::sync_commands::{
    DraftTimeline, ExchangeSettingsView, FailureView, FiledView, LogLineView, OutboxCountsView,
    OutboxEntryView, ReasonView, ReceiptView, SyncStatus,
};
use crate::tax_commands::{DutyPayment, ReferenceRefresh};
use portdesk_domain::defaults::{DefaultableField, EnterpriseIdentity, FieldDefault};
use portdesk_domain::goods::GoodsRecord;
use portdesk_domain::guarantee::{
    Assessment, ChoiceAvailability, CreditRating, Deferral, Guarantee, GuaranteeKind,
    GuaranteeScope, TaxOption, TaxPaymentChoice,
};
use portdesk_domain::origin::{
    CertifiedFields, CertifiedInvoice, CertifiedItem, EnterpriseRecord, OriginApplication,
    OriginExporter, OriginFlags, OriginForm, OriginInvoice, OriginItem, OriginParty,
    OriginTransport,
};
use portdesk_drafts::goods::{GoodsImportPreview, GoodsImportRow, GoodsView};
use portdesk_drafts::origin::{OriginSaveResult, OriginView};
use portdesk_drafts::tax::{
    EnterpriseView, GuaranteeRow, GuaranteesView, PortFeeEstimate, PortFeeEstimateLine, PortFeeRow,
    PortFeesView, TaxPanelView,
};
use portdesk_drafts::templates::{
    DefaultsView, DifferenceKind, TemplateDifference, TemplateDifferences, TemplateView,
};
use portdesk_store::{
    ApplicationStatus, GoodsMeta, GoodsRevisionMeta, GoodsWriteCounts, OriginMeta,
    OriginRevisionMeta, StoredCertificate, TemplateMeta, TemplateRevisionMeta,
};
use portdesk_workspace::certificates::{
    BatchItem, BatchProgress, ImageKind, OriginImages, OriginReason, OriginRefresh, VerifyResult,
};

const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/bindings.ts");

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg))
}

fn generate() -> String {
    // i64/u64 values here (revision numbers, counts) stay far below 2^53.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p portdesk bindings` instead.\n\n",
    );
    for d in [
        decl::<IeFlag>(&cfg),
        decl::<FilingMode>(&cfg),
        decl::<Charge>(&cfg),
        decl::<Head>(&cfg),
        decl::<GoodsLine>(&cfg),
        decl::<Container>(&cfg),
        decl::<AttachedDocument>(&cfg),
        decl::<ElectronicAttachment>(&cfg),
        decl::<Extensions>(&cfg),
        decl::<Declaration>(&cfg),
        decl::<Severity>(&cfg),
        decl::<Purpose>(&cfg),
        decl::<Problem>(&cfg),
        decl::<CodeEntry>(&cfg),
        decl::<CodeList>(&cfg),
        decl::<ElementKind>(&cfg),
        decl::<SourceStatus>(&cfg),
        decl::<Element>(&cfg),
        decl::<ElementList>(&cfg),
        decl::<DraftStatus>(&cfg),
        decl::<DraftMeta>(&cfg),
        decl::<RevisionMeta>(&cfg),
        decl::<DraftQuery>(&cfg),
        decl::<DraftPage>(&cfg),
        decl::<DraftView>(&cfg),
        decl::<SaveResult>(&cfg),
        decl::<AppInfo>(&cfg),
        decl::<LaunchRequest>(&cfg),
        decl::<UiMark>(&cfg),
        decl::<PageTiming>(&cfg),
        decl::<PageStep>(&cfg),
        decl::<RequiredDocument>(&cfg),
        decl::<ApiError>(&cfg),
        decl::<Assessment>(&cfg),
        decl::<Deferral>(&cfg),
        decl::<TaxPaymentChoice>(&cfg),
        decl::<TaxOption>(&cfg),
        decl::<ChoiceAvailability>(&cfg),
        decl::<GuaranteeKind>(&cfg),
        decl::<GuaranteeScope>(&cfg),
        decl::<Guarantee>(&cfg),
        decl::<CreditRating>(&cfg),
        decl::<GuaranteeRow>(&cfg),
        decl::<GuaranteesView>(&cfg),
        decl::<EnterpriseView>(&cfg),
        decl::<TaxPanelView>(&cfg),
        decl::<portdesk_domain::tax_estimate::RateSource>(&cfg),
        decl::<portdesk_domain::tax_estimate::EstimateLine>(&cfg),
        decl::<portdesk_domain::tax_estimate::DutyEstimate>(&cfg),
        decl::<PortFeeRow>(&cfg),
        decl::<PortFeesView>(&cfg),
        decl::<PortFeeEstimateLine>(&cfg),
        decl::<PortFeeEstimate>(&cfg),
        decl::<ReferenceRefresh>(&cfg),
        decl::<DutyPayment>(&cfg),
        decl::<OnlineState>(&cfg),
        decl::<AccountView>(&cfg),
        decl::<OutboxCountsView>(&cfg),
        decl::<SyncStatus>(&cfg),
        decl::<ReasonView>(&cfg),
        decl::<FailureView>(&cfg),
        decl::<OutboxEntryView>(&cfg),
        decl::<ExchangeSettingsView>(&cfg),
        decl::<ReceiptView>(&cfg),
        decl::<DraftTimeline>(&cfg),
        decl::<LogLineView>(&cfg),
        decl::<FiledView>(&cfg),
        decl::<SyncEventPayload>(&cfg),
        decl::<DeadlineState>(&cfg),
        decl::<FilingDeadline>(&cfg),
        decl::<AmendmentChange>(&cfg),
        decl::<AmendmentView>(&cfg),
        decl::<FieldDifference>(&cfg),
        decl::<ConflictView>(&cfg),
        decl::<ConflictChoice>(&cfg),
        decl::<OriginForm>(&cfg),
        decl::<OriginExporter>(&cfg),
        decl::<OriginParty>(&cfg),
        decl::<OriginTransport>(&cfg),
        decl::<OriginItem>(&cfg),
        decl::<OriginInvoice>(&cfg),
        decl::<OriginFlags>(&cfg),
        decl::<OriginApplication>(&cfg),
        decl::<EnterpriseRecord>(&cfg),
        decl::<CertifiedInvoice>(&cfg),
        decl::<CertifiedItem>(&cfg),
        decl::<CertifiedFields>(&cfg),
        decl::<ApplicationStatus>(&cfg),
        decl::<OriginMeta>(&cfg),
        decl::<OriginRevisionMeta>(&cfg),
        decl::<StoredCertificate>(&cfg),
        decl::<OriginView>(&cfg),
        decl::<OriginSaveResult>(&cfg),
        decl::<OriginReason>(&cfg),
        decl::<OriginRefresh>(&cfg),
        decl::<OriginImages>(&cfg),
        decl::<ImageKind>(&cfg),
        decl::<BatchItem>(&cfg),
        decl::<BatchProgress>(&cfg),
        decl::<portdesk_workspace::printing::PrintKind>(&cfg),
        decl::<VerifyResult>(&cfg),
        decl::<FileProblem>(&cfg),
        decl::<FileImportOutcome>(&cfg),
        decl::<MessageOperType>(&cfg),
        decl::<MessageOptions>(&cfg),
        decl::<TemplateMeta>(&cfg),
        decl::<TemplateRevisionMeta>(&cfg),
        decl::<GoodsRecord>(&cfg),
        decl::<GoodsMeta>(&cfg),
        decl::<GoodsRevisionMeta>(&cfg),
        decl::<GoodsWriteCounts>(&cfg),
        decl::<GoodsView>(&cfg),
        decl::<GoodsImportRow>(&cfg),
        decl::<GoodsImportPreview>(&cfg),
        decl::<TemplateView>(&cfg),
        decl::<DifferenceKind>(&cfg),
        decl::<TemplateDifference>(&cfg),
        decl::<TemplateDifferences>(&cfg),
        decl::<FieldDefault>(&cfg),
        decl::<EnterpriseIdentity>(&cfg),
        decl::<DefaultableField>(&cfg),
        decl::<DefaultsView>(&cfg),
        decl::<SheetRef>(&cfg),
        decl::<NumberFormat>(&cfg),
        decl::<FieldSource>(&cfg),
        decl::<FieldSpec>(&cfg),
        decl::<PartLayout>(&cfg),
        decl::<Layout>(&cfg),
        decl::<SheetLayoutInfo>(&cfg),
        decl::<CellError>(&cfg),
        decl::<Basis>(&cfg),
        decl::<PreviewRow>(&cfg),
        decl::<CurrencyTotal>(&cfg),
        decl::<PartTotals>(&cfg),
        decl::<PreviewTotals>(&cfg),
        decl::<SheetPreview>(&cfg),
    ] {
        out.push_str(&d);
        out.push('\n');
    }
    // Every code an ApiError can carry, so the UI can prove each is translated.
    let mut codes = portdesk_drafts::error_codes();
    // Sync errors (login, keyring, worker) reach the UI too.
    for c in portdesk_sync::ERROR_CODES {
        if !codes.contains(c) {
            codes.push(c);
        }
    }
    codes.push(crate::sync::WORKER_RESTARTING);
    codes.push(crate::sync_commands::NOT_FAILED);
    // Certificates of origin: printing, verifying, opening.
    for c in portdesk_drafts::certificates::ERROR_CODES
        .iter()
        .chain(crate::origin_commands::ERROR_CODES)
    {
        if !codes.contains(c) {
            codes.push(c);
        }
    }
    // Declaration files: the dialogs and the picked paths.
    for c in crate::message_commands::ERROR_CODES {
        if !codes.contains(c) {
            codes.push(c);
        }
    }
    // Tax: paying duties.
    for c in crate::tax_commands::ERROR_CODES {
        if !codes.contains(c) {
            codes.push(c);
        }
    }
    let codes: Vec<String> = codes.into_iter().map(|c| format!("\"{c}\"")).collect();
    out.push_str(&format!(
        "export const ERROR_CODES = [{}] as const;\n",
        codes.join(", ")
    ));
    // The outbox's waiting codes (the other side holds the request), which
    // the UI shows as waiting in words rather than as a retry.
    let awaiting: Vec<String> = portdesk_store::AWAITING_CODES
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    out.push_str(&format!(
        "export const AWAITING_CODES = [{}] as const;\n",
        awaiting.join(", ")
    ));
    // Every draft status, so the UI can prove each has a label.
    let statuses: Vec<String> = DraftStatus::ALL
        .iter()
        .map(|s| format!("\"{}\"", s.as_str()))
        .collect();
    out.push_str(&format!(
        "export const DRAFT_STATUSES = [{}] as const;\n",
        statuses.join(", ")
    ));
    // Every application status, so the UI can prove each has a label.
    let origin_statuses: Vec<String> = ApplicationStatus::ALL
        .iter()
        .map(|s| format!("\"{}\"", s.as_str()))
        .collect();
    out.push_str(&format!(
        "export const ORIGIN_STATUSES = [{}] as const;\n",
        origin_statuses.join(", ")
    ));
    // Constants the UI needs, taken from the Rust that enforces them
    // instead of copied by hand.
    let list = |pick: fn(ApplicationStatus) -> bool| -> String {
        ApplicationStatus::ALL
            .into_iter()
            .filter(|s| pick(*s))
            .map(|s| format!("\"{}\"", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "/** Applications the clerk may still change. */\nexport const EDITABLE_ORIGIN_STATUSES: readonly ApplicationStatus[] = [{}];\n",
        list(ApplicationStatus::is_editable)
    ));
    out.push_str(&format!(
        "/** Applications filed and not yet decided. */\nexport const PENDING_ORIGIN_STATUSES: readonly ApplicationStatus[] = [{}];\n",
        list(ApplicationStatus::is_pending)
    ));
    out.push_str(&format!(
        "/** Most goods lines one declaration may carry (rule 8). */\nexport const MAX_LINES = {};\n",
        portdesk_domain::MAX_LINES
    ));
    let elements = portdesk_domain::limits::DECLARATION_LIMITS
        .iter()
        .find(|l| l.path == "lines[].elements")
        .expect("the elements limit");
    out.push_str(&format!(
        "/** Most GBK bytes of a line's declaration elements (规格型号, GModel). */\nexport const ELEMENTS_MAX_BYTES = {};\n",
        elements.max
    ));
    let levy: Vec<String> = portdesk_domain::validate::DEFAULT_LEVY_RULES
        .iter()
        .map(|r| {
            let ie = match r.ie_flag {
                Some(f) => format!(
                    "\"{}\"",
                    serde_json::to_value(f)
                        .expect("ie flag")
                        .as_str()
                        .expect("ie flag is a string")
                ),
                None => "null".to_owned(),
            };
            format!(
                "{{ tradeMode: \"{}\", ie: {ie}, levyKind: \"{}\" }}",
                r.trade_mode, r.levy_kind
            )
        })
        .collect();
    out.push_str(&format!(
        "/** Default levy kind (征免性质) per trade mode (rule 6); `ie` null: both directions. */\nexport const DEFAULT_LEVY_RULES: readonly {{ tradeMode: string; ie: IeFlag | null; levyKind: string }}[] = [{}];\n",
        levy.join(", ")
    ));
    // Codes a refused import file can carry (FileProblem.code) besides the
    // ERROR_CODES: the reader's `message.*` share one label in the UI.
    let file_codes: Vec<String> = portdesk_drafts::messages::FILE_ERROR_CODES
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    out.push_str(&format!(
        "/** Codes of a refused import file (FileProblem.code) besides ERROR_CODES and `message.*`. */\nexport const FILE_ERROR_CODES = [{}] as const;\n",
        file_codes.join(", ")
    ));
    out.push_str(&format!(
        "/** How the first revision of a draft made from a template is noted, before the template's name. */\nexport const FROM_TEMPLATE_NOTE = \"{}\";\n",
        portdesk_drafts::templates::FROM_TEMPLATE
    ));
    out.push_str(&format!(
        "/** Tauri event names the app emits. */\nexport const EVENTS = {{ sync: \"{}\", originBatch: \"{}\", declarationBatch: \"{}\" }} as const;\n",
        crate::sync::SYNC_EVENT,
        crate::origin_commands::BATCH_EVENT,
        crate::print_commands::DECLARATION_BATCH_EVENT
    ));
    out
}

#[test]
fn bindings_are_fresh() {
    let fresh = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(BINDINGS, &fresh).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(BINDINGS).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p portdesk bindings` and commit it"
    );
}
