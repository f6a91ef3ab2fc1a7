// Outbox entries as the clerk reads them: a waiting code (the Single Window
// client holds the file and has not answered) is said in words, not shown
// as a retry. The codes come from the store (`AWAITING_CODES` in bindings).
import { AWAITING_CODES } from './bindings';
import { t } from './i18n/index.svelte';

type AwaitingCode = (typeof AWAITING_CODES)[number];

export function isAwaiting(code: string | null | undefined): code is AwaitingCode {
  return (AWAITING_CODES as readonly string[]).includes(code ?? '');
}

/** The waiting state in words, or null when `code` is no waiting code. */
export function awaitingText(code: string | null | undefined): string | null {
  return isAwaiting(code) ? t(`sync.awaiting.${code}`) : null;
}
