import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import DraftsList from '../src/lib/components/DraftsList.svelte';
import { setCodeLists } from '../src/lib/codes.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { FakeBackend, SAMPLE_CODE_LISTS } from '../harness/fake-backend';

function record(part: string, code: string, name: string) {
  return {
    part_number: part, commodity_code: code, name, elements: '0|0', unit: '007', first_unit: '007', second_unit: '',
    origin_country: 'CHN', last_unit_price: '12.5', last_currency: 'USD', last_used: null, last_declaration: '', note: '',
  };
}

function setup() {
  setCodeLists(SAMPLE_CODE_LISTS);
  const backend = new FakeBackend();
  for (const [i, [part, code, name]] of [
    ['TP-1', '7318159090', '六角螺栓'],
    ['', '8471300000', '便携式计算机'],
  ].entries()) {
    const r = record(part, code, name);
    backend.goods.push({
      meta: {
        id: `g${i + 1}`, part_number: part, commodity_code: code, name, last_unit_price: '12.5', last_currency: 'USD',
        last_used: null, revision: 1, updated_at: '2026-01-01T00:00:00Z', trashed_at: null,
      },
      record: r,
    });
  }
  mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
  return backend;
}

describe('goods library', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('finds, edits and deletes records from the drafts list; a refused save keeps the form', async () => {
    const backend = setup();
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {} } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('open-goods'));
    const dialog = await screen.findByTestId('goods-library');
    await waitFor(() => expect(within(dialog).getAllByTestId('goods-row')).toHaveLength(2));

    await fireEvent.input(within(dialog).getByTestId('goods-search'), { target: { value: '螺栓' } });
    await waitFor(() => expect(within(dialog).getAllByTestId('goods-row')).toHaveLength(1));
    expect(within(dialog).getByTestId('goods-row').textContent).toContain('TP-1');

    await user.click(within(dialog).getByTestId('goods-edit'));
    const name = await waitFor(() => {
      const el = dialog.querySelector<HTMLInputElement>('[data-goods-field="name"]');
      expect(el?.value).toBe('六角螺栓');
      return el!;
    });
    // Refused (no name): the error shows and the form stays open as typed.
    await user.clear(name);
    await user.click(within(dialog).getByTestId('goods-save'));
    await waitFor(() => expect(within(dialog).getByTestId('goods-error').textContent).toContain('name'));
    expect(within(dialog).getByTestId('goods-form')).toBeTruthy();
    expect(backend.goods[0].record.name).toBe('六角螺栓');

    await user.type(name, '不锈钢六角螺栓');
    await user.click(within(dialog).getByTestId('goods-save'));
    await waitFor(() => expect(within(dialog).queryByTestId('goods-form')).toBeNull());
    expect(backend.goods[0].record.name).toBe('不锈钢六角螺栓');
    expect(backend.goods[0].meta.revision).toBe(2);

    await user.click(within(dialog).getByTestId('goods-delete'));
    await user.click(within(dialog).getByTestId('goods-delete-confirm'));
    await waitFor(() => expect(within(dialog).getByTestId('goods-none')).toBeTruthy());
    expect(backend.goods.map((g) => g.meta.id)).toEqual(['g2']);

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('goods-library')).toBeNull());
  }, 20_000);
});
