import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import Editor from '../src/lib/components/Editor.svelte';
import { setCodeLists } from '../src/lib/codes.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { ELEMENTS_MAX_BYTES, gbkBytes, joinElements, splitElements } from '../src/lib/elements';
import type { ElementList } from '../src/lib/bindings';
import { FakeBackend, SAMPLE_CODE_LISTS } from '../harness/fake-backend';
// The Rust side runs the same cases (crates/domain/tests/domain/elements.rs).
import shared from '../../tests/fixtures/elements-split-join.json';
import table from '../../crates/domain/data/declaration_elements.json';

/** The bundled file's list for `code`: its own, else the longest prefix's. */
function lookup(code: string): ElementList {
  const entries = table.entries as unknown as ElementList[];
  for (let n = code.length; n >= 4; n--) {
    const hit = entries.find((e) => e.code === code.slice(0, n));
    if (hit) return hit;
  }
  throw new Error(`no list for ${code}`);
}

describe('elements split and join', () => {
  it('give the values and text of the shared cases, as the Rust code does', () => {
    expect(shared.cases.length).toBeGreaterThanOrEqual(10);
    for (const c of shared.cases) {
      const list = ('list' in c ? (c.list as unknown as ElementList) : lookup((c as { code: string }).code));
      const s = splitElements(list, c.text);
      expect(s.values.length, c.text).toBe(list.elements.length);
      const values = [...s.values];
      while (values.length > 0 && values[values.length - 1] === '') values.pop();
      expect(values, c.text).toEqual(c.values);
      if (c.group.length > 0) expect(s.group, c.text).toEqual(c.group);
      expect(s.group.length).toBe(list.group?.length ?? 0);
      expect(s.extra, c.text).toEqual(c.extra);
      expect(joinElements(list, s), c.text).toBe(c.joined);
      expect(gbkBytes(c.joined), c.joined).toBe(c.gbk_bytes);
    }
  });

  it('count bytes as customs does', () => {
    expect(gbkBytes('')).toBe(0);
    expect(gbkBytes('0|0|DX51D+Z')).toBe(11);
    expect(gbkBytes('热镀锌')).toBe(6);
    expect(gbkBytes('（全角）')).toBe(8);
    expect(ELEMENTS_MAX_BYTES).toBe(255);
  });
});

function emptyLine() {
  return {
    commodity_code: '', name: '', elements: '', quantity: '', unit: '', first_quantity: '', first_unit: '',
    second_quantity: '', second_unit: '', unit_price: '', total_price: '', currency: '', origin_country: '',
    destination_country: '', district_code: '', duty_mode: '', part_number: '',
  };
}

function field(path: string): HTMLInputElement {
  const el = document.querySelector<HTMLInputElement>(`[data-field="${path}"]`);
  if (!el) throw new Error(`no field ${path}`);
  return el;
}

describe('ElementsEditor', () => {
  beforeEach(() => {
    setCodeLists(SAMPLE_CODE_LISTS);
    setLocale('zh-CN');
  });

  it('splits the focused line into one input per element and joins every change back', async () => {
    const backend = new FakeBackend();
    const view = backend.create('I', (d) => {
      d.lines.push({ ...emptyLine(), commodity_code: '7208390000', name: '热轧卷板', elements: '0|3|热轧' });
      d.lines.push({ ...emptyLine(), commodity_code: '8471300000', name: '笔记本电脑', elements: '0|3|i5,16G|联想' });
    });
    mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
    render(Editor, { props: { id: view.meta.id, onback: () => {}, onopen: () => {}, autosaveDelay: 40 } });
    const panel = await waitFor(() => screen.getByTestId('elements-editor'));
    // Line 1 has no list: its text stays free.
    await waitFor(() => expect(panel.textContent).toContain('没有申报要素表'));

    await fireEvent.focusIn(field('lines[1].name'));
    const config = await waitFor(() => within(panel).getByLabelText(/2:配置/));
    expect((config as HTMLInputElement).value).toBe('i5,16G');
    expect((within(panel).getByLabelText(/3:品牌/) as HTMLInputElement).value).toBe('联想');
    expect(within(panel).getByRole('combobox', { name: '0:品牌类型' })).toHaveProperty('value', '0');
    expect(panel.textContent).toContain('未经官方文本确认');

    await fireEvent.input(within(panel).getByLabelText(/4:型号/), { target: { value: 'X1|Carbon' } });
    expect(field('lines[1].elements').value).toBe('0|3|i5,16G|联想|X1Carbon');
    expect(screen.getByTestId('elements-bytes').textContent).toBe(`${gbkBytes('0|3|i5,16G|联想|X1Carbon')}/255 字节`);

    // A brand type outside its list shows as invalid in the picker.
    const brand = within(panel).getByRole('combobox', { name: '0:品牌类型' });
    await fireEvent.input(brand, { target: { value: '7' } });
    expect(field('lines[1].elements').value).toBe('7|3|i5,16G|联想|X1Carbon');
    expect(brand.getAttribute('aria-invalid')).toBe('true');

    // Typing in the table's cell splits back into the inputs.
    await fireEvent.input(field('lines[1].elements'), { target: { value: '1|0|i7' } });
    await waitFor(() => expect((within(panel).getByLabelText(/2:配置/) as HTMLInputElement).value).toBe('i7'));
    expect((within(panel).getByLabelText(/3:品牌/) as HTMLInputElement).value).toBe('');
  }, 20000);
});
