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

/** A field path without its row numbers (`lines[3].name` → `line.name`), the parts of a
    charge folded into the charge: the pattern label and help keys are named by. */
function fieldPattern(path: string): string {
  return path
    .replace(/^lines\[\d+\]\./, 'line.')
    .replace(/^containers\[\d+\]\./, 'container.')
    .replace(/^documents\[\d+\]\./, 'document.')
    .replace(/^edocs\[\d+\]\./, 'edoc.')
    .replace(/^(head\.(?:freight|insurance|other_charges))\..*$/, '$1');
}

/** `prefix.<pattern of path>`, its import/export variant where one exists, else null. */
function patternKey(prefix: 'field' | 'help', path: string, ie?: IeFlag): MessageKey | null {
  const base = `${prefix}.${fieldPattern(path)}`;
  if (ie && hasKey(`${base}@${ie}`)) return `${base}@${ie}` as MessageKey;
  return hasKey(base) ? base : null;
}

/** The key for the label of field `path`, with an import/export variant where one exists. */
export function fieldLabelKey(path: string, ie?: IeFlag): MessageKey | null {
  return patternKey('field', path, ie);
}

/** The key of a field's one line of filling rules (填制规范), as its label's. */
export function fieldHelpKey(path: string, ie?: IeFlag): MessageKey | null {
  return patternKey('help', path, ie);
}

/** A field's filling rule in the current language; null for a path without one. */
export function fieldHelp(path: string, ie?: IeFlag): string | null {
  const key = fieldHelpKey(path, ie);
  return key ? t(key) : null;
}

/** Party fields (收发货人 etc.) share their labels ("名称", "海关编码"); the editor tells
    them apart by a group heading, so names outside the form carry that group. */
function partyGroupKey(path: string, ie?: IeFlag): MessageKey | null {
  const m = /^head\.(?:(trade|owner|agent)_(?:scc|code|name)|(overseas)_(?:name|address|aeo))$/.exec(path);
  if (!m) return null;
  const party = m[1] ?? m[2];
  if (party === 'agent') return 'editor.group.agent';
  const base = `editor.group.${party}`;
  return ie && hasKey(`${base}@${ie}`) ? (`${base}@${ie}` as MessageKey) : (base as MessageKey);
}

function fieldNameIn(locale: Locale, path: string, ie?: IeFlag): string {
  const key = fieldLabelKey(path, ie);
  const parts: string[] = [];
  const row = /^(lines|containers|documents|edocs)\[(\d+)\]/.exec(path);
  if (row) parts.push(locale === 'en' ? `#${Number(row[2]) + 1}` : `第${Number(row[2]) + 1}行`);
  const group = key ? partyGroupKey(path, ie) : null;
  if (group) parts.push(lookup(locale, group));
  parts.push(key ? lookup(locale, key) : path);
  return parts.join(' ');
}

/** A human name for a field path, e.g. "第3行 商品编号" / "#3 Commodity code",
    "境内发货人 名称"; the path itself when the field has no label. */
export function fieldName(path: string, ie?: IeFlag): string {
  return fieldNameIn(current, path, ie);
}

/** A field's name as the editor labels it: the current language large, the other
    small; `null` for a path without a label (show the path then). */
export function fieldLabels(path: string, ie?: IeFlag): { main: string; sub: string } | null {
  if (!fieldLabelKey(path, ie)) return null;
  return { main: fieldNameIn(current, path, ie), sub: fieldNameIn(current === 'en' ? 'zh-CN' : 'en', path, ie) };
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
