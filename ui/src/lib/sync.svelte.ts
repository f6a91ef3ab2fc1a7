// Sync state shared by the header indicator, the sync panel and the editor:
// the last status from the shell, kept fresh by the worker's events
// ("sync-event"), and the app's one subscription to them, fanned out to
// listeners. Screens subscribe for their own lists; an open document's
// panels hear through its document session (document-session.svelte.ts).
import { onSyncEvent, syncStatus } from './backend';
import type { OnlineState, SyncEventPayload, SyncStatus } from './bindings';

type Listener = (event: SyncEventPayload) => void;

const state = $state<{ status: SyncStatus | null; error: unknown }>({ status: null, error: null });
// Plain (non-reactive) list: listeners are not state.
let listeners: Listener[] = [];
let started: Promise<void> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/** The reactive sync state (status is null until first loaded). */
export function syncState(): { status: SyncStatus | null; error: unknown } {
  return state;
}

/**
 * Whether the signed-in account has no server and files through the exchange
 * folders only: certificates of origin, guarantees, reference data and duty
 * payment are unavailable.
 */
export function exchangeOnly(): boolean {
  return state.status?.account?.exchange_only ?? false;
}

/** Online / offline / signed out, as the header shows it. */
export function onlineState(): OnlineState {
  return state.status?.state ?? 'signed_out';
}

export async function refreshSync(): Promise<void> {
  try {
    state.status = await syncStatus();
    state.error = null;
  } catch (e) {
    state.error = e;
  }
}

/** After login/logout the shell answers with the new status. */
export function setSyncStatus(status: SyncStatus): void {
  state.status = status;
  state.error = null;
}

/** Calls `listener` for every worker event until the returned function is called. */
export function onSync(listener: Listener): () => void {
  listeners = [...listeners, listener];
  return () => {
    listeners = listeners.filter((l) => l !== listener);
  };
}

// A burst of events (a batch of 64 entries) refreshes the counts once.
function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refreshSync();
  }, 250);
}

function dispatch(event: SyncEventPayload) {
  if (event.kind === 'state' && state.status) state.status.state = event.state;
  for (const l of listeners) {
    try {
      l(event);
    } catch {
      // one listener's failure must not starve the others
    }
  }
  scheduleRefresh();
}

/** Loads the status and subscribes to the worker's events, once per app. */
export function startSync(): Promise<void> {
  started ??= (async () => {
    await refreshSync();
    try {
      await onSyncEvent(dispatch);
    } catch (e) {
      state.error = e;
    }
  })();
  return started;
}

/** For tests: forget the subscription and state. */
export function resetSyncForTests(): void {
  started = null;
  listeners = [];
  state.status = null;
  state.error = null;
}

/** For tests: how many listeners are subscribed now. */
export function listenerCountForTests(): number {
  return listeners.length;
}

/** For tests: deliver an event as the worker would. */
export function dispatchSyncEventForTests(event: SyncEventPayload): void {
  dispatch(event);
}
