// Which side panels of the editor (申报后续, 问题列表, 修订历史, 回执) the clerk has
// folded away. Remembered in localStorage so the column stays as they left it.

export const PANELS_STORAGE_KEY = 'portdesk.panels.collapsed';

function read(): Record<string, boolean> {
  try {
    const saved = globalThis.localStorage?.getItem(PANELS_STORAGE_KEY);
    const parsed: unknown = saved ? JSON.parse(saved) : null;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v === true)) as Record<string, boolean>;
    }
  } catch {
    // unreadable or unavailable storage: every panel open
  }
  return {};
}

let collapsed = $state<Record<string, boolean>>(read());

export function panelOpen(name: string): boolean {
  return !collapsed[name];
}

export function togglePanel(name: string): void {
  collapsed[name] = !collapsed[name];
  try {
    globalThis.localStorage?.setItem(PANELS_STORAGE_KEY, JSON.stringify(collapsed));
  } catch {
    // not remembered; still folded for this session
  }
}

/** Re-reads the remembered state (for tests and start-up). */
export function loadPanels(): void {
  collapsed = read();
}
