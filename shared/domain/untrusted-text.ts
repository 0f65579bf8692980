/**
 * Text a stranger chose (job, requester, file and image names, messages from a job) is data.
 * On a terminal or in a log it must not move the cursor, clear the screen, set a window
 * title, paint fake colours or start a new line; on a page it must not flip the reading
 * order of what surrounds it or hide characters. These helpers make every such character
 * visible as `\u{…}` instead.
 */

/**
 * C0 and C1 controls (NUL, ESC, CR, LF, CSI…), DEL, and the invisible or direction-changing
 * format characters: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
 * space/joiners, LRM/RLM, line/paragraph separators, bidi embeddings, overrides and
 * isolates, word joiner and invisible operators, BOM, interlinear annotations and tags.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/** `U+202E` → `\u{202E}`: how a hidden character is shown. */
export const visibleCodePoint = (char: string): string =>
  `\\u{${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`;

/** The text with every hidden character written out as `\u{…}`; safe for a terminal line. */
export function escapeUntrusted(text: string): string {
  return text.replace(HIDDEN, visibleCodePoint);
}

/** Pieces for a UI: plain runs and hidden characters (to be shown marked). */
export function splitUntrusted(text: string): { text: string; hidden: boolean }[] {
  const parts: { text: string; hidden: boolean }[] = [];
  let last = 0;
  for (const match of text.matchAll(HIDDEN)) {
    const at = match.index;
    if (at > last) parts.push({ text: text.slice(last, at), hidden: false });
    parts.push({ text: match[0], hidden: true });
    last = at + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), hidden: false });
  return parts;
}

/**
 * JSON.stringify escapes C0 controls but lets C1 controls (U+009B is a CSI on some
 * terminals), bidi overrides, zero-width characters and U+2028/9 through: this escapes
 * those as JSON `\uXXXX` too, so a JSON log line shows them as text.
 */
export function jsonLine(value: unknown, replacer?: (key: string, value: unknown) => unknown): string {
  const unit = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
  // Astral characters (the tags) are two UTF-16 units, each written out.
  return JSON.stringify(value, replacer).replace(HIDDEN, (char) => [...Array(char.length).keys()].map((i) => unit(char.charCodeAt(i))).join(''));
}
