/**
 * The YAML side of configuration: parse with `yaml`'s document API (keeping a line counter), report syntax
 * errors with line:column, and find the line:column of any dotted key so validation messages can point at it.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

export type KeyPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  column: number;
}

export interface ConfigSource {
  /** Absolute path. */
  file: string;
  /** How the path is shown in messages (relative to the working directory when inside it). */
  display: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export interface SyntaxProblem {
  message: string;
  position: Position;
}

export function parseSource(file: string, display: string, text: string): { source: ConfigSource; syntax: SyntaxProblem[] } {
  const lineCounter = new LineCounter();
  // prettyErrors off: we format "file:line:col: message" ourselves and keep messages single-line.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors.map((e) => {
    const p = lineCounter.linePos(e.pos[0]);
    return { message: e.message.split("\n")[0]!, position: { line: p.line, column: p.col } };
  });
  return { source: { file, display, text, doc, lineCounter }, syntax };
}

function posOf(source: ConfigSource, node: Node | null | undefined): Position | undefined {
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const p = source.lineCounter.linePos(offset);
  return { line: p.line, column: p.col };
}

/**
 * Where `path` is in the file. `at: "value"` points at the value (or at the key when the value is empty);
 * `at: "key"` at the key itself. A path that does not exist (a missing required key) resolves to the deepest
 * ancestor that does, so "required" errors point at the mapping that lacks the key; the root is 1:1.
 */
export function locate(source: ConfigSource, path: KeyPath, at: "value" | "key" = "value"): Position {
  let node: unknown = source.doc.contents;
  let best: Position = { line: 1, column: 1 };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return best;
      const last = i === path.length - 1;
      const keyPos = posOf(source, pair.key as Node);
      // `key:` with nothing after it still has an (empty) value node; point at the key instead.
      const empty = pair.value === null || (isScalar(pair.value) && pair.value.value === null);
      const valuePos = empty ? undefined : posOf(source, pair.value as Node);
      if (last) return (at === "key" ? keyPos : (valuePos ?? keyPos)) ?? best;
      best = keyPos ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) return best;
      best = posOf(source, item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return path.length === 0 ? (posOf(source, source.doc.contents as Node) ?? best) : best;
}

/** `otccreds.endpoints.ecs`, `notify.webhook.headers.X-Token`, list items as `[0]`. */
export function dotted(path: KeyPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
