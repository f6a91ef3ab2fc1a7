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
duty_mode: string, };

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

export type Declaration = { 
/**
 * Client sequence number (ClientSeqNo): 18 chars, stable for the life of
 * the declaration and sent with every submission.
 */
client_seq_no: string, filing_mode: FilingMode, 
/**
 * Advance declaration (提前申报): filed before the goods arrive.
 */
advance: boolean, head: Head, lines: Array<GoodsLine>, containers: Array<Container>, documents: Array<AttachedDocument>, edocs: Array<ElectronicAttachment>, };

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

export type RequiredDocument = { 
/**
 * A [`doc`] code.
 */
code: string, label_zh: string, label_en: string, required: boolean, reason_zh: string, reason_en: string, };

export type ApiError = { code: string, message: string, field: string | null, };

export const ERROR_CODES = ["not_found", "revision_not_found", "trashed", "already_exists", "client_seq_no_taken", "client_seq_no_changed", "filing_in_progress", "corrupt", "busy", "db", "migrate", "json", "invalid_input", "not_ready"] as const;
export const DRAFT_STATUSES = ["draft", "ready", "queued", "sent", "accepted", "cleared", "released", "closed", "rejected"] as const;
