// The app's two screens and the guard that lets the editor save before it is left.
export type Route = { name: 'drafts' } | { name: 'editor'; id: string };

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
