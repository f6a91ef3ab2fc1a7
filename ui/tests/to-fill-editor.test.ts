import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import Editor from '../src/lib/components/Editor.svelte';
import { setCodeLists } from '../src/lib/codes.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { FakeBackend, SAMPLE_CODE_LISTS } from '../harness/fake-backend';

const REQUIRED = [
  'head.declaring_customs',
  'head.trade_name',
  'head.trade_mode',
  'head.gross_weight',
  'lines[0].name',
];

function field(path: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-field="${path}"]`);
  if (!el) throw new Error(`no field ${path}`);
  return el;
}

/** Fields styled as errors: what the clerk would see as red. */
function redFields(): string[] {
  const els = document.querySelectorAll<HTMLElement>(
    '.has-error [data-field], [data-field].invalid, [data-field][aria-invalid="true"]',
  );
  return [...new Set([...els].map((e) => e.dataset.field ?? ''))].sort();
}

function setup() {
  const backend = new FakeBackend();
  // Only a goods line with a good code: the head's required fields are all empty.
  const view = backend.create('I', (d) => {
    d.lines.push({
      commodity_code: '8471300000', name: '', elements: '', quantity: '', unit: '', first_quantity: '', first_unit: '',
      second_quantity: '', second_unit: '', unit_price: '', total_price: '', currency: '', origin_country: '',
      destination_country: '', district_code: '', duty_mode: '', part_number: '',
    });
  });
  mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
  return { backend, id: view.meta.id };
}

async function open(id: string) {
  const r = render(Editor, { props: { id, onback: () => {}, onopen: () => {}, autosaveDelay: 20 } });
  await waitFor(() => expect(document.querySelector('[data-field="head.gross_weight"]')).toBeTruthy());
  return r;
}

describe('a new draft is not a wall of red', () => {
  beforeEach(() => {
    setCodeLists(SAMPLE_CODE_LISTS);
    setLocale('zh-CN');
  });

  it('marks required-empty fields as to fill, not as errors, and still counts them', async () => {
    const { id } = setup();
    await open(id);
    expect(redFields()).toEqual([]);
    for (const path of REQUIRED) {
      const mark = document.querySelector(`[data-to-fill-for="${path}"]`);
      expect(mark, path).toBeTruthy();
      expect(mark!.textContent).toContain('待填');
    }
    expect(document.querySelector('.problem.error')).toBeNull();
    expect(screen.getByTestId('error-count').textContent).toBe('0');
    expect(screen.getByTestId('to-fill-count').textContent).toBe(String(REQUIRED.length));
    // Listed in the panel still, after the errors, as to fill.
    const items = document.querySelectorAll('[data-problem-index]');
    expect(items.length).toBe(REQUIRED.length);
    expect([...items].every((b) => b.classList.contains('to-fill'))).toBe(true);
  });

  it('shows a required field as an error once it was left empty, and only that one', async () => {
    const { id } = setup();
    await open(id);
    const name = field('head.trade_name');
    name.focus();
    await fireEvent.blur(name);
    await waitFor(() => expect(redFields()).toEqual(['head.trade_name']));
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.querySelector('[data-problem-for="head.trade_name"]')?.classList.contains('error')).toBe(true);
    expect(document.querySelector('[data-to-fill-for="head.trade_name"]')).toBeNull();
    expect(screen.getByTestId('error-count').textContent).toBe('1');
    expect(screen.getByTestId('to-fill-count').textContent).toBe(String(REQUIRED.length - 1));

    // Folding and unfolding the problems panel keeps what the clerk has done.
    const toggle = screen.getByTestId('panel-toggle-problems');
    await fireEvent.click(toggle);
    await fireEvent.click(toggle);
    expect(redFields()).toEqual(['head.trade_name']);
    expect(document.querySelectorAll('[data-problem-index].to-fill').length).toBe(REQUIRED.length - 1);
  });

  it('shows every required-empty field as an error after check all, by button or F9', async () => {
    const { backend, id } = setup();
    const r = await open(id);
    await userEvent.setup().click(screen.getByTestId('check-all'));
    await waitFor(() => expect(redFields()).toEqual([...REQUIRED].sort()));
    expect(backend.calls.some((c) => c.cmd === 'validate_declaration' && c.args.purpose === 'declare')).toBe(true);
    expect(screen.queryByTestId('to-fill-count')).toBeNull();
    expect(screen.getByTestId('error-count').textContent).toBe(String(REQUIRED.length));

    // Reopened, the draft starts quiet again; F9 asks for everything.
    r.unmount();
    await open(id);
    expect(redFields()).toEqual([]);
    await fireEvent.keyDown(window, { key: 'F9' });
    await waitFor(() => expect(redFields()).toEqual([...REQUIRED].sort()));
  });

  it('treats a goods line cell the same: quiet until left empty', async () => {
    const { id } = setup();
    await open(id);
    const cell = field('lines[0].name');
    expect(cell.closest('td')?.classList.contains('is-to-fill')).toBe(true);
    expect(cell.getAttribute('aria-invalid')).toBeNull();
    cell.focus();
    await fireEvent.blur(cell);
    await waitFor(() => expect(redFields()).toEqual(['lines[0].name']));
    expect(cell.closest('td')?.classList.contains('has-error')).toBe(true);
    expect(document.querySelector('[data-to-fill-for="lines[0].name"]')).toBeNull();
  });

  it('shows a format error at once, beside the quiet marks', async () => {
    const { backend, id } = setup();
    const stored = backend.drafts.get(id)!;
    stored.revisions[stored.revisions.length - 1].declaration.lines[0].commodity_code = '8471';
    await open(id);
    expect(redFields()).toEqual(['lines[0].commodity_code']);
    expect(document.querySelector('[data-to-fill-for="head.trade_name"]')).toBeTruthy();
  });
});
