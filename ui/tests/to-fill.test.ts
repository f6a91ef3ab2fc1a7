import { describe, expect, it } from 'vitest';
import type { Problem } from '../src/lib/bindings';
import { isToFill, splitToFill, type Attention } from '../src/lib/to-fill';

const problem = (rule: string, field: string, severity: 'error' | 'warning' = 'error'): Problem => ({
  rule,
  severity,
  field,
  message_zh: '错',
  message_en: 'wrong',
});

const fresh: Attention = { touched: new Set(), checkAll: false };

describe('to fill (待填)', () => {
  it('keeps a required-empty field quiet until it is touched', () => {
    const req = problem('DEC-REQ', 'head.trade_name');
    expect(isToFill(req, fresh)).toBe(true);
    expect(isToFill(req, { touched: new Set(['head.trade_name']), checkAll: false })).toBe(false);
    // Leaving another field does not wake this one.
    expect(isToFill(req, { touched: new Set(['head.trade_mode']), checkAll: false })).toBe(true);
  });

  it('shows every required-empty field as an error once the clerk checks all or declares', () => {
    expect(isToFill(problem('DEC-REQ', 'lines[0].name'), { touched: new Set(), checkAll: true })).toBe(false);
    expect(isToFill(problem('COO-REQ', 'producer.name'), { touched: new Set(), checkAll: true })).toBe(false);
  });

  it('never quiets format or cross-field problems', () => {
    for (const p of [
      problem('DEC-FMT', 'head.gross_weight'),
      problem('DEC-SCC', 'head.trade_code'),
      problem('DEC-X01', 'head.net_weight'),
      problem('DEC-X07', 'head.net_weight', 'warning'),
    ]) {
      expect(isToFill(p, fresh)).toBe(false);
    }
  });

  it('treats the other required rules the same', () => {
    expect(isToFill(problem('COO-REQ', 'consignee.name'), fresh)).toBe(true);
    expect(isToFill(problem('TAX-GUARANTEE-REQ', 'guarantee_no'), fresh)).toBe(true);
  });

  it('splits a list keeping the order within each part', () => {
    const list = [
      problem('DEC-REQ', 'head.a'),
      problem('DEC-X01', 'head.net_weight'),
      problem('DEC-REQ', 'lines[0].commodity_code'),
      problem('DEC-REQ', 'head.b'),
    ];
    const { shown, toFill } = splitToFill(list, { touched: new Set(['lines[0].commodity_code']), checkAll: false });
    expect(shown.map((p) => p.field)).toEqual(['head.net_weight', 'lines[0].commodity_code']);
    expect(toFill.map((p) => p.field)).toEqual(['head.a', 'head.b']);
    // The same objects: the panel tells them apart by identity.
    expect(toFill[0]).toBe(list[0]);
  });
});
