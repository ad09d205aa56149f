/**
 * The PromQL subset the simulated Prometheus evaluates: instant and range vector selectors with label matchers
 * (`=`, `!=`, `=~`, `!~`), `sum_over_time`, `increase`, `rate`, and `sum` with an optional `by (…)` clause (in
 * front or behind). Anything else is `Unsupported` — the routes answer it with an empty success, as a real
 * Prometheus answers a query about series it does not have, so that other clients keep working.
 */

export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export type Expr =
  | { kind: "selector"; matchers: Matcher[]; rangeMs?: number }
  | { kind: "call"; fn: "sum_over_time" | "increase" | "rate"; arg: Expr & { kind: "selector" } }
  | { kind: "sum"; by?: string[]; arg: Expr };

export class Unsupported extends Error {}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** `1h30m`, `5m`, `90s` → ms. */
export function parseDuration(text: string): number {
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  if (at !== text.length || total <= 0) throw new Unsupported(`bad duration ${text}`);
  return total;
}

type Token = { t: "id" | "str" | "op" | "punct" | "dur"; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest))) {
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) {
          const e = src[j + 1]!;
          value += e === "n" ? "\n" : e === "t" ? "\t" : e;
          j += 2;
        } else value += src[j++];
      }
      if (j >= src.length) throw new Unsupported("unterminated string");
      out.push({ t: "str", v: value });
      i = j + 1;
    } else if ((m = /^(=~|!~|!=|=)/.exec(rest))) {
      out.push({ t: "op", v: m[0] });
      i += m[0].length;
    } else if (c === "[") {
      const j = src.indexOf("]", i);
      if (j < 0) throw new Unsupported("unclosed [");
      out.push({ t: "dur", v: src.slice(i + 1, j).trim() });
      i = j + 1;
    } else if ("{}(),".includes(c)) {
      out.push({ t: "punct", v: c });
      i++;
    } else throw new Unsupported(`unsupported character ${c}`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private take(t?: Token["t"], v?: string): Token {
    const tok = this.tokens[this.i];
    if (!tok || (t && tok.t !== t) || (v !== undefined && tok.v !== v)) throw new Unsupported(`expected ${v ?? t}`);
    this.i++;
    return tok;
  }
  private is(t: Token["t"], v?: string): boolean {
    const tok = this.peek();
    return !!tok && tok.t === t && (v === undefined || tok.v === v);
  }

  parseAll(): Expr {
    const e = this.expr();
    if (this.peek()) throw new Unsupported("unexpected trailing input");
    return e;
  }

  private labelList(): string[] {
    this.take("punct", "(");
    const labels: string[] = [];
    while (!this.is("punct", ")")) {
      labels.push(this.take("id").v);
      if (!this.is("punct", ")")) this.take("punct", ",");
    }
    this.take("punct", ")");
    return labels;
  }

  private expr(): Expr {
    const tok = this.peek();
    if (!tok) throw new Unsupported("empty expression");
    if (tok.t === "id" && tok.v === "sum" && (this.tokens[this.i + 1]?.v === "(" || this.tokens[this.i + 1]?.v === "by")) {
      this.i++;
      let by: string[] | undefined;
      if (this.is("id", "by")) {
        this.i++;
        by = this.labelList();
      }
      this.take("punct", "(");
      const arg = this.expr();
      this.take("punct", ")");
      if (!by && this.is("id", "by")) {
        this.i++;
        by = this.labelList();
      }
      return { kind: "sum", ...(by ? { by } : {}), arg };
    }
    if (tok.t === "id" && (tok.v === "sum_over_time" || tok.v === "increase" || tok.v === "rate") && this.tokens[this.i + 1]?.v === "(") {
      this.i += 2;
      const arg = this.expr();
      this.take("punct", ")");
      if (arg.kind !== "selector" || arg.rangeMs === undefined) throw new Unsupported(`${tok.v} needs a range vector`);
      return { kind: "call", fn: tok.v, arg: arg as Expr & { kind: "selector" } };
    }
    return this.selector();
  }

  private selector(): Expr {
    const matchers: Matcher[] = [];
    if (this.is("id")) {
      const name = this.take("id").v;
      if (this.is("punct", "(")) throw new Unsupported(`function ${name} is not evaluated`);
      matchers.push({ label: "__name__", op: "=", value: name });
    }
    if (this.is("punct", "{")) {
      this.i++;
      while (!this.is("punct", "}")) {
        const label = this.take("id").v;
        const op = this.take("op").v as Matcher["op"];
        matchers.push({ label, op, value: this.take("str").v });
        if (!this.is("punct", "}")) this.take("punct", ",");
      }
      this.take("punct", "}");
    }
    if (matchers.length === 0) throw new Unsupported("not a vector selector");
    let rangeMs: number | undefined;
    if (this.is("dur")) rangeMs = parseDuration(this.take("dur").v);
    return { kind: "selector", matchers, ...(rangeMs !== undefined ? { rangeMs } : {}) };
  }
}

export function parsePromQL(query: string): Expr {
  return new Parser(tokenize(query)).parseAll();
}

/** Prometheus anchors label regexes at both ends. */
export function matches(labels: Record<string, string>, matchers: Matcher[]): boolean {
  for (const m of matchers) {
    const v = labels[m.label] ?? "";
    if (m.op === "=" && v !== m.value) return false;
    if (m.op === "!=" && v === m.value) return false;
    if (m.op === "=~" || m.op === "!~") {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${m.value})$`);
      } catch {
        throw new Unsupported(`bad regex ${m.value}`);
      }
      if (re.test(v) !== (m.op === "=~")) return false;
    }
  }
  return true;
}
