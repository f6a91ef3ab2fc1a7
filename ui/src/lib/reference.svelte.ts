// Reference data synced for offline use (guarantees, enterprise profile,
// port fees): when to refresh the local cache, and a version counter that
// the tax panel and the guarantees page watch to reload from the cache.
//
// Refresh points: on coming online (after login or start-up), after a
// receipt `P` (a summary-tax release reserves guarantee quota), and on
// demand. Offline the cache is used as it is and its age is shown.
import { untrack } from 'svelte';
import { refreshReference } from './backend';
import type { SyncEventPayload } from './bindings';
import { exchangeOnly, onlineState, onSync } from './sync.svelte';

const state = $state<{ version: number; refreshing: boolean; error: unknown }>({
  version: 0,
  refreshing: false,
  error: null,
});
let started = false;
let inFlight: Promise<void> | null = null;

/** Reactive: bumps `version` whenever the cache was refreshed. */
export function referenceState(): { version: number; refreshing: boolean; error: unknown } {
  return state;
}

/** Fetches the reference data now (one fetch at a time). */
export function refreshNow(): Promise<void> {
  inFlight ??= (async () => {
    state.refreshing = true;
    try {
      await refreshReference();
      state.error = null;
      state.version += 1;
    } catch (e) {
      state.error = e;
    } finally {
      state.refreshing = false;
      inFlight = null;
    }
  })();
  return inFlight;
}

/** The cache changed without a refresh here (a payment refreshed the guarantees): reload views. */
export function cacheChanged(): void {
  state.version += 1;
}

/** Whether a worker event should refresh the cache: a release (`P`) moves quota. */
export function movesReference(event: SyncEventPayload): boolean {
  return event.kind === 'receipt' && event.code === 'P';
}

/**
 * Once per app: refreshes whenever the account comes online (after login, or
 * at start-up once the worker reaches the server) and after every release.
 */
export function startReference(): void {
  if (started) return;
  started = true;
  // Without a server there is nothing to refresh from (the views say so).
  onSync((event) => {
    if (movesReference(event) && !exchangeOnly()) void refreshNow();
  });
  let wasOnline = false;
  $effect.root(() => {
    $effect(() => {
      const online = onlineState() === 'online' && !exchangeOnly();
      if (online && !wasOnline) untrack(() => void refreshNow());
      wasOnline = online;
    });
  });
}

/** For tests. */
export function resetReferenceForTests(): void {
  started = false;
  inFlight = null;
  state.version = 0;
  state.refreshing = false;
  state.error = null;
}
