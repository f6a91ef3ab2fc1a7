import { describe, expect, it } from 'vitest';
import { applyLineDefaults, defaultsOf, differenceLabel, shownValue, templateOfNote } from '../src/lib/templates';
import { newLine } from '../src/lib/columns';
import { FROM_TEMPLATE_NOTE } from '../src/lib/bindings';

describe('line defaults', () => {
  it('fill only the empty fields of a new line, and only from lines.*', () => {
    const line = { ...newLine(), unit: '035' };
    const out = applyLineDefaults(line, [
      { path: 'lines.unit', value: '007' },
      { path: 'lines.currency', value: 'USD' },
      { path: 'head.trade_mode', value: '0110' },
      { path: 'lines.no_such_field', value: 'x' },
    ]);
    expect(out.unit).toBe('035');
    expect(out.currency).toBe('USD');
    expect(out).not.toHaveProperty('no_such_field');
    expect(out).not.toHaveProperty('trade_mode');
    expect(line.currency).toBe('');
  });

  it('split by part', () => {
    const m = defaultsOf(
      [
        { path: 'lines.unit', value: '007' },
        { path: 'head.trade_mode', value: '0110' },
      ],
      'head',
    );
    expect([...m.entries()]).toEqual([['head.trade_mode', '0110']]);
  });
});

describe('differences', () => {
  const d = {
    field: 'head.bill_no',
    label_zh: '提运单号',
    label_en: 'bill of lading no.',
    kind: 'changed' as const,
    template: '',
    current: 'B1',
  };
  it('are labelled in the current language, empty values as a dash', () => {
    expect(differenceLabel(d, 'en')).toBe('bill of lading no.');
    expect(differenceLabel(d, 'zh-CN')).toBe('提运单号');
    expect(shownValue(d.template)).toBe('—');
    expect(shownValue(null)).toBe('—');
    expect(shownValue('B1')).toBe('B1');
  });

  it('name the template in a first revision note', () => {
    expect(templateOfNote(`${FROM_TEMPLATE_NOTE}月度出口`, FROM_TEMPLATE_NOTE)).toBe('月度出口');
    expect(templateOfNote('created', FROM_TEMPLATE_NOTE)).toBeNull();
  });
});
