// Dev-only harness: the real UI over an in-memory backend (mockIPC), so the
// UI can be seen in a plain browser. Hash options: #editor opens a sample
// draft, #filed shows it filed (receipts, an amendment, a conflict), #en switches
// to English, #list-trash shows the trash.
import { mockIPC } from '@tauri-apps/api/mocks';
import { FakeBackend } from './fake-backend';

const backend = new FakeBackend({ latency: 120 });

const samples: [string, 'I' | 'E', (d: import('../src/lib/bindings').Declaration) => void][] = [
  ['大连华远进出口有限公司', 'I', (d) => {
    d.head.declaring_customs = '0902';
    d.head.ie_port = '0902';
    d.head.trade_scc = '91210200MA0QCX1T2K';
    d.head.trade_code = '2102961234';
    d.head.transport_mode = '2';
    d.head.conveyance_name = 'COSCO SHIPPING ARIES';
    d.head.voyage_no = '041E';
    d.head.bill_no = 'COSU6312456780';
    d.head.trade_mode = '0110';
    d.head.levy_kind = '101';
    d.head.trade_country = 'JPN';
    d.head.trading_country = 'JPN';
    d.head.terms_of_sale = '1';
    d.head.packages = '120';
    d.head.package_kind = '22';
    d.head.gross_weight = '1850.5';
    d.head.net_weight = '1900';
    d.head.agent_name = '大连顺达报关有限公司';
    d.lines.push(
      line('8471300000', '便携式计算机', '0|0|联想|ThinkPad X1|无型号', '120', '001', '650', '78000', 'USD', 'JPN'),
      line('847330', '计算机零件', '0|0|无品牌', '40', '007', '12.5', '500', 'USD', 'JPN'),
    );
    d.containers.push({ number: 'CSQU3054383', size_type: '22G1', line_refs: '1,2', part_load: false, weight: '2200' });
  }],
  ['沈阳北方机械制造有限公司', 'E', (d) => {
    d.head.declaring_customs = '0800';
    d.head.trade_mode = '0214';
    d.head.levy_kind = '502';
    d.head.gross_weight = '320';
    d.head.net_weight = '300';
  }],
  ['', 'I', () => {}],
  ['营口港务集团物流有限公司', 'E', (d) => {
    d.head.declaring_customs = '0900';
    d.head.trade_mode = '0110';
    d.head.gross_weight = '88';
    d.lines.push(line('6109100010', '棉制针织T恤衫', '1|0|无品牌', '2000', '011', '3.2', '6400', 'USD', 'CHN'));
  }],
];

function line(code: string, name: string, el: string, qty: string, unit: string, price: string, total: string, cur: string, origin: string) {
  return {
    commodity_code: code, name, elements: el, quantity: qty, unit, first_quantity: qty, first_unit: unit,
    second_quantity: '', second_unit: '', unit_price: price, total_price: total, currency: cur,
    origin_country: origin, destination_country: 'CHN', district_code: '21029', duty_mode: '1', part_number: '',
  };
}

let firstId = '';
for (const [name, ie, fill] of samples) {
  const v = backend.create(ie, (d) => {
    d.head.trade_name = name;
    fill(d);
  });
  firstId ||= v.meta.id;
}
for (let i = 0; i < 58; i++) {
  backend.create(i % 3 === 0 ? 'E' : 'I', (d) => {
    d.head.trade_name = `辽宁样例贸易公司 ${i + 1}`;
    d.head.gross_weight = String(100 + i);
  });
}

// #filed: the first draft as filed, released and then changed by customs —
// receipts, an amendment and a conflict, to look at the editor's side column.
const filed = location.hash.includes('filed');
const at = (m: number) => new Date(Date.UTC(2026, 10, 27, 5, m)).toISOString();
function filedAnswer(cmd: string, args: Record<string, unknown>): unknown {
  if (!filed || (args.id ?? args.draftId) !== firstId) return undefined;
  const receipt = (code: string, m: number, zh: string, en: string) => ({
    code, seq_no: 'E09002026000000001', entry_id: null, issued_at: at(m), message_zh: zh, message_en: en, reasons: [],
  });
  switch (cmd) {
    case 'draft_receipts':
      return {
        outbox: [{
          seq: 1, draft_id: firstId, revision: 2, client_seq_no: 'c1', state: 'done', attempts: 1, next_attempt_at: at(1),
          last_error: null, failure: null, seq_no: 'E09002026000000001', http_status: 200,
        }],
        receipts: [
          receipt('L', 2, '入海关预录入库', 'Entered into the customs pre-entry store'),
          receipt('G', 3, '审结', 'Review completed'),
          receipt('P', 4, '放行', 'Released'),
          receipt('M', 5, '修撤单已处理，报关单内容已变更', 'Amendment processed; the declaration changed'),
          receipt('R', 6, '结关', 'Closed'),
          receipt('M', 7, '修撤单已处理，报关单内容已变更', 'Amendment processed; the declaration changed'),
        ],
      };
    case 'draft_amendments':
      return [{
        amendment_id: 'a1', seq_no: 'E09002026000000001', reason: 'import_date_change',
        changes: [{ field: 'head.ie_date', value: '20261110' }], note: '', created_at: at(5), state: 'done', no_error_recorded: true,
      }];
    case 'filing_deadline':
      return null;
    case 'draft_conflicts':
      return [{
        id: 1, draft_id: firstId, seq_no: 'E09002026000000001', base_revision: 2, detected_at: at(7), local: null, server: null,
        differences: [
          { field: 'head.conveyance_name', local: 'COSCO SHIPPING ARIES', server: 'COSCO TIANJIN' },
          { field: 'head.trade_name', local: '大连华远进出口有限公司', server: '大连华远进出口集团有限公司' },
          { field: 'lines[0].quantity', local: '120', server: '118' },
        ],
      }];
    default:
      return undefined;
  }
}

mockIPC((cmd, args) => {
  const a = (args ?? {}) as Record<string, unknown>;
  const answer = filedAnswer(cmd, a);
  return answer !== undefined ? answer : backend.handle(cmd, a);
});

const hash = location.hash;
if (hash.includes('en')) localStorage.setItem('portdesk.locale', 'en');
else localStorage.setItem('portdesk.locale', 'zh-CN');

await import('../src/main');
if (hash.includes('editor')) {
  const { navigate } = await import('../src/lib/navigation.svelte');
  await navigate({ name: 'editor', id: firstId });
}
if (hash.includes('lines')) {
  setTimeout(() => document.getElementById('sec-lines')?.scrollIntoView(), 600);
}
if (hash.includes('pick')) {
  setTimeout(() => {
    const el = document.querySelector<HTMLInputElement>('[data-field="head.trade_mode"]');
    el?.focus();
    el?.click();
  }, 600);
}
