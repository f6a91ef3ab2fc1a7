import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import zhCN from '../src/lib/i18n/zh-CN';
import en from '../src/lib/i18n/en';
import {
  errorMessage,
  fieldName,
  getLocale,
  loadLocale,
  problemMessage,
  setLocale,
  STORAGE_KEY,
  t,
} from '../src/lib/i18n/index.svelte';
import { BackendError, KNOWN_ERROR_CODES } from '../src/lib/backend';
import { DRAFT_STATUSES } from '../src/lib/bindings';
import App from '../src/App.svelte';
import { FakeBackend } from '../harness/fake-backend';

describe('catalogs', () => {
  it('have the same keys and no empty messages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [k, v] of [...Object.entries(zhCN), ...Object.entries(en)]) {
      expect(v.trim(), k).not.toBe('');
    }
  });

  it('give every labelled declaration field one line of filling rules in both languages', () => {
    const keys = Object.keys(zhCN) as (keyof typeof zhCN)[];
    const labels = keys.filter((k) => k.startsWith('field.'));
    for (const label of labels) {
      const pattern = label.slice('field.'.length);
      const base = pattern.replace(/@[IE]$/, '');
      // A label's import/export variant is covered by the help's variant or its plain line.
      const help = (`help.${pattern}` in zhCN ? `help.${pattern}` : `help.${base}`) as keyof typeof zhCN;
      expect(keys, label).toContain(help);
      for (const text of [zhCN[help], en[help]]) {
        expect(text, help).not.toMatch(/\n/);
        expect(text.length, help).toBeLessThanOrEqual(120);
      }
      expect(zhCN[help], help).toMatch(/[\u4e00-\u9fff]/);
      expect(en[help], help).not.toMatch(/[\u4e00-\u9fff]/);
    }
    // and no line of help for a field that has no label
    for (const k of keys.filter((k) => k.startsWith('help.'))) {
      expect(keys, k).toContain(`field.${k.slice('help.'.length)}`.replace(/@[IE]$/, '') as keyof typeof zhCN);
    }
  });

  it('label every draft status', () => {
    for (const status of DRAFT_STATUSES) {
      expect(Object.keys(zhCN)).toContain(`status.${status}`);
      expect(Object.keys(en)).toContain(`status.${status}`);
    }
  });

  it('translate every error code the shell sends', () => {
    for (const code of KNOWN_ERROR_CODES) {
      expect(Object.keys(zhCN)).toContain(`errors.${code}`);
      expect(Object.keys(en)).toContain(`errors.${code}`);
    }
  });
});

describe('language', () => {
  it('defaults to Chinese, switches, and remembers the choice', () => {
    localStorage.clear();
    loadLocale();
    expect(getLocale()).toBe('zh-CN');
    expect(t('drafts.new_import')).toBe('新建进口报关单');
    setLocale('en');
    expect(t('drafts.new_import')).toBe('New import declaration');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    setLocale('zh-CN');
    localStorage.setItem(STORAGE_KEY, 'en');
    loadLocale();
    expect(getLocale()).toBe('en');
    setLocale('zh-CN');
  });

  it('formats parameters, field names and problem messages', () => {
    setLocale('zh-CN');
    expect(t('drafts.range', { from: 1, to: 50, total: 62 })).toBe('第 1–50 份，共 62 份');
    expect(fieldName('lines[2].commodity_code')).toBe('第3行 商品编号');
    expect(fieldName('head.trade_country', 'E')).toBe('运抵国(地区)');
    const p = { rule: 'R', severity: 'error' as const, field: 'x', message_zh: '中文', message_en: 'English' };
    expect(problemMessage(p)).toBe('中文');
    setLocale('en');
    expect(fieldName('lines[2].commodity_code')).toBe('#3 Commodity code');
    expect(problemMessage(p)).toBe('English');
    setLocale('zh-CN');
  });

  it('translates error codes and falls back to the message', () => {
    setLocale('zh-CN');
    expect(errorMessage(new BackendError('c', 'not_found', 'x'))).toBe('找不到该报关单（可能已被删除）。');
    expect(errorMessage(new BackendError('c', 'db', 'locked'))).toBe('本地数据库出错：locked');
    expect(errorMessage(new BackendError('c', 'sync_conflict', 'both changed'))).toBe('出错了：both changed');
    setLocale('en');
    expect(errorMessage(new BackendError('c', 'trashed', ''))).toBe('The declaration is in the trash; restore it first.');
    setLocale('zh-CN');
  });

  it('the header switch changes the whole UI and is remembered', async () => {
    const backend = new FakeBackend();
    backend.create('I', (d) => (d.head.trade_name = '大连华远'));
    mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
    localStorage.clear();
    loadLocale();
    render(App);
    const user = userEvent.setup();
    expect(screen.getByTestId('new-import').textContent).toContain('新建进口报关单');
    await user.click(screen.getByTestId('lang-en'));
    expect(screen.getByTestId('new-import').textContent).toContain('New import declaration');
    expect(screen.getByTestId('lang-en').getAttribute('aria-checked')).toBe('true');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('en');
    await waitFor(() => expect(document.querySelector('[data-draft-id]')?.textContent).toContain('Import'));
    await user.click(screen.getByTestId('lang-zh-CN'));
    expect(screen.getByTestId('new-import').textContent).toContain('新建进口报关单');
  });

  it('shows the data dir in the about popover; Esc closes it', async () => {
    const backend = new FakeBackend();
    mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
    render(App);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('about'));
    await waitFor(() => expect(screen.getByTestId('data-dir').textContent).toBe('/home/clerk/.local/share/portdesk'));
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('data-dir')).toBeNull();
  });
});
