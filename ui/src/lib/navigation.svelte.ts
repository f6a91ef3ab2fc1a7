// The app's two screens and the guard that lets the editor save before it is left.
export type Route =
  | { name: 'drafts' }
  | { name: 'editor'; id: string }
  // 同步: the outbox and the message log.
  | { name: 'sync' }
  // 担保 and 口岸收费 (issue 6).
  | { name: 'guarantees' }
  | { name: 'port_fees' }
  // 原产地证书: the applications list, one application's editor, the verify screen (issue 5).
  | { name: 'origins' }
  | { name: 'origin'; id: string }
  | { name: 'verify' };

let route = $state<Route>({ name: 'drafts' });
let leaveGuard: (() => Promise<void>) | null = null;

export function currentRoute(): Route {
  return route;
}

/** The editor registers a function that saves pending edits; navigation awaits it. */
export function setLeaveGuard(guard: (() => Promise<void>) | null): void {
  leaveGuard = guard;
}

export async function navigate(to: Route): Promise<void> {
  if (leaveGuard) {
    try {
      await leaveGuard();
    } catch {
      // the editor shows its own save error; leaving is still allowed
    }
  }
  route = to;
}
