import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import Editor from '../src/lib/components/Editor.svelte';
import { setCodeLists } from '../src/lib/codes.svelte';
import { fieldHelp, setLocale } from '../src/lib/i18n/index.svelte';
import { FakeBackend, SAMPLE_CODE_LISTS } from '../harness/fake-backend';
import type { Declaration } from '../src/lib/bindings';

function field(path: string): HTMLInputElement {
  const el = document.querySelector<HTMLInputElement>(`[data-field="${path}"]`);
  if (!el) throw new Error(`no field ${path}`);
  return el;
}

function setup(fill?: (d: Declaration) => void, ie: 'I' | 'E' = 'I') {
  const backend = new FakeBackend();
  const view = backend.create(
    ie,
    fill ??
      ((d) => {
        d.head.declaring_customs = '0900';
        d.head.trade_name = '大连华远进出口有限公司';
        d.head.trade_mode = '0110';
        d.head.gross_weight = '100';
        d.head.net_weight = '120';
        d.lines.push({ ...emptyLine(), commodity_code: '847130', name: '便携式计算机' });
        d.lines.push({ ...emptyLine(), commodity_code: '8471300000', name: '显示器' });
      }),
  );
  mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
  const saves = () => backend.calls.filter((c) => c.cmd === 'save_declaration');
  return { backend, id: view.meta.id, saves };
}

function emptyLine() {
  return {
    commodity_code: '', name: '', elements: '', quantity: '', unit: '', first_quantity: '', first_unit: '',
    second_quantity: '', second_unit: '', unit_price: '', total_price: '', currency: '', origin_country: '',
    destination_country: '', district_code: '', duty_mode: '', part_number: '',
  };
}

async function open(id: string, delay = 40, onopen: (id: string) => void = () => {}) {
  const r = render(Editor, { props: { id, onback: () => {}, onopen, autosaveDelay: delay } });
  await waitFor(() => expect(document.querySelector('[data-field="head.gross_weight"]')).toBeTruthy());
  return r;
}

describe('Editor', () => {
  beforeEach(() => {
    setCodeLists(SAMPLE_CODE_LISTS);
    setLocale('zh-CN');
  });

  it('says which documents a paperless declaration no longer needs, and asks again when the form type changes', async () => {
    const { backend, id } = setup((d) => (d.head.entry_type = 'M'), 'E');
    await open(id);
    const invoice = await waitFor(() => {
      const el = document.querySelector('[data-attachment="invoice"]');
      expect(el).toBeTruthy();
      return el as HTMLElement;
    });
    expect(invoice.textContent).toContain('无需提交');
    expect(invoice.textContent).toContain('措施9');
    const asked = backend.calls.filter((c) => c.cmd === 'required_attachments').length;
    const form = field('head.entry_type') as unknown as HTMLSelectElement;
    await fireEvent.change(form, { target: { value: '0' } });
    await waitFor(() => expect(document.querySelector('[data-attachment="invoice"]')?.textContent).toContain('须提交'));
    expect(backend.calls.filter((c) => c.cmd === 'required_attachments').length).toBeGreaterThan(asked);
  });

  it('lists goods records as the clerk types a name, Enter fills the line keeping its quantity', async () => {
    const { backend, id } = setup();
    backend.goods.push({
      meta: {
        id: 'g1', part_number: 'TP-X1', commodity_code: '8471301000', name: '便携式计算机', last_unit_price: '650',
        last_currency: 'USD', last_used: null, revision: 1, updated_at: '2026-01-01T00:00:00Z', trashed_at: null,
      },
      record: {
        part_number: 'TP-X1', commodity_code: '8471301000', name: '便携式计算机', elements: '0|0|联想|X1', unit: '001',
        first_unit: '001', second_unit: '', origin_country: 'CHN', last_unit_price: '650', last_currency: 'USD',
        last_used: null, last_declaration: '', note: '',
      },
    });
    await open(id);
    const qty = field('lines[1].quantity');
    await fireEvent.input(qty, { target: { value: '3' } });
    const name = field('lines[1].name');
    name.focus();
    await fireEvent.input(name, { target: { value: '便携' } });
    const option = await screen.findByTestId('goods-option-0');
    expect(option.textContent).toContain('TP-X1');
    expect(option.textContent).toContain('650 USD');
    await fireEvent.keyDown(name, { key: 'ArrowDown' });
    await fireEvent.keyDown(name, { key: 'Enter' });
    await waitFor(() => expect(field('lines[1].commodity_code').value).toBe('8471301000'));
    expect(field('lines[1].part_number').value).toBe('TP-X1');
    expect(field('lines[1].elements').value).toBe('0|0|联想|X1');
    expect(field('lines[1].quantity').value).toBe('3');
    expect(screen.queryByTestId('goods-picker')).toBeNull();
    // Esc closes without filling.
    const other = field('lines[0].name');
    other.focus();
    await fireEvent.input(other, { target: { value: 'TP' } });
    await screen.findByTestId('goods-option-0');
    await fireEvent.keyDown(other, { key: 'Escape' });
    expect(screen.queryByTestId('goods-picker')).toBeNull();
    expect(field('lines[0].commodity_code').value).toBe('847130');
  });

  it('gives every input its field path', async () => {
    const { id } = setup();
    await open(id);
    for (const path of [
      'head.gross_weight',
      'head.freight.value',
      'head.freight.mark',
      'head.freight.currency',
      'head.trade_mode',
      'lines[0].commodity_code',
      'lines[1].duty_mode',
      'filing_mode',
      'advance',
    ]) {
      expect(field(path)).toBeTruthy();
    }
    expect(field('lines[0].commodity_code').value).toBe('847130');
  });

  it('shows each problem beside its field and in the panel, errors first', async () => {
    const { id } = setup();
    await open(id);
    const net = document.querySelectorAll('[data-problem-for="head.net_weight"]');
    expect([...net].map((n) => n.className.includes('error') || n.className.includes('warning'))).toEqual([true, true]);
    expect(net[0].classList.contains('error')).toBe(true);
    expect(net[0].textContent).toContain('净重不能大于毛重');
    expect(net[0].textContent).toContain('DEC-X01');
    expect(net[1].classList.contains('warning')).toBe(true);
    expect(field('head.net_weight').getAttribute('aria-invalid')).toBe('true');
    expect(field('head.net_weight').classList.contains('invalid')).toBe(true);
    const line = document.querySelector('[data-problem-for="lines[0].commodity_code"]')!;
    expect(line.textContent).toContain('商品编号应为 10 位数字');
    expect(document.querySelector('[data-problem-for="lines[1].commodity_code"]')).toBeNull();

    const panel = screen.getByTestId('problems-panel');
    // The problem entries (the heading's fold button is a button too).
    const items = within(panel)
      .getAllByRole('button')
      .filter((b) => b.hasAttribute('data-problem-index'));
    expect(items.map((b) => b.getAttribute('data-problem-field'))).toEqual([
      'head.net_weight',
      'lines[0].commodity_code',
      'head.net_weight',
    ]);
    expect(items[2].classList.contains('warning')).toBe(true);
    expect(within(panel).getByTestId('error-count').textContent).toBe('2');
    expect(within(panel).getByTestId('warning-count').textContent).toBe('1');
    expect(items[1].textContent).toContain('第1行 商品编号');
  });

  it('jumps to the field of a problem: click, Enter, F8 and Shift+F8', async () => {
    const { id } = setup();
    await open(id);
    const user = userEvent.setup();
    const items = within(screen.getByTestId('problems-panel'))
      .getAllByRole('button')
      .filter((b) => b.hasAttribute('data-problem-index'));
    await user.click(items[1]);
    expect(document.activeElement).toBe(field('lines[0].commodity_code'));
    items[0].focus();
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(field('head.net_weight'));

    await fireEvent.keyDown(window, { key: 'F8' });
    await waitFor(() => expect(document.activeElement).toBe(field('lines[0].commodity_code')));
    await fireEvent.keyDown(window, { key: 'F8' });
    await waitFor(() => expect(document.activeElement).toBe(field('head.net_weight')));
    await fireEvent.keyDown(window, { key: 'F8', shiftKey: true });
    await waitFor(() => expect(document.activeElement).toBe(field('lines[0].commodity_code')));
  });

  it('autosaves after typing pauses, with the latest content, and refreshes the problems', async () => {
    const { id, saves } = setup();
    // A debounce well above the gap between keystrokes on a loaded machine:
    // the test is about debouncing, not about how fast the runner types.
    await open(id, 600);
    const user = userEvent.setup();
    const net = field('head.net_weight');
    await user.clear(net);
    await user.type(net, '90');
    expect(screen.getByTestId('save-state').textContent).toContain('未保存的更改');
    await waitFor(() => expect(saves().length).toBeGreaterThan(0), { timeout: 3000 });
    await waitFor(() => expect(screen.getByTestId('save-state').textContent).toMatch(/已保存 r\d+ \d\d:\d\d:\d\d/));
    const last = saves().at(-1)!;
    expect(last.args.note).toBe('autosave');
    expect(last.args.id).toBe(id);
    expect((last.args.declaration as Declaration).head.net_weight).toBe('90');
    // Debounced: typing "90" did not save once per key.
    expect(saves().length).toBe(1);
    await waitFor(() => expect(document.querySelector('[data-problem-for="head.net_weight"].error')).toBeNull());
    // History shows the new revision.
    await waitFor(() => expect(screen.getByTestId('history-panel').querySelector('[data-revision="2"]')).toBeTruthy());
  });

  it('Ctrl+S saves at once with the note "save"', async () => {
    const { id, saves } = setup();
    await open(id, 10_000);
    const user = userEvent.setup();
    await user.type(field('head.contract_no'), 'HT-1');
    expect(saves()).toHaveLength(0);
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect(saves()[0].args.note).toBe('save');
    expect((saves()[0].args.declaration as Declaration).head.contract_no).toBe('HT-1');
  });

  it('fills the default levy kind when the trade mode changes and the levy kind is empty', async () => {
    const { id, saves } = setup((d) => {
      d.head.trade_mode = '';
    });
    await open(id);
    const user = userEvent.setup();
    await user.type(field('head.trade_mode'), '0214');
    await user.keyboard('{Escape}');
    expect(field('head.levy_kind').value).toBe('502');
    // A levy kind already there is kept.
    await user.clear(field('head.trade_mode'));
    await user.type(field('head.trade_mode'), '0615');
    expect(field('head.levy_kind').value).toBe('502');
    await waitFor(() => expect(saves().length).toBeGreaterThan(0));
  });

  it('adds, duplicates and removes goods lines; Enter moves down; Ctrl+Enter adds', async () => {
    const { id } = setup();
    await open(id);
    const user = userEvent.setup();
    field('lines[0].name').focus();
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(field('lines[1].name'));
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(document.activeElement).toBe(field('lines[2].commodity_code')));
    await user.click(screen.getByTestId('duplicate-lines-0'));
    expect(field('lines[1].commodity_code').value).toBe('847130');
    expect(document.querySelectorAll('tr[data-row]').length).toBeGreaterThanOrEqual(4);
    await user.click(screen.getByTestId('remove-lines-1'));
    expect(field('lines[1].name').value).toBe('显示器');
    await user.click(screen.getByTestId('add-containers'));
    await waitFor(() => expect(document.activeElement).toBe(field('containers[0].number')));
  });

  it('switches the filing mode and the advance flag', async () => {
    const { id, saves } = setup();
    await open(id);
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: '两步申报·概要' }));
    await user.click(field('advance'));
    // Autosave may send the mode change before the flag: wait for the save that has both.
    await waitFor(() => expect((saves().at(-1)?.args.declaration as Declaration | undefined)?.advance).toBe(true));
    const d = saves().at(-1)!.args.declaration as Declaration;
    expect(d.filing_mode).toBe('two_step_summary');
  });

  it('shows problems in the chosen language', async () => {
    const { id } = setup();
    await open(id);
    setLocale('en');
    await waitFor(() =>
      expect(document.querySelector('[data-problem-for="head.net_weight"]')!.textContent).toContain(
        'The net weight must not exceed the gross weight',
      ),
    );
    expect(screen.getByTestId('problems-panel').textContent).toContain('Problems');
    setLocale('zh-CN');
  });

  it('views a revision read-only and restores it', async () => {
    const { id, backend } = setup();
    await open(id);
    const user = userEvent.setup();
    await user.type(field('head.contract_no'), 'NEW');
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    const history = screen.getByTestId('history-panel');
    await waitFor(() => expect(history.querySelector('[data-revision="2"]')).toBeTruthy());

    await user.click(within(history).getByTestId('view-revision-1'));
    await waitFor(() => expect(screen.getByTestId('viewing-banner')).toBeTruthy());
    expect(field('head.contract_no').value).toBe('');
    expect(field('head.contract_no').readOnly).toBe(true);

    await user.click(screen.getByTestId('restore-viewed'));
    await user.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'restore_revision')).toBe(true));
    const call = backend.calls.find((c) => c.cmd === 'restore_revision')!;
    expect(call.args).toEqual({ id, revision: 1 });
    await waitFor(() => expect(screen.queryByTestId('viewing-banner')).toBeNull());
    expect(field('head.contract_no').value).toBe('');
    expect(field('head.contract_no').readOnly).toBe(false);
    await waitFor(() => expect(history.querySelector('[data-revision="3"]')).toBeTruthy());
  });

  it('shows a save error in the save state and retries', async () => {
    const { id, backend } = setup();
    let fail = true;
    mockIPC((cmd, args) => {
      if (cmd === 'save_declaration' && fail) throw { code: 'db', message: 'database is locked', field: null };
      return backend.handle(cmd, (args ?? {}) as Record<string, unknown>);
    });
    await open(id);
    const user = userEvent.setup();
    await user.type(field('head.bill_no'), 'B1');
    await waitFor(() => expect(screen.getByTestId('save-state').textContent).toContain('本地数据库出错：database is locked'));
    fail = false;
    await user.click(screen.getByTestId('retry-save'));
    await waitFor(() => expect(screen.getByTestId('save-state').textContent).toContain('已保存'));
    const saved = backend.calls.filter((c) => c.cmd === 'save_declaration').at(-1)!;
    expect((saved.args.declaration as Declaration).head.bill_no).toBe('B1');
  });

  it('sends the message blocks it does not show back with every autosave', async () => {
    const blocks = { blocks: [{ parent: 'DecMessage', name: 'DecOtherPacks', xml: '<DecOtherPacks/>' }] };
    const { id, saves } = setup((d) => (d.extensions = { decmessage: blocks }));
    await open(id);
    await userEvent.setup().type(field('head.bill_no'), 'B9');
    await waitFor(() => expect(saves().length).toBeGreaterThan(0));
    const sent = saves().at(-1)!.args.declaration as Declaration;
    expect(sent.head.bill_no).toBe('B9');
    expect(sent.extensions).toEqual({ decmessage: blocks });
  });

  it('exports the declaration as a message where the save dialog says (Ctrl+Shift+E)', async () => {
    const { backend, id } = setup();
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'pick_message_save_path') return '/tmp/out/PD1.xml';
      if (cmd === 'export_declaration_message') return '/tmp/out/PD1.xml';
      return backend.handle(cmd, (args ?? {}) as Record<string, unknown>);
    });
    await open(id);
    await userEvent.setup().keyboard('{Control>}{Shift>}E{/Shift}{/Control}');
    await waitFor(() => expect(screen.getByText(/已导出到 \/tmp\/out\/PD1.xml/)).toBeTruthy());
    const exported = calls.find((c) => c.cmd === 'export_declaration_message')!;
    expect(exported.args).toEqual({ id, path: '/tmp/out/PD1.xml', options: { envelope: false, oper_type: 'G' } });

    // Cancelling the dialog writes nothing.
    calls.length = 0;
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'pick_message_save_path') return null;
      return backend.handle(cmd, (args ?? {}) as Record<string, unknown>);
    });
    await userEvent.setup().click(screen.getByTestId('export-message'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'pick_message_save_path')).toBe(true));
    expect(calls.some((c) => c.cmd === 'export_declaration_message')).toBe(false);
  });

  it('copies the declaration after saving pending edits and opens the copy', async () => {
    const { backend, id } = setup();
    const opened: string[] = [];
    const r = await open(id, 10_000, (next) => opened.push(next));
    const user = userEvent.setup();
    await user.clear(field('head.trade_name'));
    await user.type(field('head.trade_name'), '新公司');
    await user.click(screen.getByTestId('copy-declaration'));
    await waitFor(() => expect(opened).toHaveLength(1));
    const cmds = backend.calls.map((c) => c.cmd);
    expect(cmds.lastIndexOf('save_declaration')).toBeLessThan(cmds.indexOf('copy_declaration'));
    const copy = backend.drafts.get(opened[0])!;
    expect(opened[0]).not.toBe(id);
    const doc = copy.revisions[0].declaration;
    expect(doc.client_seq_no).not.toBe(backend.drafts.get(id)!.meta.client_seq_no);
    expect(doc.head.trade_name).toBe('新公司');
    expect(doc.lines.map((l) => l.name)).toEqual(['便携式计算机', '显示器']);
    const from = backend.drafts.get(id)!.meta.client_seq_no;
    expect(copy.revisions[0].meta.note).toBe(`copied from ${from}`);

    // The copy's history says where it came from, in the clerk's language.
    r.unmount();
    await open(opened[0]);
    await waitFor(() => expect(screen.getByTestId('history-panel').textContent).toContain(`复制自 ${from}`));
  });

  it('copies a goods line from the keyboard and names the line it copies', async () => {
    const { id } = setup();
    await open(id);
    const copy = screen.getByTestId('duplicate-lines-1');
    expect(copy.getAttribute('aria-label')).toBe('复制第 2 项');
    expect(copy.textContent).toBe('复制此行');
    copy.focus();
    await userEvent.setup().keyboard('{Enter}');
    await waitFor(() => expect(document.querySelectorAll('tr[data-row]').length).toBe(3));
    expect(field('lines[2].name').value).toBe('显示器');
    expect(field('lines[1].name').value).toBe('显示器');
    expect(field('lines[0].name').value).toBe('便携式计算机');
  });

  it('shows the filling rule of every field as it takes focus, and beside each problem', async () => {
    const { id } = setup((d) => {
      d.head.gross_weight = '100';
      d.head.net_weight = '120';
      d.lines.push({ ...emptyLine(), commodity_code: '847130', name: '便携式计算机' });
      d.containers.push({ number: 'MSKU1234565', size_type: '22G1', line_refs: '1', part_load: false, weight: '2200' });
      d.documents.push({ code: 'Y', cert_no: 'E26001' });
      d.edocs.push({ code: '00000001', file_name: 'invoice.pdf', size: '1024' });
    });
    await open(id);
    const bar = screen.getByTestId('field-help');
    expect(bar.textContent).toContain('选中一个字段');
    // Every input of the form, head and all four tables, has its line.
    const paths = [...document.querySelectorAll<HTMLElement>('.editor [data-field]')].map((el) => el.dataset.field!);
    expect(paths).toContain('containers[0].number');
    expect(paths).toContain('edocs[0].size');
    const missing = paths.filter((p) => !fieldHelp(p, 'I'));
    expect(missing).toEqual([]);

    field('lines[0].commodity_code').focus();
    await waitFor(() => expect(bar.textContent).toContain('第1行 商品编号'));
    expect(bar.textContent).toContain('10位商品编号');
    field('head.trade_country').focus();
    // The import form's variant: 启运国 for an import.
    await waitFor(() => expect(bar.textContent).toContain('进口货物起始发出'));

    const panel = screen.getByTestId('problems-panel');
    const net = panel.querySelector('[data-help-for="head.net_weight"]');
    expect(net?.textContent).toContain('毛重减去外包装材料');

    setLocale('en');
    await waitFor(() => expect(bar.textContent).toContain('Country of departure'));
  });
});

