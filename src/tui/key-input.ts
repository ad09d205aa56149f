/**
 * What one read from the terminal means as key presses. Several keys can arrive in one read (fast typing, tmux
 * send-keys, a slow link): outside text prompts each character is its own press. A terminal sends Alt+X as ESC X,
 * so an Esc quickly followed by a letter or digit arrives as one "meta" key (Ink drops the Esc of ESC+punctuation
 * entirely); we bind no Alt keys, so it is taken as Esc, then the key.
 */
import type { Key } from "ink";

export interface KeyPress {
  input: string;
  key: Key;
}

export function splitKeyPresses(input: string, key: Key, inTextPrompt: boolean): KeyPress[] {
  const plain = !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab && !key.backspace && !key.delete;
  if (plain && [...input].length > 1 && !inTextPrompt) return [...input].map((ch) => ({ input: ch, key: { ...key, shift: /[A-Z]/.test(ch) } }));
  if (key.meta && !key.escape && input.length === 1 && !key.ctrl) {
    return [
      { input: "", key: { ...key, meta: false, escape: true } },
      { input, key: { ...key, meta: false } },
    ];
  }
  return [{ input, key }];
}
