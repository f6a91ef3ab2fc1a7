// Default levy kind (征免性质) for a trade mode (监管方式), rule 6 of
// shared/domain/declaration.md: the table is the Rust validator's own
// (portdesk_domain::validate::DEFAULT_LEVY_RULES), exported into the bindings.
import { DEFAULT_LEVY_RULES, type IeFlag } from './bindings';

/** The default levy kind for `tradeMode` on an import or export, or null when there is none. */
export function defaultLevyKind(ie: IeFlag, tradeMode: string): string | null {
  const code = tradeMode.trim();
  const rule = DEFAULT_LEVY_RULES.find((r) => r.tradeMode === code && (r.ie === null || r.ie === ie));
  return rule ? rule.levyKind : null;
}
