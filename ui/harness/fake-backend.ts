// An in-memory stand-in for the Rust commands, for the dev harness and the
// tests. Dev-only: never imported by src/. Its few validation rules only
// imitate the real ones closely enough to put problems on screen.
import type {
  CodeEntry,
  CodeList,
  Element,
  ElementList,
  DefaultsView,
  Declaration,
  DraftMeta,
  DraftQuery,
  DraftView,
  GoodsLine,
  GoodsMeta,
  GoodsRecord,
  IeFlag,
  Problem,
  RequiredDocument,
  RevisionMeta,
  TemplateMeta,
} from '../src/lib/bindings';

const BRAND_TYPES: CodeEntry[] = [
  { code: '0', label_zh: '无品牌', label_en: 'no brand' },
  { code: '1', label_zh: '境内自主品牌', label_en: 'domestic own brand' },
  { code: '2', label_zh: '境内收购品牌', label_en: 'domestic acquired brand' },
  { code: '3', label_zh: '境外品牌(贴牌生产)', label_en: 'overseas brand (OEM)' },
  { code: '4', label_zh: '境外品牌(其它)', label_en: 'overseas brand (other)' },
];
const PREFERENCES: CodeEntry[] = [
  { code: '0', label_zh: '出口货物在最终目的国(地区)不享受优惠关税', label_en: 'no preferential duty' },
  { code: '1', label_zh: '出口货物在最终目的国(地区)享受优惠关税', label_en: 'preferential duty' },
  { code: '2', label_zh: '不能确定在最终目的国(地区)享受优惠关税', label_en: 'not known' },
  { code: '3', label_zh: '不适用于进口报关单', label_en: 'not applicable (import)' },
];
const text = (name_zh: string, name_en: string, required = true): Element => ({ name_zh, name_en, required, kind: 'text' });

/** A sample of the element file (the real one: crates/domain/data/declaration_elements.json). */
export const SAMPLE_ELEMENT_LISTS: ElementList[] = [
  {
    code: '847130',
    name: '便携式自动数据处理设备',
    elements: [
      { name_zh: '品牌类型', name_en: 'brand type', required: true, kind: 'brand_type', allowed: BRAND_TYPES },
      { name_zh: '出口享惠情况', name_en: 'export preference', required: true, kind: 'export_preference', allowed: PREFERENCES },
      text('配置(系统组成部件)', 'configuration (system components)'),
      text('品牌(中文或外文名称)', 'brand (Chinese or foreign name)'),
      text('型号', 'model'),
      { name_zh: 'GTIN', name_en: 'GTIN', required: false, kind: 'gtin' },
      { name_zh: 'CAS', name_en: 'CAS number', required: false, kind: 'cas' },
      text('其他', 'other', false),
    ],
    seen_in: ['https://guojihuodi.com/hscode/ez4gn9Bjm887VPp7JLv6.html'],
    status: 'assumed',
  },
];

/** The list of `code`: its own, else the longest prefix's (as the Rust lookup). */
export function fakeElementList(code: string): ElementList | null {
  const c = code.trim();
  for (let n = Math.min(c.length, 10); n >= 4; n--) {
    const hit = SAMPLE_ELEMENT_LISTS.find((l) => l.code === c.slice(0, n));
    if (hit && (n === c.length || hit.code.length < 10)) return structuredClone(hit);
  }
  return null;
}

interface Stored {
  meta: DraftMeta;
  revisions: { meta: RevisionMeta; declaration: Declaration }[];
}

export const SAMPLE_CODE_LISTS: CodeList[] = [
  list('transport_mode', '运输方式', 'Transport mode', [
    ['0', '非保税区', 'Non-bonded area'],
    ['2', '水路运输', 'Waterway'],
    ['3', '铁路运输', 'Rail'],
    ['4', '公路运输', 'Road'],
    ['5', '航空运输', 'Air'],
    ['6', '邮件运输', 'Post'],
    ['9', '其他运输', 'Other'],
  ]),
  list('trade_mode', '监管方式', 'Trade mode', [
    ['0110', '一般贸易', 'General trade'],
    ['0214', '来料加工', 'Processing with supplied materials'],
    ['0320', '不作价设备', 'Equipment not priced'],
    ['0615', '进料对口', 'Processing with imported materials'],
    ['0654', '进料深加工', 'Imported materials deep processing'],
    ['2025', '合资合作设备', 'Joint-venture equipment'],
    ['2225', '外资设备物品', 'Foreign-invested equipment'],
    ['3100', '无代价抵偿', 'Compensation without payment'],
    ['9610', '电子商务', 'E-commerce'],
  ]),
  list('levy_kind', '征免性质', 'Levy kind', [
    ['101', '一般征税', 'General levy'],
    ['299', '其他法定', 'Other statutory'],
    ['401', '科教用品', 'Science and education'],
    ['501', '加工设备', 'Processing equipment'],
    ['502', '来料加工', 'Processing with supplied materials'],
    ['503', '进料加工', 'Processing with imported materials'],
    ['789', '鼓励项目', 'Encouraged projects'],
    ['799', '自有资金', 'Self-owned funds'],
  ]),
  list('duty_mode', '征免方式', 'Duty mode', [
    ['1', '照章征税', 'Levy by the rules'],
    ['3', '全免', 'Full exemption'],
    ['5', '随征免性质', 'By levy kind'],
  ]),
  list('terms_of_sale', '成交方式', 'Terms of sale', [
    ['1', 'CIF', 'CIF'],
    ['2', 'CFR', 'CFR (C&F)'],
    ['3', 'FOB', 'FOB'],
    ['4', 'C&I', 'C&I'],
    ['7', 'EXW', 'EXW'],
  ]),
  list('package_kind', '包装种类', 'Package kind', [
    ['00', '散装', 'Bulk'],
    ['01', '裸装', 'Unpacked'],
    ['22', '纸制或纤维板制盒/箱', 'Paper/fibreboard boxes'],
    ['23', '木制或竹藤等植物性材料制盒/箱', 'Wooden boxes'],
    ['92', '木制托盘', 'Wooden pallets'],
  ]),
  list('unit', '计量单位', 'Unit', [
    ['001', '台', 'set'],
    ['007', '个', 'piece'],
    ['011', '件', 'piece'],
    ['035', '千克', 'kg'],
    ['070', '吨', 'tonne'],
    ['120', '箱', 'box'],
    ['142', '瓶', 'bottle'],
  ]),
  list('document', '随附单证', 'Attached document', [
    ['1', '进口许可证', 'Import licence'],
    ['4', '出口许可证', 'Export licence'],
    ['A', '入境货物通关单', 'Inbound clearance form'],
    ['Y', '优惠贸易协定原产地证书', 'Preferential certificate of origin'],
  ]),
  list('country', '国别(地区)', 'Country', [
    ['CHN', '中国', 'China'],
    ['HKG', '中国香港', 'Hong Kong, China'],
    ['JPN', '日本', 'Japan'],
    ['KOR', '韩国', 'Korea, Rep.'],
    ['USA', '美国', 'United States'],
    ['VNM', '越南', 'Viet Nam'],
    ['DEU', '德国', 'Germany'],
  ]),
  list('currency', '币制', 'Currency', [
    ['CNY', '人民币', 'Renminbi'],
    ['USD', '美元', 'US dollar'],
    ['EUR', '欧元', 'Euro'],
    ['JPY', '日本元', 'Yen'],
  ]),
  list('customs_office', '关区', 'Customs office', [
    ['0800', '沈阳关区', 'Shenyang customs area'],
    ['0900', '大连关区', 'Dalian customs area'],
    ['0902', '大连港湾', 'Dalian harbour'],
    ['0908', '大连机场', 'Dalian airport'],
  ]),
  list('port', '港口', 'Port', [
    ['USA000', '美国', 'United States'],
    ['JPN000', '日本', 'Japan'],
    ['KOR000', '韩国', 'Korea'],
    ['HKG000', '中国香港', 'Hong Kong'],
    ['CHN009', '大连', 'Dalian'],
  ]),
  list('district', '国内地区', 'Domestic district', [
    ['21029', '大连其他', 'Dalian, other'],
    ['21012', '沈阳', 'Shenyang'],
    ['21022', '大连保税区', 'Dalian bonded zone'],
  ]),
];

function list(name: string, zh: string, en: string, rows: [string, string, string][]): CodeList {
  return {
    name,
    title_zh: zh,
    title_en: en,
    version_date: '2026-01-01',
    source: 'harness sample',
    entries: rows.map(([code, label_zh, label_en]) => ({ code, label_zh, label_en, note: '' })),
  };
}

export function emptyDeclaration(seq: string, ie: IeFlag): Declaration {
  const charge = () => ({ mark: '', value: '', currency: '' });
  return {
    client_seq_no: seq,
    filing_mode: 'one_step',
    advance: false,
    head: {
      ie_flag: ie,
      declaring_customs: '',
      ie_port: '',
      record_no: '',
      contract_no: '',
      ie_date: '',
      trade_scc: '',
      trade_code: '',
      trade_name: '',
      overseas_name: '',
      overseas_address: '',
      overseas_aeo: '',
      owner_scc: '',
      owner_code: '',
      owner_name: '',
      agent_scc: '',
      agent_code: '',
      agent_name: '',
      transport_mode: '',
      conveyance_name: '',
      voyage_no: '',
      bill_no: '',
      trade_mode: '',
      levy_kind: '',
      licence_no: '',
      trade_country: '',
      trading_country: '',
      destination_port: '',
      departure_port: '',
      entry_exit_port: '',
      terms_of_sale: '',
      freight: charge(),
      insurance: charge(),
      other_charges: charge(),
      packages: '',
      package_kind: '',
      gross_weight: '',
      net_weight: '',
      marks: '',
      goods_place: '',
      entry_type: '0',
      document_type: '',
      price_declarations: '',
      guarantee_release: false,
      remarks: '',
    },
    lines: [],
    containers: [],
    documents: [],
    edocs: [],
  };
}

function err(rule: string, field: string, zh: string, en: string): Problem {
  return { rule, severity: 'error', field, message_zh: zh, message_en: en };
}

/** A few declare rules, enough to exercise the UI. */
export function fakeValidate(d: Declaration): Problem[] {
  const out: Problem[] = [];
  const h = d.head;
  const required: [keyof typeof h, string, string][] = [
    ['declaring_customs', '申报地海关', 'declaring customs'],
    ['trade_name', '境内收发货人名称', 'consignee name'],
    ['trade_mode', '监管方式', 'trade mode'],
    ['gross_weight', '毛重', 'gross weight'],
  ];
  for (const [k, zh, en] of required) {
    if (String(h[k]).trim() === '') out.push(err('DEC-REQ', `head.${k}`, `申报时必须填写${zh}`, `The ${en} is required to declare`));
  }
  const gross = Number(h.gross_weight);
  const net = Number(h.net_weight);
  if (h.gross_weight && Number.isNaN(gross)) {
    out.push(err('DEC-F05', 'head.gross_weight', '毛重必须是数字', 'The gross weight must be a number'));
  }
  if (h.gross_weight && h.net_weight && !Number.isNaN(gross) && net > gross) {
    out.push(err('DEC-X01', 'head.net_weight', '净重不能大于毛重', 'The net weight must not exceed the gross weight'));
  }
  if (d.lines.length === 0) out.push(err('DEC-L01', 'lines', '至少需要一项商品', 'At least one goods line is needed'));
  d.lines.forEach((l, i) => {
    if (l.name.trim() === '') {
      out.push(err('DEC-REQ', `lines[${i}].name`, `请填写第${i + 1}项商品名称`, `Line ${i + 1}: the goods name is required`));
    }
    if (!/^\d{10}$/.test(l.commodity_code)) {
      out.push(err('DEC-F10', `lines[${i}].commodity_code`, '商品编号应为 10 位数字', 'The commodity code must be 10 digits'));
    }
  });
  if (d.lines.length > 0 && h.net_weight) {
    out.push({
      rule: 'DEC-X07',
      severity: 'warning',
      field: 'head.net_weight',
      message_zh: '表体净重之和与表头净重不一致',
      message_en: 'The lines’ net weights do not add up to the head net weight',
    });
  }
  return out;
}

export interface FakeBackendOptions {
  /** Delay of every reply, ms. */
  latency?: number;
  now?: () => Date;
}

export class FakeBackend {
  drafts = new Map<string, Stored>();
  calls: { cmd: string; args: Record<string, unknown> }[] = [];
  /** Templates (报关单模板) by id, and which template each draft came from. */
  templates = new Map<string, { meta: TemplateMeta; declaration: Declaration }>();
  fromTemplate = new Map<string, string>();
  /** 商品库: records as the real library would return them. */
  goods: { meta: GoodsMeta; record: GoodsRecord }[] = [];
  /** The defaults dialog's state (初始值). */
  defaults: DefaultsView = { self_filing: false, values: [], fields: [], enterprise: null };
  /** What `--open` named at start-up (launch_request). */
  openDraft: string | null = null;
  private seq = 1;
  private opts: FakeBackendOptions;

  constructor(opts: FakeBackendOptions = {}) {
    this.opts = opts;
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  private view(s: Stored): DraftView {
    const last = s.revisions[s.revisions.length - 1];
    return { meta: { ...s.meta }, declaration: structuredClone(last.declaration), problems: fakeValidate(last.declaration) };
  }

  private get(id: unknown): Stored {
    const s = this.drafts.get(String(id));
    if (!s) throw { code: 'not_found', message: `no draft ${String(id)}`, field: null };
    return s;
  }

  private record(s: Stored, declaration: Declaration, note: string): Problem[] {
    const problems = fakeValidate(declaration);
    const errors = problems.filter((p) => p.severity === 'error').length;
    const revision = s.revisions.length + 1;
    const at = this.now();
    const status = errors === 0 ? 'ready' : 'draft';
    s.revisions.push({
      meta: { revision, saved_at: at, status, error_count: errors, warning_count: problems.length - errors, note },
      declaration: structuredClone(declaration),
    });
    const h = declaration.head;
    s.meta = {
      ...s.meta,
      revision,
      status,
      error_count: errors,
      warning_count: problems.length - errors,
      updated_at: at,
      title: [h.trade_name, h.bill_no, declaration.client_seq_no].find((x) => x.trim() !== '') ?? '',
    };
    return problems;
  }

  create(ie: IeFlag, fill?: (d: Declaration) => void, note = 'created'): DraftView {
    const n = this.seq++;
    const id = `0190a1b2-0000-7000-8000-${String(n).padStart(12, '0')}`;
    const seqNo = `PD${String(202611270000000 + n).padStart(16, '0')}`;
    const at = this.now();
    const s: Stored = {
      meta: {
        id,
        client_seq_no: seqNo,
        ie_flag: ie,
        title: seqNo,
        status: 'draft',
        revision: 0,
        error_count: 0,
        warning_count: 0,
        created_at: at,
        updated_at: at,
        trashed_at: null,
      },
      revisions: [],
    };
    const d = emptyDeclaration(seqNo, ie);
    fill?.(d);
    this.drafts.set(id, s);
    this.record(s, d, note);
    return this.view(s);
  }

  /** The handler to give mockIPC. */
  handle = async (cmd: string, args: Record<string, unknown> = {}): Promise<unknown> => {
    this.calls.push({ cmd, args: structuredClone(args) });
    if (this.opts.latency) await new Promise((r) => setTimeout(r, this.opts.latency));
    switch (cmd) {
      case 'create_declaration':
        return this.create(args.ieFlag as IeFlag);
      case 'get_declaration':
        return this.view(this.get(args.id));
      case 'save_declaration': {
        const s = this.get(args.id);
        if (s.meta.trashed_at) throw { code: 'trashed', message: 'draft is in the trash', field: null };
        const problems = this.record(s, args.declaration as Declaration, String(args.note));
        return { meta: { ...s.meta }, problems };
      }
      case 'list_drafts': {
        const q = args.query as DraftQuery;
        const text = q.text?.toLowerCase() ?? '';
        const items = [...this.drafts.values()]
          .filter((s) => (q.trashed ? s.meta.trashed_at !== null : s.meta.trashed_at === null))
          .filter((s) => !q.status || s.meta.status === q.status)
          .filter((s) => !q.ie_flag || s.meta.ie_flag === q.ie_flag)
          .filter((s) => {
            if (!text) return true;
            const d = s.revisions[s.revisions.length - 1].declaration;
            return JSON.stringify(d).toLowerCase().includes(text);
          })
          .map((s) => ({ ...s.meta }))
          .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
        const limit = q.limit || 50;
        return { items: items.slice(q.offset, q.offset + limit), total: items.length };
      }
      case 'draft_history':
        return [...this.get(args.id).revisions].reverse().map((r) => ({ ...r.meta }));
      case 'get_revision': {
        const r = this.get(args.id).revisions.find((x) => x.meta.revision === args.revision);
        if (!r) throw { code: 'not_found', message: `no revision ${String(args.revision)}`, field: null };
        return structuredClone(r.declaration);
      }
      case 'restore_revision': {
        const s = this.get(args.id);
        const r = s.revisions.find((x) => x.meta.revision === args.revision);
        if (!r) throw { code: 'not_found', message: `no revision ${String(args.revision)}`, field: null };
        this.record(s, r.declaration, `restore r${r.meta.revision}`);
        return this.view(s);
      }
      case 'copy_declaration': {
        // What Declaration::copied keeps and clears (crates/domain/src/copy.rs).
        const s = this.get(args.id);
        const src = s.revisions[s.revisions.length - 1].declaration;
        return this.create(
          src.head.ie_flag,
          (d) => {
            const seq = d.client_seq_no;
            Object.assign(d, structuredClone(src), { client_seq_no: seq, advance: false, edocs: [] });
            delete d.extensions;
            if (d.head.ie_flag === 'E') d.head.ie_date = '';
          },
          `copied from ${s.meta.client_seq_no}`,
        );
      }
      case 'trash_draft': {
        const s = this.get(args.id);
        s.meta.trashed_at = this.now();
        return { ...s.meta };
      }
      case 'untrash_draft': {
        const s = this.get(args.id);
        s.meta.trashed_at = null;
        return { ...s.meta };
      }
      case 'empty_trash': {
        let n = 0;
        for (const [id, s] of this.drafts) {
          if (s.meta.trashed_at) {
            this.drafts.delete(id);
            n++;
          }
        }
        return n;
      }
      case 'validate_declaration':
        return fakeValidate(args.declaration as Declaration);
      case 'required_attachments':
        return fakeAttachments(args.declaration as Declaration);
      case 'code_lists':
        return SAMPLE_CODE_LISTS;
      case 'declaration_elements':
        return fakeElementList(String(args.code ?? ''));
      case 'template_list':
        return [...this.templates.values()].filter((x) => !x.meta.trashed_at).map((x) => ({ ...x.meta }));
      case 'template_save': {
        const s = this.get(args.id);
        const name = String(args.name).trim();
        if (!name) throw { code: 'invalid_input', message: 'the template name is empty', field: 'name' };
        if ([...this.templates.values()].some((x) => !x.meta.trashed_at && x.meta.name === name))
          throw { code: 'template_name_taken', message: name, field: null };
        const src = structuredClone(s.revisions[s.revisions.length - 1].declaration);
        const at = this.now();
        const id = `0190a1b2-0000-7000-9000-${String(this.seq++).padStart(12, '0')}`;
        const meta: TemplateMeta = {
          id,
          name,
          note: String(args.note ?? ''),
          ie_flag: src.head.ie_flag,
          revision: 1,
          created_at: at,
          updated_at: at,
          trashed_at: null,
        };
        this.templates.set(id, { meta, declaration: { ...src, client_seq_no: '', edocs: [] } });
        return { ...meta };
      }
      case 'template_update': {
        const x = this.templates.get(String(args.templateId));
        if (!x) throw { code: 'not_found', message: 'no template', field: null };
        const s = this.get(args.id);
        const src = structuredClone(s.revisions[s.revisions.length - 1].declaration);
        x.declaration = { ...src, client_seq_no: '', edocs: [] };
        x.meta.revision += 1;
        return { ...x.meta };
      }
      case 'template_rename': {
        const x = this.templates.get(String(args.templateId));
        if (!x) throw { code: 'not_found', message: 'no template', field: null };
        x.meta.name = String(args.name).trim();
        x.meta.note = String(args.note ?? '');
        return { ...x.meta };
      }
      case 'template_delete': {
        const x = this.templates.get(String(args.templateId));
        if (!x) throw { code: 'not_found', message: 'no template', field: null };
        x.meta.trashed_at = this.now();
        return { ...x.meta };
      }
      case 'template_new_draft': {
        const x = this.templates.get(String(args.templateId));
        if (!x) throw { code: 'not_found', message: 'no template', field: null };
        const view = this.create(
          x.meta.ie_flag,
          (d) => Object.assign(d, structuredClone(x.declaration), { client_seq_no: d.client_seq_no }),
          `from template ${x.meta.name}`,
        );
        this.fromTemplate.set(view.meta.id, x.meta.id);
        return view;
      }
      case 'template_differences': {
        const tid = this.fromTemplate.get(String(args.id));
        if (!tid) return null;
        const x = this.templates.get(tid)!;
        const s = this.get(args.id);
        const cur = s.revisions[s.revisions.length - 1].declaration;
        const differences = [];
        for (const key of Object.keys(x.declaration.head) as (keyof Declaration['head'])[]) {
          const a = x.declaration.head[key];
          const b = cur.head[key];
          if (typeof a === 'string' && a !== b) {
            differences.push({ field: `head.${key}`, label_zh: key, label_en: key, kind: 'changed', template: a, current: b });
          }
        }
        return { template: { ...x.meta }, template_revision: x.meta.revision, differences };
      }
      case 'defaults_get':
        return structuredClone(this.defaults);
      case 'goods_search': {
        const q = String(args.query ?? '').trim().toUpperCase();
        return this.goods
          .filter((g) => [g.meta.part_number, g.meta.commodity_code, g.meta.name].some((x) => x.toUpperCase().includes(q)))
          .slice(0, Number(args.limit ?? 20))
          .map((g) => ({ ...g.meta }));
      }
      case 'goods_get': {
        const g = this.goods.find((x) => x.meta.id === args.goodsId);
        if (!g) throw { code: 'not_found', message: 'no such goods', field: 'goods_id' };
        return structuredClone(g);
      }
      case 'goods_save': {
        const record = structuredClone(args.record as GoodsRecord);
        if (!record.name.trim()) throw { code: 'invalid_input', message: 'name: required', field: 'name' };
        const existing = this.goods.find((x) => x.meta.id === args.goodsId);
        const meta: GoodsMeta = {
          id: existing?.meta.id ?? `g${this.goods.length + 1}`,
          part_number: record.part_number,
          commodity_code: record.commodity_code,
          name: record.name,
          last_unit_price: record.last_unit_price,
          last_currency: record.last_currency,
          last_used: record.last_used,
          revision: (existing?.meta.revision ?? 0) + 1,
          updated_at: this.now(),
          trashed_at: null,
        };
        if (existing) Object.assign(existing, { meta, record });
        else this.goods.push({ meta, record });
        return { ...meta };
      }
      case 'goods_delete': {
        const i = this.goods.findIndex((x) => x.meta.id === args.goodsId);
        if (i < 0) throw { code: 'not_found', message: 'no such goods', field: 'goods_id' };
        const [g] = this.goods.splice(i, 1);
        return { ...g.meta, trashed_at: this.now() };
      }
      case 'goods_fill_line': {
        const g = this.goods.find((x) => x.meta.id === args.goodsId);
        if (!g) throw { code: 'not_found', message: 'no such goods', field: 'goods_id' };
        const r = g.record;
        const line = args.line as GoodsLine;
        return {
          ...line,
          part_number: r.part_number,
          commodity_code: r.commodity_code,
          name: r.name,
          elements: r.elements,
          unit: r.unit,
          first_unit: r.first_unit,
          second_unit: r.second_unit,
          origin_country: r.origin_country,
          unit_price: r.last_unit_price,
          currency: r.last_currency,
        };
      }
      case 'app_info':
        return { version: '0.1.0', data_dir: '/home/clerk/.local/share/portdesk', db_path: '/home/clerk/.local/share/portdesk/portdesk.db' };
      case 'launch_request':
        return { open_draft: this.openDraft };
      case 'ui_mark':
        return null;
      case 'interface_font':
        return null;
      default:
        throw { code: 'internal', message: `unknown command ${cmd}`, field: null };
    }
  };
}

/** Imitates measure 9 for the harness: a paperless declaration drops the paper documents. */
export function fakeAttachments(d: Declaration): RequiredDocument[] {
  const paperless = ['W', 'D', 'M'].includes(d.head.entry_type);
  const codes = d.head.ie_flag === 'E' ? ['contract', 'invoice', 'packing_list', 'manifest'] : ['contract', 'packing_list', 'manifest'];
  return codes.map((code) => ({
    code,
    label_zh: code,
    label_en: code,
    required: !paperless,
    reason_zh: paperless ? '无纸化申报无需提交（措施9）' : '非无纸化申报，仍须提交',
    reason_en: paperless ? 'Paperless: not needed (measure 9)' : 'Not paperless: still required',
  }));
}
