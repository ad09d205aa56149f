/**
 * Themes as semantic tokens. Components never name a colour: they ask for `status.ok`, `text.dim`, … and the
 * theme decides. Every status also carries a glyph and a word, so nothing depends on colour alone (NO_COLOR,
 * colour-blind operators, monochrome terminals). The colour theme uses the Okabe–Ito palette, which stays
 * distinguishable for the common colour-vision deficiencies.
 */
import type { BudgetStatus, PlanState, SyncState } from "../engine/types.ts";

export type ThemeName = "okabe-ito" | "mono";

export type Token =
  | "ok"
  | "warn"
  | "danger"
  | "info"
  | "accent"
  | "dim"
  | "actual"
  | "forecast"
  | "band"
  | "budget"
  | "selected";

export interface GlyphSet {
  ok: string;
  warn: string;
  danger: string;
  cursor: string;
  expanded: string;
  collapsed: string;
  leaf: string;
  /** Eighth blocks, empty → full, for the daily cost bars. */
  eighths: string[];
  /** Forecast shades: up to P10, up to P50, up to P90. */
  shades: [string, string, string];
  budgetLine: string;
  barFull: string;
  barMarker: string;
  ellipsis: string;
  arrow: string;
  rule: string;
  planState: Record<PlanState, string>;
}

export interface Theme {
  name: ThemeName;
  /** False for the monochrome theme: components then add no colour props at all. */
  color: boolean;
  /** TERM=dumb and friends: plain ASCII glyphs only. */
  ascii: boolean;
  colors: Record<Token, string | undefined>;
  glyphs: GlyphSet;
}

/** Okabe & Ito (2008), "Color Universal Design". */
export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  grey: "#999999",
} as const;

const UNICODE: GlyphSet = {
  ok: "✔",
  warn: "▲",
  danger: "✖",
  cursor: "›",
  expanded: "▾",
  collapsed: "▸",
  leaf: " ",
  eighths: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
  shades: ["▓", "▒", "░"],
  budgetLine: "┄",
  barFull: "█",
  barMarker: "│",
  ellipsis: "…",
  arrow: "→",
  rule: "─",
  planState: {
    PENDING: "◷",
    APPROVED: "✔",
    EXECUTING: "▶",
    DONE: "■",
    FAILED: "✖",
    VETOED: "⊘",
    CANCELLED: "○",
    GONE: "·",
  },
};

const ASCII: GlyphSet = {
  ok: "+",
  warn: "!",
  danger: "x",
  cursor: ">",
  expanded: "-",
  collapsed: "+",
  leaf: " ",
  eighths: [" ", ".", ".", "_", "_", "o", "o", "#", "#"],
  shades: ["=", "+", "."],
  budgetLine: "-",
  barFull: "#",
  barMarker: "|",
  ellipsis: "~",
  arrow: "->",
  rule: "-",
  planState: {
    PENDING: "~",
    APPROVED: "+",
    EXECUTING: ">",
    DONE: "#",
    FAILED: "x",
    VETOED: "/",
    CANCELLED: "o",
    GONE: ".",
  },
};

export function makeTheme(name: ThemeName, ascii = false): Theme {
  const glyphs = ascii ? ASCII : UNICODE;
  if (name === "mono") {
    const colors = {} as Record<Token, string | undefined>;
    return { name, color: false, ascii, colors, glyphs };
  }
  return {
    name,
    color: true,
    ascii,
    glyphs,
    colors: {
      ok: OKABE_ITO.bluishGreen,
      warn: OKABE_ITO.orange,
      danger: OKABE_ITO.vermillion,
      info: OKABE_ITO.skyBlue,
      accent: OKABE_ITO.skyBlue,
      dim: OKABE_ITO.grey,
      actual: OKABE_ITO.blue,
      forecast: OKABE_ITO.orange,
      band: OKABE_ITO.yellow,
      budget: OKABE_ITO.reddishPurple,
      selected: OKABE_ITO.skyBlue,
    },
  };
}

/** Inputs that decide whether colour may be used at all. */
export interface ColorEnv {
  color: "auto" | "never";
  env: Record<string, string | undefined>;
}

/** NO_COLOR (any non-empty value, no-color.org), TERM=dumb and --no-color all mean: no colour. */
export function colorAllowed({ color, env }: ColorEnv): boolean {
  if (color === "never") return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return true;
}

export function asciiOnly(env: Record<string, string | undefined>): boolean {
  return env.TERM === "dumb";
}

/** The theme to start with: the operator's saved choice when colour is allowed, else monochrome. */
export function resolveTheme(opts: ColorEnv & { requested?: string; saved?: string }): Theme {
  const ascii = asciiOnly(opts.env);
  if (!colorAllowed(opts)) return makeTheme("mono", ascii);
  const wanted = opts.requested ?? opts.saved;
  return makeTheme(wanted === "mono" ? "mono" : "okabe-ito", ascii);
}

export interface StatusLook {
  glyph: string;
  word: string;
  token: Token;
}

export function budgetLook(theme: Theme, status: BudgetStatus | undefined): StatusLook {
  const g = theme.glyphs;
  switch (status) {
    case "OK":
      return { glyph: g.ok, word: "OK", token: "ok" };
    case "AT_RISK":
      return { glyph: g.warn, word: "AT RISK", token: "warn" };
    case "OVER":
      return { glyph: g.danger, word: "OVER", token: "danger" };
    default:
      return { glyph: "?", word: "NO DATA", token: "dim" };
  }
}

export function planStateLook(theme: Theme, state: PlanState): StatusLook {
  const token: Token =
    state === "PENDING"
      ? "warn"
      : state === "APPROVED" || state === "EXECUTING"
        ? "danger"
        : state === "FAILED"
          ? "danger"
          : state === "VETOED" || state === "CANCELLED"
            ? "ok"
            : "dim";
  return { glyph: theme.glyphs.planState[state], word: state, token };
}

export function syncLook(theme: Theme, state: SyncState): StatusLook {
  const g = theme.glyphs;
  switch (state) {
    case "OK":
      return { glyph: g.ok, word: "OK", token: "ok" };
    case "SYNCING":
      return { glyph: g.arrow, word: "SYNCING", token: "info" };
    case "DEGRADED":
      return { glyph: g.warn, word: "DEGRADED", token: "warn" };
    default:
      return { glyph: "?", word: "NEVER", token: "dim" };
  }
}
