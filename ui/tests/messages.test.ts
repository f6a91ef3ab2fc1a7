import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import DraftsList from '../src/lib/components/DraftsList.svelte';
import { FakeBackend } from '../harness/fake-backend';
import { setLocale } from '../src/lib/i18n/index.svelte';
import zhCN from '../src/lib/i18n/zh-CN';
import en from '../src/lib/i18n/en';
import type { DraftMeta, FileImportOutcome } from '../src/lib/bindings';
import { FILE_CODES, fileName, fileProblemText, summarizeImport } from '../src/lib/messages';

function meta(id: string, seq: string): DraftMeta {
  return {
    id,
    client_seq_no: seq,
    ie_flag: 'I',
    title: seq,
    status: 'draft',
    revision: 1,
    error_count: 2,
    warning_count: 1,
    created_at: '2026-11-03T00:00:00Z',
    updated_at: '2026-11-03T00:00:00Z',
    trashed_at: null,
  };
}

const OK: FileImportOutcome = { path: '/in/a.xml', drafts: [meta('d1', 'PD06H1RX30KSSW3301')], error: null };
const BAD: FileImportOutcome = {
  path: 'C:\\in\\b.xml',
  drafts: [],
  error: {
    code: 'message.missing',
    element: 'DecMessage/DecSign/ClientSeqNo',
    line: 118,
    message: 'DecMessage/DecSign/ClientSeqNo (line 118): required element or attribute is missing or empty',
  },
};

describe('import summary', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('opens the draft only when one file became one draft', () => {
    expect(summarizeImport([OK])).toEqual({ imported: 1, refused: 0, openId: 'd1' });
    expect(summarizeImport([OK, BAD])).toEqual({ imported: 1, refused: 1, openId: null });
    expect(summarizeImport([BAD]).openId).toBeNull();
    const bundle = { ...OK, drafts: [meta('d1', 'A'), meta('d2', 'B')] };
    expect(summarizeImport([bundle])).toEqual({ imported: 2, refused: 0, openId: null });
  });

  it('says why a file was refused, with element and line, in the current language', () => {
    expect(fileName(BAD.path)).toBe('b.xml');
    expect(fileName(OK.path)).toBe('a.xml');
    const zh = fileProblemText(BAD.error!);
    expect(zh).toContain('报文无法读取');
    expect(zh).toContain('DecMessage/DecSign/ClientSeqNo 第118行');
    setLocale('en');
    expect(fileProblemText(BAD.error!)).toContain('The message cannot be read — DecMessage/DecSign/ClientSeqNo line 118');
    const odd = fileProblemText({ code: 'invalid_input', element: 'extensions', line: null, message: 'too big' });
    expect(odd).toBe('Not imported — extensions — too big');
  });

  it('has a label for every file code the shell sends', () => {
    for (const code of [...FILE_CODES, 'not_picked']) {
      expect(Object.keys(zhCN)).toContain(`fileerror.${code}`);
      expect(Object.keys(en)).toContain(`fileerror.${code}`);
    }
  });
});

describe('DraftsList import', () => {
  beforeEach(() => setLocale('zh-CN'));

  function backendWith(picked: string[], outcomes: FileImportOutcome[]) {
    const backend = new FakeBackend();
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === 'pick_declaration_files') return picked;
      if (cmd === 'import_declaration_files') {
        expect((args as { paths: string[] }).paths).toEqual(picked);
        return outcomes;
      }
      return backend.handle(cmd, (args ?? {}) as Record<string, unknown>);
    });
    return calls;
  }

  it('opens the one draft a one-file import made', async () => {
    backendWith(['/in/a.xml'], [OK]);
    const opened: string[] = [];
    render(DraftsList, { props: { onopen: (id: string) => opened.push(id), oncreate: () => {} } });
    await userEvent.setup().click(screen.getByTestId('import-files'));
    await waitFor(() => expect(opened).toEqual(['d1']));
  });

  it('lists each file after a batch: open the good ones, the reason for the others', async () => {
    backendWith(['/in/a.xml', 'C:\\in\\b.xml'], [OK, BAD]);
    const opened: string[] = [];
    render(DraftsList, { props: { onopen: (id: string) => opened.push(id), oncreate: () => {} } });
    await userEvent.setup().keyboard('{Control>}o{/Control}');
    const list = await screen.findByTestId('import-results');
    expect(list.textContent).toContain('a.xml');
    expect(list.textContent).toContain('3 个问题');
    expect(list.textContent).toContain('b.xml');
    expect(list.textContent).toContain('第118行');
    expect(screen.getByRole('status').textContent).toContain('导入完成：1 份报关单，1 个文件未导入');
    await userEvent.setup().click(screen.getByTestId('import-open'));
    expect(opened).toEqual(['d1']);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const calls = backendWith([], []);
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {} } });
    await userEvent.setup().click(screen.getByTestId('import-files'));
    await waitFor(() => expect(calls).toContain('pick_declaration_files'));
    expect(calls).not.toContain('import_declaration_files');
    expect(screen.queryByTestId('import-results')).toBeNull();
  });
});
