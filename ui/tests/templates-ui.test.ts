import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import DraftsList from '../src/lib/components/DraftsList.svelte';
import Editor from '../src/lib/components/Editor.svelte';
import { setCodeLists } from '../src/lib/codes.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { FakeBackend, SAMPLE_CODE_LISTS } from '../harness/fake-backend';

function field(path: string): HTMLInputElement {
  const el = document.querySelector<HTMLInputElement>(`[data-field="${path}"]`);
  if (!el) throw new Error(`no field ${path}`);
  return el;
}

function setup() {
  setCodeLists(SAMPLE_CODE_LISTS);
  const backend = new FakeBackend();
  const view = backend.create('E', (d) => {
    d.head.trade_name = '大连示例';
    d.head.bill_no = 'BILL1';
  });
  mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
  return { backend, id: view.meta.id };
}

async function openEditor(id: string, onopen: (id: string) => void = () => {}) {
  const r = render(Editor, { props: { id, onback: () => {}, onopen, autosaveDelay: 10_000 } });
  await waitFor(() => expect(document.querySelector('[data-field="head.gross_weight"]')).toBeTruthy());
  return r;
}

describe('templates', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('saves the open draft as a named template, refusing a taken name in the dialog', async () => {
    const { backend, id } = setup();
    await openEditor(id);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('save-as-template'));
    const name = await screen.findByTestId('template-name');
    await waitFor(() => expect(document.activeElement).toBe(name));
    await user.type(name, '月度出口');
    await user.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(backend.templates.size).toBe(1));
    const [tpl] = [...backend.templates.values()];
    expect(tpl.meta.name).toBe('月度出口');
    expect(tpl.declaration.head.trade_name).toBe('大连示例');
    expect(screen.queryByTestId('template-name')).toBeNull();

    await user.click(screen.getByTestId('save-as-template'));
    await user.type(await screen.findByTestId('template-name'), '月度出口');
    await user.click(screen.getByTestId('confirm'));
    expect((await screen.findByTestId('template-error')).textContent).toContain('已有同名模板');
    expect(backend.templates.size).toBe(1);
  });

  it('makes a new declaration from the picker, renames and deletes templates', async () => {
    const { backend, id } = setup();
    await backend.handle('template_save', { id, name: 'A', note: '每月' });
    await backend.handle('template_save', { id, name: 'B', note: '' });
    const opened: string[] = [];
    render(DraftsList, { props: { onopen: (x: string) => opened.push(x), oncreate: () => {} } });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new-from-template'));
    await waitFor(() => expect(screen.getAllByTestId('template-row')).toHaveLength(2));

    const rowB = () => screen.getAllByTestId('template-row').find((r) => r.dataset.name?.startsWith('B'))!;
    await user.click(within(rowB()).getByTestId('template-rename'));
    const input = within(rowB()).getByTestId('template-rename-name');
    await user.clear(input);
    await user.type(input, 'B2{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('template-row').map((r) => r.dataset.name)).toEqual(['A', 'B2']));
    await user.click(within(rowB()).getByTestId('template-delete'));
    await user.click(within(rowB()).getByTestId('template-delete-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('template-row')).toHaveLength(1));

    await user.click(within(screen.getByTestId('template-row')).getByTestId('template-use'));
    await waitFor(() => expect(opened).toHaveLength(1));
    const made = backend.drafts.get(opened[0])!;
    expect(made.revisions[0].meta.note).toBe('from template A');
    expect(made.revisions[0].declaration.head.trade_name).toBe('大连示例');
    expect(screen.queryByTestId('template-picker')).toBeNull();
  });

  it('closes the picker with Escape', async () => {
    setup();
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {} } });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new-from-template'));
    await screen.findByTestId('templates-none');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('template-picker')).toBeNull());
  });

  it('lists the differences from the template in the side panel, and none for other drafts', async () => {
    const { backend, id } = setup();
    const tpl = (await backend.handle('template_save', { id, name: 'A', note: '' })) as { id: string };
    const made = (await backend.handle('template_new_draft', { templateId: tpl.id })) as { meta: { id: string } };
    const r = await openEditor(made.meta.id);
    const panel = await screen.findByTestId('template-diff-panel');
    expect(within(panel).getByTestId('template-diff-count').textContent).toBe('0');
    const user = userEvent.setup();
    await user.clear(field('head.bill_no'));
    await user.type(field('head.bill_no'), 'BILL9');
    await user.click(screen.getByTestId('save'));
    await waitFor(() =>
      expect(screen.getAllByTestId('template-diff').map((x) => x.dataset.field)).toEqual(['head.bill_no']),
    );
    const row = screen.getByTestId('template-diff');
    expect(row.textContent).toContain('BILL1');
    expect(row.textContent).toContain('BILL9');

    // 用当前内容更新模板: asked first, then the template takes the draft and nothing differs.
    await user.click(screen.getByTestId('template-update'));
    await user.click(screen.getByTestId('template-update-confirm'));
    await waitFor(() => expect(screen.getByTestId('template-update-message').textContent).toContain('r2'));
    await waitFor(() => expect(screen.queryAllByTestId('template-diff')).toHaveLength(0));
    expect(backend.templates.get(tpl.id)!.declaration.head.bill_no).toBe('BILL9');
    r.unmount();

    await openEditor(id);
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'template_differences' && c.args.id === id)).toBe(true));
    expect(screen.queryByTestId('template-diff-panel')).toBeNull();
  });

  it('fills a new goods line with the clerk’s line defaults', async () => {
    const { backend, id } = setup();
    backend.defaults.values = [
      { path: 'lines.unit', value: '007' },
      { path: 'head.trade_mode', value: '0110' },
    ];
    await openEditor(id);
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'defaults_get')).toBe(true));
    const user = userEvent.setup();
    const before = document.querySelectorAll('[data-field$=".unit"]').length;
    await user.click(screen.getAllByRole('button', { name: /添加|新增/ })[0]);
    await waitFor(() => expect(document.querySelectorAll('[data-field$=".unit"]').length).toBe(before + 1));
    const units = [...document.querySelectorAll<HTMLInputElement>('[data-field^="lines["][data-field$="].unit"]')];
    expect(units.at(-1)!.value).toBe('007');
  });
});
