// The backend facade: the ONLY module that talks to Tauri. Everything else
// calls these typed functions. Errors reject with a BackendError.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  DefaultsView,
  TemplateDifferences,
  TemplateMeta,
  GoodsLine,
  GoodsMeta,
  GoodsView,
  GoodsRecord,
  GoodsRevisionMeta,
  GoodsImportPreview,
  GoodsWriteCounts,
  TemplateRevisionMeta,
  TemplateView,
  AppInfo,
  LaunchRequest,
  UiMark,
  PageTiming,
  ApiError,
  CodeList,
  Declaration,
  ElementList,
  DraftMeta,
  DraftPage,
  DraftQuery,
  DraftView,
  IeFlag,
  Problem,
  Purpose,
  RevisionMeta,
  SaveResult,
  RequiredDocument,
  DraftTimeline,
  FiledView,
  LogLineView,
  OutboxEntryView,
  ExchangeSettingsView,
  SyncEventPayload,
  SyncStatus,
  EnterpriseView,
  GuaranteesView,
  PortFeeEstimate,
  PortFeesView,
  ReferenceRefresh,
  DutyPayment,
  TaxPanelView,
  DutyEstimate,
  TaxPaymentChoice,
  AmendmentChange,
  AmendmentView,
  ConflictChoice,
  ConflictView,
  FilingDeadline,
  OriginApplication,
  OriginForm,
  OriginMeta,
  OriginRevisionMeta,
  OriginSaveResult,
  OriginView,
  OriginRefresh,
  OriginImages,
  ImageKind,
  BatchItem,
  PrintKind,
  BatchProgress,
  EnterpriseRecord,
  VerifyResult,
  FileImportOutcome,
  MessageOptions,
  SheetLayout,
  SheetLayoutInfo,
  SheetPreview,
} from './bindings';
import { ERROR_CODES, EVENTS } from './bindings';
import { stamp } from './trace';

/**
 * Error codes the UI translates (errors.* in the catalogs): every code the
 * shell can send (generated from Rust) plus the UI's own for failures to
 * reach the shell.
 */
export const KNOWN_ERROR_CODES = [...ERROR_CODES, 'io', 'internal'] as const;

export type SaveNote = 'autosave' | 'save';

/** An ApiError from the shell, or a failure to reach it, as a typed error. */
export class BackendError extends Error implements ApiError {
  readonly code: string;
  readonly field: string | null;
  readonly command: string;

  constructor(command: string, code: string, message: string, field: string | null = null) {
    super(message);
    this.name = 'BackendError';
    this.command = command;
    this.code = code;
    this.field = field;
  }
}

function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** Turns whatever `invoke` rejected with into a BackendError. */
export function toBackendError(command: string, e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (isApiError(e)) {
    const message = typeof e.message === 'string' ? e.message : '';
    const field = typeof e.field === 'string' ? e.field : null;
    return new BackendError(command, e.code, message, field);
  }
  if (typeof e === 'string') return new BackendError(command, 'internal', e);
  if (e instanceof Error) return new BackendError(command, 'internal', e.message);
  return new BackendError(command, 'internal', String(e));
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  stamp(`call:${command}`);
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(command, e);
  } finally {
    stamp(`answer:${command}`);
  }
}

export function createDeclaration(ieFlag: IeFlag): Promise<DraftView> {
  return call('create_declaration', { ieFlag });
}

export function saveDeclaration(id: string, declaration: Declaration, note: SaveNote): Promise<SaveResult> {
  return call('save_declaration', { id, declaration, note });
}

export function getDeclaration(id: string): Promise<DraftView> {
  return call('get_declaration', { id });
}

export function listDrafts(query: DraftQuery): Promise<DraftPage> {
  return call('list_drafts', { query });
}

export function draftHistory(id: string): Promise<RevisionMeta[]> {
  return call('draft_history', { id });
}

export function getRevision(id: string, revision: number): Promise<Declaration> {
  return call('get_revision', { id, revision });
}

export function restoreRevision(id: string, revision: number): Promise<DraftView> {
  return call('restore_revision', { id, revision });
}

/** 复制报关单: a new draft copied from `id`; the old filing's parts stay behind. */
export function copyDeclaration(id: string): Promise<DraftView> {
  return call('copy_declaration', { id });
}

export function trashDraft(id: string): Promise<DraftMeta> {
  return call('trash_draft', { id });
}

export function untrashDraft(id: string): Promise<DraftMeta> {
  return call('untrash_draft', { id });
}

export function emptyTrash(): Promise<number> {
  return call('empty_trash');
}

export function validateDeclaration(declaration: Declaration, purpose: Purpose): Promise<Problem[]> {
  return call('validate_declaration', { declaration, purpose });
}

export function requiredAttachments(declaration: Declaration): Promise<RequiredDocument[]> {
  return call('required_attachments', { declaration });
}

export function codeLists(): Promise<CodeList[]> {
  return call('code_lists');
}

/** The declaration element list (申报要素) of a commodity code, or null. */
export function declarationElements(code: string): Promise<ElementList | null> {
  return call('declaration_elements', { code });
}

export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}

/** How the app was started: `--open` names a draft to open instead of the list. */
export function launchRequest(): Promise<LaunchRequest> {
  return call('launch_request');
}

/** The installed family for Chinese interface text (Linux), or null: see fonts.ts. */
export function interfaceFont(): Promise<string | null> {
  return call('interface_font');
}

/** Leaves `mark` in the app's log (start-up timing, benches/app-probe.sh). */
export function uiMark(mark: UiMark, page: PageTiming): Promise<void> {
  return call('ui_mark', { mark, page });
}

// --- Single Window sync (sync_commands.rs) ---

/** Logs in; the password goes to the OS keyring only, never to the page's storage. */
export function login(server: string, customsCode: string, operator: string, password: string): Promise<SyncStatus> {
  return call('login', { server, customsCode, operator, password });
}

/**
 * 通过单一窗口客户端申报（无服务器）: an account with no server that files through
 * the exchange folders of `settings` only; no password, nothing in the keyring.
 */
export function startExchangeAccount(
  customsCode: string,
  operator: string,
  settings: ExchangeSettingsView,
): Promise<SyncStatus> {
  return call('start_exchange_account', { customsCode, operator, settings });
}

export function logout(): Promise<SyncStatus> {
  return call('logout');
}

export function syncStatus(): Promise<SyncStatus> {
  return call('sync_status');
}

export function outboxEntries(): Promise<OutboxEntryView[]> {
  return call('outbox_entries');
}

/** 申报: files the draft into the outbox (refused with not_ready when declare rules fail). */
export function fileDeclaration(id: string): Promise<FiledView> {
  return call('file_declaration', { id });
}

export function draftReceipts(id: string): Promise<DraftTimeline> {
  return call('draft_receipts', { id });
}

/** A page of the message log, newest first: lines before `before` (a line's `seq`). */
export function messageLog(outboxSeq: number | null, limit: number, before: number | null = null): Promise<LogLineView[]> {
  return call('message_log', { outboxSeq, limit, before });
}

/** 报文交换目录: the account's exchange-folder settings; null when it files over HTTP. */
export function exchangeSettings(): Promise<ExchangeSettingsView | null> {
  return call('exchange_settings');
}

/** Files through the exchange folders (`settings`), or over HTTP again (null). */
export function setExchangeSettings(settings: ExchangeSettingsView | null): Promise<void> {
  return call('set_exchange_settings', { settings });
}

/** 重新发送: sends a failed outbox entry again (same key and body). */
export function retryOutboxEntry(seq: number): Promise<void> {
  return call('retry_outbox_entry', { seq });
}

/** Subscribes to the worker's progress events; resolves to the unsubscribe function. */
export function onSyncEvent(handler: (event: SyncEventPayload) => void): Promise<UnlistenFn> {
  return listen<SyncEventPayload>(EVENTS.sync, (e) => handler(e.payload));
}

// --- Tax payment, guarantees, port fees (tax_commands.rs) ---

/** 税费支付: the draft's choice, the options open (with reasons), problems, guarantees. */
export function taxPanel(id: string): Promise<TaxPanelView> {
  return call('tax_panel', { id });
}

/** 税费估算: the draft's duty and VAT estimate from the rate files in force. */
export function dutyEstimate(id: string): Promise<DutyEstimate> {
  return call('duty_estimate', { id });
}

export function setTaxChoice(id: string, choice: TaxPaymentChoice): Promise<TaxPanelView> {
  return call('set_tax_choice', { id, choice });
}

/** TAX-* check of a (possibly unsaved) declaration against the cached guarantees. */
export function checkTax(declaration: Declaration, choice: TaxPaymentChoice): Promise<Problem[]> {
  return call('check_tax', { declaration, choice });
}

export function guarantees(): Promise<GuaranteesView> {
  return call('guarantees');
}

export function enterpriseProfile(): Promise<EnterpriseView | null> {
  return call('enterprise_profile');
}

/** Fetches guarantees, enterprise profile and port fees from the server into the local cache. */
export function refreshReference(): Promise<ReferenceRefresh> {
  return call('refresh_reference');
}

export function portFees(query: string): Promise<PortFeesView> {
  return call('port_fees', { query });
}

export function portFeeEstimate(
  portCode: string,
  boxes20: number,
  boxes40: number,
  storageDays: number,
): Promise<PortFeeEstimate> {
  return call('port_fee_estimate', { portCode, boxes20, boxes40, storageDays });
}

/** Where the draft's duties stand: released summary-tax and unpaid → `payable`. */
export function dutyPayment(id: string): Promise<DutyPayment> {
  return call('duty_payment', { id });
}

/** 缴纳税款: pays a released summary-tax declaration's duties; the guarantee gets its quota back. */
export function payDuties(id: string): Promise<DutyPayment> {
  return call('pay_duties', { id });
}

// --- Filing flows: two-step completion, amendments, conflicts (filing_commands.rs) ---

/** The 14-day window of a two-step draft; null for other drafts. */
export function filingDeadline(id: string): Promise<FilingDeadline | null> {
  return call('filing_deadline', { id });
}

/** 完整申报: files the complete declaration of a released (SpK) two-step summary. */
export function completeDeclaration(id: string): Promise<FiledView> {
  return call('complete_declaration', { id });
}

/** 修撤单: files an amendment; reason is an AmendmentReason (import_date_change …). */
export function amendDeclaration(id: string, reason: string, changes: AmendmentChange[], note: string): Promise<FiledView> {
  return call('amend_declaration', { id, reason, changes, note });
}

export function draftAmendments(id: string): Promise<AmendmentView[]> {
  return call('draft_amendments', { id });
}

/** Open conflicts with the server's version of the filing. */
export function draftConflicts(id: string): Promise<ConflictView[]> {
  return call('draft_conflicts', { id });
}

export function resolveConflict(conflictId: number, choice: ConflictChoice): Promise<DraftView> {
  return call('resolve_conflict', { conflictId, choice });
}

// Certificates of origin (原产地证书): applications, approval, printing, verification.

export function originList(): Promise<OriginMeta[]> {
  return call('origin_list');
}

export function originCreate(form: OriginForm): Promise<OriginView> {
  return call('origin_create', { form });
}

/** A new application pre-filled from declaration draft `declarationId`. */
export function originFromDeclaration(declarationId: string, form: OriginForm): Promise<OriginView> {
  return call('origin_from_declaration', { declarationId, form });
}

export function originGet(id: string): Promise<OriginView> {
  return call('origin_get', { id });
}

export function originSave(id: string, application: OriginApplication, note: SaveNote): Promise<OriginSaveResult> {
  return call('origin_save', { id, application, note });
}

export function originValidate(application: OriginApplication): Promise<Problem[]> {
  return call('origin_validate', { application });
}

export function originHistory(id: string): Promise<OriginRevisionMeta[]> {
  return call('origin_history', { id });
}

export function originRestore(id: string, revision: number): Promise<OriginView> {
  return call('origin_restore', { id, revision });
}

export function originEnterpriseRecord(): Promise<EnterpriseRecord> {
  return call('origin_enterprise_record');
}

export function originSetEnterpriseRecord(record: EnterpriseRecord): Promise<void> {
  return call('origin_set_enterprise_record', { record });
}

export function originSubmit(id: string): Promise<OriginMeta> {
  return call('origin_submit', { id });
}

/** Asks the Single Window what review decided; stores the certificate once approved. */
export function originRefresh(id: string): Promise<OriginRefresh> {
  return call('origin_refresh', { id });
}

/** Renders the certificate to a PDF in the data folder; resolves with its path. */
export function originRenderPdf(id: string): Promise<string> {
  return call('origin_render_pdf', { id });
}

export function originOpenPdf(id: string): Promise<string> {
  return call('origin_open_pdf', { id });
}

export function originPrint(id: string): Promise<string> {
  return call('origin_print', { id });
}

/** Renders (and with `print`, prints) many certificates; progress arrives through onOriginBatchProgress. */
export function originBatch(ids: string[], print: boolean): Promise<BatchItem[]> {
  return call('origin_batch', { ids, print });
}

export function onOriginBatchProgress(handler: (progress: BatchProgress) => void): Promise<UnlistenFn> {
  return listen<BatchProgress>(EVENTS.originBatch, (e) => handler(e.payload));
}

/** Saves the printed declaration (草单/核对单) where the clerk chooses in the save dialog; null when cancelled. */
export function declarationSavePdf(id: string, kind: PrintKind): Promise<string | null> {
  return call('declaration_save_pdf', { id, kind });
}

/** Renders the printed declaration into the data folder and opens it in the PDF viewer. */
export function declarationOpenPdf(id: string, kind: PrintKind): Promise<string> {
  return call('declaration_open_pdf', { id, kind });
}

export function declarationPrint(id: string, kind: PrintKind): Promise<string> {
  return call('declaration_print', { id, kind });
}

/** Renders (and with `print`, prints) many drafts' sheets; progress through onDeclarationBatchProgress. */
export function declarationBatch(ids: string[], kind: PrintKind, print: boolean): Promise<BatchItem[]> {
  return call('declaration_batch', { ids, kind, print });
}

export function onDeclarationBatchProgress(handler: (progress: BatchProgress) => void): Promise<UnlistenFn> {
  return listen<BatchProgress>(EVENTS.declarationBatch, (e) => handler(e.payload));
}

/** Verifies a certificate offline: QR text, or the path of an image or PDF. */
export function originVerify(input: string): Promise<VerifyResult> {
  return call('origin_verify', { input });
}

export function originImages(): Promise<OriginImages> {
  return call('origin_images');
}

/** Copies the PNG at `path` into the data folder as the seal or signature; '' removes it. */
export function originSetImage(kind: ImageKind, path: string): Promise<OriginImages> {
  return call('origin_set_image', { kind, path });
}

/** Opens the system's open dialog (*.xml, *.json, several at once); the paths picked, [] when cancelled. */
export function pickDeclarationFiles(): Promise<string[]> {
  return call('pick_declaration_files');
}

/** Imports files the open dialog gave, each on its own: per file the drafts it became or why not. */
export function importDeclarationFiles(paths: string[]): Promise<FileImportOutcome[]> {
  return call('import_declaration_files', { paths });
}

/** Opens the system's save dialog proposing `<client_seq_no>.xml`; the path chosen, null when cancelled. */
export function pickMessageSavePath(id: string): Promise<string | null> {
  return call('pick_message_save_path', { id });
}

/** Writes draft `id` as a declaration message to a path the save dialog gave; the path written. */
export function exportDeclarationMessage(id: string, path: string, options: MessageOptions): Promise<string> {
  return call('export_declaration_message', { id, path, options });
}

// The goods library (商品库).

/** Records matching `query` (part no., code or name), most recently used first. */
export function searchGoods(query: string, limit = 20): Promise<GoodsMeta[]> {
  return call('goods_search', { query, limit });
}

export function listGoods(): Promise<GoodsView[]> {
  return call('goods_list');
}

export function getGoods(goodsId: string): Promise<GoodsView> {
  return call('goods_get', { goodsId });
}

/** Saves an edited record; `goodsId` null makes a new one. */
export function saveGoods(goodsId: string | null, record: GoodsRecord): Promise<GoodsMeta> {
  return call('goods_save', { goodsId, record });
}

export function deleteGoods(goodsId: string): Promise<GoodsMeta> {
  return call('goods_delete', { goodsId });
}

export function goodsHistory(goodsId: string): Promise<GoodsRevisionMeta[]> {
  return call('goods_history', { goodsId });
}

/** `line` filled from record `goodsId`, its quantities kept. */
export function fillLineFromGoods(goodsId: string, line: GoodsLine): Promise<GoodsLine> {
  return call('goods_fill_line', { goodsId, line });
}

/** Opens the open dialog and previews the goods workbook picked; null when cancelled. */
export function pickGoodsImport(): Promise<GoodsImportPreview | null> {
  return call('goods_pick_import');
}

/** Imports the workbook picked last, in one transaction. */
export function importPickedGoods(): Promise<GoodsWriteCounts> {
  return call('goods_import_picked');
}

/** Opens the save dialog and writes the library; the path written, null when cancelled. */
export function exportGoods(): Promise<string | null> {
  return call('goods_export');
}

// Templates (报关单模板) and the defaults of a new declaration (初始值).

export function saveAsTemplate(id: string, name: string, note: string): Promise<TemplateMeta> {
  return call('template_save', { id, name, note });
}

export function updateTemplate(templateId: string, id: string): Promise<TemplateMeta> {
  return call('template_update', { templateId, id });
}

export function listTemplates(): Promise<TemplateMeta[]> {
  return call('template_list');
}

export function getTemplate(templateId: string): Promise<TemplateView> {
  return call('template_get', { templateId });
}

export function renameTemplate(templateId: string, name: string, note: string): Promise<TemplateMeta> {
  return call('template_rename', { templateId, name, note });
}

export function deleteTemplate(templateId: string): Promise<TemplateMeta> {
  return call('template_delete', { templateId });
}

export function templateHistory(templateId: string): Promise<TemplateRevisionMeta[]> {
  return call('template_history', { templateId });
}

export function restoreTemplate(templateId: string, revision: number): Promise<TemplateMeta> {
  return call('template_restore', { templateId, revision });
}

export function newFromTemplate(templateId: string): Promise<DraftView> {
  return call('template_new_draft', { templateId });
}

export function templateDifferences(id: string): Promise<TemplateDifferences | null> {
  return call('template_differences', { id });
}

export function getDefaults(): Promise<DefaultsView> {
  return call('defaults_get');
}

export function setDefault(path: string, value: string): Promise<DefaultsView> {
  return call('defaults_set', { path, value });
}

export function clearDefault(path: string): Promise<DefaultsView> {
  return call('defaults_clear', { path });
}

export function setSelfFiling(on: boolean): Promise<DefaultsView> {
  return call('defaults_set_self_filing', { on });
}

// Spreadsheets (src-tauri/src/sheet_commands.rs). The page never names a path:
// the dialogs are opened in Rust.

/** Opens the open dialog and previews the spreadsheet picked (nothing saved); null when cancelled. */
export function pickSheetImport(layout: string | null, into: string | null): Promise<SheetPreview | null> {
  return call('pick_sheet_import', { layout, into });
}

/** Previews the spreadsheet picked last again, with another layout or target draft. */
export function previewPickedSheet(layout: string | null, into: string | null): Promise<SheetPreview> {
  return call('preview_picked_sheet', { layout, into });
}

/** Previews rows pasted from Excel/WPS (tab-separated) as goods lines (nothing saved). */
export function previewPastedLines(text: string, into: string | null): Promise<SheetPreview> {
  return call('preview_pasted_lines', { text, into });
}

/** Saves a preview's parts as the clerk left them, in one transaction. */
export function saveSheetImport(ticket: string, parts: Declaration[]): Promise<SaveResult[]> {
  return call('save_sheet_import', { ticket, parts });
}

/** The built-in template layout, then the saved import layouts. */
export function sheetLayouts(): Promise<SheetLayoutInfo[]> {
  return call('sheet_layouts');
}

/** Saves an import layout under its name. */
export function saveSheetLayout(layout: SheetLayout): Promise<SheetLayoutInfo> {
  return call('save_sheet_layout', { layout });
}

/** Deletes a saved import layout; whether there was one. */
export function deleteSheetLayout(name: string): Promise<boolean> {
  return call('delete_sheet_layout', { name });
}

/** Save dialog, then draft `id` as .xlsx in the template's layout; the path, null when cancelled. */
export function exportDeclarationXlsx(id: string): Promise<string | null> {
  return call('export_declaration_xlsx', { id });
}

/** Save dialog, then the drafts `query` finds as an .xlsx list; the path, null when cancelled. */
export function exportDraftsXlsx(query: DraftQuery): Promise<string | null> {
  return call('export_drafts_xlsx', { query });
}

/** Save dialog, then the template to fill in; the path, null when cancelled. */
export function saveTemplateSheet(): Promise<string | null> {
  return call('save_template_sheet');
}
