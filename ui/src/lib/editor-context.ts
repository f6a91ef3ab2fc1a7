// What the editor gives every field: the document, its problems and the
// hooks that drive autosave.
import { getContext, setContext } from 'svelte';
import type { Declaration, IeFlag, Problem } from './bindings';

export interface EditorContext {
  /** The document shown: the live draft, or a revision being viewed. */
  readonly doc: Declaration;
  readonly readonly: boolean;
  readonly ie: IeFlag;
  /** The problems shown at `path` as they are (required-empty ones still to fill left out). */
  problemsFor(path: string): Problem[];
  /** True when `path` is required, empty and not yet shown as an error (待填, to-fill.ts). */
  toFill?(path: string): boolean;
  /** Call after a value at `path` changed. */
  edited(path: string): void;
  /** Call when a field loses focus, with the field's path. */
  blurred(path?: string): void;
}

const KEY = Symbol('portdesk-editor');

export function setEditorContext(ctx: EditorContext): void {
  setContext(KEY, ctx);
}

export function editorContext(): EditorContext {
  const ctx = getContext<EditorContext | undefined>(KEY);
  if (!ctx) throw new Error('field used outside the editor');
  return ctx;
}
