// Importing declaration files and exporting a declaration as a message (报关单报文):
// what the drafts list shows after an import, in words the clerk reads.
import type { FileImportOutcome, FileProblem } from './bindings';
import { FILE_ERROR_CODES } from './bindings';
import { hasKey, t } from './i18n/index.svelte';

/** What an import came to: the drafts made, the files refused, and the draft to open. */
export interface ImportSummary {
  imported: number;
  refused: number;
  /** Open this draft at once: one file was picked and it became one draft. */
  openId: string | null;
}

export function summarizeImport(outcomes: FileImportOutcome[]): ImportSummary {
  const refused = outcomes.filter((o) => o.error !== null).length;
  const imported = outcomes.reduce((n, o) => n + o.drafts.length, 0);
  const only = outcomes.length === 1 ? outcomes[0] : null;
  const openId = only && only.error === null && only.drafts.length === 1 ? only.drafts[0].id : null;
  return { imported, refused, openId };
}

/** The file's name without its folder, for the result list. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Why a file was refused: the code in the current language, then where (element, line) and the detail. */
export function fileProblemText(p: FileProblem): string {
  const where = [p.element, p.line !== null ? t('import.line', { line: p.line }) : null].filter(Boolean).join(' ');
  const key = p.code.startsWith('message.') ? 'fileerror.message' : `fileerror.${p.code}`;
  const head = hasKey(key) ? t(key) : t('fileerror.unknown');
  return [head, where, p.message].filter((s) => s !== '').join(' — ');
}

/** Every file code the shell can send, for the catalog test. */
export const FILE_CODES: readonly string[] = FILE_ERROR_CODES;
