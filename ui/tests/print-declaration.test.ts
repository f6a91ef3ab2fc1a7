import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import PrintDeclaration from '../src/lib/components/PrintDeclaration.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';

describe('PrintDeclaration', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('saves pending edits, then saves, opens and prints the chosen sheet', async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'declaration_save_pdf') return '/tmp/PD-check.pdf';
      if (cmd === 'declaration_print') return 'request id is lp-7';
      return '/data/declarations/PD-draft.pdf';
    });
    let saved = 0;
    render(PrintDeclaration, {
      props: { declarationId: 'd1', beforeStart: async () => void saved++ },
    });
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('print-declaration-kind'), 'check');
    await user.click(screen.getByTestId('print-declaration-save'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('/tmp/PD-check.pdf'));
    expect(calls[0]).toEqual({ cmd: 'declaration_save_pdf', args: { id: 'd1', kind: 'check' } });

    await user.selectOptions(screen.getByTestId('print-declaration-kind'), 'draft');
    await user.click(screen.getByTestId('print-declaration-open'));
    await waitFor(() => expect(calls.length).toBe(2));
    expect(calls[1]).toEqual({ cmd: 'declaration_open_pdf', args: { id: 'd1', kind: 'draft' } });

    await user.click(screen.getByTestId('print-declaration-print'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('lp-7'));
    expect(saved).toBe(3);
  });

  it('shows the error naming the field when a character has no glyph', async () => {
    mockIPC(() => {
      throw { code: 'missing_glyph', message: 'lines[3].name: no font has a glyph', field: 'lines[3].name' };
    });
    render(PrintDeclaration, { props: { declarationId: 'd1' } });
    await userEvent.setup().click(screen.getByTestId('print-declaration-print'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('lines[3].name');
  });
});

describe('PrintBatch', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('prints the page’s drafts as the chosen sheet and shows each outcome', async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    mockIPC((cmd, args) => {
      if (cmd.startsWith('plugin:event')) return 1;
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      return [
        { id: 'a', path: '/data/declarations/PDA-check.pdf', error: null },
        { id: 'b', path: null, error: { code: 'missing_glyph', message: 'lines[0].name', field: 'lines[0].name' } },
      ];
    });
    const { default: PrintBatch } = await import('../src/lib/components/PrintBatch.svelte');
    render(PrintBatch, { props: { ids: ['a', 'b'], nameOf: (id: string) => `PD${id.toUpperCase()}` } });
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('declaration-batch-kind'), 'check');
    await user.click(screen.getByTestId('declaration-batch-print'));
    await waitFor(() => expect(screen.getByText('/data/declarations/PDA-check.pdf', { exact: false })).toBeTruthy());
    expect(calls).toEqual([{ cmd: 'declaration_batch', args: { ids: ['a', 'b'], kind: 'check', print: true } }]);
    const failed = document.querySelector('li.failed');
    expect(failed?.textContent).toContain('PDB');
    expect(failed?.textContent).toContain('lines[0].name');
  });
});
