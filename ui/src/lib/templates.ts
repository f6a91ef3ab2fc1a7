// Templates (报关单模板) and defaults (初始值) on the UI side: what the editor does
// with the defaults when the clerk adds a goods line, and how a difference from
// the template is shown. The rules themselves live in Rust
// (crates/domain/src/defaults.rs, crates/drafts/src/templates.rs).
import type { FieldDefault, GoodsLine, TemplateDifference } from './bindings';

/** The `lines.*` defaults filled into the empty fields of `line` (a new line). */
export function applyLineDefaults(line: GoodsLine, defaults: readonly FieldDefault[]): GoodsLine {
  const out: GoodsLine = { ...line };
  const fields = out as unknown as Record<string, unknown>;
  for (const d of defaults) {
    if (!d.path.startsWith('lines.')) continue;
    const key = d.path.slice('lines.'.length);
    if (typeof fields[key] === 'string' && fields[key] === '') fields[key] = d.value;
  }
  return out;
}

/** The defaults of one part (`head` or `lines`), keyed by path. */
export function defaultsOf(defaults: readonly FieldDefault[], part: 'head' | 'lines'): Map<string, string> {
  return new Map(defaults.filter((d) => d.path.startsWith(`${part}.`)).map((d) => [d.path, d.value]));
}

/** A difference's label in the current language. */
export function differenceLabel(d: TemplateDifference, locale: string): string {
  return locale === 'en' ? d.label_en : d.label_zh;
}

/** A value as the panel shows it: an empty or missing value is a dash. */
export function shownValue(v: string | null): string {
  return v === null || v === '' ? '—' : v;
}

/** The name in a revision note `from template <name>`, or null. */
export function templateOfNote(note: string, prefix: string): string | null {
  return note.startsWith(prefix) ? note.slice(prefix.length) : null;
}
