import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ProblemsPanel from '../src/lib/components/ProblemsPanel.svelte';
import HistoryPanel from '../src/lib/components/HistoryPanel.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { loadPanels, PANELS_STORAGE_KEY } from '../src/lib/panels.svelte';
import type { Problem } from '../src/lib/bindings';

const problems: Problem[] = [
  { rule: 'DEC-X01', severity: 'error', field: 'head.net_weight', message_zh: '净重不能大于毛重', message_en: 'net > gross' },
];

function renderProblems() {
  return render(ProblemsPanel, { props: { problems, ie: 'I', onjump: () => {} } });
}

describe('side panels fold', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    localStorage.clear();
    loadPanels();
  });

  it('folds a panel from its heading by keyboard, keeps the counts, and remembers it', async () => {
    const user = userEvent.setup();
    const first = renderProblems();
    const toggle = screen.getByTestId('panel-toggle-problems');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(toggle.getAttribute('aria-controls')).toBe('problems-panel-body');
    expect(document.getElementById('problems-panel-body')).toBeTruthy();
    expect(toggle.textContent).toContain('问题列表');

    toggle.focus();
    await user.keyboard('{Enter}');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.querySelector('[data-problem-index]')).toBeNull();
    expect(screen.getByTestId('error-count').textContent).toBe('1');
    expect(JSON.parse(localStorage.getItem(PANELS_STORAGE_KEY)!)).toEqual({ problems: true });

    // Another start: still folded; the other panels are not.
    first.unmount();
    loadPanels();
    renderProblems();
    expect(screen.getByTestId('panel-toggle-problems').getAttribute('aria-expanded')).toBe('false');
    render(HistoryPanel, {
      props: { revisions: [], currentRevision: 1, viewing: null, onview: () => {}, onrestore: () => {} },
    });
    expect(screen.getByTestId('panel-toggle-history').getAttribute('aria-expanded')).toBe('true');

    await user.click(screen.getByTestId('panel-toggle-problems'));
    expect(document.querySelector('[data-problem-index]')).toBeTruthy();
    expect(JSON.parse(localStorage.getItem(PANELS_STORAGE_KEY)!)).toEqual({ problems: false });
  });

  it('opens every panel when the remembered state is unreadable', () => {
    localStorage.setItem(PANELS_STORAGE_KEY, '{not json');
    loadPanels();
    renderProblems();
    expect(screen.getByTestId('panel-toggle-problems').getAttribute('aria-expanded')).toBe('true');
  });
});
