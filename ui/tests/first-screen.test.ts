import { describe, expect, it } from 'vitest';
import type { Component } from 'svelte';
import { render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import DraftsList from '../src/lib/components/DraftsList.svelte';
import Lazy from '../src/lib/components/Lazy.svelte';
import ConfirmDialog from '../src/lib/components/ConfirmDialog.svelte';
import { FakeBackend } from '../harness/fake-backend';
import { FIRST_DRAFTS_QUERY, prefetchFirstScreen, takeFirstPage, takeLaunchRequest } from '../src/lib/first-screen';
import { platformOf, useInterfaceFont } from '../src/lib/fonts';
import { currentRoute, navigate } from '../src/lib/navigation.svelte';

describe('the interface font (界面字体)', () => {
  it('knows the platform from the webview user agent', () => {
    expect(platformOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120')).toBe('windows');
    expect(platformOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15')).toBe('macos');
    expect(platformOf('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15')).toBe('linux');
    expect(platformOf('')).toBe('linux');
  });

  it('puts a plain family name first and refuses one CSS would read as more', () => {
    const root = document.createElement('div');
    expect(useInterfaceFont(' WenQuanYi Zen Hei ', root)).toBe(true);
    expect(root.style.getPropertyValue('--font')).toBe('"WenQuanYi Zen Hei", sans-serif');
    for (const odd of [null, '', 'A", serif', 'a;b', 'x'.repeat(65)]) {
      const other = document.createElement('div');
      expect(useInterfaceFont(odd, other)).toBe(false);
      expect(other.style.getPropertyValue('--font')).toBe('');
    }
  });
});

describe('the first screen, asked for before mounting', () => {
  function backendAsking() {
    const backend = new FakeBackend();
    for (let i = 0; i < 3; i++) backend.create('E');
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      asked.push(cmd);
      if (cmd === 'interface_font') return 'Test Sans';
      if (cmd === 'launch_request') return { open_draft: null };
      return backend.handle(cmd, (args ?? {}) as Record<string, unknown>);
    });
    return asked;
  }

  it('the list shows the prefetched page without asking again, and sets the font', async () => {
    const asked = backendAsking();
    await prefetchFirstScreen();
    expect(document.documentElement.style.getPropertyValue('--font')).toBe('"Test Sans", sans-serif');
    render(DraftsList, { props: { onopen: () => {}, oncreate: () => {} } });
    await waitFor(() => expect(document.querySelectorAll('tr[data-draft-id]')).toHaveLength(3));
    expect(asked.filter((c) => c === 'list_drafts')).toHaveLength(1);
    expect((await takeLaunchRequest()).open_draft).toBeNull();
    expect(asked.filter((c) => c === 'launch_request')).toHaveLength(1);
    document.documentElement.style.removeProperty('--font');
  });

  it('the prefetched page is given once, and only for the first query', async () => {
    backendAsking();
    await prefetchFirstScreen();
    expect(takeFirstPage({ ...FIRST_DRAFTS_QUERY, trashed: true })).toBeNull();
    await prefetchFirstScreen();
    expect(takeFirstPage(FIRST_DRAFTS_QUERY)?.total).toBe(3);
    expect(takeFirstPage(FIRST_DRAFTS_QUERY)).toBeNull();
    document.documentElement.style.removeProperty('--font');
  });

  it('with `--open` the first route is that draft, before anything mounts', async () => {
    mockIPC((cmd) => {
      if (cmd === 'launch_request') return { open_draft: 'd-7' };
      if (cmd === 'list_drafts') return { items: [], total: 0 };
      return null;
    });
    await prefetchFirstScreen();
    expect(currentRoute()).toEqual({ name: 'editor', id: 'd-7' });
    await navigate({ name: 'drafts' });
  });

  it('a failed prefetch leaves the list to ask and show its own error', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_drafts') throw { code: 'internal', message: 'disk gone', field: null };
      return null;
    });
    await prefetchFirstScreen();
    expect(takeFirstPage(FIRST_DRAFTS_QUERY)).toBeNull();
  });
});

describe('a screen loaded when first shown (Lazy)', () => {
  it('shows the screen with its props once its code is loaded', async () => {
    render(Lazy, {
      props: {
        // render() cannot infer Lazy's generic; the app's own uses are typed in their templates.
        load: () => Promise.resolve({ default: ConfirmDialog as unknown as Component<Record<string, unknown>> }),
        props: { title: '清空回收站', onconfirm: () => {}, oncancel: () => {} },
      },
    });
    expect((await screen.findByRole('dialog')).textContent).toContain('清空回收站');
  });

  it('a chunk that fails to load is an error on screen, not a blank', async () => {
    render(Lazy, { props: { load: () => Promise.reject(new Error('chunk missing')), props: {} } });
    expect((await screen.findByRole('alert')).textContent).toContain('chunk missing');
  });
});
