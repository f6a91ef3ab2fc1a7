// Default levy kind (征免性质) for a trade mode (监管方式), rule 6 of
// shared/domain/declaration.md. The Rust validator applies the same rule.
import type { IeFlag } from './bindings';

type Rule = { tradeMode: string; ie: IeFlag | null; levyKind: string };

export const DEFAULT_LEVY_RULES: readonly Rule[] = [
  { tradeMode: '0214', ie: null, levyKind: '502' },
  { tradeMode: '0615', ie: null, levyKind: '503' },
  { tradeMode: '2025', ie: 'I', levyKind: '789' },
  { tradeMode: '2225', ie: 'I', levyKind: '789' },
  { tradeMode: '0320', ie: 'I', levyKind: '501' },
  { tradeMode: '3100', ie: 'E', levyKind: '299' },
];

/** The default levy kind for `tradeMode` on an import or export, or null when there is none. */
export function defaultLevyKind(ie: IeFlag, tradeMode: string): string | null {
  const code = tradeMode.trim();
  const rule = DEFAULT_LEVY_RULES.find((r) => r.tradeMode === code && (r.ie === null || r.ie === ie));
  return rule ? rule.levyKind : null;
}
