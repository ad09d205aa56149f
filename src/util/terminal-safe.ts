/**
 * Whoever may tag a cloud resource (or name it, or word an API error) controls bytes that ot3c prints on an
 * operator's terminal. Those bytes must never act on the terminal: escape sequences (ESC, CSI), other C0/C1
 * controls, carriage returns that overwrite a line, and Unicode bidi controls that reorder what is shown (a
 * "Trojan Source" tag). This module is the one place that decides what is unsafe and how it is shown: escaped,
 * visibly (`\x1b`, `\u202e`), never dropped — an operator should see that something odd was there.
 *
 * Used by every text output (CLI renderers, the non-TTY summary, the log text sink), by the JSON/YAML output
 * (escaped inside strings, so the data stays the same) and, through src/tui/safe-snapshot.ts, by the TUI.
 */

/** C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates and marks, line/paragraph separators. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");
/** The same without LF and TAB, for multi-line text whose line breaks are ours. */
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** How an unsafe character is shown: `\x1b` below U+0100, `\u202e` above. */
export function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** True when `s` holds anything this module would escape. */
export function hasUnsafe(s: string): boolean {
  return UNSAFE.test(s);
}

/** One field (a tag, a name, an id, an error message) on one line: every control shown escaped, LF included. */
export function terminalSafe(s: string): string {
  return UNSAFE.test(s) ? s.replace(UNSAFE_ALL, escapeChar) : s;
}

/** A whole text block whose line breaks and tabs are ours: everything else unsafe shown escaped. */
export function terminalSafeText(s: string): string {
  return s.replace(UNSAFE_IN_TEXT, escapeChar);
}

/**
 * JSON text (from JSON.stringify) made safe to print: JSON.stringify escapes C0 but prints DEL, C1 and bidi controls
 * raw. They can only occur inside strings, where `\uXXXX` means the same character — the parsed data is unchanged.
 */
export function jsonTerminalSafe(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
