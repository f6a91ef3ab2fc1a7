import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import AccountMenu from '../src/lib/components/AccountMenu.svelte';
import Editor from '../src/lib/components/Editor.svelte';
import NoServerNotice from '../src/lib/components/NoServerNotice.svelte';
import SyncPanel from '../src/lib/components/SyncPanel.svelte';
import { setCodeLists } from '../src/lib/codes.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import {
  dispatchSyncEventForTests,
  listenerCountForTests,
  resetSyncForTests,
  setSyncStatus,
} from '../src/lib/sync.svelte';
import { resetReferenceForTests, startReference } from '../src/lib/reference.svelte';
import { currentRejections } from '../src/lib/receipts';
import { FakeBackend, SAMPLE_CODE_LISTS } from '../harness/fake-backend';
import type { DraftTimeline, OutboxEntryView, SyncStatus } from '../src/lib/bindings';

const COUNTS = { queued: 0, sending: 0, retry_wait: 0, done: 0, failed: 0 };

function status(state: SyncStatus['state']): SyncStatus {
  return {
    account:
      state === 'signed_out'
        ? null
        : { server: 'http://127.0.0.1:8421', customs_code: '2102980567', operator: 'op01', exchange_only: false },
    state,
    counts: COUNTS,
    last_error: null,
    default_server: 'http://127.0.0.1:8421',
  };
}

function entry(over: Partial<OutboxEntryView>): OutboxEntryView {
  return {
    seq: 1, draft_id: 'x', revision: 3, client_seq_no: 'PD0000000000000001', state: 'done', attempts: 1,
    next_attempt_at: '2026-11-27T10:00:00Z', last_error: null, failure: null, seq_no: '000020261000000001',
    http_status: 201, ...over,
  };
}

const REJECTED: DraftTimeline = {
  outbox: [entry({})],
  receipts: [
    { code: 'L', seq_no: '000020261000000001', entry_id: null, issued_at: '2026-11-27T10:00:01Z',
      message_zh: '海关入库成功', message_en: 'Accepted', reasons: [] },
    { code: 'E', seq_no: '000020261000000001', entry_id: null, issued_at: '2026-11-27T10:00:02Z',
      message_zh: '退单：1 处错误', message_en: 'Rejected: 1 problem(s)',
      reasons: [{ rule: 'SW-REVIEW', field: 'head.bill_no', message_zh: '审核退单：提单号不符', message_en: 'Bill no. does not match' }] },
  ],
};

/** The fake drafts backend plus the sync commands; `extra` answers first. */
function mock(backend: FakeBackend, extra: (cmd: string, args: Record<string, unknown>) => unknown) {
  mockIPC(async (cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    if (cmd === 'plugin:event|listen') return 1;
    const r = extra(cmd, a);
    if (r !== undefined) return r;
    return backend.handle(cmd, a);
  });
}

describe('sync UI', () => {
  beforeEach(() => {
    resetSyncForTests();
    setCodeLists(SAMPLE_CODE_LISTS);
    setLocale('zh-CN');
  });

  it('logs in from the header: Enter submits, a refusal names the field, success shows online', async () => {
    const user = userEvent.setup();
    const logins: Record<string, unknown>[] = [];
    let current = status('signed_out');
    mock(new FakeBackend(), (cmd, args) => {
      if (cmd === 'sync_status') return current;
      if (cmd === 'login') {
        logins.push(args);
        if (args.password !== 'demo1234') throw { code: 'login_failed', message: 'HTTP 401', field: 'password' };
        current = status('online');
        return current;
      }
      return undefined;
    });
    render(AccountMenu);
    const indicator = await screen.findByTestId('online-state');
    await waitFor(() => expect(indicator.dataset.state).toBe('signed_out'));
    expect(indicator.textContent).toContain('未登录');

    await user.click(screen.getByTestId('account'));
    // The login dialog's code loads when first opened (Lazy.svelte).
    expect(((await screen.findByTestId('login-server')) as HTMLInputElement).value).toBe('http://127.0.0.1:8421');
    await user.type(screen.getByTestId('login-code'), '2102980567');
    await user.type(screen.getByTestId('login-operator'), 'op01');
    await user.type(screen.getByTestId('login-password'), 'wrong{Enter}');
    const beside = await waitFor(() => {
      const el = document.querySelector('[data-error-for="password"]');
      expect(el).toBeTruthy();
      return el as HTMLElement;
    });
    expect(beside.textContent).toContain('密码');
    expect(beside.textContent).toContain('登录被拒绝');
    expect(logins[0]).toEqual({ server: 'http://127.0.0.1:8421', customsCode: '2102980567', operator: 'op01', password: 'wrong' });

    const pw = screen.getByTestId('login-password');
    await user.clear(pw);
    await user.type(pw, 'demo1234{Enter}');
    await waitFor(() => expect(screen.queryByTestId('login-dialog')).toBeNull());
    expect(indicator.dataset.state).toBe('online');
    expect(screen.getByTestId('account').textContent).toContain('op01');
  });

  it('starts an account with no server from the login dialog: the folder refused beside it, then exchange folders only', async () => {
    const user = userEvent.setup();
    const calls: Record<string, unknown>[] = [];
    let current = status('signed_out');
    mock(new FakeBackend(), (cmd, args) => {
      if (cmd === 'sync_status') return current;
      if (cmd === 'login') throw new Error('no login without a server');
      if (cmd === 'start_exchange_account') {
        calls.push(args);
        const settings = args.settings as { root: string };
        if (settings.root !== 'D:\\ImpPath') throw { code: 'not_exchange_root', message: 'no Dec/OutBox', field: 'root' };
        current = {
          ...status('online'),
          account: { server: '', customs_code: '2102980567', operator: 'op01', exchange_only: true },
        };
        return current;
      }
      return undefined;
    });
    render(AccountMenu);
    await waitFor(() => expect(screen.getByTestId('online-state').dataset.state).toBe('signed_out'));
    await user.click(screen.getByTestId('account'));
    await user.click(await screen.findByTestId('login-mode-exchange'));
    expect(screen.queryByTestId('login-password')).toBeNull();
    expect(screen.queryByTestId('login-server')).toBeNull();
    await user.type(screen.getByTestId('login-code'), '2102980567');
    await user.type(screen.getByTestId('login-operator'), 'op01');
    await user.type(screen.getByTestId('login-exchange-root'), 'C:\\nope');
    await user.type(screen.getByTestId('login-inputer_name'), '张三{Enter}');
    const beside = await waitFor(() => {
      const el = document.querySelector('[data-error-for="root"]');
      expect(el).toBeTruthy();
      return el as HTMLElement;
    });
    expect(beside.textContent).toContain('交换目录');
    expect(calls[0]).toMatchObject({
      customsCode: '2102980567',
      operator: 'op01',
      settings: { root: 'C:\\nope', inputer_name: '张三', cop_code: '' },
    });

    const root = screen.getByTestId('login-exchange-root');
    await user.clear(root);
    await user.type(root, 'D:\\ImpPath{Enter}');
    await waitFor(() => expect(screen.queryByTestId('login-dialog')).toBeNull());
    expect(screen.getByTestId('online-state').dataset.state).toBe('online');
    expect(screen.getByTestId('account-exchange-only').textContent).toBe('仅交换目录');
    // Opened again: it says whom, and that there is no server.
    await user.click(screen.getByTestId('account'));
    expect((await screen.findByTestId('login-current')).textContent).toContain('仅交换目录');
    expect((screen.getByTestId('login-mode-exchange') as HTMLInputElement).checked).toBe(true);
  });

  it('says what is unavailable without a server only to an account without one', async () => {
    setSyncStatus(status('online'));
    const { unmount } = render(NoServerNotice, { what: 'origin' });
    expect(screen.queryByTestId('no-server-notice')).toBeNull();
    unmount();
    setSyncStatus({
      ...status('online'),
      account: { server: '', customs_code: '2102980567', operator: 'op01', exchange_only: true },
    });
    render(NoServerNotice, { what: 'origin' });
    expect(screen.getByTestId('no-server-notice').textContent).toContain('原产地证书申请无法提交');
  });

  it('refuses to declare while declare rules fail, and shows them in the problems panel', async () => {
    const user = userEvent.setup();
    const backend = new FakeBackend();
    const view = backend.create('I');
    mock(backend, (cmd) => (cmd === 'draft_receipts' ? { outbox: [], receipts: [] } : undefined));
    render(Editor, { props: { id: view.meta.id, onback: () => {}, onopen: () => {}, autosaveDelay: 20 } });
    await user.click(await screen.findByTestId('declare'));
    await waitFor(() => expect(document.body.textContent).toContain('不能申报'));
    expect(backend.calls.some((c) => c.cmd === 'file_declaration')).toBe(false);
    expect(Number(screen.getByTestId('error-count').textContent)).toBeGreaterThan(0);
    expect(document.querySelector('[data-problem-for="head.trade_name"]')).toBeTruthy();
  });

  it('files a clean draft and shows the timeline', async () => {
    const user = userEvent.setup();
    const backend = new FakeBackend();
    const view = backend.create('I');
    let filed = false;
    mock(backend, (cmd, args) => {
      if (cmd === 'validate_declaration') return [];
      if (cmd === 'file_declaration') {
        filed = true;
        return { meta: { ...view.meta, status: 'queued', revision: 2 }, outbox_seq: 1, idempotency_key: 'k' };
      }
      if (cmd === 'get_declaration' && filed) {
        // The shell reports the filed status from now on.
        return backend.handle(cmd, args).then((v) => {
          const dv = v as { meta: Record<string, unknown> };
          return { ...dv, meta: { ...dv.meta, status: 'queued' } };
        });
      }
      if (cmd === 'draft_receipts') {
        return filed ? { outbox: [entry({ state: 'queued', seq_no: null, draft_id: String(args.id) })], receipts: [] } : { outbox: [], receipts: [] };
      }
      return undefined;
    });
    render(Editor, { props: { id: view.meta.id, onback: () => {}, onopen: () => {}, autosaveDelay: 20 } });
    await user.click(await screen.findByTestId('declare'));
    await waitFor(() => expect(document.querySelector('[data-testid="timeline-filing"][data-state="queued"]')).toBeTruthy());
    expect(document.querySelector('[data-testid="editor"] .status-badge.queued')).toBeTruthy();
    expect(document.body.textContent).toContain('已申报');
  });

  it('shows a rejection reason beside its field and opens the field from the timeline', async () => {
    const user = userEvent.setup();
    const backend = new FakeBackend();
    const view = backend.create('I');
    mock(backend, (cmd) => (cmd === 'draft_receipts' ? REJECTED : undefined));
    render(Editor, { props: { id: view.meta.id, onback: () => {}, onopen: () => {}, autosaveDelay: 20 } });
    const note = await waitFor(() => {
      const el = document.querySelector('[data-problem-for="head.bill_no"][data-rule="SW-REVIEW"]');
      expect(el).toBeTruthy();
      return el as HTMLElement;
    });
    expect(note.textContent).toContain('提单号不符');
    const codes = [...document.querySelectorAll<HTMLElement>('[data-testid="receipt"]')].map((e) => e.dataset.code);
    expect(codes).toEqual(['L', 'E']);
    await user.click(document.querySelector('[data-testid="receipt-reason"][data-field="head.bill_no"]') as HTMLElement);
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.field).toBe('head.bill_no'));
  });

  it('listens to the worker once for the open draft: timeline, panels and status follow, until it closes', async () => {
    const backend = new FakeBackend();
    const view = backend.create('I');
    const id = view.meta.id;
    let released = false;
    const asked: Record<string, number> = {};
    mock(backend, (cmd, args) => {
      asked[cmd] = (asked[cmd] ?? 0) + 1;
      if (cmd === 'draft_receipts') {
        return released
          ? { outbox: [entry({ draft_id: id })], receipts: [{ ...REJECTED.receipts[0], code: 'P', message_zh: '放行', reasons: [] }] }
          : { outbox: [], receipts: [] };
      }
      if (cmd === 'filing_deadline') return null;
      if (cmd === 'draft_amendments') return [];
      if (cmd === 'draft_conflicts') return [];
      if (cmd === 'get_declaration' && released) {
        return backend.handle(cmd, args).then((v) => {
          const dv = v as { meta: Record<string, unknown> };
          return { ...dv, meta: { ...dv.meta, status: 'released' } };
        });
      }
      return undefined;
    });
    // The reference cache listens once per app (the tax panel starts it): not the draft's.
    resetReferenceForTests();
    startReference();
    const before = listenerCountForTests();
    const { unmount } = render(Editor, { props: { id, onback: () => {}, onopen: () => {}, autosaveDelay: 20 } });
    await screen.findByTestId('declare');
    await waitFor(() => expect(asked.draft_conflicts).toBe(1));
    expect(listenerCountForTests()).toBe(before + 1);
    expect(asked.draft_receipts).toBe(1);
    expect(asked.filing_deadline).toBe(1);

    // A burst for this draft, and one for another: one reload of each panel and of the status.
    released = true;
    dispatchSyncEventForTests({ kind: 'entry', outbox_seq: 1, draft_id: id, client_seq_no: 'C1', state: 'done', attempts: 1, next_attempt_at: null, error: null });
    dispatchSyncEventForTests({ kind: 'receipt', client_seq_no: 'C1', draft_id: id, seq_no: 'S1', code: 'P' });
    dispatchSyncEventForTests({ kind: 'receipt', client_seq_no: 'C2', draft_id: 'another', seq_no: 'S2', code: 'P' });
    await waitFor(() => expect(document.querySelector('[data-testid="receipt"][data-code="P"]')).toBeTruthy());
    await waitFor(() => expect(document.querySelector('[data-testid="editor"] .status-badge.released')).toBeTruthy());
    expect(await screen.findByTestId('filing-amend')).toBeTruthy();
    expect(asked.draft_receipts).toBe(2);
    expect(asked.filing_deadline).toBe(2);
    expect(asked.draft_conflicts).toBe(2);

    unmount();
    expect(listenerCountForTests()).toBe(before);
  });

  it('lists the outbox: waiting to retry with the time, failed with the reason, and the message log', async () => {
    const entries = [
      entry({ seq: 3, state: 'retry_wait', seq_no: null, next_attempt_at: '2026-11-27T10:41:00', last_error: 'rate_limited', attempts: 2 }),
      entry({
        seq: 2, state: 'failed', seq_no: null, http_status: 422,
        failure: { code: 'validation', message: 'refused', reasons: [{ rule: 'DEC-R01', field: 'head.bill_no', message_zh: '提运单号必填', message_en: 'Bill no. required' }] },
      }),
      entry({ seq: 1 }),
    ];
    const logCalls: Record<string, unknown>[] = [];
    mock(new FakeBackend(), (cmd, args) => {
      if (cmd === 'sync_status') return { ...status('offline'), counts: { ...COUNTS, retry_wait: 1, failed: 1, done: 1 } };
      if (cmd === 'outbox_entries') return entries;
      if (cmd === 'message_log') {
        logCalls.push(args);
        return [{ at: '2026-11-27T10:40:00Z', direction: 'response', method: 'POST', path: '/v1/declarations', outbox_seq: 3,
          idempotency_key: null, status: 429, retry_after_ms: 2000, body: '{"code":"rate_limited"}', seq: 1, body_size: null, body_sha256: null }];
      }
      return undefined;
    });
    const user = userEvent.setup();
    render(SyncPanel, { props: { onopen: () => {} } });
    const retry = await waitFor(() => {
      const el = document.querySelector('[data-testid="outbox-row"][data-state="retry_wait"]');
      expect(el).toBeTruthy();
      return el as HTMLElement;
    });
    expect(retry.textContent).toContain('2026-11-27 10:41');
    expect(retry.textContent).toContain('rate_limited');
    const failed = document.querySelector('[data-testid="outbox-row"][data-state="failed"] [data-testid="failure-reason"]') as HTMLElement;
    expect(failed.textContent).toContain('提运单号必填');
    expect(failed.textContent).toContain('DEC-R01');
    await waitFor(() => expect(screen.getByTestId('count-failed').textContent).toContain('1'));
    expect(document.querySelector('[data-testid="log-line"]')?.textContent).toContain('429');
    // Filtering the log by entry asks the shell for that entry's lines.
    await user.click(within(retry).getByRole('button', { name: '报文' }));
    await waitFor(() => expect(logCalls.at(-1)).toEqual({ outboxSeq: 3, limit: 300, before: null }));
  });

  it('keeps only the latest filing’s rejection', () => {
    expect(currentRejections(REJECTED).map((p) => p.field)).toEqual(['head.bill_no']);
    // Refiled after the rejection: the new entry has not been answered yet.
    const refiled = { ...REJECTED, outbox: [...REJECTED.outbox, entry({ seq: 2, state: 'queued', seq_no: null })] };
    expect(currentRejections(refiled)).toEqual([]);
    const refused = {
      outbox: [entry({ state: 'failed', failure: { code: 'validation', message: 'bad', reasons: [{ rule: 'DEC-R01', field: 'head.ie_date', message_zh: 'a', message_en: 'b' }] } })],
      receipts: [],
    };
    expect(currentRejections(refused).map((p) => p.rule)).toEqual(['DEC-R01']);
  });
});
