import { describe, expect, it, beforeEach } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import CodePicker from '../src/lib/components/CodePicker.svelte';
import { codeForLabel, filterEntries, setCodeLists } from '../src/lib/codes.svelte';
import { SAMPLE_CODE_LISTS } from '../harness/fake-backend';
import { setLocale } from '../src/lib/i18n/index.svelte';

const tradeModes = SAMPLE_CODE_LISTS.find((l) => l.name === 'trade_mode')!.entries;

describe('filterEntries', () => {
  it('matches codes first, then labels in Chinese or English', () => {
    expect(filterEntries(tradeModes, '0110').map((e) => e.code)).toEqual(['0110']);
    expect(filterEntries(tradeModes, '02').map((e) => e.code)).toEqual(['0214', '2025']);
    expect(filterEntries(tradeModes, '2').map((e) => e.code).slice(0, 2)).toEqual(['2025', '2225']);
    expect(filterEntries(tradeModes, '来料').map((e) => e.code)).toEqual(['0214']);
    expect(filterEntries(tradeModes, 'general').map((e) => e.code)).toEqual(['0110']);
    expect(filterEntries(tradeModes, '设备').map((e) => e.code)).toEqual(['0320', '2025', '2225']);
    expect(filterEntries(tradeModes, 'zzz')).toEqual([]);
    expect(filterEntries(tradeModes, '')).toHaveLength(tradeModes.length);
    expect(filterEntries(tradeModes, '', 2)).toHaveLength(2);
  });

  it('finds the code for a label typed in full', () => {
    expect(codeForLabel(tradeModes, '一般贸易')).toBe('0110');
    expect(codeForLabel(tradeModes, 'General trade')).toBe('0110');
    expect(codeForLabel(tradeModes, '贸易')).toBeNull();
  });
});

/** A host holding the value the picker changes. */
function renderPicker(initial = '') {
  let value = initial;
  const changes: string[] = [];
  const result = render(CodePicker, {
    props: {
      list: 'trade_mode',
      value,
      field: 'head.trade_mode',
      label: '监管方式',
      onchange: (v: string) => {
        value = v;
        changes.push(v);
        void result.rerender({ value: v });
      },
    },
  });
  return { ...result, changes, value: () => value };
}

describe('CodePicker', () => {
  beforeEach(() => {
    setCodeLists(SAMPLE_CODE_LISTS);
    setLocale('zh-CN');
  });

  it('filters as the user types and picks with arrow keys and Enter', async () => {
    const user = userEvent.setup();
    const { changes } = renderPicker();
    const input = screen.getByRole('combobox');
    expect(input.getAttribute('data-field')).toBe('head.trade_mode');
    await user.click(input);
    await user.clear(input);
    await user.type(input, '设备');
    const options = screen.getAllByRole('option');
    expect(options.map((o) => o.getAttribute('data-code'))).toEqual(['0320', '2025', '2225']);
    expect(options[0].getAttribute('aria-selected')).toBe('true');
    expect(options[0].textContent).toContain('0320');
    expect(options[0].textContent).toContain('不作价设备');
    await user.keyboard('{ArrowDown}');
    expect(screen.getAllByRole('option')[1].getAttribute('aria-selected')).toBe('true');
    expect(input.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[1].id);
    await user.keyboard('{Enter}');
    expect(changes.at(-1)).toBe('2025');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect((input as HTMLInputElement).value).toBe('2025');
    expect(screen.getByText('合资合作设备')).toBeTruthy();
  });

  it('keeps a code that is not in the list and marks it unknown', async () => {
    const user = userEvent.setup();
    const { changes } = renderPicker();
    const input = screen.getByRole('combobox');
    await user.type(input, '9999');
    expect(screen.getByText('代码表中没有匹配项，仍可输入代码')).toBeTruthy();
    await user.keyboard('{Enter}');
    expect(changes.at(-1)).toBe('9999');
    await user.tab();
    expect((input as HTMLInputElement).value).toBe('9999');
    expect(screen.getByText('不在代码表中')).toBeTruthy();
  });

  it('Escape closes the list without changing the value; ArrowDown reopens it', async () => {
    const user = userEvent.setup();
    const { changes } = renderPicker('0110');
    const input = screen.getByRole('combobox');
    input.focus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('listbox')).toBeTruthy();
    // Opened without typing: the whole list, the current code highlighted.
    expect(screen.getAllByRole('option')).toHaveLength(tradeModes.length);
    expect(screen.getByRole('option', { selected: true }).getAttribute('data-code')).toBe('0110');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(changes).toEqual([]);
  });

  it('turns a label typed in full into its code on blur', async () => {
    const user = userEvent.setup();
    const { changes } = renderPicker();
    await user.type(screen.getByRole('combobox'), 'General trade');
    await user.keyboard('{Escape}');
    await user.tab();
    expect(changes.at(-1)).toBe('0110');
  });

  it('picks with the mouse and shows English labels in English', async () => {
    setLocale('en');
    const user = userEvent.setup();
    const { changes } = renderPicker();
    await user.type(screen.getByRole('combobox'), '0214');
    const opt = screen.getByRole('option');
    expect(opt.textContent).toContain('Processing with supplied materials');
    await user.pointer({ keys: '[MouseLeft>]', target: opt });
    expect(changes.at(-1)).toBe('0214');
  });
});
