// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p portdesk bindings` instead.

export type IeFlag = "I" | "E";

export type FilingMode = "one_step" | "two_step_summary" | "two_step_complete";

export type Charge = { 
/**
 * `1` rate, `2` unit price (freight only), `3` total; empty when none.
 */
mark: string, 
/**
 * The rate or amount, ≤12 integer + 5 decimal digits.
 */
value: string, 
/**
 * ISO 4217 alpha-3; needed for marks `2` and `3`.
 */
currency: string, };

export type Head = { 
/**
 * IEFlag.
 */
ie_flag: IeFlag, 
/**
 * Declaring customs office, 申报地海关 (CustomMaster), 4 digits.
 */
declaring_customs: string, 
/**
 * Port of entry/exit, 进/出境关别 (IEPort), 4 digits.
 */
ie_port: string, 
/**
 * Record no., 备案号 (ManualNo), 12 alphanumerics.
 */
record_no: string, 
/**
 * Contract no. (ContrNo), ≤32.
 */
contract_no: string, 
/**
 * Import/export date (IEDate), `yyyyMMdd`.
 */
ie_date: string, 
/**
 * Domestic consignee/consignor, 境内收发货人: unified social credit code (TradeCoScc).
 */
trade_scc: string, 
/**
 * … customs code (TradeCode), 10 chars.
 */
trade_code: string, 
/**
 * … name (TradeName).
 */
trade_name: string, 
/**
 * Overseas consignor/consignee, 境外收发货人: name (English).
 */
overseas_name: string, 
/**
 * … address (English).
 */
overseas_address: string, 
/**
 * … AEO code, `NO` when none.
 */
overseas_aeo: string, 
/**
 * Consuming/producing unit, 消费使用/生产销售单位: credit code (OwnerCodeScc).
 */
owner_scc: string, 
/**
 * … code (OwnerCode), 9-10 alphanumerics or `NO`.
 */
owner_code: string, 
/**
 * … name (OwnerName).
 */
owner_name: string, 
/**
 * Declaring agent, 申报单位: credit code (AgentCodeScc).
 */
agent_scc: string, 
/**
 * … customs code (AgentCode), 10 chars.
 */
agent_code: string, 
/**
 * … name (AgentName).
 */
agent_name: string, 
/**
 * Transport mode, 运输方式 (TrafMode), code list `transport_mode`.
 */
transport_mode: string, 
/**
 * Conveyance name, 运输工具名称 (TrafName), ≤50.
 */
conveyance_name: string, 
/**
 * Voyage no., 航次号 (VoyNo), ≤32.
 */
voyage_no: string, 
/**
 * Bill of lading, 提运单号 (BillNo), ≤32.
 */
bill_no: string, 
/**
 * Trade mode, 监管方式 (TradeMode), code list `trade_mode`.
 */
trade_mode: string, 
/**
 * Levy kind, 征免性质 (CutMode), code list `levy_kind`.
 */
levy_kind: string, 
/**
 * Licence no., 许可证号 (LicenseNo).
 */
licence_no: string, 
/**
 * Country of departure/arrival, 启运国/运抵国 (TradeCountry), alpha-3.
 */
trade_country: string, 
/**
 * Trading country, 贸易国别 (TradeAreaCode), alpha-3.
 */
trading_country: string, 
/**
 * Destination/transit port, 指运港/经停港 (DistinatePort), 6 chars.
 */
destination_port: string, 
/**
 * Departure port, 启运港 (DespPortCode), 6 chars.
 */
departure_port: string, 
/**
 * Entry/exit port, 入境口岸/离境口岸 (EntyPortCode), 6 chars.
 */
entry_exit_port: string, 
/**
 * Terms of sale, 成交方式 (TransMode), code list `terms_of_sale`.
 */
terms_of_sale: string, 
/**
 * Freight, 运费.
 */
freight: Charge, 
/**
 * Insurance, 保费.
 */
insurance: Charge, 
/**
 * Other charges, 杂费.
 */
other_charges: Charge, 
/**
 * Number of packages, 件数 (PackNo), integer > 0.
 */
packages: string, 
/**
 * Kind of package, 包装种类 (WrapType), code list `package_kind`.
 */
package_kind: string, 
/**
 * Gross weight in kg, 毛重 (GrossWet).
 */
gross_weight: string, 
/**
 * Net weight in kg, 净重 (NetWt).
 */
net_weight: string, 
/**
 * Marks and numbers, 标记唛码 (MarkNo), `N/M` when none.
 */
marks: string, 
/**
 * Goods location, 货物存放地点 (GoodsPlace); required on import.
 */
goods_place: string, 
/**
 * Declaration form type, 报关单类型 (EntryType): `0`, `L`, `W`, `D`, `M`.
 */
entry_type: string, 
/**
 * Document type, 单据类型 (Type), 6 chars.
 */
document_type: string, 
/**
 * Price declarations, 价格说明 (PromiseItmes): digit string of `1`/`0`/`9`.
 */
price_declarations: string, 
/**
 * Guarantee release, 担保验放 (ChkSurety).
 */
guarantee_release: boolean, 
/**
 * Remarks, 备注 (NoteS).
 */
remarks: string, };

export type GoodsLine = { 
/**
 * Commodity code, 商品编号 (CodeTS): 10 digits, 6 in a two-step summary.
 */
commodity_code: string, 
/**
 * Goods name, 商品名称 (GName), ≤255.
 */
name: string, 
/**
 * Declaration elements, 规格型号 (GModel), pipe-separated.
 */
elements: string, 
/**
 * Quantity traded, 成交数量 (GQty).
 */
quantity: string, 
/**
 * Unit traded, 成交单位 (GUnit), code list `unit`.
 */
unit: string, 
/**
 * First legal quantity, 法定第一数量 (FirstQty).
 */
first_quantity: string, 
/**
 * First legal unit (FirstUnit).
 */
first_unit: string, 
/**
 * Second legal quantity (SecondQty), only where the tariff line has one.
 */
second_quantity: string, 
/**
 * Second legal unit (SecondUnit).
 */
second_unit: string, 
/**
 * Unit price, 单价 (DeclPrice).
 */
unit_price: string, 
/**
 * Total price, 总价 (DeclTotal) = unit price × quantity, 2 decimals.
 */
total_price: string, 
/**
 * Currency, 币制 (TradeCurr), ISO 4217 alpha-3.
 */
currency: string, 
/**
 * Country of origin, 原产国 (OriginCountry), alpha-3.
 */
origin_country: string, 
/**
 * Final destination country, 最终目的国 (DestinationCountry), alpha-3.
 */
destination_country: string, 
/**
 * Domestic destination or source, 境内目的地/货源地 (DistrictCode), 5 digits.
 */
district_code: string, 
/**
 * Duty mode, 征免方式 (DutyMode), code list `duty_mode`.
 */
duty_mode: string, 
/**
 * The enterprise's own part number, 商品料号 (企业料号/货号), ≤32: not
 * in the customs message, the key of the goods library (商品库).
 */
part_number: string, };

export type Container = { 
/**
 * Container number, 集装箱号: ISO 6346 with check digit.
 */
number: string, 
/**
 * Size and type, 规格 (e.g. `22G1`).
 */
size_type: string, 
/**
 * Goods lines it holds, 商品项号关系, e.g. `1,3`.
 */
line_refs: string, 
/**
 * Part load (LCL), 拼箱标识.
 */
part_load: boolean, 
/**
 * Own weight in kg, 自重.
 */
weight: string, };

export type AttachedDocument = { 
/**
 * Document code, 单证代码, code list `document`.
 */
code: string, 
/**
 * Certificate no., 单证编号, ≤32.
 */
cert_no: string, };

export type ElectronicAttachment = { 
/**
 * Edoc code, e.g. `00000001` invoice, `00000003` bill of lading.
 */
code: string, 
/**
 * File name.
 */
file_name: string, 
/**
 * Size in bytes.
 */
size: string, };

export type Extensions = { 
/**
 * What a declaration message (报关单报文, `DecMessage`) held that the
 * declaration does not: `portdesk_message::Unmodelled` as JSON, written
 * back on export (docs/formats/decmessage.md).
 */
decmessage?: unknown, };

export type Declaration = { 
/**
 * Client sequence number (ClientSeqNo): 18 chars, stable for the life of
 * the declaration and sent with every submission.
 */
client_seq_no: string, filing_mode: FilingMode, 
/**
 * Advance declaration (提前申报): filed before the goods arrive.
 */
advance: boolean, head: Head, lines: Array<GoodsLine>, containers: Array<Container>, documents: Array<AttachedDocument>, edocs: Array<ElectronicAttachment>, 
/**
 * What other formats carry that the declaration does not model, kept so
 * it goes back out unchanged (扩展数据). Validation and the editor
 * leave it alone; absent when empty.
 */
extensions?: Extensions, };

export type Severity = "error" | "warning";

export type Purpose = "draft" | "declare";

export type Problem = { 
/**
 * Stable rule id, shared with the Single Window (e.g. `DEC-X01`).
 */
rule: string, severity: Severity, 
/**
 * Field path in the JSON interchange form: `head.gross_weight`,
 * `lines[2].commodity_code`, `containers[0].number`.
 */
field: string, message_zh: string, message_en: string, };

export type CodeEntry = { code: string, label_zh: string, label_en: string, 
/**
 * Where public copies disagree or the label is unconfirmed.
 */
note?: string, };

export type CodeList = { 
/**
 * Machine name, e.g. `trade_mode`.
 */
name: string, title_zh: string, title_en: string, 
/**
 * Date of the list, `yyyy-mm-dd`; a later date replaces an earlier list.
 */
version_date: string, 
/**
 * Where the list comes from.
 */
source: string, entries: Array<CodeEntry>, };

export type ElementKind = "brand_type" | "export_preference" | "list" | "gtin" | "cas" | "text";

export type SourceStatus = "confirmed" | "assumed";

export type Element = { 
/**
 * 要素名称 as the source gives it, e.g. `形状(卷板、平板等)`.
 */
name_zh: string, name_en: string, 
/**
 * Whether the element must be filled (必填).
 */
required: boolean, kind: ElementKind, 
/**
 * The allowed values where the element is a list.
 */
allowed?: Array<CodeEntry>, };

export type ElementList = { 
/**
 * 10-digit commodity code, or a 4–8 digit prefix covering the codes
 * under it that have no entry of their own.
 */
code: string, 
/**
 * 商品名称 as the source gives it.
 */
name: string, 
/**
 * The elements, in the order they are joined.
 */
elements: Array<Element>, 
/**
 * Grouped tail elements, joined as one `<a><b>` part after `elements`
 * (empty where the source shows no group).
 */
group?: Array<Element>, 
/**
 * Addresses of the pages or texts the list was seen in.
 */
seen_in: Array<string>, status: SourceStatus, note?: string, };

export type DraftStatus = "draft" | "ready" | "queued" | "sent" | "accepted" | "cleared" | "released" | "closed" | "rejected";

export type DraftMeta = { id: string, client_seq_no: string, ie_flag: IeFlag, title: string, status: DraftStatus, 
/**
 * Number of the current revision (1 for a new draft).
 */
revision: number, error_count: number, warning_count: number, created_at: string, updated_at: string, 
/**
 * Set while the draft is in the trash (回收站).
 */
trashed_at: string | null, };

export type RevisionMeta = { revision: number, saved_at: string, status: DraftStatus, error_count: number, warning_count: number, note: string, };

export type DraftQuery = { 
/**
 * Full-text search over names, codes, consignee, bill of lading.
 */
text: string | null, status: DraftStatus | null, ie_flag: IeFlag | null, 
/**
 * List the trash instead of the live drafts.
 */
trashed: boolean, offset: number, 
/**
 * 0 means the default page size (50).
 */
limit: number, };

export type DraftPage = { items: Array<DraftMeta>, 
/**
 * Matching drafts in all pages.
 */
total: number, };

export type DraftView = { meta: DraftMeta, declaration: Declaration, problems: Array<Problem>, };

export type SaveResult = { meta: DraftMeta, problems: Array<Problem>, };

export type AppInfo = { version: string, data_dir: string, db_path: string, };

export type LaunchRequest = { 
/**
 * The draft `--open` named, found by id or client sequence no.
 */
open_draft: string | null, };

export type UiMark = "first_drafts_page" | "declaration_opened";

export type PageTiming = { 
/**
 * `performance.timeOrigin`: when the page began loading, ms since the epoch.
 */
origin_epoch_ms: number, 
/**
 * When the app's script began running, ms after `origin_epoch_ms`.
 */
script_ms: number, 
/**
 * When the mark was sent, ms after `origin_epoch_ms`.
 */
mark_ms: number, 
/**
 * Named moments before the mark (the page's trace, `ui/src/lib/trace.ts`).
 */
steps: Array<PageStep>, };

export type PageStep = { name: string, ms: number, };

export type RequiredDocument = { 
/**
 * A [`doc`] code.
 */
code: string, label_zh: string, label_en: string, required: boolean, reason_zh: string, reason_en: string, };

export type ApiError = { code: string, message: string, field: string | null, };

export type Assessment = "customs" | "self_assessment";

export type Deferral = "none" | "deferred" | "instalment";

export type TaxPaymentChoice = { assessment: Assessment, 
/**
 * Electronic payment, 电子支付 (through a tripartite agreement).
 */
electronic_payment: boolean, 
/**
 * Summary tax payment, 汇总征税 (`CL`).
 */
summary_tax: boolean, 
/**
 * Paperless tax bill, 税单无纸化 (`SW`).
 */
paperless_tax_bill: boolean, 
/**
 * Release on guarantee, 担保验放 (`ChkSurety`).
 */
release_on_guarantee: boolean, deferral: Deferral, 
/**
 * Number of the guarantee this declaration draws on; empty when none.
 */
guarantee_no: string, };

export type TaxOption = "self_assessment" | "electronic_payment" | "paperless_tax_bill" | "summary_tax" | "release_on_guarantee" | "deferred_payment" | "instalment_payment" | "bank_letter" | "tax_insurance" | "group_finance" | "advanced_exemption" | "cash_deposit";

export type ChoiceAvailability = { choice: TaxOption, allowed: boolean, reason_zh: string, reason_en: string, };

export type GuaranteeKind = "bank_letter" | "tax_insurance" | "group_finance" | "advanced_exemption" | "cash_deposit";

export type GuaranteeScope = "general" | "single";

export type Guarantee = { kind: GuaranteeKind, scope: GuaranteeScope, 
/**
 * Bank, insurer or finance company; empty for the exemption and a cash deposit.
 */
issuer: string, 
/**
 * Group id of the issuing finance company (group finance guarantees only).
 */
issuer_group: string, 
/**
 * Letter, policy or deposit number.
 */
number: string, 
/**
 * Amount secured, ≤15 + 2 digits.
 */
amount: string, 
/**
 * `CNY`.
 */
currency: string, 
/**
 * `yyyyMMdd`.
 */
valid_from: string, 
/**
 * `yyyyMMdd`, last day of validity.
 */
valid_to: string, 
/**
 * Customs area (4 digits): the beneficiary customs; the first two digits
 * are the directly-under customs (`09` Dalian, `08` Shenyang).
 */
customs_area: string, 
/**
 * Part of the quota reserved by released goods.
 */
quota_used: string, 
/**
 * Part of the quota still free.
 */
quota_left: string, };

export type CreditRating = "advanced_certified" | "general" | "discredited";

export type GuaranteeRow = { guarantee: Guarantee, 
/**
 * `guarantee_warnings`: expired (error), expiring within 30 days, quota
 * below 10 % (warnings), malformed (error).
 */
warnings: Array<Problem>, };

export type GuaranteesView = { items: Array<GuaranteeRow>, 
/**
 * When the server last confirmed the list; `None`: never synced.
 */
fetched_at: string | null, 
/**
 * `server|customs code|operator` of the account it belongs to.
 */
account: string | null, };

export type EnterpriseView = { customs_code: string, scc: string, name_zh: string, name_en: string, rating: CreditRating, customs_area: string, group: string | null, has_tripartite_agreement: boolean, fetched_at: string, };

export type TaxPanelView = { 
/**
 * The draft's choice (the default, customs assessment, when none made).
 */
choice: TaxPaymentChoice, 
/**
 * Every option with whether it is open and why (empty when no
 * enterprise profile is cached).
 */
options: Array<ChoiceAvailability>, 
/**
 * `check_tax_choice` for the draft's current document and choice.
 */
problems: Array<Problem>, 
/**
 * Document type (单据类型) the choice implies for the filing mode.
 */
document_type: string, guarantees: GuaranteesView, 
/**
 * No enterprise profile cached yet: the panel cannot check anything
 * offline until the app has synced once.
 */
reference_missing: boolean, };

export type RateSource = "mfn" | { "agreement": string } | "export" | "no_export_duty";

export type EstimateLine = { 
/**
 * 1-based line number (项号).
 */
line: number, commodity_code: string, currency: string, exchange_rate: string, 
/**
 * The line total in CNY.
 */
value_cny: string, 
/**
 * Dutiable value (完税价格): CIF on import, FOB on export.
 */
customs_value: string, duty_rate: string, duty: string, vat_rate: string, vat: string, rate_source: RateSource, assumed: boolean, };

export type DutyEstimate = { lines: Array<EstimateLine>, total_customs_value: string, 
/**
 * Sums before waivers.
 */
total_duty: string, total_vat: string, 
/**
 * The declaration's duty is at or below 50 CNY and waived.
 */
duty_waived: boolean, vat_waived: boolean, 
/**
 * Duty + VAT after waivers: what the summary-tax quota reserves.
 */
total_payable: string, month: string, tariff_version: string, exchange_version: string, 
/**
 * Any rate used is marked assumed.
 */
assumed: boolean, problems: Array<Problem>, };

export type PortFeeRow = { port_code: string, port_zh: string, port_en: string, operator_zh: string, operator_en: string, service_code: string, service_zh: string, service_en: string, unit_zh: string, unit_en: string, price: string, currency: string, 
/**
 * `yyyy-mm-dd`.
 */
effective_date: string, note: string, };

export type PortFeesView = { version: string, source: string, fees: Array<PortFeeRow>, fetched_at: string | null, };

export type PortFeeEstimateLine = { fee: PortFeeRow, 
/**
 * Boxes, or box-days for storage.
 */
quantity: number, amount: string, };

export type PortFeeEstimate = { port_code: string, 
/**
 * 20-foot boxes (ISO size code `2…`).
 */
boxes_20: number, 
/**
 * 40/45-foot boxes (ISO size code `4…` / `L…`).
 */
boxes_40: number, 
/**
 * Days of storage after the free time.
 */
storage_days: number, lines: Array<PortFeeEstimateLine>, 
/**
 * Fees of the port charged by weight or tonnage, or for empty boxes:
 * listed so the user sees them, not added to the total.
 */
not_estimated: Array<PortFeeRow>, total: string, currency: string, };

export type ReferenceRefresh = { guarantees: string, enterprise: string, port_fees: string, };

export type DutyPayment = { summary_tax: boolean, 
/**
 * Unified no. of the released filing (its `P` receipt).
 */
seq_no: string | null, payable: boolean, 
/**
 * Duties paid, CNY, once paid.
 */
amount_paid: string | null, 
/**
 * Quota given back to the guarantee, CNY, once paid.
 */
quota_restored: string | null, guarantee_no: string | null, paid_at: string | null, };

export type OnlineState = "online" | "offline" | "signed_out";

export type AccountView = { 
/**
 * Empty for an exchange-only account.
 */
server: string, customs_code: string, operator: string, 
/**
 * No server: files through the exchange folders only (仅交换目录);
 * certificates, guarantees, reference data and duty payment are
 * unavailable.
 */
exchange_only: boolean, };

export type OutboxCountsView = { queued: number, sending: number, retry_wait: number, done: number, failed: number, };

export type SyncStatus = { account: AccountView | null, state: OnlineState, counts: OutboxCountsView, 
/**
 * Why the worker is not running (keyring locked, worker busy…).
 */
last_error: ApiError | null, 
/**
 * The server URL the login screen offers.
 */
default_server: string, };

export type ReasonView = { rule: string, field: string, message_zh: string, message_en: string, };

export type FailureView = { code: string, message: string, reasons: Array<ReasonView>, };

export type OutboxEntryView = { seq: number, draft_id: string, revision: number, client_seq_no: string, 
/**
 * `queued`, `sending`, `retry_wait`, `done`, `failed`.
 */
state: string, attempts: number, 
/**
 * RFC 3339: when a `retry_wait` entry goes again.
 */
next_attempt_at: string, 
/**
 * The last transient error code (`rate_limited`, `offline`…).
 */
last_error: string | null, failure: FailureView | null, 
/**
 * Unified no. (统一编号), once delivered.
 */
seq_no: string | null, http_status: number | null, };

export type ExchangeSettingsView = { 
/**
 * The folder holding `Dec/OutBox`, `SentBox`, `FailBox`, `InBox`.
 */
root: string, 
/**
 * 录入单位代码; empty: the account's customs code.
 */
cop_code: string, cop_name: string, 
/**
 * 录入员, 申报人, 录入员卡号, 操作员卡号.
 */
inputer_name: string, declare_name: string, typist_no: string, ic_code: string, 
/**
 * Minutes a file may lie untaken before it is shown as stuck.
 */
stuck_after_minutes: number, };

export type ReceiptView = { code: string, seq_no: string, entry_id: string | null, 
/**
 * RFC 3339, the server's time.
 */
issued_at: string, message_zh: string, message_en: string, reasons: Array<ReasonView>, };

export type DraftTimeline = { 
/**
 * Oldest first.
 */
outbox: Array<OutboxEntryView>, 
/**
 * In the server's order.
 */
receipts: Array<ReceiptView>, };

export type LogLineView = { 
/**
 * Position in the log: pass it as `before` for the next page.
 */
seq: number, at: string, 
/**
 * `request`, `response`, `error`.
 */
direction: string, method: string, path: string, outbox_seq: number | null, idempotency_key: string | null, status: number | null, retry_after_ms: number | null, 
/**
 * The whole body, or its start when `body_size` is set.
 */
body: string, 
/**
 * Set when the log kept only the start: bytes of the whole body …
 */
body_size: number | null, 
/**
 * … and its SHA-256 (hex).
 */
body_sha256: string | null, };

export type FiledView = { meta: DraftMeta, outbox_seq: number, idempotency_key: string, };

export type SyncEventPayload = { "kind": "entry", outbox_seq: number, draft_id: string, client_seq_no: string, state: string, attempts: number, 
/**
 * RFC 3339; on `retry_wait`.
 */
next_attempt_at: string | null, error: string | null, } | { "kind": "receipt", client_seq_no: string, draft_id: string | null, seq_no: string, code: string, } | { "kind": "conflict", draft_id: string, seq_no: string, } | { "kind": "state", state: OnlineState, } | { "kind": "stopped", error: ApiError, } | { "kind": "restarting", reason: string, after_ms: number, restarts: number, };

export type DeadlineState = "open" | "reminder" | "overdue" | "completed";

export type FilingDeadline = { 
/**
 * When the summary was accepted (its `SpL` receipt).
 */
summary_accepted_at: string, 
/**
 * The last instant the complete declaration is accepted.
 */
deadline: string, 
/**
 * Days left, counting a started day as a whole one; 0 once overdue.
 */
days_left: number, state: DeadlineState, 
/**
 * Whether the summary has been released (`SpK`), so it can be completed now.
 */
can_complete: boolean, };

export type AmendmentChange = { field: string, value: string, };

export type AmendmentView = { amendment_id: string, seq_no: string, reason: string, changes: Array<AmendmentChange>, note: string, created_at: string, 
/**
 * Outbox state: queued, sending, retry_wait, done, failed.
 */
state: string, 
/**
 * `true`: tolerated, 不记录差错 / no error recorded; `null` until answered.
 */
no_error_recorded: boolean | null, };

export type FieldDifference = { 
/**
 * Dot path in the interchange form, e.g. `head.conveyance_name`.
 */
field: string, 
/**
 * `null` when the field is absent on that side.
 */
local: string | null, server: string | null, };

export type ConflictView = { id: number, draft_id: string, seq_no: string, 
/**
 * The local revision the server's version diverged from.
 */
base_revision: number, detected_at: string, 
/**
 * The draft's current document.
 */
local: Declaration, server: Declaration, differences: Array<FieldDifference>, };

export type ConflictChoice = "server" | "mine";

export type OriginForm = "C" | "E" | "R";

export type OriginExporter = { 
/**
 * Name in English, as on record.
 */
name: string, 
/**
 * Address in English, as on record.
 */
address: string, 
/**
 * Country, alpha-3; `CHN` for an exporter applying in China.
 */
country: string, 
/**
 * Unified social credit code, 统一社会信用代码 (18 chars).
 */
credit_code: string, };

export type OriginParty = { 
/**
 * Name in English; the consignee may be `TO ORDER`, the RCEP producer
 * `SEE BOX 8`, `CONFIDENTIAL` or `NOT AVAILABLE`.
 */
name: string, address: string, 
/**
 * Country, alpha-3.
 */
country: string, };

export type OriginTransport = { 
/**
 * Transport mode code, code list `transport_mode` (`2` waterway, `5` air …).
 */
means: string, 
/**
 * Route as printed, e.g. `FROM DALIAN, CHINA TO OSAKA, JAPAN BY SEA`;
 * optional ("as far as known").
 */
route: string, 
/**
 * Departure (shipment) date, `yyyyMMdd`.
 */
departure_date: string, 
/**
 * Vessel's name and voyage, flight or vehicle no.
 */
vessel: string, 
/**
 * Port of loading, 6-char code from code list `port`.
 */
port_of_loading: string, 
/**
 * Port of discharge, 6-char code from code list `port`.
 */
port_of_discharge: string, };

export type OriginItem = { 
/**
 * Item number, `1`..`n` in order.
 */
item_no: string, 
/**
 * Marks of this item; empty means the application's marks apply.
 */
marks: string, 
/**
 * Number of packages, integer > 0.
 */
package_count: string, 
/**
 * Kind of packages, code list `package_kind` (printed with its English label).
 */
package_kind: string, 
/**
 * Goods description in English, ending with `***`.
 */
description: string, 
/**
 * HS code, 6 digits (the importing party's HS).
 */
hs_code: string, 
/**
 * Origin criterion (E, R): `WO`, `PE`, `RVC 40%`, `CTH`, `CTC DMI` …;
 * code list `origin_criterion`. Form C has no such box.
 */
origin_criterion: string, 
/**
 * Quantity, ≤14 + 5 digits.
 */
quantity: string, 
/**
 * Unit, code list `unit`.
 */
unit: string, 
/**
 * Gross weight in kg, ≤14 + 5 digits; optional.
 */
gross_weight: string, 
/**
 * FOB value, ≤15 + 2 digits (E always; R where a value rule applies).
 */
fob_value: string, 
/**
 * Currency of the FOB value, ISO 4217 alpha-3.
 */
currency: string, 
/**
 * RCEP country of origin (box 11), alpha-3; RCEP only.
 */
country_of_origin: string, };

export type OriginInvoice = { number: string, 
/**
 * `yyyyMMdd`.
 */
date: string, };

export type OriginFlags = { issued_retroactively: boolean, 
/**
 * Form E only.
 */
exhibition: boolean, 
/**
 * Form E "Movement Certificate", RCEP "Back-to-back".
 */
movement_certificate: boolean, third_party_invoicing: boolean, };

export type OriginApplication = { form: OriginForm, 
/**
 * The client's own 18-char id of this application (like a declaration's).
 */
client_seq_no: string, 
/**
 * Client sequence no. of the customs declaration it was made from.
 */
source_declaration: string | null, exporter: OriginExporter, 
/**
 * Consignee / importer.
 */
consignee: OriginParty, 
/**
 * Producer (RCEP box 3); ignored on C and E.
 */
producer: OriginParty, transport: OriginTransport, 
/**
 * Country of destination (C box 4) / importing country (E box 11, RCEP box 15), alpha-3.
 */
importing_country: string, 
/**
 * Shipping marks of the consignment, `N/M` if none.
 */
marks: string, items: Array<OriginItem>, invoices: Array<OriginInvoice>, 
/**
 * Place of the exporter's declaration, e.g. `DALIAN, CHINA`.
 */
declaration_place: string, 
/**
 * Date of the exporter's declaration, `yyyyMMdd`.
 */
declaration_date: string, remarks: string, flags: OriginFlags, };

export type EnterpriseRecord = { name_en: string, address_en: string, 
/**
 * Unified social credit code.
 */
credit_code: string, 
/**
 * Customs code, 海关编码 (10 chars).
 */
customs_code: string, };

export type CertifiedInvoice = { number: string, 
/**
 * `yyyyMMdd`.
 */
date: string, };

export type CertifiedItem = { hs_code: string, description: string, quantity: string, 
/**
 * Unit code (code list `unit`).
 */
unit: string, };

export type CertifiedFields = { 
/**
 * 16-char certificate number.
 */
certificate_number: string, form: OriginForm, exporter_credit_code: string, exporter_name: string, consignee_name: string, 
/**
 * Alpha-3.
 */
importing_country: string, invoices: Array<CertifiedInvoice>, items: Array<CertifiedItem>, 
/**
 * `yyyyMMdd`.
 */
issue_date: string, 
/**
 * Last day of validity, `yyyyMMdd`.
 */
expiry_date: string, };

export type ApplicationStatus = "draft" | "ready" | "queued" | "sent" | "accepted" | "manual_review" | "approved" | "rejected";

export type OriginMeta = { id: string, client_seq_no: string, form: OriginForm, 
/**
 * Consignee and first goods, for the list.
 */
title: string, status: ApplicationStatus, revision: number, error_count: number, warning_count: number, source_declaration: string | null, 
/**
 * The server's application no., once filed and answered.
 */
seq_no: string | null, 
/**
 * Set once approved.
 */
certificate_number: string | null, created_at: string, updated_at: string, };

export type OriginRevisionMeta = { revision: number, saved_at: string, status: ApplicationStatus, error_count: number, warning_count: number, note: string, };

export type StoredCertificate = { 
/**
 * 16-char certificate number.
 */
number: string, 
/**
 * `yyyy-mm-dd`.
 */
issue_date: string, 
/**
 * Last day of validity, `yyyy-mm-dd`.
 */
expiry_date: string, certified: CertifiedFields, 
/**
 * Base64 Ed25519 signature over the certified fields.
 */
signature: string, 
/**
 * The QR code's text (`PDC1:…`).
 */
qr_text: string, key_id: string, 
/**
 * The application as approved: what is printed.
 */
application: OriginApplication, };

export type OriginView = { meta: OriginMeta, application: OriginApplication, 
/**
 * The precheck for submitting.
 */
problems: Array<Problem>, 
/**
 * The issued certificate, once approved.
 */
certificate: StoredCertificate | null, };

export type OriginSaveResult = { meta: OriginMeta, problems: Array<Problem>, };

export type OriginReason = { rule: string, field: string, message_zh: string, message_en: string, };

export type OriginRefresh = { meta: OriginMeta, reasons: Array<OriginReason>, };

export type OriginImages = { seal: boolean, signature: boolean, };

export type ImageKind = "seal" | "signature";

export type BatchItem = { id: string, 
/**
 * The PDF written, when rendering worked.
 */
path: string | null, error: ApiError | null, };

export type BatchProgress = { done: number, total: number, };

export type PrintKind = "draft" | "check";

export type VerifyResult = { valid: boolean, 
/**
 * Why not: a `SealError` code (`bad_signature`, `expired`, `unknown_key` …).
 */
code: string | null, message: string | null, certificate_number: string | null, form: OriginForm | null, invoice_number: string | null, invoice_date: string | null, exporter_credit_code: string | null, importing_country: string | null, issue_date: string | null, expiry_date: string | null, key_id: string | null, 
/**
 * The full certified fields, when the certificate is one of this
 * database's (matched by number and digest).
 */
certified: CertifiedFields | null, };

export type FileProblem = { 
/**
 * Stable: `file.*` ([`FILE_ERROR_CODES`]), `message.*`, or a drafts
 * code (`invalid_input`, …).
 */
code: string, 
/**
 * The message element (`DecMessage/DecHead/IEFlag`) or the JSON field
 * (`lines[0].name`) concerned, where known.
 */
element: string | null, 
/**
 * 1-based line of the file, where known.
 */
line: number | null, 
/**
 * The reason in English, with the element and line; the UI words the
 * code in Chinese beside it.
 */
message: string, };

export type FileImportOutcome = { path: string, 
/**
 * The drafts it became, with their status and problem counts: one for
 * a message or a single declaration, several for an export bundle;
 * empty when refused.
 */
drafts: Array<DraftMeta>, 
/**
 * Why it was refused; nothing of it was saved.
 */
error: FileProblem | null, };

export type MessageOperType = "G" | "C";

export type MessageOptions = { 
/**
 * Wrap in the `ImportMessage` envelope of the Single Window client's import.
 */
envelope: boolean, 
/**
 * `G` 暂存 (save as draft, the default) or `C` 申报 (declare).
 */
oper_type: MessageOperType, };

export type TemplateMeta = { id: string, 
/**
 * 模板名称: unique among live templates.
 */
name: string, 
/**
 * 备注.
 */
note: string, ie_flag: IeFlag, revision: number, created_at: string, updated_at: string, 
/**
 * Set once deleted (in the trash).
 */
trashed_at: string | null, };

export type TemplateRevisionMeta = { revision: number, saved_at: string, 
/**
 * `from draft PD…`, `update from PD…`, `restore r2`.
 */
note: string, };

export type GoodsRecord = { 
/**
 * 商品料号: the enterprise's own part number; the key when given.
 */
part_number: string, 
/**
 * 商品编号 (CodeTS).
 */
commodity_code: string, 
/**
 * 商品名称 (GName).
 */
name: string, 
/**
 * 规格型号 (GModel), the declaration elements.
 */
elements: string, 
/**
 * 成交计量单位 (GUnit).
 */
unit: string, 
/**
 * 法定第一计量单位 (FirstUnit).
 */
first_unit: string, 
/**
 * 法定第二计量单位 (SecondUnit).
 */
second_unit: string, 
/**
 * 原产国 (OriginCountry).
 */
origin_country: string, 
/**
 * 最近单价: the unit price last declared.
 */
last_unit_price: string, 
/**
 * 最近币制: its currency.
 */
last_currency: string, 
/**
 * 最近使用: when a declaration with it was last accepted (or the
 * clerk last picked it); `None` for a record typed or imported.
 */
last_used: string | null, 
/**
 * 最近报关单: the client sequence no. it was last learnt from.
 */
last_declaration: string, 
/**
 * 备注, the clerk's own.
 */
note: string, };

export type GoodsMeta = { id: string, part_number: string, commodity_code: string, name: string, last_unit_price: string, last_currency: string, last_used: string | null, revision: number, updated_at: string, trashed_at: string | null, };

export type GoodsRevisionMeta = { revision: number, saved_at: string, 
/**
 * `learnt from PD…`, `edited`, `imported`, `restore r2`.
 */
note: string, };

export type GoodsWriteCounts = { created: number, updated: number, unchanged: number, };

export type GoodsView = { meta: GoodsMeta, record: GoodsRecord, };

export type GoodsImportRow = { 
/**
 * 1-based, as Excel shows it.
 */
row: number, record: GoodsRecord, 
/**
 * Field paths are the record's (`part_number`), messages name the cell.
 */
problems: Array<Problem>, };

export type GoodsImportPreview = { sheet: string, rows: Array<GoodsImportRow>, unreadable: Array<CellError>, 
/**
 * Rows with a problem plus unreadable cells: 0 means it can be saved.
 */
error_count: number, };

export type TemplateView = { meta: TemplateMeta, declaration: Declaration, };

export type DifferenceKind = "changed" | "added" | "removed";

export type TemplateDifference = { 
/**
 * `head.trade_name`, `lines[1].quantity`; a whole row: `lines[3]`.
 */
field: string, label_zh: string, label_en: string, kind: DifferenceKind, 
/**
 * `None` when the template has no value there.
 */
template: string | null, current: string | null, };

export type TemplateDifferences = { template: TemplateMeta, 
/**
 * The template revision the draft was made from (compared with).
 */
template_revision: number, differences: Array<TemplateDifference>, };

export type FieldDefault = { 
/**
 * `head.trade_mode`, `head.freight.currency`, `lines.unit` ….
 */
path: string, value: string, };

export type EnterpriseIdentity = { 
/**
 * 统一社会信用代码, 18 chars.
 */
scc: string, 
/**
 * 海关编码, 10 chars.
 */
customs_code: string, 
/**
 * 企业名称 (Chinese).
 */
name: string, };

export type DefaultableField = { path: string, label_zh: string, label_en: string, 
/**
 * The most characters a value may have (the field's own limit, else
 * [`DEFAULT_VALUE_MAX_CHARS`]).
 */
max_chars: number, };

export type DefaultsView = { 
/**
 * 本企业自理申报: the enterprise is also the consignee/consignor and
 * consuming/producing unit of its declarations.
 */
self_filing: boolean, 
/**
 * The clerk's values, by path.
 */
values: Array<FieldDefault>, 
/**
 * Every field that may have one, with its label and limit.
 */
fields: Array<DefaultableField>, 
/**
 * The logged-in enterprise (synced profile), if any was synced.
 */
enterprise: EnterpriseIdentity | null, };

export type SheetRef = number | string;

export type SheetNumberFormat = { 
/**
 * Multiply by this decimal (`"0.001"`: grams to kilograms).
 */
scale: string | null, 
/**
 * Round to this many decimals (half away from zero) after scaling.
 */
decimals: number | null, 
/**
 * Take the cell's text as it is, without checking it is a number.
 */
as_text: boolean, };

export type SheetFieldSource = { 
/**
 * A column letter (`A`–`XFD`, upper case) or its header text;
 * alternatives separated by `|` (`商品编号|commodity code`), the first
 * found wins. Header texts compare without blanks, ignoring case.
 */
column: string | null, 
/**
 * Head only: a cell (`B3`).
 */
cell: string | null, 
/**
 * Head only: the first filled cell right of the cell reading this
 * label (`毛重`, `Gross weight:`; a trailing colon is ignored).
 */
right_of: string | null, 
/**
 * A fixed value for every row (or the head field).
 */
value: string | null, 
/**
 * Values replaced before anything else (`PCS` → `007`, `美国` →
 * `USA`); keys compare trimmed, ignoring case.
 */
map: { [key in string]: string }, 
/**
 * How a number is read: scaled, rounded, or taken as text.
 */
number: SheetNumberFormat | null, };

export type SheetFieldSpec = string | SheetFieldSource;

export type SheetPartLayout = { 
/**
 * The sheet: its name, or its 1-based position as a number.
 */
sheet: SheetRef, 
/**
 * The (first) header row, 1-based. Header texts are looked for from
 * here to the row before `first_data_row`. None: columns by letter only.
 */
header_row?: number | null, 
/**
 * The first row of data, 1-based; default the row after `header_row`,
 * else row 1.
 */
first_data_row?: number | null, 
/**
 * A row whose first filled cell starts with one of these ends the
 * table (a totals row). Default `合计`, `总计`, `小计`, `Total`.
 */
stop_at?: Array<string> | null, 
/**
 * A workbook without this part's sheet skips the part instead of
 * being refused (the template: a workbook of lines only).
 */
optional?: boolean, 
/**
 * A column whose header the sheet lacks leaves its field empty instead
 * of refusing the layout (the template: a file may carry only the
 * columns it fills). Such a part is suggested when it finds at least
 * two of its columns.
 */
skip_missing?: boolean, 
/**
 * Field name → where its value is. Field names are the declaration's
 * (`commodity_code`, `head` `gross_weight`, `freight.mark`); a lines
 * part may also read the import-only `net_weight`, `gross_weight` and
 * `packages` of the row, which the split apportions by.
 */
fields: { [key in string]: SheetFieldSpec }, };

export type SheetLayout = { name: string, description?: string, head?: SheetPartLayout | null, lines?: SheetPartLayout | null, containers?: SheetPartLayout | null, documents?: SheetPartLayout | null, edocs?: SheetPartLayout | null, };

export type SheetLayoutInfo = { name: string, 
/**
 * The built-in template layout: cannot be replaced or deleted.
 */
builtin: boolean, updated_at: string | null, layout: SheetLayout, };

export type CellError = { sheet: string, 
/**
 * 1-based, as Excel numbers rows.
 */
row: number, 
/**
 * `A`, `B`, … `AA`; empty when the problem is the whole row.
 */
column: string, 
/**
 * The field the cell was read for (`lines[].quantity`, `head.ie_date`).
 */
field: string, message_zh: string, message_en: string, };

export type SplitBasis = "row_net_weight" | "first_quantity_kg" | "line_count";

export type PreviewRow = { sheet: string, 
/**
 * 1-based, as Excel shows it.
 */
row: number, 
/**
 * Index of the part (declaration) in `SheetPreview.parts`.
 */
part: number, 
/**
 * 1-based line number within its part (项号).
 */
line_no: number, commodity_code: string, name: string, quantity: string, unit: string, total_price: string, currency: string, 
/**
 * The row's own net weight (packing-list column), empty when none.
 */
net_weight: string, 
/**
 * What validation for declaring finds on this line.
 */
problems: Array<Problem>, };

export type CurrencyTotal = { currency: string, total: string, };

export type PartTotals = { lines: number, packages: string, gross_weight: string, net_weight: string, };

export type PreviewTotals = { 
/**
 * Goods lines over all parts.
 */
lines: number, 
/**
 * The head's packages, gross and net weight before any split.
 */
packages: string, gross_weight: string, net_weight: string, 
/**
 * Sum of the lines' total prices, per currency.
 */
value: Array<CurrencyTotal>, 
/**
 * Per part, in `parts` order.
 */
parts: Array<PartTotals>, 
/**
 * What packages and weights were apportioned by.
 */
basis: SplitBasis, };

export type SheetPreview = { 
/**
 * Names this preview for saving.
 */
ticket: string, 
/**
 * The file (its path) or `pasted`.
 */
source: string, 
/**
 * The layout applied (`template` for our own); none for pasted rows.
 */
layout: string | null, 
/**
 * The layout was chosen by matching the headers, not named.
 */
layout_suggested: boolean, 
/**
 * The draft the rows go into; none: new drafts.
 */
into: string | null, 
/**
 * The declarations to save: the first is `into` when given; more than
 * one when the lines were over 50. Parts after the first have no
 * client sequence no. yet (given on saving).
 */
parts: Array<Declaration>, 
/**
 * The imported rows (not the open draft's own lines).
 */
rows: Array<PreviewRow>, 
/**
 * Per part (in `parts` order), what validation for declaring finds;
 * field paths as in the editor (`lines[3].unit`).
 */
problems: Array<Array<Problem>>, 
/**
 * Cells that could not be read: while there is one, the import cannot
 * be saved.
 */
unreadable: Array<CellError>, totals: PreviewTotals, };

export const ERROR_CODES = ["not_found", "revision_not_found", "trashed", "already_exists", "client_seq_no_taken", "client_seq_no_changed", "filing_in_progress", "template_name_taken", "goods_key_taken", "corrupt", "busy", "db", "migrate", "json", "invalid_input", "not_ready", "not_released", "not_filed", "conflict_not_found", "tax_refused", "keyring_unavailable", "keyring_error", "not_logged_in", "login_failed", "insecure_server", "offline", "protocol", "timeout", "worker_busy", "lease_error", "not_exchange_root", "no_server", "worker_restarting", "not_failed", "not_approved", "no_print_command", "print_failed", "bad_image", "io", "missing_glyph", "too_long", "bad_qr", "bad_certificate_number", "pdf", "no_key", "bad_key_file", "tool_missing", "no_qr", "bad_pdf", "open_failed", "not_picked", "dialog_failed", "nothing_to_pay"] as const;
export const AWAITING_CODES = ["exchange_waiting", "exchange_taken", "exchange_queued"] as const;
export const DRAFT_STATUSES = ["draft", "ready", "queued", "sent", "accepted", "cleared", "released", "closed", "rejected"] as const;
export const ORIGIN_STATUSES = ["draft", "ready", "queued", "sent", "accepted", "manual_review", "approved", "rejected"] as const;
/** Applications the clerk may still change. */
export const EDITABLE_ORIGIN_STATUSES: readonly ApplicationStatus[] = ["draft", "ready", "rejected"];
/** Applications filed and not yet decided. */
export const PENDING_ORIGIN_STATUSES: readonly ApplicationStatus[] = ["queued", "sent", "accepted", "manual_review"];
/** Most goods lines one declaration may carry (rule 8). */
export const MAX_LINES = 50;
/** Most GBK bytes of a line's declaration elements (规格型号, GModel). */
export const ELEMENTS_MAX_BYTES = 255;
/** Default levy kind (征免性质) per trade mode (rule 6); `ie` null: both directions. */
export const DEFAULT_LEVY_RULES: readonly { tradeMode: string; ie: IeFlag | null; levyKind: string }[] = [{ tradeMode: "0214", ie: null, levyKind: "502" }, { tradeMode: "0615", ie: null, levyKind: "503" }, { tradeMode: "2025", ie: "I", levyKind: "789" }, { tradeMode: "2225", ie: "I", levyKind: "789" }, { tradeMode: "0320", ie: "I", levyKind: "501" }, { tradeMode: "3100", ie: "E", levyKind: "299" }];
/** Codes of a refused import file (FileProblem.code) besides ERROR_CODES and `message.*`. */
export const FILE_ERROR_CODES = ["file.unreadable", "file.too_large", "file.not_text", "file.unknown_format", "file.json", "file.unsupported", "file.too_long", "file.too_many", "file.unwritable", "file.exists"] as const;
/** How the first revision of a draft made from a template is noted, before the template's name. */
export const FROM_TEMPLATE_NOTE = "from template ";
/** Tauri event names the app emits. */
export const EVENTS = { sync: "sync-event", originBatch: "origin-batch-progress", declarationBatch: "declaration-batch-progress" } as const;
