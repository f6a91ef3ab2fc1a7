import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DocumentEvents,
  DocumentSession,
  saveStateText,
  type Subscribe,
} from '../src/lib/document-session.svelte';
import { BackendError, type SaveNote } from '../src/lib/backend';
import type { Problem, SyncEventPayload } from '../src/lib/bindings';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { currentRoute, navigate } from '../src/lib/navigation.svelte';
import { dispatchSyncEventForTests, resetSyncForTests } from '../src/lib/sync.svelte';

interface Doc {
  text: string;
}
interface Meta {
  revision: number;
  status: string;
}
interface View {
  meta: Meta;
  problems: Problem[];
  doc: Doc;
}
interface Result {
  meta: Meta;
  problems: Problem[];
}

const PROBLEM: Problem = { rule: 'R1', severity: 'error', field: 'text', message_zh: '错', message_en: 'wrong' };

async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const entry = (draft: string): SyncEventPayload => ({
  kind: 'entry', outbox_seq: 1, draft_id: draft, client_seq_no: 'C1', state: 'done', attempts: 1,
  next_attempt_at: null, error: null,
});
const receipt = (draft: string | null): SyncEventPayload => ({
  kind: 'receipt', client_seq_no: 'C1', draft_id: draft, seq_no: 'S1', code: 'P',
});
const conflict = (draft: string): SyncEventPayload => ({ kind: 'conflict', draft_id: draft, seq_no: 'S1' });

/** A session over a fake store whose saves are resolved by hand, with a fake worker subscription. */
function setup() {
  const store = { text: 'loaded', meta: { revision: 1, status: 'draft' } as Meta };
  let loads = 0;
  const saves: { doc: Doc; note: SaveNote; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const listeners: ((e: SyncEventPayload) => void)[] = [];
  let subscribed = 0;
  let unsubscribed = 0;
  const subscribe: Subscribe = (listener) => {
    subscribed++;
    listeners.push(listener);
    return () => {
      unsubscribed++;
      listeners.splice(listeners.indexOf(listener), 1);
    };
  };

  const session = new DocumentSession<Doc, Meta, View, Result>({
    id: 'd1',
    delay: 600,
    syncDelay: 250,
    load: async () => {
      loads++;
      return { meta: { ...store.meta }, problems: [PROBLEM], doc: { text: store.text } };
    },
    content: (view) => view.doc,
    save: (_id, doc, note) =>
      new Promise<Result>((resolve, reject) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        saves.push({
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
      }),
    subscribe,
  });
  const type = (text: string) => {
    session.doc!.text = text;
    session.edit();
  };
  const saved = (revision: number): Result => ({ meta: { revision, status: 'draft' }, problems: [] });
  return {
    session,
    store,
    saves,
    type,
    saved,
    loads: () => loads,
    maxInFlight: () => maxInFlight,
    emit: (e: SyncEventPayload) => [...listeners].forEach((l) => l(e)),
    listeners,
    subscribed: () => subscribed,
    unsubscribed: () => unsubscribed,
  };
}

describe('DocumentSession', () => {
  let open: DocumentSession<Doc, Meta, View, Result>[] = [];
  function track<S extends { session: DocumentSession<Doc, Meta, View, Result> }>(s: S): S {
    open.push(s.session);
    return s;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    setLocale('en');
  });
  afterEach(() => {
    for (const s of open) s.close();
    open = [];
    vi.useRealTimers();
  });

  it('loads the document, its metadata and problems, and is idle until edited', async () => {
    const { session, loads } = track(setup());
    expect(session.doc).toBeNull();
    await session.open();
    expect(session.doc).toEqual({ text: 'loaded' });
    expect(session.meta).toEqual({ revision: 1, status: 'draft' });
    expect(session.problems).toEqual([PROBLEM]);
    expect(session.status.kind).toBe('idle');
    expect(session.unsaved).toBe(false);
    expect(session.savedAt).toBeNull();
    expect(loads()).toBe(1);
  });

  it('keeps one save in flight and saves the latest content after it', async () => {
    const { session, saves, type, saved, maxInFlight } = track(setup());
    await session.open();
    type('a');
    vi.advanceTimersByTime(600);
    await settle();
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ doc: { text: 'a' }, note: 'autosave' });

    // Edits during the save: each newer one replaces the pending content.
    type('ab');
    vi.advanceTimersByTime(600);
    type('abc');
    vi.advanceTimersByTime(600);
    await settle();
    expect(saves).toHaveLength(1);

    saves[0].resolve(saved(2));
    await settle();
    expect(saves).toHaveLength(2);
    expect(saves[1].doc.text).toBe('abc');
    expect(maxInFlight()).toBe(1);

    saves[1].resolve(saved(3));
    await settle();
    expect(saves).toHaveLength(2);
    expect(session.status.kind).toBe('saved');
    expect(session.meta?.revision).toBe(3);
    expect(session.problems).toEqual([]);
    expect(session.savedAt).not.toBeNull();
  });

  it('moves the save state idle → dirty → saving → saved, and Ctrl+S saves at once', async () => {
    const { session, saves, type, saved } = track(setup());
    await session.open();
    expect(session.status.kind).toBe('idle');
    type('x');
    expect(session.status).toMatchObject({ kind: 'dirty', dirty: true });
    expect(session.unsaved).toBe(true);

    const key = new KeyboardEvent('keydown', { key: 's', ctrlKey: true, cancelable: true });
    expect(session.saveKey(key, true)).toBe(true);
    expect(key.defaultPrevented).toBe(true);
    await settle();
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ doc: { text: 'x' }, note: 'save' });
    expect(session.status).toMatchObject({ kind: 'saving', dirty: true });
    expect(session.unsaved).toBe(true);

    saves[0].resolve(saved(2));
    await settle();
    expect(session.status).toMatchObject({ kind: 'saved', dirty: false });
    expect(session.unsaved).toBe(false);
    // The debounce of the edit was replaced by the explicit save.
    vi.advanceTimersByTime(5000);
    await settle();
    expect(saves).toHaveLength(1);

    // Read-only: the key is still taken from the page, nothing is saved. Other keys pass.
    expect(session.saveKey(new KeyboardEvent('keydown', { key: 's', ctrlKey: true }), false)).toBe(true);
    expect(session.saveKey(new KeyboardEvent('keydown', { key: 's' }), true)).toBe(false);
    expect(session.saveKey(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, altKey: true }), true)).toBe(false);
    await settle();
    expect(saves).toHaveLength(1);
  });

  it('keeps the content on a save error, shows "error", and saves the same content on retry', async () => {
    const { session, saves, type, saved } = track(setup());
    await session.open();
    type('keep me');
    vi.advanceTimersByTime(600);
    await settle();
    saves[0].reject(new BackendError('save_declaration', 'db', 'disk full'));
    await settle();
    expect(session.status.kind).toBe('error');
    expect(session.status.dirty).toBe(true);
    expect(session.unsaved).toBe(true);
    expect(session.doc?.text).toBe('keep me');
    expect(saveStateText(session.status, () => 'settled')).toContain('disk full');

    session.retry();
    await settle();
    expect(saves).toHaveLength(2);
    expect(saves[1].doc.text).toBe('keep me');
    saves[1].resolve(saved(2));
    await settle();
    expect(session.status.kind).toBe('saved');
    expect(saveStateText(session.status, (kind) => `settled:${kind}`)).toBe('settled:saved');
  });

  it('saves pending edits before navigation leaves, and on close; closed, it guards no more', async () => {
    const { session, saves, type, saved } = track(setup());
    await session.open();
    type('typed');
    const leaving = navigate({ name: 'origins' });
    await settle();
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ doc: { text: 'typed' }, note: 'autosave' });
    expect(currentRoute().name).not.toBe('origins');
    saves[0].resolve(saved(2));
    await leaving;
    expect(currentRoute().name).toBe('origins');

    type('typed again');
    session.close();
    await settle();
    // Closing saves what was pending, in the background.
    expect(saves).toHaveLength(2);
    expect(saves[1].doc.text).toBe('typed again');
    saves[1].resolve(saved(3));
    await navigate({ name: 'drafts' });
    expect(saves).toHaveLength(2);
    expect(currentRoute().name).toBe('drafts');
  });

  it('puts a restored revision in place as saved', async () => {
    const { session, saves, type } = track(setup());
    await session.open();
    session.replace({ meta: { revision: 4, status: 'draft' }, problems: [], doc: { text: 'restored' } });
    expect(session.doc?.text).toBe('restored');
    expect(session.meta?.revision).toBe(4);
    expect(session.status.kind).toBe('saved');
    expect(session.savedAt).not.toBeNull();
    type('restored+');
    vi.advanceTimersByTime(600);
    await settle();
    expect(saves[0].doc.text).toBe('restored+');
  });

  it('subscribes to the worker once per session, for its own document, and unsubscribes on close', async () => {
    const s = track(setup());
    const { session, store, listeners, emit, loads, type } = s;
    await session.open();
    expect(s.subscribed()).toBe(1);
    expect(listeners).toHaveLength(1);
    type('typing');

    // Other drafts and state changes are not this document's business.
    emit(entry('other'));
    emit(receipt(null));
    emit({ kind: 'state', state: 'online' });
    vi.advanceTimersByTime(1000);
    await settle();
    expect(session.updates).toMatchObject({ receipts: 0, conflicts: 0 });
    expect(loads()).toBe(1);

    // A burst for this draft: one metadata refresh, each panel told once; the content stays.
    store.meta = { revision: 1, status: 'released' };
    store.text = 'from the store';
    emit(entry('d1'));
    emit(receipt('d1'));
    emit(entry('d1'));
    vi.advanceTimersByTime(249);
    await settle();
    expect(session.updates.receipts).toBe(0);
    vi.advanceTimersByTime(1);
    await settle();
    expect(session.updates).toMatchObject({ receipts: 1, conflicts: 1 });
    expect(loads()).toBe(2);
    expect(session.meta?.status).toBe('released');
    expect(session.doc?.text).toBe('typing');
    expect(session.status.dirty).toBe(true);

    // A conflict alone: the banner reloads, the metadata is not asked again.
    emit(conflict('d1'));
    vi.advanceTimersByTime(250);
    await settle();
    expect(session.updates).toMatchObject({ receipts: 1, conflicts: 2 });
    expect(loads()).toBe(2);

    // A burst cut short by closing is dropped with the subscription.
    emit(receipt('d1'));
    session.close();
    expect(s.unsubscribed()).toBe(1);
    expect(listeners).toHaveLength(0);
    vi.advanceTimersByTime(1000);
    await settle();
    expect(session.updates).toMatchObject({ receipts: 1, conflicts: 2 });
    expect(loads()).toBe(2);
    expect(s.subscribed()).toBe(1);
  });

  it('keeps the metadata of a save that finished after the refresh read', async () => {
    const { session, store, emit, saves, type, saved } = track(setup());
    await session.open();
    type('x');
    vi.advanceTimersByTime(600);
    await settle();
    saves[0].resolve(saved(2));
    await settle();
    // The refresh reads the older revision 1 still in the fake store.
    store.meta = { revision: 1, status: 'queued' };
    emit(receipt('d1'));
    vi.advanceTimersByTime(250);
    await settle();
    expect(session.meta).toEqual({ revision: 2, status: 'draft' });
  });

  it('hears the worker through the app’s one subscription (sync.svelte) until closed', async () => {
    resetSyncForTests();
    let loads = 0;
    const session = new DocumentSession<Doc, Meta, View, Result>({
      id: 'd1',
      syncDelay: 250,
      load: async () => {
        loads++;
        return { meta: { revision: 1, status: loads > 1 ? 'released' : 'queued' }, problems: [], doc: { text: 'x' } };
      },
      content: (view) => view.doc,
      save: async () => ({ meta: { revision: 2, status: 'draft' }, problems: [] }),
    });
    open.push(session);
    await session.open();
    dispatchSyncEventForTests(receipt('d1'));
    vi.advanceTimersByTime(250);
    await settle();
    expect(session.updates).toMatchObject({ receipts: 1, conflicts: 1 });
    expect(session.meta?.status).toBe('released');

    session.close();
    dispatchSyncEventForTests(receipt('d1'));
    vi.advanceTimersByTime(250);
    await settle();
    expect(session.updates).toMatchObject({ receipts: 1, conflicts: 1 });
    expect(loads).toBe(2);
  });
});

describe('DocumentEvents', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts one subscription however often it is started', () => {
    let subscribed = 0;
    const events = new DocumentEvents('d1', {
      subscribe: () => {
        subscribed++;
        return () => {};
      },
    });
    events.start();
    events.start();
    expect(subscribed).toBe(1);
    events.stop();
  });

  it('reloads within the delay under a steady stream of events', () => {
    let listener: ((e: SyncEventPayload) => void) | null = null;
    const events = new DocumentEvents('d1', {
      delay: 100,
      subscribe: (l) => {
        listener = l;
        return () => (listener = null);
      },
    });
    events.start();
    for (let i = 0; i < 10; i++) {
      listener!(entry('d1'));
      vi.advanceTimersByTime(30);
    }
    // An event every 30 ms for 300 ms: bursts from 0, 120 and 240, delivered 100 ms after each start.
    expect(events.receipts).toBe(2);
    vi.advanceTimersByTime(40);
    expect(events.receipts).toBe(3);
    expect(events.conflicts).toBe(0);
    events.stop();
    expect(listener).toBeNull();
  });
});
