/**
 * The key table: the single source for what every key does, the `?` overlay, the footer hints and docs/keys.md.
 * Behaviour is looked up here (key → binding id → handler), so a key that is not in the table does nothing, and
 * `--read-only` removes the dangerous rows instead of refusing them later (the k9s `ClearDanger` idea).
 */
import type { Key } from "ink";

export type ViewId = "overview" | "resources" | "pending" | "chargeback" | "events" | "parked";
export const VIEWS: ViewId[] = ["overview", "resources", "pending", "chargeback", "events", "parked"];
export const VIEW_TITLES: Record<ViewId, string> = {
  overview: "Overview",
  resources: "Resources",
  pending: "Pending",
  chargeback: "Chargeback",
  events: "Events",
  parked: "Parked",
};

/** Where a binding is active: every view ("global"), one view, or a modal (dialog, text prompt, chooser, help). */
export type KeyContext = "global" | ViewId | "list" | "dialog" | "prompt" | "chooser" | "help";

export interface KeyBinding {
  id: string;
  /** Normalised key names, see `keyName`. */
  keys: string[];
  description: string;
  contexts: KeyContext[];
  /** Changes shared state (plan items): removed entirely in read-only mode. */
  dangerous?: boolean;
  /** Short label for the footer; bindings without one are only listed in `?`. */
  hint?: string;
}

const LISTS: KeyContext[] = ["resources", "pending", "chargeback", "events", "parked"];

export const KEY_TABLE: KeyBinding[] = [
  { id: "app.help", keys: ["?"], description: "Show the keys of this view", contexts: ["global"], hint: "help" },
  { id: "app.quit", keys: ["q"], description: "Quit (waits for an action in flight)", contexts: ["global"], hint: "quit" },
  {
    id: "app.interrupt",
    keys: ["ctrl+c"],
    description: "Quit; an action in flight is awaited, never dropped",
    contexts: ["global"],
  },
  {
    id: "app.command",
    keys: [":"],
    description: "Command line: :overview :res :pending :cb :events :parked :help :q",
    contexts: ["global"],
    hint: "cmd",
  },
  { id: "view.overview", keys: ["1"], description: "Overview: burn, daily chart, top spenders", contexts: ["global"] },
  { id: "view.resources", keys: ["2"], description: "Resources: the priority tree", contexts: ["global"] },
  { id: "view.pending", keys: ["3"], description: "Pending terminations with countdowns", contexts: ["global"] },
  { id: "view.chargeback", keys: ["4"], description: "Chargeback: principals × products", contexts: ["global"] },
  { id: "view.events", keys: ["5"], description: "Events: audit log and logs, newest first", contexts: ["global"] },
  { id: "view.parked", keys: ["6"], description: "Parked: what ot3c parked or schedules stopped, and when it comes back", contexts: ["global"] },
  { id: "app.refresh", keys: ["r"], description: "Ask the engine to sync now", contexts: ["global"] },
  { id: "app.theme", keys: ["t"], description: "Switch colour / monochrome theme", contexts: ["global"] },
  { id: "scope.next", keys: ["b"], description: "Next scope: budget (all, then budgets:), then project — every view shows it, remembered for the next start", contexts: ["global"], hint: "scope" },
  { id: "scope.prev", keys: ["B"], description: "Previous scope (budget or project)", contexts: ["global"] },

  { id: "nav.up", keys: ["up", "k"], description: "Move up (in a dialog: scroll)", contexts: [...LISTS, "chooser", "help", "dialog"] },
  { id: "nav.down", keys: ["down", "j"], description: "Move down (in a dialog: scroll)", contexts: [...LISTS, "chooser", "help", "dialog"] },
  { id: "nav.pageUp", keys: ["pageup", "ctrl+b"], description: "Page up", contexts: LISTS },
  { id: "nav.pageDown", keys: ["pagedown", "ctrl+f"], description: "Page down", contexts: LISTS },
  { id: "nav.top", keys: ["home", "g"], description: "First row", contexts: LISTS },
  { id: "nav.bottom", keys: ["end", "G"], description: "Last row", contexts: LISTS },

  { id: "tree.toggle", keys: ["enter"], description: "Group: expand or collapse; resource: its details", contexts: ["resources"], hint: "open" },
  { id: "resource.details", keys: ["d"], description: "Resource details: tags, members, notes", contexts: ["resources"], hint: "details" },
  { id: "tree.expand", keys: ["right", "l"], description: "Expand the group", contexts: ["resources"] },
  { id: "tree.collapse", keys: ["left", "h"], description: "Collapse the group (or go to its group)", contexts: ["resources"] },
  { id: "list.filter", keys: ["/"], description: "Filter this view (names, ids, owners, members, text)", contexts: ["overview", ...LISTS], hint: "filter" },
  { id: "list.clearFilter", keys: ["esc"], description: "Clear the filter (and the marks in Pending)", contexts: ["overview", ...LISTS] },
  { id: "sort.prio", keys: ["P"], description: "Sort by priority (engine order; again reverses)", contexts: ["resources"], hint: "sort" },
  { id: "sort.cost", keys: ["C"], description: "Sort by cost so far (again reverses)", contexts: ["resources"] },
  { id: "sort.forecast", keys: ["F"], description: "Sort by month-end forecast (again reverses)", contexts: ["resources"] },
  { id: "sort.name", keys: ["N"], description: "Sort by name (again reverses)", contexts: ["resources"] },

  { id: "pending.details", keys: ["enter"], description: "Details of the plan item with its members", contexts: ["pending"], hint: "details" },
  { id: "pending.mark", keys: ["space"], description: "Mark/unmark; a, v, p act on all marked items", contexts: ["pending"], hint: "mark" },
  { id: "pending.approve", keys: ["a"], description: "Approve marked items, else the selected one", contexts: ["pending"], dangerous: true, hint: "approve" },
  { id: "pending.veto", keys: ["v"], description: "Veto marked items, else the selected (reason)", contexts: ["pending"], dangerous: true, hint: "veto" },
  { id: "pending.postpone", keys: ["p"], description: "Postpone marked items, else the selected one", contexts: ["pending"], dangerous: true, hint: "postpone" },
  {
    id: "parked.resume",
    keys: ["R"],
    description: "Resume the selected park now (`ot3c resume ITEM`; asks first)",
    contexts: ["parked"],
    dangerous: true,
    hint: "resume",
  },
  { id: "events.open", keys: ["enter"], description: "Open the event: full text, item and members", contexts: ["events"], hint: "open" },
  {
    id: "pending.approveAll",
    keys: ["A"],
    description: "Approve every pending item (type `approve all`)",
    contexts: ["pending"],
    dangerous: true,
  },

  { id: "dialog.switch", keys: ["tab", "left", "right"], description: "Move between Cancel and Confirm", contexts: ["dialog"] },
  { id: "dialog.choose", keys: ["enter"], description: "Press the focused button (Cancel is focused first)", contexts: ["dialog"] },
  { id: "dialog.cancel", keys: ["esc", "q"], description: "Cancel", contexts: ["dialog", "chooser", "help"] },
  { id: "chooser.choose", keys: ["enter"], description: "Take the highlighted choice", contexts: ["chooser"] },
  { id: "prompt.submit", keys: ["enter"], description: "Submit the typed text", contexts: ["prompt"] },
  { id: "prompt.cancel", keys: ["esc"], description: "Cancel typing", contexts: ["prompt"] },
  { id: "prompt.erase", keys: ["backspace"], description: "Erase one character", contexts: ["prompt"] },
];

/** `:` commands; each maps to a binding id so it behaves exactly like the key. */
export const COMMAND_TABLE: Array<{ names: string[]; binding: string }> = [
  { names: ["overview", "o", "1"], binding: "view.overview" },
  { names: ["resources", "res", "r", "2"], binding: "view.resources" },
  { names: ["pending", "pe", "3"], binding: "view.pending" },
  { names: ["chargeback", "cb", "4"], binding: "view.chargeback" },
  { names: ["events", "ev", "5"], binding: "view.events" },
  { names: ["parked", "pk", "6"], binding: "view.parked" },
  { names: ["help", "h"], binding: "app.help" },
  { names: ["refresh"], binding: "app.refresh" },
  { names: ["budget", "b", "scope"], binding: "scope.next" },
  { names: ["q", "quit", "q!"], binding: "app.quit" },
];

export function commandBinding(text: string): string | undefined {
  const name = text.trim().replace(/^:/, "").toLowerCase();
  return COMMAND_TABLE.find((c) => c.names.includes(name))?.binding;
}

/** The table as this session sees it: read-only sessions simply do not have the dangerous rows. */
export function activeTable(readOnly: boolean): KeyBinding[] {
  return readOnly ? KEY_TABLE.filter((b) => !b.dangerous) : KEY_TABLE;
}

/** Contexts consulted for a view, most specific first. */
export function viewContexts(view: ViewId): KeyContext[] {
  return [view, "global"];
}

export function lookup(table: KeyBinding[], contexts: KeyContext[], name: string): KeyBinding | undefined {
  for (const ctx of contexts) {
    const hit = table.find((b) => b.contexts.includes(ctx) && b.keys.includes(name));
    if (hit) return hit;
  }
  return undefined;
}

/** Bindings shown in `?` for a view: the view's own first, then the global ones. */
export function bindingsForView(table: KeyBinding[], view: ViewId): KeyBinding[] {
  const own = table.filter((b) => b.contexts.includes(view));
  const global = table.filter((b) => b.contexts.includes("global"));
  return [...own, ...global];
}

/** Display form of a key name ("up" → "↑"). */
export function displayKey(name: string, ascii = false): string {
  const map: Record<string, [string, string]> = {
    up: ["↑", "Up"],
    down: ["↓", "Down"],
    left: ["←", "Left"],
    right: ["→", "Right"],
    enter: ["Enter", "Enter"],
    esc: ["Esc", "Esc"],
    tab: ["Tab", "Tab"],
    pageup: ["PgUp", "PgUp"],
    pagedown: ["PgDn", "PgDn"],
    home: ["Home", "Home"],
    end: ["End", "End"],
    backspace: ["Bksp", "Bksp"],
    space: ["Space", "Space"],
  };
  const m = map[name];
  if (m) return ascii ? m[1] : m[0];
  if (name.startsWith("ctrl+")) return "Ctrl-" + name.slice(5).toUpperCase();
  return name;
}

export function footerHints(table: KeyBinding[], view: ViewId): Array<{ key: string; label: string }> {
  const own = table.filter((b) => b.hint && b.contexts.includes(view));
  const global = table.filter((b) => b.hint && b.contexts.includes("global"));
  return [
    { key: `1-${VIEWS.length}`, label: "views" },
    ...own.map((b) => ({ key: b.keys[0], label: b.hint! })),
    ...global.map((b) => ({ key: b.keys[0], label: b.hint! })),
  ];
}

/** Normalise Ink's (input, key) pair into one of the names used in the table. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.leftArrow) return "left";
  if (key.rightArrow) return "right";
  if (key.pageUp) return "pageup";
  if (key.pageDown) return "pagedown";
  if (key.home) return "home";
  if (key.end) return "end";
  if (key.return) return "enter";
  if (key.escape) return "esc";
  if (key.tab) return "tab";
  if (key.backspace || key.delete) return "backspace";
  if (key.ctrl && input) return "ctrl+" + input.toLowerCase();
  if (input === " ") return "space";
  return input;
}

const CONTEXT_TITLES: Record<KeyContext, string> = {
  global: "Everywhere",
  overview: "Overview (1)",
  resources: "Resources (2)",
  pending: "Pending (3)",
  chargeback: "Chargeback (4)",
  events: "Events (5)",
  parked: "Parked (6)",
  list: "Lists",
  dialog: "Confirm dialog",
  prompt: "Text prompts (filter, veto reason, typed confirmation, command line)",
  chooser: "Choosers (postpone duration)",
  help: "Help overlay and detail boxes (plan item, resource, event)",
};

/** docs/keys.md, generated from the table; `bun src/tui/keys-doc.ts --write` rewrites it, a test compares. */
export function keysMarkdown(): string {
  const out: string[] = [
    "# ot3c TUI keys",
    "",
    "Generated from `src/tui/keys.ts` by `bun src/tui/keys-doc.ts --write`; do not edit by hand.",
    "Rows marked **dangerous** change shared state and are removed entirely with `--read-only`.",
    "",
  ];
  const order: KeyContext[] = ["global", ...VIEWS, "dialog", "chooser", "prompt", "help"];
  for (const ctx of order) {
    const rows = KEY_TABLE.filter((b) => b.contexts.includes(ctx));
    if (rows.length === 0) continue;
    out.push(`## ${CONTEXT_TITLES[ctx]}`, "", "| Keys | Id | Does | |", "|---|---|---|---|");
    for (const b of rows) {
      const keys = b.keys.map((k) => "`" + displayKey(k) + "`").join(" ");
      out.push(`| ${keys} | \`${b.id}\` | ${b.description.replace(/\|/g, "\\|")} | ${b.dangerous ? "**dangerous**" : ""} |`);
    }
    out.push("");
  }
  out.push("## Commands (`:`)", "", "| Command | Same as |", "|---|---|");
  for (const c of COMMAND_TABLE) out.push(`| ${c.names.map((n) => "`:" + n + "`").join(" ")} | \`${c.binding}\` |`);
  out.push("");
  return out.join("\n");
}
