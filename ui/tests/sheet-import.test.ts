import { describe, expect, it } from 'vitest';
import { cellRef, isTabularPaste, mismatchedTotals, sameDecimal, sumDecimals } from '../src/lib/sheet-import';

describe('isTabularPaste', () => {
  it('takes tabbed or multi-line text as rows', () => {
    expect(isTabularPaste('8471300000\t笔记本电脑\t10')).toBe(true);
    expect(isTabularPaste('a\nb')).toBe(true);
    expect(isTabularPaste('a\r\nb\r\n')).toBe(true);
  });
  it('leaves one plain value to the cell', () => {
    expect(isTabularPaste('8471300000')).toBe(false);
    expect(isTabularPaste('8471300000\n')).toBe(false);
    expect(isTabularPaste('')).toBe(false);
  });
});

describe('decimals', () => {
  it('sums exactly, without binary floating error', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['1200.5', '300.25', '1'])).toBe('1501.75');
    expect(sumDecimals(['0.00001', '0.00002'])).toBe('0.00003');
    expect(sumDecimals([])).toBe('0');
  });
  it('refuses what is not a plain decimal', () => {
    expect(sumDecimals(['1', 'x'])).toBeNull();
    expect(sumDecimals(['-1'])).toBeNull();
    expect(sumDecimals(['1.123456'])).toBeNull();
  });
  it('compares as numbers', () => {
    expect(sameDecimal('12.50', '12.5')).toBe(true);
    expect(sameDecimal('12.5', '12.51')).toBe(false);
  });
});

describe('mismatchedTotals', () => {
  const totals = { packages: '73', gross_weight: '1000.5', net_weight: '900' };
  it('is empty when the parts add up', () => {
    const parts = [
      { packages: '50', gross_weight: '700.25', net_weight: '600' },
      { packages: '23', gross_weight: '300.25', net_weight: '300' },
    ];
    expect(mismatchedTotals(parts, totals)).toEqual([]);
  });
  it('names each figure that no longer adds up, or is not a number', () => {
    const parts = [
      { packages: '51', gross_weight: '700.25', net_weight: 'x' },
      { packages: '23', gross_weight: '300.25', net_weight: '300' },
    ];
    expect(mismatchedTotals(parts, totals)).toEqual(['packages', 'net_weight']);
  });
  it('does not judge a figure the head has no total for', () => {
    expect(mismatchedTotals([{ packages: '2', gross_weight: '', net_weight: '' }], { ...totals, gross_weight: '', net_weight: '' })).toEqual(['packages']);
  });
});

describe('cellRef', () => {
  it('names the cell as Excel does', () => {
    expect(cellRef('装箱单', 'C', 7)).toBe('装箱单!C7');
  });
});
