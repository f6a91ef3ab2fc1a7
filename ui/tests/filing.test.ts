import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import FilingActions from '../src/lib/components/FilingActions.svelte';
import ConflictBanner from '../src/lib/components/ConflictBanner.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
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
