/**
 * The YAML side of configuration: parse with `yaml`'s document API (keeping a line counter), report syntax
 * errors with line:column, and find the line:column of any dotted key so validation messages can point at it.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";

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

/** Keys that would reach the prototype of the parsed mapping (`out["__proto__"] = …` sets it) or shadow it. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Most aliases a configuration may expand (the `yaml` limit that stops alias bombs). */
export const MAX_ALIAS_COUNT = 100;

/**
 * What the YAML parser accepts but a configuration must not contain, each with line:column: prototype keys, an
 * alias whose anchor is not defined before it, and an alias inside the node it refers to (a cycle that would
 * otherwise recurse until the stack overflows).
 */
export function structuralProblems(source: ConfigSource): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const at = (node: Node | null | undefined) => posOf(source, node) ?? { line: 1, column: 1 };
  visit(source.doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FORBIDDEN_KEYS.has(String(pair.key.value))) {
        out.push({ message: `the key "${String(pair.key.value)}" is not allowed (it would change how every mapping reads)`, position: at(pair.key as Node) });
      }
    },
    Alias(_, alias, path) {
      const target = alias.resolve(source.doc);
      if (!target) out.push({ message: `alias *${alias.source} refers to no anchor &${alias.source} defined before it`, position: at(alias) });
      else if (path.includes(target as never)) out.push({ message: `alias *${alias.source} is inside the node it refers to (a recursive structure)`, position: at(alias) });
    },
  });
  return out;
}

/** Where the first alias is (for errors the YAML library reports without a position, e.g. too many aliases). */
export function firstAliasPosition(source: ConfigSource): Position {
  let found: Position | undefined;
  visit(source.doc, {
    Alias(_, alias) {
      found = posOf(source, alias);
      return visit.BREAK;
    },
  });
  return found ?? { line: 1, column: 1 };
}
