/**
 * A fast reader for the v2 daily line's usual shape (issue #18: 10 M lines a sync; `JSON.parse` of each line into a
 * 14-field object, then a record object, was most of the engine's CPU).
 *
 * It walks one line once, takes the fields a cost record needs straight from the text, and skips the others. It
 * accepts only what it can read exactly as `JSON.parse` + `toCostRecord` would: a flat object whose needed fields
 * are plain strings (no escape sequence) and `amount` a JSON number. Anything else — escapes, nested values, `null`
 * where a string is needed, a missing or malformed date, invalid JSON — makes `scan` return false, and the caller
 * reads that line the general way (which also produces the same errors as before). Duplicate keys: the last one
 * wins, as in `JSON.parse`.
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

function keyAt(s: string, at: number, len: number): Key {
  // The first character (or the 13th, for the two consumption_ keys) rules out most keys before a full compare.
  switch (len) {
    case 6: {
      const c = s.charCodeAt(at);
      return c === 97 && s.startsWith("amount", at) ? Key.Amount : c === 114 && s.startsWith("region", at) ? Key.Region : Key.Other;
    }
    case 7:
      return s.startsWith("product", at) ? Key.Product : Key.Other;
    case 10:
      return s.startsWith("project_id", at) ? Key.ProjectId : Key.Other;
    case 11:
      return s.charCodeAt(at) === 114 && s.startsWith("resource_id", at) ? Key.Resource : Key.Other;
    case 12:
      return s.startsWith("project_name", at) ? Key.ProjectName : Key.Other;
    case 16: {
      const c = s.charCodeAt(at + 12);
      return c === 100 && s.startsWith("consumption_date", at) ? Key.Date : c === 116 && s.startsWith("consumption_type", at) ? Key.Type : Key.Other;
    }
    default:
      return Key.Other;
  }
}

/** Index of the first non-space character from `i` (compact JSON has none: callers test the first character inline). */
function skipSpace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) i++; // not \n: a line has none, and a scan must not run into the next line
    else return i;
  }
}

/** End of a plain JSON string body starting at `i` (the index of its closing quote), or -1 (escape, control, end). */
function plainStringEnd(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 32 || c !== c) return -1;
    i++;
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** End of a JSON number starting at `i` (RFC 8259 grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?), or -1. */
function numberEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) i++;
  const first = s.charCodeAt(i);
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) while (isDigit(s.charCodeAt(++i)));
  else return -1;
  if (s.charCodeAt(i) === 46) {
    if (!isDigit(s.charCodeAt(++i))) return -1;
    while (isDigit(s.charCodeAt(++i)));
  }
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69) {
    let c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    if (!isDigit(c)) return -1;
    while (isDigit(s.charCodeAt(++i)));
  }
  return i;
}

/** A line that starts with YYYY-MM-DD (digits and dashes; `toCostRecord`'s test). */
function startsWithDate(s: string, at: number, end: number): boolean {
  if (end - at < 10) return false;
  for (let k = 0; k < 10; k++) {
    const c = s.charCodeAt(at + k);
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

  private value(key: Key, s: string, from: number, to: number): string {
    const prev = this.previous[key]!;
    if (prev.length === to - from && s.startsWith(prev, from)) return prev;
    return (this.previous[key] = s.slice(from, to));
  }

  /**
   * Products repeat across lines but not in runs (a server's products alternate): the distinct ones seen are kept
   * and found again by comparing text, so equal products are one string — whose hash the sink's lookups compute once.
   */
  private readonly products: string[] = [];

  private product(s: string, from: number, to: number): string {
    const len = to - from;
    const seen = this.products;
    for (let k = 0; k < seen.length; k++) {
      const p = seen[k]!;
      if (p.length === len && s.startsWith(p, from)) return p;
    }
    const p = s.slice(from, to);
    if (seen.length < 64) seen.push(p);
    return p;
  }

  /**
   * Resource ids, found again by a hash of their characters: the same id is then always the same string, whose hash
   * the sink's Map computes once — a fresh 36-character string per run of lines made those lookups a tenth of the
   * stream's time. A hash collision just returns a new string (correct, only slower).
   */
  private readonly resources = new Map<number, string>();

  private resource(s: string, from: number, to: number): string {
    const prev = this.previous[Key.Resource]!;
    if (prev.length === to - from && s.startsWith(prev, from)) return prev;
    let h = 0x811c9dc5;
    for (let k = from; k < to; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    const known = this.resources.get(h);
    if (known !== undefined && known.length === to - from && s.startsWith(known, from)) return (this.previous[Key.Resource] = known);
    const id = s.slice(from, to);
    if (known === undefined) this.resources.set(h, id);
    return (this.previous[Key.Resource] = id);
  }

  /** Reads `line` into `record`; false when the line needs the general reader (see the file's comment). */
  scan(line: string, start = 0, stop = line.length): boolean {
    const s = line;
    let i = skipSpace(s, start);
    if (s.charCodeAt(i) !== 123) return false;
    i = skipSpace(s, i + 1);
    let amount = NaN;
    let date: string | undefined;
    let resourceId = "";
    let product = "";
    let projectId: string | undefined;
    let projectName: string | undefined;
    let type: string | undefined;
    let region: string | undefined;
    if (s.charCodeAt(i) === 125) return false; // {}: no date, the general reader reports it
    for (;;) {
      if (s.charCodeAt(i) !== QUOTE) return false;
      const keyEnd = plainStringEnd(s, i + 1);
      if (keyEnd < 0) return false;
      const key = keyAt(s, i + 1, keyEnd - i - 1);
      i = keyEnd + 1;
      if (s.charCodeAt(i) <= 32) i = skipSpace(s, i);
      if (s.charCodeAt(i) !== 58) return false;
      i++;
      if (s.charCodeAt(i) <= 32) i = skipSpace(s, i);
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        const end = plainStringEnd(s, i + 1);
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
        if (end < 0) return false;
        if (key === Key.Amount) amount = Number(s.slice(i, end));
        else if (key !== Key.Other) return false; // a number where a string is expected: String() in the general reader
        i = end;
      } else if (key === Key.Other && (s.startsWith("true", i) || s.startsWith("null", i))) {
        i += 4;
      } else if (key === Key.Other && s.startsWith("false", i)) {
        i += 5;
      } else {
        return false; // objects, arrays (tags), null for a needed field, anything invalid
      }
      if (s.charCodeAt(i) <= 32) i = skipSpace(s, i);
      const sep = s.charCodeAt(i);
      if (sep === 44) {
        i++;
        if (s.charCodeAt(i) <= 32) i = skipSpace(s, i);
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
