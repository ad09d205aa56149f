/**
 * The TUI root: one engine subscription, one input owner, and a pure mapping from (snapshot, UI state) to a
 * frame that is never taller than the terminal. Keys go through the key table (keys.ts); modal state decides
 * which context of the table is consulted, so exactly one thing reacts to a key at a time.
 */
import { useCallback, useMemo, useRef, useState } from "react";
import { useRefState } from "./use-ref-state.ts";
import { useViewData } from "./use-view-data.ts";
import { Box, useInput, useStdin, type Key } from "ink";
import type { Clock, EngineHandle, EngineSnapshot, PlanItem } from "../engine/types.ts";
import {
  VIEWS,
  activeTable,
  footerHints,
  keyName,
  lookup,
  viewContexts,
  type ViewId,
} from "./keys.ts";
import { nextSort, type SortKey, type SortOrder } from "./tree.ts";
import { makeTheme, type ThemeName } from "./theme.ts";
import type { PrefsStore } from "./prefs.ts";
import { NowProvider } from "./now-store.ts";
import { useCoalescedSnapshot } from "./use-snapshot.ts";
import { useConnection } from "./use-connection.ts";
import { scopedSnapshot, stepScope } from "./scope/index.ts";
import { useScopeChoice } from "./scope/use-scope.ts";
import { useEngineActions } from "./use-engine-actions.ts";
import { useTerminalSize } from "./use-terminal-size.ts";
import { splitKeyPresses } from "./key-input.ts";
import { itemActionModal } from "./item-actions.ts";
import { approveAllPrompt, resumeDialog, type DialogContext, type Modal } from "./dialogs.ts";
import { Plain, ThemeContext } from "./components/Line.tsx";
import { Header, headerLayout } from "./components/Header.tsx";
import { wrapText } from "./format.ts";
import type { Filters } from "./use-view-data.ts";
import { Footer, Tabs, type Status } from "./components/Chrome.tsx";
import { ModalBody } from "./components/ModalBody.tsx";
import { handleModalKey } from "./modal-keys.ts";
import type { LogFeed } from "./views/Events.tsx";
import { viewBody } from "./components/ViewBody.tsx";

/** The smallest terminal the UI runs in (a tmux pane with a status line on 80×24 is 80×23; below that 60×15). */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
const NO_FILTERS: Filters = { overview: "", resources: "", pending: "", chargeback: "", events: "", parked: "" };

/** Facts the engine's snapshot may not carry, given by whoever starts the TUI; the snapshot's own fields win. */
export type SnapshotExtras = Partial<Pick<EngineSnapshot, "demo" | "currency" | "timeZone" | "notifyWarning">>;

export interface AppProps {
  snapshotExtras?: SnapshotExtras;
  handle: EngineHandle;
  readOnly: boolean;
  clock: Clock;
  prefs: PrefsStore;
  /** Who the audit log names for actions taken here (the operator's login). */
  actor: string;
  /** False under NO_COLOR / TERM=dumb / --no-color: the theme stays monochrome, `t` cannot change that. */
  colorAllowed: boolean;
  ascii: boolean;
  initialTheme: ThemeName;
  logs?: LogFeed;
  tickMs?: number;
  coalesceMs?: number;
  /** Called when the operator forces a quit while actions are still in flight (run.ts reports it). */
  onForcedQuit?: (inFlight: number) => void;
}

function stripUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export function App(props: AppProps) {
  const [themeName, setThemeName] = useState<ThemeName>(props.colorAllowed ? props.initialTheme : "mono");
  const theme = useMemo(() => makeTheme(themeName, props.ascii), [themeName, props.ascii]);
  return (
    <NowProvider clock={props.clock} tickMs={props.tickMs ?? 1000}>
      <ThemeContext.Provider value={theme}>
        <Screen {...props} themeName={themeName} setThemeName={setThemeName} />
      </ThemeContext.Provider>
    </NowProvider>
  );
}

type ScreenProps = AppProps & { themeName: ThemeName; setThemeName: (t: ThemeName) => void };

function Screen(props: ScreenProps) {
  const { handle, readOnly, prefs, clock } = props;
  const raw = useCoalescedSnapshot(handle, props.coalesceMs ?? 250);
  const extras = props.snapshotExtras;
  const snap = useMemo(() => (raw && extras ? ({ ...extras, ...stripUndefined(raw) } as EngineSnapshot) : raw), [raw, extras]);
  // The budget/project selector (b/B): the views see the snapshot as that scope sees it (scope/index.ts).
  const [scopeChoice, scopeRef, setScope] = useScopeChoice(snap, prefs);
  const shown = useMemo(() => (snap ? scopedSnapshot(snap, scopeChoice) : snap), [snap, scopeChoice]);
  const { columns, rows } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  // Daemon gone: actions are greyed out (removed) until the link is back; see use-connection.ts.
  const link = useConnection(handle);
  const locked = readOnly || link.state !== "connected";
  const table = useMemo(() => activeTable(locked), [locked]);
  const who = useMemo(() => ({ actor: props.actor, source: "tui" as const }), [props.actor]);

  const initial = useMemo(() => prefs.get(), [prefs]);
  // The key handler reads view, cursors and modal from refs that change with every update (see use-ref-state).
  const [view, viewRef, setViewState] = useRefState<ViewId>(initial.view);
  const [, cursorsRef, setCursors] = useRefState<Record<ViewId, number>>({ overview: 0, resources: 0, pending: 0, chargeback: 0, events: 0, parked: 0 });
  // k9s habit: the cursor stays on the item (by key) when the list re-sorts or refreshes; the row index is only
  // the fallback when the item has gone.
  const selectedRef = useRef<Partial<Record<ViewId, string>>>({});
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [marked, markedRef, setMarked] = useRefState<ReadonlySet<string>>(new Set());
  // Refs as well as state: two keys can arrive before React renders in between (tmux, a slow link, a loaded machine).
  const [sort, sortRef, setSortState] = useRefState<SortOrder>(initial.sort);
  const [collapsed, collapsedRef, setCollapsed] = useRefState<ReadonlySet<string>>(new Set(initial.collapsed));
  const [modal, modalRef, setModal] = useRefState<Modal | undefined>(undefined);
  // The demo says on its first screen where its banner went (the help overlay): state dir, attach, clock.
  const [status, setStatus] = useState<Status | undefined>(
    props.snapshotExtras?.demo ? { text: "DEMO: ? shows the state dir, how to attach and why the clock is ahead", token: "info" } : undefined,
  );

  const viewData = useViewData(shown, { sort, collapsed, filters, logs: props.logs, view });
  const { treeRows, planRows, units, pendingItems, events, counts, keys } = viewData;
  const theme = useMemo(() => makeTheme(props.themeName, props.ascii), [props.themeName, props.ascii]);
  const headerLines = useMemo(
    () => (snap ? headerLayout(snap, theme, readOnly, handle.connection, columns, link) : []),
    [snap, theme, readOnly, handle.connection, columns, link],
  );
  // A result may wrap onto a second line, except on short terminals where the body needs every row.
  const statusLines = status ? wrapText(status.text, columns).slice(0, rows >= 20 ? 2 : 1) : [" "];
  const chromeRows = headerLines.length + 1 /* tabs */ + statusLines.length + 1; /* hints */
  const bodyH = Math.max(1, rows - 1 - chromeRows);
  const ctx: DialogContext | undefined = useMemo(() => (snap ? { snap, units } : undefined), [snap, units]);

  const cursor = (v: ViewId) => {
    const n = counts[v];
    // The item under the cursor is remembered from the first time it is shown, not only after a move: a re-sort
    // right after opening a view must not move the cursor to another item.
    if (selectedRef.current[v] === undefined && n > 0) selectedRef.current[v] = keys[v](Math.max(0, Math.min(cursorsRef.current[v], n - 1)));
    const key = selectedRef.current[v];
    if (key !== undefined) {
      // Cheap when the item is still where it was; a scan only after a re-sort or a refresh moved it.
      const at = Math.max(0, Math.min(cursorsRef.current[v], n - 1));
      if (keys[v](at) === key) return at;
      for (let i = 0; i < n; i++) if (keys[v](i) === key) return i;
    }
    return Math.max(0, Math.min(cursorsRef.current[v], n - 1));
  };
  const selectIndex = (v: ViewId, i: number) => {
    selectedRef.current[v] = keys[v](i);
    setCursors((c) => ({ ...c, [v]: i }));
  };
  const currentItem = (): PlanItem | undefined => planRows[cursor("pending")];
  /** What a, v and p act on: the marked items that are still listed, else the selected one. */
  const targets = (): PlanItem[] => {
    if (markedRef.current.size > 0) return planRows.filter((p) => markedRef.current.has(p.id));
    const item = currentItem();
    return item ? [item] : [];
  };

  const setView = (v: ViewId) => {
    setViewState(v);
    prefs.set({ view: v });
  };
  const setSort = (key: SortKey) => {
    const next = nextSort(sortRef.current, key);
    setSortState(next);
    prefs.set({ sort: next });
  };
  const setCollapsedPersist = (next: Set<string>) => {
    setCollapsed(next);
    prefs.set({ collapsed: [...next] });
  };
  const setFilter = (v: ViewId, text: string) => {
    setFilters((f) => ({ ...f, [v]: text }));
  };
  const moveCursor = (delta: number | "top" | "bottom") => {
    const v = viewRef.current;
    const n = counts[v];
    const cur = cursor(v);
    const next = delta === "top" ? 0 : delta === "bottom" ? n - 1 : cur + delta;
    selectIndex(v, Math.max(0, Math.min(next, n - 1)));
  };

  // ---- commands to the engine: counted while in flight so quitting can wait for them ----
  const glyphs = useMemo(() => makeTheme("mono", props.ascii).glyphs, [props.ascii]);
  const { send, quit, inFlight, quitting } = useEngineActions(handle, glyphs, setStatus, props.onForcedQuit);

  // ---- the behaviour of every binding id in the key table ----
  const run = (id: string) => {
    const item = currentItem();
    const nowMs = clock.now();
    switch (id) {
      case "app.help":
        return setModal({ kind: "help", scroll: 0 });
      case "app.quit":
        return quit(false);
      case "app.interrupt":
        return quit(true);
      case "app.command":
        return setModal({ kind: "prompt", purpose: "command", text: "" });
      case "app.refresh":
        return void send({ type: "refresh", ...who }, "refresh");
      case "scope.next":
      case "scope.prev": {
        if (!snap) return;
        const next = stepScope(snap, scopeRef.current, id === "scope.next" ? 1 : -1);
        setScope(next);
        return setStatus({ text: `scope: ${next.kind} ${next.name}`, token: "info" });
      }
      case "app.theme":
        if (!props.colorAllowed) return setStatus({ text: "colour is off (NO_COLOR, TERM=dumb or --no-color)", token: "dim" });
        props.setThemeName(props.themeName === "mono" ? "okabe-ito" : "mono");
        prefs.set({ theme: props.themeName === "mono" ? "okabe-ito" : "mono" });
        return;
      case "nav.up":
        return moveCursor(-1);
      case "nav.down":
        return moveCursor(1);
      case "nav.pageUp":
        return moveCursor(-Math.max(1, bodyH - 3));
      case "nav.pageDown":
        return moveCursor(Math.max(1, bodyH - 3));
      case "nav.top":
        return moveCursor("top");
      case "nav.bottom":
        return moveCursor("bottom");
      case "tree.toggle":
      case "tree.expand":
      case "tree.collapse": {
        const row = treeRows[cursor("resources")];
        if (!row) return;
        if (!row.isGroup) {
          if (id === "tree.toggle") return setModal({ kind: "resource", unitId: row.vr.id, scroll: 0 });
          if (id === "tree.collapse" && row.parentId) {
            const parent = treeRows.findIndex((r) => r.id === row.parentId && r.depth === row.depth - 1);
            if (parent >= 0) selectIndex("resources", parent);
          }
          return;
        }
        const next = new Set(collapsedRef.current);
        const isCollapsed = collapsedRef.current.has(row.id);
        if (id === "tree.expand" || (id === "tree.toggle" && isCollapsed)) next.delete(row.id);
        else next.add(row.id);
        return setCollapsedPersist(next);
      }
      case "resource.details": {
        const row = treeRows[cursor("resources")];
        return row ? setModal({ kind: "resource", unitId: row.vr.id, scroll: 0 }) : undefined;
      }
      case "events.open": {
        const row = events[cursor("events")];
        return row ? setModal({ kind: "event", key: row.key, scroll: 0 }) : undefined;
      }
      case "list.filter":
        return setModal({ kind: "prompt", purpose: "filter", text: filters[viewRef.current] });
      case "list.clearFilter":
        setFilter(viewRef.current, "");
        if (viewRef.current === "pending" && marked.size) setMarked(new Set());
        return;
      case "sort.prio":
        return setSort("prio");
      case "sort.cost":
        return setSort("cost");
      case "sort.forecast":
        return setSort("forecast");
      case "sort.name":
        return setSort("name");
      case "pending.details":
        return item ? setModal({ kind: "details", itemId: item.id, scroll: 0 }) : undefined;
      case "pending.mark": {
        if (!item) return;
        const next = new Set(markedRef.current);
        if (next.has(item.id)) next.delete(item.id);
        else next.add(item.id);
        setMarked(next);
        return moveCursor(1);
      }
      case "pending.approve":
      case "pending.veto":
      case "pending.postpone": {
        const r = itemActionModal(id, targets(), ctx, nowMs, who);
        if (r) return "modal" in r ? setModal(r.modal) : setStatus(r.status);
        return;
      }
      case "parked.resume": {
        const row = viewData.parked[cursor("parked")];
        if (!row || !ctx) return;
        if (!row.itemId) return setStatus({ text: `${row.name} is stopped by schedule ${row.schedule ?? ""}; it starts with the schedule (nothing sent)`, token: "warn" });
        return setModal(resumeDialog(ctx, row.itemId, nowMs, who));
      }
      case "pending.approveAll":
        if (pendingItems.length === 0) return setStatus({ text: "nothing is pending", token: "dim" });
        return setModal(approveAllPrompt(pendingItems));
      default:
        if (id.startsWith("view.")) {
          const v = id.slice(5) as ViewId;
          if (VIEWS.includes(v)) setView(v);
        }
    }
  };

  // ---- modal input: each modal kind consults its own context of the key table (modal-keys.ts) ----
  const onModalKey = (m: Modal, name: string, input: string, key: Key) =>
    handleModalKey(m, name, input, key, {
      table,
      planRows,
      ctx,
      now: () => clock.now(),
      who,
      setModal,
      setStatus,
      clearMarks: () => setMarked(new Set()),
      send,
      run,
      setFilter: (text) => setFilter(viewRef.current, text),
    });

  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;

  // The handler is replaced on every render and called through a ref, so a key never sees a stale closure even
  // when it arrives between a render and the effect that would re-subscribe a new handler.
  const onKey = useRef<(input: string, key: Key) => void>(() => {});
  onKey.current = (input, key) => {
    // One read may hold several presses (key-input.ts); each goes through here on its own, so a "/" that opens
    // the filter prompt sends the characters after it into the prompt.
    const presses = splitKeyPresses(input, key, modalRef.current?.kind === "prompt");
    if (presses.length > 1) {
      for (const p of presses) onKey.current(p.input, p.key);
      return;
    }
    const name = keyName(input, key);
    // Quitting is always possible, even inside a dialog or on a too-small terminal.
    if (name === "ctrl+c") return run("app.interrupt");
    if (tooSmall) {
      if (name === "q") run("app.quit");
      return;
    }
    if (modalRef.current) return onModalKey(modalRef.current, name, input, key);
    const b = lookup(table, viewContexts(viewRef.current), name);
    if (b) run(b.id);
  };
  const stableOnKey = useCallback((input: string, key: Key) => onKey.current(input, key), []);
  useInput(stableOnKey, { isActive: isRawModeSupported === true });

  // ---- frame ----
  if (tooSmall) {
    return (
      <Box flexDirection="column">
        <Plain text={`terminal too small (need ${MIN_COLUMNS}×${MIN_ROWS}, have ${columns}×${rows})`} bold token="warn" />
        <Plain text="enlarge the window, or q to quit" token="dim" />
      </Box>
    );
  }
  if (!snap) {
    return (
      <Box flexDirection="column" height={rows - 1}>
        <Plain text={`ot3c — connecting to the engine (${handle.connection})…`} bold />
        <Plain text="q quits" token="dim" />
      </Box>
    );
  }

  const footerStatus: Status | undefined =
    modal?.kind === "prompt" && modal.purpose === "filter"
      ? { text: `/${modal.text}_   (Enter keeps, Esc clears)`, token: "accent" }
      : modal?.kind === "prompt" && modal.purpose === "command"
        ? { text: `:${modal.text}_`, token: "accent" }
        : inFlight > 0 && !quitting
          ? { text: `${status?.text ?? "working…"} (${inFlight} in flight)`, token: "info" }
          : status;

  // Filter and command prompts are typed in the footer; every other modal replaces the view body.
  const body =
    modal && ctx && !(modal.kind === "prompt" && (modal.purpose === "filter" || modal.purpose === "command")) ? (
      <ModalBody modal={modal} ctx={ctx} planRows={planRows} events={events} table={table} view={view} readOnly={readOnly} width={columns} height={bodyH} prefsPath={prefs.path} now={clock.now()} />
    ) : (
      viewBody({ view, snap: shown ?? snap, data: viewData, cursor, marked, filters, sort, locked, width: columns, height: bodyH })
    );

  // One row shorter than the terminal: a frame as tall as the terminal makes Ink clear the whole screen on every
  // frame (its fullscreen path), which flickers over slow links.
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Header lines={headerLines} />
      <Tabs view={view} pendingCount={pendingItems.length} width={columns} />
      {/* Views never squash their lines to fit (Ink would overlap them); what does not fit is clipped here. */}
      <Box flexDirection="column" height={bodyH} overflow="hidden">
        {body}
      </Box>
      <Footer status={footerStatus} hints={footerHints(table, view)} width={columns} rows={statusLines.length} />
    </Box>
  );
}
