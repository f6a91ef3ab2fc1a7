import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import DraftsList from '../src/lib/components/DraftsList.svelte';
import { FakeBackend } from '../harness/fake-backend';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { resetSyncForTests, setSyncStatus } from '../src/lib/sync.svelte';
import type { IeFlag, SyncStatus } from '../src/lib/bindings';

function status(account: SyncStatus['account']): SyncStatus {
  return {
    account,
    state: account ? 'online' : 'signed_out',
    counts: { queued: 0, sending: 0, retry_wait: 0, done: 0, failed: 0 },
    last_error: null,
    default_server: 'http://127.0.0.1:8421',
  };
}

function setup(drafts = 0) {
  const backend = new FakeBackend();
  for (let i = 0; i < drafts; i++) backend.create('I');
  const asked: string[] = [];
  mockIPC((cmd, args) => {
    asked.push(cmd);
    if (cmd === 'pick_declaration_files') return [];
    return backend.handle(cmd, (args ?? {}) as Record<string, unknown>);
  });
  const created: IeFlag[] = [];
  render(DraftsList, { props: { onopen: () => {}, oncreate: (ie: IeFlag) => created.push(ie) } });
  return { asked, created };
}

describe('first start (首次使用)', () => {
  beforeEach(() => setLocale('zh-CN'));
  afterEach(() => resetSyncForTests());

  it('with no drafts offers new, import and log in, by keyboard, instead of an empty table', async () => {
    setSyncStatus(status(null));
    const { asked, created } = setup();
    const panel = await screen.findByTestId('first-start');
    expect(panel.textContent).toContain('新建进口报关单');
    expect(panel.textContent).toContain('导入文件');
    expect(document.querySelector('.table-wrap')?.hasAttribute('hidden')).toBe(true);

    const user = userEvent.setup();
    screen.getByTestId('first-new-import').focus();
    await user.keyboard('{Enter}');
    expect(created).toEqual(['I']);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('first-new-export'));
    await user.keyboard(' ');
    expect(created).toEqual(['I', 'E']);

    await user.click(screen.getByTestId('first-import'));
    await waitFor(() => expect(asked).toContain('pick_declaration_files'));

    await user.click(screen.getByTestId('first-login'));
    expect(await screen.findByTestId('login-dialog')).toBeTruthy();
  });

  it('hides the log-in button when signed in or exchange-only', async () => {
    setSyncStatus(status({ server: '', customs_code: '2102980567', operator: 'op01', exchange_only: true }));
    setup();
    await screen.findByTestId('first-start');
    expect(screen.queryByTestId('first-login')).toBeNull();
    setSyncStatus(status({ server: 'http://x', customs_code: '2102980567', operator: 'op01', exchange_only: false }));
    expect(screen.queryByTestId('first-login')).toBeNull();
  });

  it('shows the table, not the welcome, once there is a draft', async () => {
    setup(1);
    await waitFor(() => expect(document.querySelectorAll('tr[data-draft-id]')).toHaveLength(1));
    expect(screen.queryByTestId('first-start')).toBeNull();
  });
});
