import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import FilingActions from '../src/lib/components/FilingActions.svelte';
import ConflictBanner from '../src/lib/components/ConflictBanner.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { dispatchSyncEventForTests, resetSyncForTests } from '../src/lib/sync.svelte';
import { DocumentEvents } from '../src/lib/document-session.svelte';
import type { AmendmentView, ConflictView, Declaration, DraftView, FilingDeadline } from '../src/lib/bindings';

type Call = { cmd: string; args: Record<string, unknown> };

function deadline(state: FilingDeadline['state'], days: number, canComplete = true): FilingDeadline {
  return {
    summary_accepted_at: '2026-11-01T08:00:00Z',
    deadline: '2026-11-15T08:00:00Z',
    days_left: days,
    state,
    can_complete: canComplete,
  };
}

function decl(conveyance: string): Declaration {
  return { head: { conveyance_name: conveyance } } as unknown as Declaration;
}

describe('FilingActions', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('shows the two-step deadline with a reminder style and completes once released', async () => {
    const calls: Call[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'filing_deadline') return deadline('reminder', 2);
      if (cmd === 'draft_amendments') return [];
      if (cmd === 'complete_declaration') return { meta: {}, outbox_seq: 7, idempotency_key: 'k' };
      if (cmd.startsWith('plugin:event')) return 0;
      throw { code: 'internal', message: cmd, field: null };
    });
    render(FilingActions, { props: { draftId: 'd1', delivered: true } });
    const line = await screen.findByTestId('filing-deadline');
    expect(line.dataset.state).toBe('reminder');
    expect(line.textContent).toContain('仅剩 2 天');
    await fireEvent.click(screen.getByTestId('filing-complete'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'complete_declaration' && c.args.id === 'd1')).toBe(true));
    expect(await screen.findByText('完整申报已排队发送')).toBeTruthy();
  });

  it('files an amendment with reason and changes and shows "no error recorded"', async () => {
    setLocale('en');
    const calls: Call[] = [];
    let amendments: AmendmentView[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'filing_deadline') return null;
      if (cmd === 'draft_amendments') return amendments;
      if (cmd === 'amend_declaration') {
        amendments = [
          {
            amendment_id: 'a1',
            seq_no: 'S1',
            reason: 'import_date_change',
            changes: [{ field: 'head.ie_date', value: '20261110' }],
            note: '',
            created_at: '2026-11-05T08:00:00Z',
            state: 'done',
            no_error_recorded: true,
          },
        ];
        return { meta: {}, outbox_seq: 8, idempotency_key: 'k' };
      }
      if (cmd.startsWith('plugin:event')) return 0;
      throw { code: 'internal', message: cmd, field: null };
    });
    render(FilingActions, { props: { draftId: 'd1', delivered: true } });
    await fireEvent.click(await screen.findByTestId('filing-amend'));
    await fireEvent.input(screen.getByTestId('amend-value'), { target: { value: '20261110' } });
    await fireEvent.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'amend_declaration')).toBe(true));
    const sent = calls.find((c) => c.cmd === 'amend_declaration')!.args;
    expect(sent.reason).toBe('import_date_change');
    expect(sent.changes).toEqual([{ field: 'head.ie_date', value: '20261110' }]);
    expect((await screen.findByTestId('amendment-answer')).textContent).toBe('No error recorded');
  });

  it('names amended fields by label, keeps the path at hand, and offers fields by name', async () => {
    const calls: Call[] = [];
    const amendments: AmendmentView[] = [
      {
        amendment_id: 'a1',
        seq_no: 'S1',
        reason: 'conveyance_change',
        changes: [
          { field: 'head.ie_date', value: '20261110' },
          { field: 'head.trade_name', value: '大连华远' },
        ],
        note: '',
        created_at: '2026-11-05T08:00:00Z',
        state: 'done',
        no_error_recorded: true,
      },
    ];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'filing_deadline') return null;
      if (cmd === 'draft_amendments') return amendments;
      if (cmd === 'amend_declaration') return { meta: {}, outbox_seq: 9, idempotency_key: 'k' };
      if (cmd.startsWith('plugin:event')) return 0;
      throw { code: 'internal', message: cmd, field: null };
    });
    render(FilingActions, { props: { draftId: 'd1', delivered: true, ie: 'I' } });
    const changes = await screen.findAllByTestId('amendment-change');
    expect(changes.map((c) => c.textContent)).toEqual(['进口日期 = 20261110', '境内收货人 名称 = 大连华远']);
    expect(changes.map((c) => c.getAttribute('title'))).toEqual(['head.ie_date', 'head.trade_name']);

    await fireEvent.click(screen.getByTestId('filing-amend'));
    const choice = screen.getByTestId('amend-field') as HTMLSelectElement;
    expect(choice.value).toBe('head.ie_date');
    const conveyance = within(choice).getByRole('option', { name: '运输工具名称 · Conveyance' }) as HTMLOptionElement;
    expect(conveyance.value).toBe('head.conveyance_name');
    expect(within(choice).queryByRole('option', { name: /head\./ })).toBeNull();
    await fireEvent.change(choice, { target: { value: 'head.conveyance_name' } });
    await fireEvent.input(screen.getByTestId('amend-value'), { target: { value: 'COSCO TIANJIN' } });

    // A field not in the list goes by its path.
    await fireEvent.click(screen.getByText('添加修改项'));
    const choices = screen.getAllByTestId('amend-field') as HTMLSelectElement[];
    expect(screen.queryByTestId('amend-field-path')).toBeNull();
    await fireEvent.change(choices[1], { target: { value: '' } });
    await fireEvent.input(screen.getByTestId('amend-field-path'), { target: { value: 'lines[0].quantity' } });
    await fireEvent.input(screen.getAllByTestId('amend-value')[1], { target: { value: '12' } });
    await fireEvent.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'amend_declaration')).toBe(true));
    expect(calls.find((c) => c.cmd === 'amend_declaration')!.args.changes).toEqual([
      { field: 'head.conveyance_name', value: 'COSCO TIANJIN' },
      { field: 'lines[0].quantity', value: '12' },
    ]);
  });

  it('keeps a delivered filing to one row: the amend button beside the heading', async () => {
    mockIPC((cmd) => {
      if (cmd === 'filing_deadline') return null;
      if (cmd === 'draft_amendments') return [];
      if (cmd.startsWith('plugin:event')) return 0;
      throw { code: 'internal', message: cmd, field: null };
    });
    render(FilingActions, { props: { draftId: 'd1', delivered: true } });
    const panel = await screen.findByTestId('filing-actions');
    const head = panel.querySelector('header')!;
    expect(within(head).getByTestId('filing-amend')).toBeTruthy();
    expect(head.textContent).toContain('申报后续');
    // Nothing below the heading, and nothing to fold.
    expect(panel.querySelector('.panel-body')).toBeNull();
    expect(screen.queryByTestId('panel-toggle-filing')).toBeNull();
  });
});

describe('ConflictBanner', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('lists both versions field by field and takes the server version on request', async () => {
    const calls: Call[] = [];
    let open: ConflictView[] = [
      {
        id: 3,
        draft_id: 'd1',
        seq_no: 'S1',
        base_revision: 4,
        detected_at: '2026-11-05T08:00:00Z',
        local: decl('SITC DALIAN'),
        server: decl('COSCO TIANJIN'),
        differences: [{ field: 'head.conveyance_name', local: 'SITC DALIAN', server: 'COSCO TIANJIN' }],
      },
    ];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'draft_conflicts') return open;
      if (cmd === 'resolve_conflict') {
        open = [];
        return { meta: {}, declaration: decl('COSCO TIANJIN'), problems: [] } as unknown as DraftView;
      }
      if (cmd.startsWith('plugin:event')) return 0;
      throw { code: 'internal', message: cmd, field: null };
    });
    let resolved: DraftView | null = null;
    render(ConflictBanner, { props: { draftId: 'd1', onresolved: (v: DraftView) => (resolved = v) } });
    const row = await screen.findByTestId('conflict-diff');
    expect(row.dataset.field).toBe('head.conveyance_name');
    expect(row.textContent).toContain('SITC DALIAN');
    expect(row.textContent).toContain('COSCO TIANJIN');
    await fireEvent.click(screen.getByTestId('conflict-take-server'));
    await waitFor(() => expect(resolved).not.toBeNull());
    const call = calls.find((c) => c.cmd === 'resolve_conflict')!;
    expect(call.args).toEqual({ conflictId: 3, choice: 'server' });
    await waitFor(() => expect(screen.queryByTestId('conflict-banner')).toBeNull());
  });
});

describe('ConflictBanner and the worker', () => {
  beforeEach(() => {
    resetSyncForTests();
    setLocale('zh-CN');
  });

  it('appears when the worker reports a conflict recorded after the receipt', async () => {
    let open: ConflictView[] = [];
    mockIPC((cmd) => {
      if (cmd === 'draft_conflicts') return open;
      if (cmd.startsWith('plugin:event')) return 0;
      throw { code: 'internal', message: cmd, field: null };
    });
    // The open draft's document session listens to the worker and tells the banner.
    const events = new DocumentEvents('d1', { delay: 5 });
    events.start();
    render(ConflictBanner, { props: { draftId: 'd1', updates: events, onresolved: () => {} } });
    // The M receipt arrives first; the read-back has not compared yet.
    dispatchSyncEventForTests({ kind: 'receipt', client_seq_no: 'C1', draft_id: 'd1', seq_no: 'S1', code: 'M' });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('conflict-banner')).toBeNull();
    // Then the worker records the conflict and says so.
    open = conflictWith([{ field: 'head.conveyance_name', local: 'SITC DALIAN', server: 'COSCO TIANJIN' }]);
    dispatchSyncEventForTests({ kind: 'conflict', draft_id: 'd1', seq_no: 'S1' });
    expect(await screen.findByTestId('conflict-banner')).toBeTruthy();
    events.stop();
  });
});

function conflictWith(differences: ConflictView['differences']): ConflictView[] {
  return [
    {
      id: 5,
      draft_id: 'd1',
      seq_no: 'S1',
      base_revision: 2,
      detected_at: '2026-11-05T08:00:00Z',
      local: decl('A'),
      server: decl('B'),
      differences,
    },
  ];
}

function serveConflicts(open: ConflictView[]) {
  mockIPC((cmd) => {
    if (cmd === 'draft_conflicts') return open;
    if (cmd.startsWith('plugin:event')) return 0;
    throw { code: 'internal', message: cmd, field: null };
  });
}

/** Each row's field cell: label, other-language label, path. */
function fieldCells(): { main: string; sub: string; path: string; title: string | null }[] {
  return screen.getAllByTestId('conflict-diff').map((row) => {
    const cell = row.querySelector('td')!;
    return {
      main: cell.querySelector('.main')?.textContent ?? '',
      sub: cell.querySelector('.sub')?.textContent ?? '',
      path: cell.querySelector('code')?.textContent ?? '',
      title: cell.getAttribute('title'),
    };
  });
}

describe('ConflictBanner field labels', () => {
  beforeEach(() => setLocale('zh-CN'));

  const differences = [
    { field: 'head.conveyance_name', local: 'SITC DALIAN', server: 'COSCO TIANJIN' },
    { field: 'head.ie_date', local: '20261105', server: '20261110' },
    { field: 'head.trade_name', local: '甲', server: '乙' },
    { field: 'lines[1].quantity', local: '10', server: '12' },
    { field: 'head.freight.value', local: '100', server: '120' },
    { field: 'client_note.x', local: null, server: 'y' },
  ];

  it('names each field as the editor does, with the path kept small', async () => {
    serveConflicts(conflictWith(differences));
    render(ConflictBanner, { props: { draftId: 'd1', ie: 'I', onresolved: () => {} } });
    await screen.findAllByTestId('conflict-diff');
    expect(fieldCells()).toEqual([
      { main: '运输工具名称', sub: 'Conveyance', path: 'head.conveyance_name', title: 'head.conveyance_name' },
      { main: '进口日期', sub: 'Import date', path: 'head.ie_date', title: 'head.ie_date' },
      { main: '境内收货人 名称', sub: 'Domestic consignee Name', path: 'head.trade_name', title: 'head.trade_name' },
      { main: '第2行 成交数量', sub: '#2 Quantity', path: 'lines[1].quantity', title: 'lines[1].quantity' },
      { main: '运费', sub: 'Freight', path: 'head.freight.value', title: 'head.freight.value' },
      // No label: the path is all there is.
      { main: '', sub: '', path: 'client_note.x', title: 'client_note.x' },
    ]);
    // The rows keep their paths for the e2e tests and the empty side says so.
    expect(screen.getAllByTestId('conflict-diff').map((r) => r.dataset.field)).toEqual(differences.map((d) => d.field));
    expect(screen.getAllByTestId('conflict-diff')[5].textContent).toContain('（空）');
  });

  it('follows the declaration direction and the language', async () => {
    serveConflicts(conflictWith(differences.slice(1, 3)));
    render(ConflictBanner, { props: { draftId: 'd1', ie: 'E', onresolved: () => {} } });
    await screen.findAllByTestId('conflict-diff');
    expect(fieldCells().map((c) => [c.main, c.sub])).toEqual([
      ['出口日期', 'Export date'],
      ['境内发货人 名称', 'Domestic consignor Name'],
    ]);
    setLocale('en');
    await waitFor(() =>
      expect(fieldCells().map((c) => [c.main, c.sub])).toEqual([
        ['Export date', '出口日期'],
        ['Domestic consignor Name', '境内发货人 名称'],
      ]),
    );
  });
});
