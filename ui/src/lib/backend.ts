// The backend facade: the ONLY module that talks to Tauri. Everything else
// calls these typed functions. Errors reject with a BackendError.
import { invoke } from '@tauri-apps/api/core';
import type {
  AppInfo,
  ApiError,
  CodeList,
  Declaration,
  DraftMeta,
  DraftPage,
  DraftQuery,
  DraftView,
  IeFlag,
  Problem,
  Purpose,
  RevisionMeta,
  SaveResult,
  RequiredDocument,
} from './bindings';
import { ERROR_CODES } from './bindings';

/**
 * Error codes the UI translates (errors.* in the catalogs): every code the
 * shell can send (generated from Rust) plus the UI's own for failures to
 * reach the shell.
 */
export const KNOWN_ERROR_CODES = [...ERROR_CODES, 'io', 'internal'] as const;

export type SaveNote = 'autosave' | 'save';

/** An ApiError from the shell, or a failure to reach it, as a typed error. */
export class BackendError extends Error implements ApiError {
  readonly code: string;
  readonly field: string | null;
  readonly command: string;

  constructor(command: string, code: string, message: string, field: string | null = null) {
    super(message);
    this.name = 'BackendError';
    this.command = command;
    this.code = code;
    this.field = field;
  }
}

function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** Turns whatever `invoke` rejected with into a BackendError. */
export function toBackendError(command: string, e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (isApiError(e)) {
    const message = typeof e.message === 'string' ? e.message : '';
    const field = typeof e.field === 'string' ? e.field : null;
    return new BackendError(command, e.code, message, field);
  }
  if (typeof e === 'string') return new BackendError(command, 'internal', e);
  if (e instanceof Error) return new BackendError(command, 'internal', e.message);
  return new BackendError(command, 'internal', String(e));
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(command, e);
  }
}

export function createDeclaration(ieFlag: IeFlag): Promise<DraftView> {
  return call('create_declaration', { ieFlag });
}

export function saveDeclaration(id: string, declaration: Declaration, note: SaveNote): Promise<SaveResult> {
  return call('save_declaration', { id, declaration, note });
}

export function getDeclaration(id: string): Promise<DraftView> {
  return call('get_declaration', { id });
}

export function listDrafts(query: DraftQuery): Promise<DraftPage> {
  return call('list_drafts', { query });
}

export function draftHistory(id: string): Promise<RevisionMeta[]> {
  return call('draft_history', { id });
}

export function getRevision(id: string, revision: number): Promise<Declaration> {
  return call('get_revision', { id, revision });
}

export function restoreRevision(id: string, revision: number): Promise<DraftView> {
  return call('restore_revision', { id, revision });
}

export function trashDraft(id: string): Promise<DraftMeta> {
  return call('trash_draft', { id });
}

export function untrashDraft(id: string): Promise<DraftMeta> {
  return call('untrash_draft', { id });
}

export function emptyTrash(): Promise<number> {
  return call('empty_trash');
}

export function validateDeclaration(declaration: Declaration, purpose: Purpose): Promise<Problem[]> {
  return call('validate_declaration', { declaration, purpose });
}

export function requiredAttachments(declaration: Declaration): Promise<RequiredDocument[]> {
  return call('required_attachments', { declaration });
}

export function codeLists(): Promise<CodeList[]> {
  return call('code_lists');
}

export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}
