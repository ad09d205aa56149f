/**
 * Per-operator TUI preferences (last view, sort order, theme, collapsed groups, the scope picked with b/B),
 * persisted with `conf`. Shared
 * state (plan items, vetoes, audit) never lives here — that is SQLite's job. A broken or unwritable prefs file
 * must never stop the TUI, so every failure degrades to in-memory prefs.
 */
import Conf from "conf";
import { VIEWS, type ViewId } from "./keys.ts";
import type { SortKey, SortOrder } from "./tree.ts";
import type { ThemeName } from "./theme.ts";

export interface Prefs {
  view: ViewId;
  sort: SortOrder;
  theme?: ThemeName;
  collapsed: string[];
  /** The budget or project last picked with b/B (absent: all); restored only if it still exists (scope/use-scope.ts). */
  scope?: { kind: "budget" | "project"; name: string };
}

/** Budget names are short (config), project names OTC's (≤ 64): anything longer is not one of ours. */
const MAX_SCOPE_NAME = 256;

export const DEFAULT_PREFS: Prefs = { view: "overview", sort: { key: "prio", reverse: false }, collapsed: [] };

export interface PrefsStore {
  get(): Prefs;
  set(patch: Partial<Prefs>): void;
  /** Where they are kept (for `?`), or "memory". */
  readonly path: string;
}

const SORT_KEYS: SortKey[] = ["prio", "cost", "forecast", "name"];

/** Accept only what we understand; anything else falls back to the default for that field. */
export function sanitizePrefs(raw: unknown): Prefs {
  const r = (raw ?? {}) as Record<string, unknown>;
  const sort = (r.sort ?? {}) as Record<string, unknown>;
  return {
    view: VIEWS.includes(r.view as ViewId) ? (r.view as ViewId) : DEFAULT_PREFS.view,
    sort: {
      key: SORT_KEYS.includes(sort.key as SortKey) ? (sort.key as SortKey) : "prio",
      reverse: sort.reverse === true,
    },
    theme: r.theme === "mono" || r.theme === "okabe-ito" ? r.theme : undefined,
    // Bounded so a long-lived prefs file cannot grow without limit.
    collapsed: Array.isArray(r.collapsed) ? r.collapsed.filter((x): x is string => typeof x === "string").slice(-2000) : [],
    scope: scopeOf(r.scope),
  };
}

function scopeOf(raw: unknown): Prefs["scope"] {
  if (raw === null || typeof raw !== "object") return undefined;
  const { kind, name } = raw as Record<string, unknown>;
  if ((kind !== "budget" && kind !== "project") || typeof name !== "string" || name.length === 0 || name.length > MAX_SCOPE_NAME) return undefined;
  return { kind, name };
}

export function memoryPrefs(initial: Partial<Prefs> = {}): PrefsStore {
  let prefs = sanitizePrefs({ ...DEFAULT_PREFS, ...initial });
  return {
    path: "memory",
    get: () => prefs,
    set: (patch) => {
      prefs = sanitizePrefs({ ...prefs, ...patch });
    },
  };
}

/**
 * Under systemd (`$STATE_DIRECTORY`) or without a home directory the prefs go to the state directory; otherwise
 * to the operator's config directory (`~/.config/ot3c-nodejs/`, honouring XDG_CONFIG_HOME).
 */
export function prefsDir(env: Record<string, string | undefined>, stateDir?: string): string | undefined {
  if (env.STATE_DIRECTORY) return stateDir ?? env.STATE_DIRECTORY.split(":")[0];
  if (!env.HOME && !env.XDG_CONFIG_HOME) return stateDir;
  return undefined;
}

export function openPrefs(opts: { cwd?: string } = {}): PrefsStore {
  try {
    const conf = new Conf<Record<string, unknown>>({
      projectName: "ot3c",
      configName: "tui",
      cwd: opts.cwd,
      configFileMode: 0o600,
      clearInvalidConfig: true,
    });
    let prefs = sanitizePrefs(conf.store);
    return {
      path: conf.path,
      get: () => prefs,
      set: (patch) => {
        prefs = sanitizePrefs({ ...prefs, ...patch });
        try {
          conf.store = prefs as unknown as Record<string, unknown>;
        } catch {
          // Read-only home or full disk: keep the prefs for this session only.
        }
      },
    };
  } catch {
    return memoryPrefs();
  }
}
