// Code lists (代码表) as loaded from the backend, and the filter the code
// picker uses. Lists are data from Rust; nothing here hard-codes a code.
import type { CodeEntry, CodeList } from './bindings';
import { codeLists as fetchCodeLists } from './backend';
import type { Locale } from './i18n/index.svelte';

const store = $state<{ lists: Record<string, CodeList>; loaded: boolean; error: unknown }>({
  lists: {},
  loaded: false,
  error: null,
});

export function setCodeLists(lists: CodeList[]): void {
  const byName: Record<string, CodeList> = {};
  for (const l of lists) byName[l.name] = l;
  store.lists = byName;
  store.loaded = true;
  store.error = null;
}

export async function loadCodeLists(): Promise<void> {
  try {
    setCodeLists(await fetchCodeLists());
  } catch (e) {
    store.error = e;
    throw e;
  }
}

export function codeListsState(): { readonly loaded: boolean; readonly error: unknown } {
  return store;
}

export function entriesOf(name: string): CodeEntry[] {
  return store.lists[name]?.entries ?? [];
}

export function findEntry(name: string, code: string): CodeEntry | undefined {
  return entriesOf(name).find((e) => e.code === code);
}

/** Whether list `name` is loaded and non-empty (so "unknown code" can be told). */
export function hasEntries(name: string): boolean {
  return entriesOf(name).length > 0;
}

export function entryLabel(e: CodeEntry, locale: Locale): string {
  return locale === 'en' ? e.label_en || e.label_zh : e.label_zh || e.label_en;
}

/**
 * Entries matching `query` by code or by Chinese/English label, best first:
 * exact code, code prefix, label prefix, then any substring. An empty query
 * matches everything.
 */
export function filterEntries(entries: readonly CodeEntry[], query: string, limit = 60): CodeEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return entries.slice(0, limit);
  const scored: { e: CodeEntry; score: number; i: number }[] = [];
  entries.forEach((e, i) => {
    const code = e.code.toLowerCase();
    const zh = e.label_zh.toLowerCase();
    const en = e.label_en.toLowerCase();
    let score = -1;
    if (code === q) score = 0;
    else if (code.startsWith(q)) score = 1;
    else if (zh.startsWith(q) || en.startsWith(q)) score = 2;
    else if (code.includes(q) || zh.includes(q) || en.includes(q)) score = 3;
    if (score >= 0) scored.push({ e, score, i });
  });
  scored.sort((a, b) => a.score - b.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.e);
}

/** The code whose label is exactly `text` (Chinese or English), if exactly one. */
export function codeForLabel(entries: readonly CodeEntry[], text: string): string | null {
  const q = text.trim().toLowerCase();
  if (!q) return null;
  const hits = entries.filter((e) => e.label_zh.toLowerCase() === q || e.label_en.toLowerCase() === q);
  return hits.length === 1 ? hits[0].code : null;
}
