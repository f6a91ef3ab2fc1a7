// Ordering and indexing of validation problems for display.
import type { Problem } from './bindings';

/** Errors first, then warnings; the order within a severity is kept. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [
    ...problems.filter((p) => p.severity === 'error'),
    ...problems.filter((p) => p.severity !== 'error'),
  ];
}

export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}

export function byField(problems: readonly Problem[]): Map<string, Problem[]> {
  const map = new Map<string, Problem[]>();
  for (const p of problems) {
    const list = map.get(p.field);
    if (list) list.push(p);
    else map.set(p.field, [p]);
  }
  return map;
}

/** The index to jump to from `current` (-1 = none yet), wrapping around. */
export function stepIndex(current: number, length: number, direction: 1 | -1): number {
  if (length === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : length - 1;
  return (current + direction + length) % length;
}
