import { describe, expect, it } from 'vitest';
import { AWAITING_CODES } from '../src/lib/bindings';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { awaitingText, isAwaiting } from '../src/lib/outbox';

describe('outbox waiting states', () => {
  it('says every waiting code of the store in words, in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      setLocale(locale);
      for (const code of AWAITING_CODES) {
        const text = awaitingText(code);
        expect(text, `${locale} ${code}`).toBeTruthy();
        expect(text).not.toContain('sync.awaiting');
      }
    }
  });

  it('leaves every other code to the retry line', () => {
    expect(isAwaiting('offline')).toBe(false);
    expect(awaitingText('rate_limited')).toBeNull();
    expect(awaitingText(null)).toBeNull();
  });
});
