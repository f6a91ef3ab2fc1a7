import { describe, expect, it } from 'vitest';
import { mockIPC } from '@tauri-apps/api/mocks';
import * as api from '../src/lib/backend';
import { BackendError, toBackendError } from '../src/lib/backend';
import { emptyDeclaration } from '../harness/fake-backend';

function record(reply: unknown = null) {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    return reply;
  });
  return calls;
}

describe('backend facade', () => {
  it('maps every function to its command with camelCase args', async () => {
    const calls = record();
    const decl = emptyDeclaration('X', 'I');
    const query = { text: 'abc', status: null, ie_flag: 'E' as const, trashed: false, offset: 50, limit: 50 };
    await api.createDeclaration('E');
    await api.saveDeclaration('id1', decl, 'autosave');
    await api.getDeclaration('id1');
    await api.listDrafts(query);
    await api.draftHistory('id1');
    await api.getRevision('id1', 3);
    await api.restoreRevision('id1', 2);
    await api.trashDraft('id1');
    await api.untrashDraft('id1');
    await api.emptyTrash();
    await api.validateDeclaration(decl, 'declare');
    await api.codeLists();
    await api.appInfo();
    const strip = (a: unknown) => (a && typeof a === 'object' && Object.keys(a).length ? a : undefined);
    expect(calls.map((c) => [c.cmd, strip(c.args)])).toEqual([
      ['create_declaration', { ieFlag: 'E' }],
      ['save_declaration', { id: 'id1', declaration: decl, note: 'autosave' }],
      ['get_declaration', { id: 'id1' }],
      ['list_drafts', { query }],
      ['draft_history', { id: 'id1' }],
      ['get_revision', { id: 'id1', revision: 3 }],
      ['restore_revision', { id: 'id1', revision: 2 }],
      ['trash_draft', { id: 'id1' }],
      ['untrash_draft', { id: 'id1' }],
      ['empty_trash', undefined],
      ['validate_declaration', { declaration: decl, purpose: 'declare' }],
      ['code_lists', undefined],
      ['app_info', undefined],
    ]);
  });

  it('returns the reply', async () => {
    record({ version: '1.2.3', data_dir: '/d', db_path: '/d/db' });
    await expect(api.appInfo()).resolves.toEqual({ version: '1.2.3', data_dir: '/d', db_path: '/d/db' });
  });

  it('turns an ApiError rejection into a BackendError', async () => {
    mockIPC(() => {
      throw { code: 'not_found', message: 'no draft abc', field: null };
    });
    const e = await api.getDeclaration('abc').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toMatchObject({ code: 'not_found', message: 'no draft abc', field: null, command: 'get_declaration' });
  });

  it('keeps the field of an invalid_input error', async () => {
    mockIPC(() => Promise.reject({ code: 'invalid_input', message: 'bad', field: 'head.gross_weight' }));
    await expect(api.saveDeclaration('x', emptyDeclaration('X', 'I'), 'save')).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'head.gross_weight',
    });
  });

  it('maps strings and other throwables to internal errors', () => {
    expect(toBackendError('c', 'boom')).toMatchObject({ code: 'internal', message: 'boom' });
    expect(toBackendError('c', new Error('x'))).toMatchObject({ code: 'internal', message: 'x' });
    expect(toBackendError('c', 42)).toMatchObject({ code: 'internal', message: '42' });
    expect(toBackendError('c', { code: 'db', message: 'locked' })).toMatchObject({ code: 'db', field: null });
  });
});
