// The first screen, asked for before the shell mounts. Mounting first and
// then fetching painted the window twice (an empty shell, then the list:
// ~150 ms more at start-up, docs/benchmarks.md); asking first lets the first
// frame be the list, in the interface font, or the editor of the draft
// `--open` named.
import { interfaceFont, launchRequest, listDrafts } from './backend';
import type { DraftPage, DraftQuery, LaunchRequest } from './bindings';
import { markPlatform, useInterfaceFont } from './fonts';
import { PAGE_SIZE } from './limits';
import { navigate } from './navigation.svelte';

/** What the drafts list asks for when it opens: the first page, no filter. */
export const FIRST_DRAFTS_QUERY: DraftQuery = {
  text: null,
  status: null,
  ie_flag: null,
  trashed: false,
  offset: 0,
  limit: PAGE_SIZE,
};

/** However slow the app is, the shell mounts after this and fetches as usual. */
export const FIRST_SCREEN_WAIT_MS = 1500;

let firstPageReady: DraftPage | null = null;
let launch: Promise<LaunchRequest> | null = null;

/**
 * Sets the platform's font, then asks the app for the interface font, the
 * launch request and the first drafts page, and resolves once they are
 * answered (or failed, or FIRST_SCREEN_WAIT_MS passed). Never rejects:
 * whoever takes a failed answer sees its error.
 */
export async function prefetchFirstScreen(): Promise<void> {
  markPlatform();
  const font = interfaceFont()
    .then((family) => void useInterfaceFont(family))
    .catch(() => {
      // the platform's list stays: a font is not worth an error
    });
  // `--open`: the first frame is that draft's editor, not the list.
  launch = followLaunchRequest();
  const firstPage = listDrafts(FIRST_DRAFTS_QUERY);
  firstPage.then(
    (page) => (firstPageReady = page),
    () => {},
  );
  const answered = Promise.allSettled([font, launch, firstPage]);
  const cap = new Promise((done) => setTimeout(done, FIRST_SCREEN_WAIT_MS));
  await Promise.race([answered, cap]);
}

/**
 * The prefetched first page, once, if `query` is the first screen's and it
 * has arrived; null otherwise (the caller fetches as usual).
 */
export function takeFirstPage(query: DraftQuery): DraftPage | null {
  const page = firstPageReady;
  firstPageReady = null;
  if (!page || !sameQuery(query, FIRST_DRAFTS_QUERY)) return null;
  return page;
}

/** Asks how the app was started and, for `--open`, goes to that draft's editor. */
async function followLaunchRequest(): Promise<LaunchRequest> {
  const asked = await launchRequest();
  if (asked.open_draft) await navigate({ name: 'editor', id: asked.open_draft });
  return asked;
}

/**
 * The launch request followed at start (once), or followed now if it was not:
 * the one place `--open` is acted on. Rejects with the request's error.
 */
export function takeLaunchRequest(): Promise<LaunchRequest> {
  const followed = launch ?? followLaunchRequest();
  launch = null;
  return followed;
}

/** Forgets what was prefetched, as a new run would (the UI tests render many runs). */
export function forgetFirstScreen(): void {
  firstPageReady = null;
  launch = null;
}

function sameQuery(a: DraftQuery, b: DraftQuery): boolean {
  return (
    a.text === b.text &&
    a.status === b.status &&
    a.ie_flag === b.ie_flag &&
    a.trashed === b.trashed &&
    a.offset === b.offset &&
    a.limit === b.limit
  );
}
