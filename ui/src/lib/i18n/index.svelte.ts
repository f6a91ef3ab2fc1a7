// Message lookup with a reactive current language. zh-CN is the default;
// the choice is remembered in localStorage.
import zhCN from './zh-CN';
import en from './en';
import type { IeFlag, Problem } from '../bindings';
import { BackendError } from '../backend';

export type Locale = 'zh-CN' | 'en';
export type MessageKey = keyof typeof zhCN;
export type Params = Record<string, string | number>;

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const STORAGE_KEY = 'portdesk.locale';

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // storage unavailable: fall through to the default
  }
  return 'zh-CN';
}

let current = $state<Locale>(initialLocale());

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  current = locale;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // not remembered; still switched
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** Re-reads the remembered language (for tests and start-up). */
export function loadLocale(): void {
  current = initialLocale();
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, key);
}

function format(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

function lookup(locale: Locale, key: MessageKey, params?: Params): string {
  return format(catalogs[locale][key] ?? catalogs['zh-CN'][key] ?? key, params);
}

/** The message for `key` in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return lookup(current, key, params);
}

/** The message in the other language (shown small beside labels). */
export function tOther(key: MessageKey, params?: Params): string {
  return lookup(current === 'en' ? 'zh-CN' : 'en', key, params);
}

/** The key for the label of field `path`, with an import/export variant where one exists. */
export function fieldLabelKey(path: string, ie?: IeFlag): MessageKey | null {
  const generic = path
    .replace(/^lines\[\d+\]\./, 'line.')
    .replace(/^containers\[\d+\]\./, 'container.')
    .replace(/^documents\[\d+\]\./, 'document.')
    .replace(/^edocs\[\d+\]\./, 'edoc.')
    .replace(/^(head\.(?:freight|insurance|other_charges))\..*$/, '$1');
  const base = `field.${generic}`;
  if (ie && hasKey(`${base}@${ie}`)) return `${base}@${ie}` as MessageKey;
  return hasKey(base) ? base : null;
}

/** A human name for a field path, e.g. "第 3 项 商品编号" / "Line 3 Commodity code". */
export function fieldName(path: string, ie?: IeFlag): string {
  const key = fieldLabelKey(path, ie);
  const label = key ? t(key) : path;
  const m = /^(lines|containers|documents|edocs)\[(\d+)\]/.exec(path);
  if (!m) return label;
  const n = Number(m[2]) + 1;
  return current === 'en' ? `#${n} ${label}` : `第${n}行 ${label}`;
}

/** A problem's message in the current language. */
export function problemMessage(p: Problem): string {
  return current === 'en' ? p.message_en || p.message_zh : p.message_zh || p.message_en;
}

/** A translated message for an error from the backend (or anything thrown). */
export function errorMessage(e: unknown): string {
  if (e instanceof BackendError) {
    const key = `errors.${e.code}`;
    if (hasKey(key)) return t(key, { message: e.message });
    return t('errors.unknown', { message: e.message || e.code });
  }
  if (e instanceof Error) return t('errors.unknown', { message: e.message });
  return t('errors.unknown', { message: String(e) });
}
