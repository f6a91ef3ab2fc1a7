import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutosaveQueue } from '../src/lib/autosave';
import type { SaveNote } from '../src/lib/backend';

interface Doc {
  text: string;
}

/** A save function whose calls are resolved by hand. */
function controlledSave() {
  const calls: { doc: Doc; note: SaveNote; resolve: (r: number) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const save = (doc: Doc, note: SaveNote) =>
    new Promise<number>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        doc,
        note,
        resolve: (r) => {
          inFlight--;
          resolve(r);
        },
        reject: (e) => {
          inFlight--;
          reject(e);
        },
      });
    });
  return { calls, save, maxInFlight: () => maxInFlight };
}

async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('AutosaveQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(delay = 600) {
    const doc: Doc = { text: '' };
    const s = controlledSave();
    const saved: number[] = [];
    const kinds: string[] = [];
    const q = new AutosaveQueue<Doc, number>({
      delay,
      snapshot: () => ({ ...doc }),
      save: s.save,
      onSaved: (r) => saved.push(r),
      onStatus: (st) => kinds.push(st.kind),
    });
    const type = (text: string) => {
      doc.text = text;
      q.edit();
    };
    return { doc, q, s, saved, kinds, type };
  }

  it('debounces: saves once, 600 ms after the last edit', async () => {
    const { q, s, type } = setup();
    type('a');
    vi.advanceTimersByTime(400);
    type('ab');
    vi.advanceTimersByTime(400);
    type('abc');
    vi.advanceTimersByTime(599);
    await settle();
    expect(s.calls).toHaveLength(0);
    expect(q.status.kind).toBe('dirty');
    vi.advanceTimersByTime(1);
    await settle();
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]).toMatchObject({ doc: { text: 'abc' }, note: 'autosave' });
    expect(q.status.kind).toBe('saving');
    s.calls[0].resolve(1);
    await settle();
    expect(q.status.kind).toBe('saved');
    expect(q.dirty).toBe(false);
  });

  it('keeps one save in flight and saves what was typed during it (latest wins)', async () => {
    const { q, s, saved, type } = setup();
    type('first');
    vi.advanceTimersByTime(600);
    await settle();
    expect(s.calls).toHaveLength(1);

    // Typing continues while the save is in flight; the debounce fires again.
    type('first+1');
    vi.advanceTimersByTime(600);
    type('first+12');
    vi.advanceTimersByTime(600);
    type('first+123');
    vi.advanceTimersByTime(600);
    await settle();
    expect(s.calls).toHaveLength(1);
    expect(q.dirty).toBe(true);

    s.calls[0].resolve(1);
    await settle();
    // Exactly one follow-up save, with the latest content.
    expect(s.calls).toHaveLength(2);
    expect(s.calls[1].doc.text).toBe('first+123');
    expect(s.maxInFlight()).toBe(1);
    expect(q.status.kind).toBe('saving');

    s.calls[1].resolve(2);
    await settle();
    expect(saved).toEqual([1, 2]);
    expect(q.dirty).toBe(false);
    expect(q.status.kind).toBe('saved');
  });

  it('never loses an edit made just before a save completes', async () => {
    const { q, s, type } = setup();
    type('x');
    const done = q.flush('autosave');
    await settle();
    type('xy'); // typed during the save; no timer has fired yet
    s.calls[0].resolve(1);
    await settle();
    expect(await done).toBe(true);
    expect(q.dirty).toBe(true);
    expect(q.status.kind).toBe('dirty');
    vi.advanceTimersByTime(600);
    await settle();
    expect(s.calls[1].doc.text).toBe('xy');
    s.calls[1].resolve(2);
    await settle();
    expect(q.dirty).toBe(false);
  });

  it('flush during a save resolves once the later content is saved, with the strongest note', async () => {
    const { q, s, type } = setup();
    type('a');
    void q.flush('autosave');
    await settle();
    type('ab');
    const explicit = q.flush('save', true);
    const another = q.flush('autosave');
    s.calls[0].resolve(1);
    await settle();
    expect(s.calls).toHaveLength(2);
    expect(s.calls[1]).toMatchObject({ doc: { text: 'ab' }, note: 'save' });
    s.calls[1].resolve(2);
    expect(await explicit).toBe(true);
    expect(await another).toBe(true);
    expect(s.calls).toHaveLength(2);
  });

  it('Ctrl+S (force) saves even without edits; plain flush without edits does nothing', async () => {
    const { q, s } = setup();
    expect(await q.flush('autosave')).toBe(true);
    expect(s.calls).toHaveLength(0);
    const p = q.flush('save', true);
    await settle();
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0].note).toBe('save');
    s.calls[0].resolve(1);
    expect(await p).toBe(true);
  });

  it('reports an error, keeps the edit and saves it on retry', async () => {
    const { q, s, type } = setup();
    type('keep me');
    const p = q.flush('autosave');
    await settle();
    s.calls[0].reject({ code: 'db', message: 'disk full' });
    expect(await p).toBe(false);
    expect(q.status.kind).toBe('error');
    expect(q.status.error).toEqual({ code: 'db', message: 'disk full' });
    expect(q.dirty).toBe(true);

    const retry = q.flush('autosave');
    await settle();
    expect(s.calls[1].doc.text).toBe('keep me');
    s.calls[1].resolve(2);
    expect(await retry).toBe(true);
    expect(q.status.kind).toBe('saved');
  });

  it('dispose stops the timer', async () => {
    const { q, s, type } = setup();
    type('a');
    q.dispose();
    vi.advanceTimersByTime(5000);
    await settle();
    expect(s.calls).toHaveLength(0);
  });
});
