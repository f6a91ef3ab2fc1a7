// Declaration elements (申报要素): the `elements` text (规格型号, GModel) split
// into one value per element of the commodity code's list and joined back.
// The same rules as crates/domain/src/elements.rs (both run the shared cases
// in tests/fixtures/elements-split-join.json): `|` between parts, a grouped
// tail as one `<a><b>` part, trailing empty parts not written, parts beyond
// the list kept as typed.
import type { ElementList } from './bindings';

export { ELEMENTS_MAX_BYTES } from './bindings';

export const SEPARATOR = '|';

export interface SplitElements {
  /** One value per element of the list, '' where the text has none. */
  values: string[];
  /** One value per grouped element (empty when the list has no group). */
  group: string[];
  /** Parts beyond the list, in order: kept, never dropped. */
  extra: string[];
}

/** `<a><b>` → ['a', 'b', …] padded to `len`, or null when it is not a group. */
function parseGroup(part: string, len: number): string[] | null {
  const out: string[] = [];
  let rest = part;
  while (rest !== '') {
    if (!rest.startsWith('<')) return null;
    const end = rest.indexOf('>');
    if (end < 0) return null;
    const value = rest.slice(1, end);
    if (value.includes('<')) return null;
    out.push(value);
    rest = rest.slice(end + 1);
  }
  if (out.length === 0 || out.length > len) return null;
  while (out.length < len) out.push('');
  return out;
}

export function splitElements(list: ElementList, text: string): SplitElements {
  const parts = text === '' ? [] : text.split(SEPARATOR);
  const n = list.elements.length;
  const groupLen = list.group?.length ?? 0;
  const values = parts.slice(0, n);
  while (values.length < n) values.push('');
  const rest = parts.slice(n);
  let group: string[] = Array.from({ length: groupLen }, () => '');
  const extra = [...rest];
  if (groupLen > 0 && rest.length > 0) {
    const g = parseGroup(rest[0], groupLen);
    if (g) {
      group = g;
      extra.shift();
    }
  }
  return { values, group, extra };
}

export function joinElements(list: ElementList, split: SplitElements): string {
  const parts = list.elements.map((_, i) => split.values[i] ?? '');
  if (split.group.some((v) => v !== '')) parts.push(split.group.map((v) => `<${v}>`).join(''));
  parts.push(...split.extra);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(SEPARATOR);
}

/**
 * Length as customs counts it (crates/domain/src/limits.rs, `GbkBytes`):
 * ASCII 1 byte, every other character 2.
 */
export function gbkBytes(text: string): number {
  let n = 0;
  for (const ch of text) n += (ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2;
  return n;
}
