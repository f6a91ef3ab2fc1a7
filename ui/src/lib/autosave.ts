// The autosave queue. Edits mark the document dirty and restart a debounce
// timer; when it fires (or on flush) the latest content is saved. One save is
// in flight at a time; edits made during a save are saved right after it, with
// whatever the content is then (latest wins), so nothing typed is ever lost.
import type { SaveNote } from './backend';

export type SaveStateKind = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

export interface SaveStatus<R> {
  kind: SaveStateKind;
  /** Whether there are edits not yet saved (also true while saving them). */
  dirty: boolean;
  /** The last successful result. */
  last: R | null;
  /** The error of the last attempt, when kind is 'error'. */
  error: unknown;
}

export interface AutosaveOptions<T, R> {
  /** A deep copy of the current content; called when a save starts. */
  snapshot: () => T;
  save: (doc: T, note: SaveNote) => Promise<R>;
  /** Debounce after the last edit, in ms. */
  delay?: number;
  onSaved?: (result: R, doc: T) => void;
  onStatus?: (status: SaveStatus<R>) => void;
}

const NOTE_RANK: Record<SaveNote, number> = { autosave: 0, save: 1 };

export class AutosaveQueue<T, R> {
  private readonly opts: Required<Pick<AutosaveOptions<T, R>, 'delay'>> & AutosaveOptions<T, R>;
  private version = 0;
  private savedVersion = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private pending: { note: SaveNote; force: boolean } | null = null;
  private kind: SaveStateKind = 'idle';
  private last: R | null = null;
  private error: unknown = null;
  private disposed = false;

  constructor(opts: AutosaveOptions<T, R>) {
    this.opts = { delay: 600, ...opts };
  }

  get dirty(): boolean {
    return this.version !== this.savedVersion;
  }

  get saving(): boolean {
    return this.running !== null;
  }

  get status(): SaveStatus<R> {
    return { kind: this.kind, dirty: this.dirty, last: this.last, error: this.error };
  }

  /** Records an edit and (re)starts the debounce timer. */
  edit(): void {
    if (this.disposed) return;
    this.version += 1;
    if (!this.running) this.setKind('dirty');
    else this.emit();
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush('autosave');
    }, this.opts.delay);
  }

  /**
   * Saves now (after the save in flight, if any). Resolves true when every
   * edit made before the call is saved, false when a save failed.
   * `force` saves even without edits (an explicit Ctrl+S).
   */
  flush(note: SaveNote = 'autosave', force = false): Promise<boolean> {
    this.clearTimer();
    if (this.running) {
      if (this.dirty || force) {
        const prev = this.pending;
        this.pending = {
          note: prev && NOTE_RANK[prev.note] > NOTE_RANK[note] ? prev.note : note,
          force: (prev?.force ?? false) || force,
        };
      }
      const target = this.version;
      return this.idle().then(() => this.savedVersion >= target && this.kind !== 'error');
    }
    if (!this.dirty && !force) return Promise.resolve(this.kind !== 'error');
    const target = this.version;
    this.running = this.run(note);
    return this.idle().then(() => this.savedVersion >= target && this.kind !== 'error');
  }

  /** Resolves when no save is in flight or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the timer; a save in flight still completes. */
  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }

  private async run(note: SaveNote): Promise<void> {
    // Let flush() record this run before anything can settle it.
    await Promise.resolve();
    let next: SaveNote | null = note;
    while (next !== null) {
      const version = this.version;
      const doc = this.opts.snapshot();
      this.setKind('saving');
      try {
        const result = await this.opts.save(doc, next);
        this.savedVersion = Math.max(this.savedVersion, version);
        this.last = result;
        this.error = null;
        this.kind = this.dirty ? 'dirty' : 'saved';
        this.opts.onSaved?.(result, doc);
        this.emit();
      } catch (e) {
        this.error = e;
        this.setKind('error');
      }
      const pending = this.pending;
      this.pending = null;
      next = pending && (this.dirty || pending.force) ? pending.note : null;
    }
    this.running = null;
    this.emit();
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private setKind(kind: SaveStateKind): void {
    this.kind = kind;
    this.emit();
  }

  private emit(): void {
    this.opts.onStatus?.(this.status);
  }
}
