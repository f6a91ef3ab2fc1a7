// The interface font (界面字体). WebKitGTK spends ~50 ms of start-up on every
// font family it is asked for and cannot find, and more on glyph fallback
// when the first family has no Chinese (docs/benchmarks.md). So each
// platform gets only families it ships (app.css, keyed on
// <html data-platform>), and on Linux the app names the CJK family
// fontconfig would pick anyway.

export type Platform = 'windows' | 'macos' | 'linux';

/** The platform a webview's user agent names; anything unknown is treated as Linux. */
export function platformOf(userAgent: string): Platform {
  if (/Windows/i.test(userAgent)) return 'windows';
  if (/Macintosh|Mac OS X/i.test(userAgent)) return 'macos';
  return 'linux';
}

/** Sets `<html data-platform>` so app.css picks that platform's font list. */
export function markPlatform(root: HTMLElement = document.documentElement): Platform {
  const platform = platformOf(navigator.userAgent);
  root.dataset.platform = platform;
  return platform;
}

// Letters, digits, spaces, '-' and '_': a name CSS reads as a name only.
const PLAIN_FAMILY = /^[\p{L}\p{N} _-]{1,64}$/u;

/**
 * Puts `family` (the system's Chinese sans-serif, from the app) first in the
 * interface font; a missing or odd name leaves the platform's list alone.
 * Returns whether it was used.
 */
export function useInterfaceFont(family: string | null, root: HTMLElement = document.documentElement): boolean {
  const name = family?.trim() ?? '';
  if (!PLAIN_FAMILY.test(name)) return false;
  root.style.setProperty('--font', `"${name}", sans-serif`);
  return true;
}
