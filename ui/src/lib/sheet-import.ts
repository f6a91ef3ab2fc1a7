// The spreadsheet import preview's arithmetic, kept apart from the dialog
// so it is tested: whether a paste is rows from a spreadsheet, and whether
// the parts of a split still add up to the totals after the clerk adjusts
// them. Decimal text is summed as scaled integers, never as floats.

/** A paste is spreadsheet rows when it holds a tab or more than one line. */
export function isTabularPaste(text: string): boolean {
  const trimmed = text.replace(/[\r\n]+$/, '');
  return trimmed.includes('\t') || /\r?\n/.test(trimmed);
}

/** `Sheet1!C7`: where an unreadable cell is, as Excel names it. */
export function cellRef(sheet: string, column: string, row: number): string {
  return `${sheet}!${column}${row}`;
}

const DECIMAL = /^\d{1,14}(\.\d{1,5})?$/;

/** Sums decimal texts (at most 5 decimals); null when one is not a plain non-negative decimal. */
export function sumDecimals(values: readonly string[]): string | null {
  let total = 0n;
  for (const v of values) {
    const s = v.trim();
    if (!DECIMAL.test(s)) return null;
    const [int, frac = ''] = s.split('.');
    total += BigInt(int) * 100000n + BigInt(frac.padEnd(5, '0'));
  }
  const int = total / 100000n;
  const frac = (total % 100000n).toString().padStart(5, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** Two decimal texts equal as numbers (`12.50` = `12.5`). */
export function sameDecimal(a: string, b: string): boolean {
  const x = sumDecimals([a]);
  return x !== null && x === sumDecimals([b]);
}

export interface PartFigures {
  packages: string;
  gross_weight: string;
  net_weight: string;
}

/** Which of packages, gross and net weight the parts no longer add up to. */
export function mismatchedTotals(parts: readonly PartFigures[], totals: PartFigures): (keyof PartFigures)[] {
  const keys: (keyof PartFigures)[] = ['packages', 'gross_weight', 'net_weight'];
  return keys.filter((k) => {
    if (totals[k].trim() === '') return false;
    const sum = sumDecimals(parts.map((p) => p[k]));
    return sum === null || !sameDecimal(sum, totals[k]);
  });
}
