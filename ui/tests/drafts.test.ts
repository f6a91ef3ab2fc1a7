import { beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import DraftsList from '../src/lib/components/DraftsList.svelte';
import App from '../src/App.svelte';
import { FakeBackend } from '../harness/fake-backend';
import { forgetMarks } from '../src/lib/marks';
import { navigate } from '../src/lib/navigation.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import type { DraftQuery, IeFlag, PageTiming } from '../src/lib/bindings';

function seeded(n = 3) {
  const backend = new FakeBackend();
  for (let i = 0; i < n; i++) {
    backend.create(i % 2 ? 'E' : 'I', (d) => {
      d.head.trade_name = `公司${i + 1}`;
      d.head.bill_no = `BILL${i + 1}`;
    });
  }
  mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
  const queries = () => backend.calls.filter((c) => c.cmd === 'list_drafts').map((c) => c.args.query as DraftQuery);
  return { backend, queries };
}

function rows() {
  return [...document.querySelectorAll<HTMLElement>('tr[data-draft-id]')];
}

describe('DraftsList', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('lists drafts with status, I/E, counts and total', async () => {
    seeded(3);
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {} } });
    await waitFor(() => expect(rows()).toHaveLength(3));
    const first = rows()[0];
    expect(first.textContent).toMatch(/PD\d{16}/);
    expect(first.textContent).toContain('草稿');
    expect(screen.getByTestId('range').textContent).toBe('第 1–3 份，共 3 份');
  });

  it('searches after a pause (debounced) and filters by status, I/E and trash', async () => {
    const { queries } = seeded(3);
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {}, searchDelay: 60 } });
    await waitFor(() => expect(rows()).toHaveLength(3));
    const user = userEvent.setup();
    const before = queries().length;
    await user.type(screen.getByTestId('search'), 'BILL2');
    expect(queries().length).toBe(before);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(queries().length).toBe(before + 1);
    expect(queries().at(-1)).toMatchObject({ text: 'BILL2', offset: 0, limit: 50, trashed: false });

    await user.clear(screen.getByTestId('search'));
    await waitFor(() => expect(rows()).toHaveLength(3));
    await user.click(screen.getByTestId('ie-E'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(queries().at(-1)).toMatchObject({ ie_flag: 'E', status: null });
    await user.click(screen.getByTestId('status-ready'));
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ ie_flag: 'E', status: 'ready' }));
    await user.click(screen.getByTestId('trash-toggle'));
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ trashed: true }));
  });

  it('opens a draft by click or Enter', async () => {
    seeded(2);
    const opened: string[] = [];
    render(DraftsList, { props: { onopen: (id: string) => opened.push(id), oncreate: () => {} } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const user = userEvent.setup();
    await user.click(rows()[0].querySelector('td')!);
    rows()[1].focus();
    await user.keyboard('{Enter}');
    expect(opened).toEqual([rows()[0].dataset.draftId, rows()[1].dataset.draftId]);
  });

  it('copies a draft from its row, by keyboard too, and opens the copy', async () => {
    const { backend } = seeded(2);
    const opened: string[] = [];
    render(DraftsList, { props: { onopen: (id: string) => opened.push(id), oncreate: () => {} } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const row = rows()[0];
    const id = row.dataset.draftId!;
    const button = within(row).getByTestId(`copy-${id}`);
    expect(button.getAttribute('aria-label')).toContain(backend.drafts.get(id)!.meta.client_seq_no);
    button.focus();
    await userEvent.setup().keyboard('{Enter}');
    await waitFor(() => expect(opened).toHaveLength(1));
    expect(opened[0]).not.toBe(id);
    expect(backend.drafts.size).toBe(3);
    const copy = backend.drafts.get(opened[0])!.revisions[0].declaration;
    expect(copy.head.trade_name).toBe(backend.drafts.get(id)!.revisions.at(-1)!.declaration.head.trade_name);
    expect(backend.calls.filter((c) => c.cmd === 'copy_declaration').map((c) => c.args)).toEqual([{ id }]);
  });

  it('moves to trash, restores, and empties the trash after confirming', async () => {
    const { backend } = seeded(2);
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {} } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const user = userEvent.setup();
    const id = rows()[0].dataset.draftId!;
    await user.click(screen.getByTestId(`trash-${id}`));
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.click(screen.getByTestId('trash-toggle'));
    await waitFor(() => expect(rows().map((r) => r.dataset.draftId)).toEqual([id]));

    // Esc cancels the confirmation.
    await user.click(screen.getByTestId('empty-trash'));
    expect(screen.getByRole('dialog')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.drafts.size).toBe(2);

    await user.click(screen.getByTestId('empty-trash'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('confirm'));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'empty_trash')).toBe(true));
    await waitFor(() => expect(rows()).toHaveLength(0));
    expect(backend.drafts.size).toBe(1);
    expect(screen.getByText('已永久删除 1 份草稿')).toBeTruthy();
  });

  it('pages 50 at a time', async () => {
    const { queries } = seeded(55);
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {} } });
    await waitFor(() => expect(rows()).toHaveLength(50));
    const user = userEvent.setup();
    expect((screen.getByTestId('prev-page') as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByTestId('next-page'));
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(queries().at(-1)).toMatchObject({ offset: 50, limit: 50 });
    expect(screen.getByTestId('range').textContent).toBe('第 51–55 份，共 55 份');
    expect((screen.getByTestId('next-page') as HTMLButtonElement).disabled).toBe(true);
  });

  it('creates a declaration from the buttons', async () => {
    seeded(0);
    const created: IeFlag[] = [];
    render(DraftsList, { props: { onopen: () => {}, oncreate: (ie: IeFlag) => created.push(ie) } });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new-import'));
    await user.click(screen.getByTestId('new-export'));
    expect(created).toEqual(['I', 'E']);
  });
});

describe('App', () => {
  it('Alt+N offers a new declaration and opens it in the editor; back returns to the list', async () => {
    const { backend } = seeded(1);
    render(App);
    const user = userEvent.setup();
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.keyDown(window, { key: 'n', code: 'KeyN', altKey: true });
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByTestId('dialog-new-export'));
    await waitFor(() => expect(document.querySelector('[data-field="head.gross_weight"]')).toBeTruthy());
    expect(backend.calls.find((c) => c.cmd === 'create_declaration')?.args).toEqual({ ieFlag: 'E' });
    expect(screen.getAllByText('出口').length).toBeGreaterThan(0);

    // Edits are saved before leaving.
    await user.type(document.querySelector<HTMLInputElement>('[data-field="head.trade_name"]')!, '新公司');
    await user.click(screen.getByTestId('back'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    const saved = backend.calls.filter((c) => c.cmd === 'save_declaration').at(-1)!;
    expect(saved.args.note).toBe('autosave');
    expect(rows().some((r) => r.textContent?.includes('新公司'))).toBe(true);
  });

  it('marks the first painted list page once, and `--open` goes straight to the named draft', async () => {
    const { backend } = seeded(2);
    render(App);
    await waitFor(() => expect(rows()).toHaveLength(2));
    const marks = () => backend.calls.filter((c) => c.cmd === 'ui_mark').map((c) => c.args.mark);
    await waitFor(() => expect(marks()).toEqual(['first_drafts_page']));
    // The mark carries the page's trace: the list asked for, rendered, then framed.
    const steps = (backend.calls.find((c) => c.cmd === 'ui_mark')!.args.page as PageTiming).steps.map((s) => s.name);
    const order = ['call:list_drafts', 'answer:list_drafts', 'first_drafts_page:rendered', 'first_drafts_page:frame'];
    expect(order.map((name) => steps.indexOf(name))).toEqual([...order.map((name) => steps.indexOf(name))].sort((a, b) => a - b));
    expect(order.every((name) => steps.includes(name))).toBe(true);
    cleanup();
    forgetMarks();

    const second = seeded(2).backend;
    second.openDraft = [...second.drafts.keys()][1];
    render(App);
    await waitFor(() => expect(document.querySelector('[data-field="head.trade_name"]')).toBeTruthy());
    expect(document.querySelector<HTMLInputElement>('[data-field="head.trade_name"]')!.value).toBe('公司2');
    await waitFor(() => expect(second.calls.filter((c) => c.cmd === 'ui_mark').map((c) => c.args.mark)).toContain('declaration_opened'));
    // The route is the app's, not the component's: back to the list for the next test.
    await navigate({ name: 'drafts' });
  });

  it('Ctrl+F focuses the search box; Esc closes the new-declaration dialog', async () => {
    seeded(1);
    render(App);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.keyDown(window, { key: 'f', ctrlKey: true });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('search')));
    await fireEvent.keyDown(window, { key: 'n', code: 'KeyN', altKey: true });
    expect(await screen.findByRole('dialog')).toBeTruthy();
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
