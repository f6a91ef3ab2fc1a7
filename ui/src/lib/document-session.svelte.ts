// One open document, as both editors (declaration, certificate of origin)
// hold it: loading it, autosave through the AutosaveQueue (one save in
// flight, latest content wins, "save now" for Ctrl+S), the save state the
// bar shows, the guard that saves pending edits before navigation leaves the
// editor, one debounced subscription to the worker's events about this
// document, which refreshes its metadata and tells its panels to reload, and
// what the clerk has attended to (fields left, "check all" asked), which
// decides which required-empty fields show as errors (to-fill.ts).
import { onDestroy, onMount } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import { AutosaveQueue, type SaveStatus } from './autosave';
import type { SaveNote } from './backend';
import type { Problem, SyncEventPayload } from './bindings';
import { errorMessage, t } from './i18n/index.svelte';
import { setLeaveGuard } from './navigation.svelte';
import { onSync } from './sync.svelte';

/** Subscribes to the worker's events; returns the unsubscribe function (sync.svelte's onSync). */
export type Subscribe = (listener: (event: SyncEventPayload) => void) => () => void;

/** What the worker changed about the open document: counters its panels watch to reload. */
export interface DocumentUpdates {
  /** Bumps after outbox or receipt events (filings, deliveries, receipts, amendments). */
  readonly receipts: number;
  /** Bumps after receipt or conflict events (a changed filing read back from the server). */
  readonly conflicts: number;
}

export interface DocumentEventsOptions {
  /** How long events are gathered before the panels reload, in ms. */
  delay?: number;
  subscribe?: Subscribe;
  /** Called once per gathered burst that touched the receipts. */
  onReceipts?: () => void;
}

/** The worker's events about one document, gathered so a burst reloads each panel once. */
export class DocumentEvents implements DocumentUpdates {
  receipts = $state(0);
  conflicts = $state(0);

  readonly id: string;
  private readonly opts: DocumentEventsOptions;
  private off: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private touched = { receipts: false, conflicts: false };

  constructor(id: string, opts: DocumentEventsOptions = {}) {
    this.id = id;
    this.opts = opts;
  }

  /** Subscribes (once; a second call keeps the first subscription). */
  start(): void {
    if (this.off) return;
    this.off = (this.opts.subscribe ?? onSync)((event) => this.heard(event));
  }

  /** Unsubscribes and drops a burst not yet delivered. */
  stop(): void {
    this.off?.();
    this.off = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.touched = { receipts: false, conflicts: false };
  }

  private heard(event: SyncEventPayload): void {
    if (event.kind !== 'entry' && event.kind !== 'receipt' && event.kind !== 'conflict') return;
    if (event.draft_id !== this.id) return;
    if (event.kind !== 'conflict') this.touched.receipts = true;
    if (event.kind !== 'entry') this.touched.conflicts = true;
    // The first event of a burst starts the clock; later ones ride along, so a
    // steady stream still reloads every `delay` ms instead of never.
    if (this.timer) return;
    this.timer = setTimeout(() => this.settle(), this.opts.delay ?? 250);
  }

  private settle(): void {
    this.timer = null;
    const { receipts, conflicts } = this.touched;
    this.touched = { receipts: false, conflicts: false };
    if (receipts) {
      this.receipts += 1;
      this.opts.onReceipts?.();
    }
    if (conflicts) this.conflicts += 1;
  }
}

/** What loading and saving answer with besides the content. */
export interface Loaded<M> {
  meta: M;
  problems: Problem[];
}

export interface DocumentSessionOptions<T, M extends { revision: number }, V extends Loaded<M>, R extends Loaded<M>> {
  id: string;
  /** Reads the document (getDeclaration, originGet). */
  load: (id: string) => Promise<V>;
  /** The editable content of a loaded view. */
  content: (view: V) => T;
  save: (id: string, doc: T, note: SaveNote) => Promise<R>;
  /** Autosave debounce after the last edit, in ms. */
  delay?: number;
  /** How long the worker's events are gathered, in ms. */
  syncDelay?: number;
  subscribe?: Subscribe;
  /** After load() put a view in place (not after replace()). */
  onLoaded?: (view: V) => void;
  onSaved?: (result: R) => void;
  /** After a worker event refreshed the metadata (the content is never replaced then). */
  onRefreshed?: (view: V) => void;
}

/** The current instant, RFC 3339: a string, so nothing reactive holds a mutable Date. */
function now(): string {
  return new Date().toISOString();
}

function idle<R>(): SaveStatus<R> {
  return { kind: 'idle', dirty: false, last: null, error: null };
}

export class DocumentSession<T, M extends { revision: number }, V extends Loaded<M>, R extends Loaded<M>> {
  readonly id: string;
  /** The live content; editors mutate it and call edit(). Null until loaded. */
  doc = $state<T | null>(null);
  meta = $state<M | null>(null);
  problems = $state<Problem[]>([]);
  loadError = $state<unknown>(null);
  status = $state.raw<SaveStatus<R>>(idle());
  /** When this session last saved, RFC 3339 (null until then: the bar shows meta's time). */
  savedAt = $state<string | null>(null);
  /** Counters the document's panels watch to reload after the worker's events. */
  readonly updates: DocumentUpdates;
  /** Field paths focused and left in this session (to-fill.ts `Attention.touched`). */
  readonly touched = new SvelteSet<string>();
  /** The clerk asked to check everything or to declare in this session. */
  checkAll = $state(false);

  private readonly opts: DocumentSessionOptions<T, M, V, R>;
  private readonly events: DocumentEvents;
  private queue: AutosaveQueue<T, R> | null = null;
  private closed = false;
  private readonly guard = async () => {
    await this.queue?.flush('autosave');
  };

  constructor(opts: DocumentSessionOptions<T, M, V, R>) {
    this.opts = opts;
    this.id = opts.id;
    this.events = new DocumentEvents(opts.id, {
      delay: opts.syncDelay,
      subscribe: opts.subscribe,
      onReceipts: () => void this.refreshMeta(),
    });
    this.updates = this.events;
  }

  /** Edits not saved yet, or being saved: actions that reload the document wait. */
  get unsaved(): boolean {
    return this.status.dirty || this.status.kind === 'saving';
  }

  /** Loads the document, guards navigation and listens to the worker until close(). */
  open(): Promise<void> {
    this.closed = false;
    setLeaveGuard(this.guard);
    this.events.start();
    return this.load();
  }

  /** Saves what is pending in the background and lets go of everything open() took. */
  close(): void {
    this.closed = true;
    setLeaveGuard(null);
    void this.queue?.flush('autosave');
    this.queue?.dispose();
    this.events.stop();
  }

  /** (Re)reads the document; on failure loadError is set and what was shown stays. */
  async load(): Promise<void> {
    this.loadError = null;
    try {
      const view = await this.opts.load(this.id);
      if (this.closed) return;
      this.put(view);
      this.savedAt = null;
      this.status = idle();
      this.opts.onLoaded?.(view);
    } catch (e) {
      this.loadError = e;
    }
  }

  /** Puts a view the shell just saved in place (a restored revision): shown as saved now. */
  replace(view: V): void {
    this.put(view);
    this.savedAt = now();
    this.status = { kind: 'saved', dirty: false, last: null, error: null };
  }

  /** A field was focused and left: its required-empty problem now shows as an error. */
  touch(path: string): void {
    if (!this.touched.has(path)) this.touched.add(path);
  }

  /** Records an edit of doc; the autosave follows after the debounce. */
  edit(): void {
    this.queue?.edit();
  }

  /** Saves pending edits now (after the save in flight); false when a save failed. */
  flush(): Promise<boolean> {
    return this.queue?.flush('autosave') ?? Promise.resolve(true);
  }

  /** Saves pending edits without waiting for the debounce (a field left, the window closing). */
  saveDirty(): void {
    if (this.queue?.dirty) void this.queue.flush('autosave');
  }

  /** Ctrl+S or the save button: saves even without edits, with this note. */
  saveNow(note: SaveNote = 'save'): Promise<boolean> {
    return this.queue?.flush(note, true) ?? Promise.resolve(false);
  }

  /** The retry link beside a save error. */
  retry(): void {
    void this.queue?.flush('autosave', true);
  }

  /** Handles Ctrl+S (Cmd+S); true when the key was this session's. */
  saveKey(e: KeyboardEvent, editable: boolean): boolean {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 's') return false;
    e.preventDefault();
    if (editable) void this.saveNow('save');
    return true;
  }

  private put(view: V): void {
    this.doc = this.opts.content(view);
    this.meta = view.meta;
    this.problems = view.problems;
    this.makeQueue();
  }

  private makeQueue(): void {
    this.queue?.dispose();
    this.queue = new AutosaveQueue<T, R>({
      delay: this.opts.delay,
      snapshot: () => $state.snapshot(this.doc) as T,
      save: (doc, note) => this.opts.save(this.id, doc, note),
      onSaved: (result) => {
        this.meta = result.meta;
        this.problems = result.problems;
        this.savedAt = now();
        this.opts.onSaved?.(result);
      },
      onStatus: (s) => (this.status = s),
    });
  }

  /** A receipt or delivery moved the document's status: show it without touching the content. */
  private async refreshMeta(): Promise<void> {
    // Not loaded (yet, or the load failed): load() brings the metadata with the content.
    if (this.doc === null) return;
    try {
      const view = await this.opts.load(this.id);
      // A save that finished meanwhile knows better than this older read.
      if (this.closed || (this.meta && view.meta.revision < this.meta.revision)) return;
      this.meta = view.meta;
      this.opts.onRefreshed?.(view);
    } catch {
      // the badge stays as it was; the next event tries again
    }
  }
}

/** A session tied to the calling component: opened on mount, closed on destroy. */
export function useDocumentSession<T, M extends { revision: number }, V extends Loaded<M>, R extends Loaded<M>>(
  opts: DocumentSessionOptions<T, M, V, R>,
): DocumentSession<T, M, V, R> {
  const session = new DocumentSession(opts);
  onMount(() => {
    void session.open();
  });
  onDestroy(() => session.close());
  return session;
}

/**
 * The save indicator's text while saving, with unsaved edits or after an
 * error; otherwise what `settled` says (each editor words a saved state its way).
 */
export function saveStateText(status: SaveStatus<unknown>, settled: (kind: 'idle' | 'saved') => string): string {
  switch (status.kind) {
    case 'saving':
      return t('editor.state.saving');
    case 'dirty':
      return t('editor.state.dirty');
    case 'error':
      return t('editor.state.error', { message: errorMessage(status.error) });
    default:
      return settled(status.kind);
  }
}
