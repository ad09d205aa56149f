/**
 * A fast reader for the v2 daily line's usual shape (issue #18: 10 M lines a sync; `JSON.parse` of each line into a
 * 14-field object, then a record object, was most of the engine's CPU).
 *
 * It walks one line's bytes once (no text is decoded), takes the fields a cost record needs, and skips the others.
 * It accepts only what it can read exactly as `JSON.parse` + `toCostRecord` would: a flat object of ASCII whose
 * needed fields are plain strings (no escape sequence) and `amount` a JSON number. Anything else — a byte ≥ 0x80,
 * escapes, nested values, `null` where a string is needed, a missing or malformed date, invalid JSON — makes `scan`
 * return false, and the caller decodes that line and reads it the general way (which also produces the same errors
 * as before). Duplicate keys: the last one wins, as in `JSON.parse`.
 *
 * The record it fills is one reused object: valid until the next `scan`, for sinks that copy what they keep.
 */
import type { DashboardCostRecord } from "./types.ts";

const enum Key {
  Other,
  Amount,
  Date,
  Resource,
  Product,
  ProjectId,
  ProjectName,
  Type,
  Region,
}

const QUOTE = 34;
const BACKSLASH = 92;

/** Whether bytes `at…` spell `word` (ASCII). */
function bytesAre(b: Uint8Array, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** Whether bytes `from…` are the characters of `t` (ASCII). */
function sameText(b: Uint8Array, from: number, t: string): boolean {
  for (let k = 0; k < t.length; k++) if (b[from + k] !== t.charCodeAt(k)) return false;
  return true;
}

/** Bytes (all ASCII: the scanner declines any other) as a string of their own. */
function text(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
}

/** Powers of ten a double holds exactly (Clinger's fast path). */
const EXACT_POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The JSON number in bytes `from…to` (already checked against the grammar). Up to 15 significant digits and a
 * power of ten up to 22, one IEEE operation on two exact values gives the correctly rounded double, as JSON.parse
 * does; anything else goes through Number() on the text.
 */
function numberValue(b: Uint8Array, from: number, to: number): number {
  let i = from;
  const negative = b[i] === 45;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  for (; i < to; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      if (mantissa !== 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
    } else if (c === 46) {
      for (i++; i < to && b[i]! >= 48 && b[i]! <= 57; i++) {
        mantissa = mantissa * 10 + (b[i]! - 48);
        if (mantissa !== 0) digits++;
        scale--;
      }
      i--;
    } else break;
  }
  if (i < to || digits > 15) return Number(text(b, from, to)); // an exponent, or too many digits
  const v = scale === 0 ? mantissa : -scale <= 22 ? mantissa / EXACT_POW10[-scale]! : Number(text(b, from, to));
  return negative ? -v : v;
}

function keyAt(s: Uint8Array, at: number, len: number): Key {
  // The first character (or the 13th, for the two consumption_ keys) rules out most keys before a full compare.
  switch (len) {
    case 6: {
      const c = s[at];
      return c === 97 && bytesAre(s, at, "amount") ? Key.Amount : c === 114 && bytesAre(s, at, "region") ? Key.Region : Key.Other;
    }
    case 7:
      return bytesAre(s, at, "product") ? Key.Product : Key.Other;
    case 10:
      return bytesAre(s, at, "project_id") ? Key.ProjectId : Key.Other;
    case 11:
      return s[at] === 114 && bytesAre(s, at, "resource_id") ? Key.Resource : Key.Other;
    case 12:
      return bytesAre(s, at, "project_name") ? Key.ProjectName : Key.Other;
    case 16: {
      const c = s[at + 12];
      return c === 100 && bytesAre(s, at, "consumption_date") ? Key.Date : c === 116 && bytesAre(s, at, "consumption_type") ? Key.Type : Key.Other;
    }
    default:
      return Key.Other;
  }
}

/** Index of the first non-space character from `i` (compact JSON has none: callers test the first character inline). */
function skipSpace(s: Uint8Array, i: number): number {
  for (;;) {
    const c = s[i];
    if (c === 32 || c === 9 || c === 13) i++; // not \n: a line has none, and a scan must not run into the next line
    else return i;
  }
}

/**
 * End of a plain JSON string body starting at `i` (the index of its closing quote), or -1: an escape, a control
 * character, a byte ≥ 0x80 (decoded and checked by the general reader), or the end.
 */
function plainStringEnd(s: Uint8Array, i: number, stop: number): number {
  for (; i < stop; i++) {
    const c = s[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 32 || c >= 128) return -1;
  }
  return -1;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** End of a JSON number starting at `i` (RFC 8259 grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?), or -1. */
function numberEnd(s: Uint8Array, i: number): number {
  if (s[i] === 45) i++;
  const first = s[i]!;
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) while (isDigit(s[++i]!));
  else return -1;
  if (s[i] === 46) {
    if (!isDigit(s[++i]!)) return -1;
    while (isDigit(s[++i]!));
  }
  const e = s[i];
  if (e === 101 || e === 69) {
    let c = s[++i]!;
    if (c === 43 || c === 45) c = s[++i]!;
    if (!isDigit(c)) return -1;
    while (isDigit(s[++i]!));
  }
  return i;
}

/** A line that starts with YYYY-MM-DD (digits and dashes; `toCostRecord`'s test). */
function startsWithDate(s: Uint8Array, at: number, end: number): boolean {
  if (end - at < 10) return false;
  for (let k = 0; k < 10; k++) {
    const c = s[at + k]!;
    if (k === 4 || k === 7 ? c !== 45 : !isDigit(c)) return false;
  }
  return true;
}

export class DailyLineScanner {
  /** The last line's record (reused). */
  readonly record: DashboardCostRecord = {
    date: "", resourceId: "", product: "", amount: 0, projectId: undefined, projectName: undefined, consumptionType: undefined, region: undefined,
  };
  /**
   * The previous value of each field: lines come in runs of one day, project and resource, so most values equal
   * the last one and are reused instead of cut out again (which also gives the sink identical strings to compare).
   */
  private readonly previous: string[] = ["", "", "", "", "", "", "", "", ""];

  private value(key: Key, s: Uint8Array, from: number, to: number): string {
    const prev = this.previous[key]!;
    if (prev.length === to - from && sameText(s, from, prev)) return prev;
    return (this.previous[key] = text(s, from, to));
  }

  /**
   * Products repeat across lines but not in runs (a server's products alternate): the distinct ones seen are kept
   * and found again by comparing bytes, so equal products are one string — whose hash the sink computes once.
   */
  private readonly products: string[] = [];

  private product(s: Uint8Array, from: number, to: number): string {
    const len = to - from;
    const seen = this.products;
    for (let k = 0; k < seen.length; k++) {
      const p = seen[k]!;
      if (p.length === len && sameText(s, from, p)) return p;
    }
    const p = text(s, from, to);
    if (seen.length < 64) seen.push(p);
    return p;
  }

  /**
   * Resource ids, found again by a hash of their bytes: the same id is then always the same string, whose hash the
   * sink's Map computes once (a new string per run of lines made those lookups a tenth of the stream's time). A
   * hash collision just makes a new string (correct, only slower).
   */
  private readonly resources = new Map<number, string>();

  private resource(s: Uint8Array, from: number, to: number): string {
    const prev = this.previous[Key.Resource]!;
    if (prev.length === to - from && sameText(s, from, prev)) return prev;
    let h = 0x811c9dc5;
    for (let k = from; k < to; k++) h = Math.imul(h ^ s[k]!, 0x01000193);
    const known = this.resources.get(h);
    if (known !== undefined && known.length === to - from && sameText(s, from, known)) return (this.previous[Key.Resource] = known);
    const id = text(s, from, to);
    if (known === undefined) this.resources.set(h, id);
    return (this.previous[Key.Resource] = id);
  }

  /** For tests and single lines: `line` as UTF-8, scanned. */
  scanText(line: string): boolean {
    const b = new TextEncoder().encode(line);
    return this.scan(b, 0, b.length);
  }

  /** Reads the line in bytes `start…stop` into `record`; false when it needs the general reader (see above). */
  scan(s: Uint8Array, start: number, stop: number): boolean {
    let i = skipSpace(s, start);
    if (s[i] !== 123) return false;
    i = skipSpace(s, i + 1);
    let amount = NaN;
    let date: string | undefined;
    let resourceId = "";
    let product = "";
    let projectId: string | undefined;
    let projectName: string | undefined;
    let type: string | undefined;
    let region: string | undefined;
    if (s[i] === 125) return false; // {}: no date, the general reader reports it
    for (;;) {
      if (i >= stop || s[i] !== QUOTE) return false;
      const keyEnd = plainStringEnd(s, i + 1, stop);
      if (keyEnd < 0) return false;
      const key = keyAt(s, i + 1, keyEnd - i - 1);
      i = keyEnd + 1;
      if (s[i]! <= 32) i = skipSpace(s, i);
      if (s[i] !== 58) return false;
      i++;
      if (s[i]! <= 32) i = skipSpace(s, i);
      if (i >= stop) return false;
      const c = s[i]!;
      if (c === QUOTE) {
        const end = plainStringEnd(s, i + 1, stop);
        if (end < 0) return false;
        switch (key) {
          case Key.Other:
            break;
          case Key.Amount:
            return false; // a string amount: the general reader's Number() decides
          case Key.Date:
            if (!startsWithDate(s, i + 1, end)) return false;
            date = this.value(key, s, i + 1, i + 11);
            break;
          case Key.Resource:
            resourceId = this.resource(s, i + 1, end);
            break;
          case Key.Product:
            product = this.product(s, i + 1, end);
            break;
          case Key.ProjectId:
            projectId = this.value(key, s, i + 1, end);
            break;
          case Key.ProjectName:
            projectName = this.value(key, s, i + 1, end);
            break;
          case Key.Type:
            type = this.value(key, s, i + 1, end);
            break;
          case Key.Region:
            region = this.value(key, s, i + 1, end);
            break;
        }
        i = end + 1;
      } else if (c === 45 || isDigit(c)) {
        const end = numberEnd(s, i);
        if (end < 0 || end > stop) return false;
        if (key === Key.Amount) amount = numberValue(s, i, end);
        else if (key !== Key.Other) return false; // a number where a string is expected: String() in the general reader
        i = end;
      } else if (key === Key.Other && i + 4 <= stop && (bytesAre(s, i, "true") || bytesAre(s, i, "null"))) {
        i += 4;
      } else if (key === Key.Other && i + 5 <= stop && bytesAre(s, i, "false")) {
        i += 5;
      } else {
        return false; // objects, arrays (tags), null for a needed field, anything invalid
      }
      if (s[i]! <= 32) i = skipSpace(s, i);
      if (i >= stop) return false;
      const sep = s[i];
      if (sep === 44) {
        i++;
        if (s[i]! <= 32) i = skipSpace(s, i);
        continue;
      }
      if (sep !== 125) return false;
      if (skipSpace(s, i + 1) < stop) return false;
      break;
    }
    if (date === undefined || !Number.isFinite(amount)) return false;
    const r = this.record;
    r.date = date;
    r.resourceId = resourceId;
    r.product = product;
    r.amount = amount;
    r.projectId = projectId;
    r.projectName = projectName;
    r.consumptionType = type;
    r.region = region;
    return true;
  }
}
