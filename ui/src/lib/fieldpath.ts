// Field paths as problems name them: `head.gross_weight`, `head.freight.value`,
// `lines[0].commodity_code`, `containers[1].number`.

export type Segment = string | number;

export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`bad field path: ${path}`);
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

export function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const seg of parsePath(path)) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

export function setPath(root: unknown, path: string, value: unknown): void {
  const segs = parsePath(path);
  let cur = root as Record<string | number, unknown>;
  for (const seg of segs.slice(0, -1)) {
    cur = cur[seg] as Record<string | number, unknown>;
    if (cur === null || cur === undefined) throw new Error(`no such field: ${path}`);
  }
  cur[segs[segs.length - 1]] = value;
}

/** `lines[3].name` → { collection: 'lines', index: 3, key: 'name' }. */
export function rowPath(path: string): { collection: string; index: number; key: string } | null {
  const m = /^(lines|containers|documents|edocs)\[(\d+)\](?:\.(\w+))?/.exec(path);
  return m ? { collection: m[1], index: Number(m[2]), key: m[3] ?? '' } : null;
}
