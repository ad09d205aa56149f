/**
 * `ot3c status`: what the running daemon will do — who leads, the epoch, the last sync and the daemon's own plan
 * items (not a fresh recomputation like `plan`), as a versioned document (docs/output.md) or text.
 *
 * Instants in the document are UTC (`…Z`); each deadline also comes in the billing time zone, which is named.
 */
import { DEFAULT_TIME_ZONE } from "../engine/period.ts";
import { rfc3339 } from "../engine/planner/plan-file.ts";
import type { CloudResource, EngineSnapshot, PlanItem, ResourceUnit } from "../engine/types.ts";
import { budgetsDocument, budgetsText, itemShown, type BudgetScopeDocument, type ScopeChoice } from "../cli/scope-filter.ts";
import { terminalSafe } from "../util/terminal-safe.ts";
import { amount } from "../format/index.ts";

export const STATUS_VERSION = 1;

export interface StatusItem {
  id: string;
  state: PlanItem["state"];
  action: PlanItem["action"];
  resource: string;
  name: string;
  /** Leaf resources the call acts on, by name (a group lists every member). */
  members: string[];
  prio: number;
  owner: string | null;
  /** UTC. */
  deadline: string;
  /** The same instant in `timeZone`. */
  deadlineLocal: string;
  saving: number;
  approvedBy: string | null;
  vetoReason: string | null;
  error: string | null;
  /** With `budgets:`: the budgets whose spend it lowers (`all` first). */
  budgets?: string[];
}

export interface StatusDocument {
  version: number;
  /**
   * The daemon answered on `socket`. With a shared PostgreSQL store and no daemon on this host, the document is read
   * from the database instead: `source: "store"`, `socket` and `pid` null, `stateDir` the store (password removed).
   */
  daemon: { stateDir: string; socket: string | null; pid: number | null; source?: "store" };
  project: { name: string; region: string; id: string | null };
  mode: EngineSnapshot["mode"];
  approval: EngineSnapshot["approval"];
  /** null when the daemon runs without a lease (an older ot3c). */
  leader: { role: "LEADER" | "FOLLOWER"; self: string; holder: string | null; epoch: number; expiresAt: string | null } | null;
  lastSync: { state: string; lastAttemptAt: string | null; lastSuccessAt: string | null; error: string | null };
  timeZone: string;
  /** Open items first (by deadline), then this period's finished ones. */
  items: StatusItem[];
  /** When this document was made (UTC). */
  at: string;
  /** `--budget` / `--project`: only the items serving them are listed. */
  filter?: { budget: string | null; project: string | null };
  /** With `budgets:`: every budget (`all` first), its figures and the open items serving it. */
  budgets?: BudgetScopeDocument[];
}

/** An instant as UTC RFC 3339, null when unknown. */
export const utc = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function memberNames(item: PlanItem, roots: Map<string, ResourceUnit>): { name: string; members: string[] } {
  // Stored items carry the leaves they act on (src/store/store.ts); fall back to the current tree.
  const leaves = (item as PlanItem & { resources?: CloudResource[] }).resources;
  const root = roots.get(item.vrId);
  const fromTree = (u: ResourceUnit): string[] => (u.members.length ? u.members.flatMap(fromTree) : [u.name]);
  const members = leaves?.length ? leaves.map((r) => r.name || r.id) : root ? fromTree(root) : [];
  return { name: root?.name ?? members[0] ?? item.vrId, members };
}

const OPEN = new Set(["PENDING", "APPROVED", "EXECUTING"]);

export function statusDocument(
  snap: EngineSnapshot,
  daemon: { stateDir: string; socket: string; pid?: number },
  timeZone = DEFAULT_TIME_ZONE,
  choice: ScopeChoice = {},
): StatusDocument {
  const roots = new Map(snap.resources.map((r) => [r.id, r]));
  const filtered = choice.budget !== undefined || choice.project !== undefined;
  const home = { id: snap.project.id, name: snap.project.name, region: snap.project.region };
  const shown = filtered ? snap.plan.filter((i) => itemShown(choice, i, home, (id) => roots.get(id))) : snap.plan;
  const items = shown;
  const l = snap.lease;
  return {
    version: STATUS_VERSION,
    daemon: { stateDir: daemon.stateDir, socket: daemon.socket, pid: daemon.pid ?? null },
    project: { name: snap.project.name, region: snap.project.region, id: snap.project.id ?? null },
    mode: snap.mode,
    approval: snap.approval,
    leader: l ? { role: l.role, self: l.self, holder: l.holder ?? null, epoch: l.epoch, expiresAt: utc(l.expiresAt) } : null,
    lastSync: { state: snap.sync.state, lastAttemptAt: utc(snap.sync.lastAttemptAt), lastSuccessAt: utc(snap.sync.lastSuccessAt), error: snap.sync.error ?? null },
    timeZone,
    items: statusItems(items, roots, timeZone),
    at: new Date(snap.at).toISOString(),
    ...(filtered ? { filter: { budget: choice.budget ?? null, project: choice.project ?? null } } : {}),
    ...(snap.budgets ? { budgets: budgetsDocument(snap.budgets) } : {}),
  };
}

/** Open items first (by deadline), then the finished ones; member names from the stored leaves or the tree. */
export function statusItems(items: PlanItem[], roots: Map<string, ResourceUnit>, timeZone: string): StatusItem[] {
  return [...items]
    .sort((a, b) => Number(OPEN.has(b.state)) - Number(OPEN.has(a.state)) || a.deadline - b.deadline)
    .map((i) => {
      const { name, members } = memberNames(i, roots);
      return {
        id: i.id,
        state: i.state,
        action: i.action,
        resource: i.vrId,
        name,
        members,
        prio: i.prio,
        owner: i.owner ?? null,
        deadline: new Date(i.deadline).toISOString(),
        deadlineLocal: rfc3339(i.deadline, timeZone),
        saving: Math.round(i.tsave * 100) / 100,
        approvedBy: i.approvedBy ?? null,
        vetoReason: i.vetoReason ?? null,
        error: i.error ?? null,
        ...(i.budgets ? { budgets: i.budgets } : {}),
      };
    });
}

function pad(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s.padEnd(n);
}

export function statusText(doc: StatusDocument): string {
  const lines: string[] = [];
  const who = doc.leader
    ? doc.leader.role === "LEADER"
      ? `LEADER (epoch ${doc.leader.epoch}, lease until ${doc.leader.expiresAt})`
      : `FOLLOWER — leader ${doc.leader.holder ?? "none"} (epoch ${doc.leader.epoch})`
    : "no lease information";
  lines.push(
    doc.daemon.source === "store"
      ? `no ot3c daemon on this host; read from the shared store ${doc.daemon.stateDir}: ${who}`
      : `ot3c daemon pid ${doc.daemon.pid ?? "?"} on ${doc.daemon.socket}: ${who}`,
  );
  lines.push(`project ${doc.project.name} (${doc.project.region}), ${doc.mode}, approval ${doc.approval}`);
  lines.push(
    `last sync: ${doc.lastSync.state}${doc.lastSync.lastSuccessAt ? `, last success ${doc.lastSync.lastSuccessAt}` : ""}${doc.lastSync.error ? ` — ${doc.lastSync.error}` : ""}`,
  );
  if (doc.budgets && doc.budgets.length > 0) lines.push("", ...budgetsText(doc.budgets, "", doc.filter?.budget ?? undefined));
  if (doc.filter) lines.push("", `only the items for ${[doc.filter.budget !== null ? `budget ${doc.filter.budget}` : "", doc.filter.project !== null ? `project ${doc.filter.project}` : ""].filter(Boolean).join(" and ")}`);
  lines.push("");
  if (doc.items.length === 0) {
    lines.push("no plan items this period");
    return lines.join("\n");
  }
  lines.push(`deadlines in ${doc.timeZone}`);
  lines.push(`${pad("ID", 8)} ${pad("STATE", 10)} ${pad("ACTION", 6)} ${pad("DEADLINE", 25)} ${"SAVING".padStart(10)}  RESOURCE / MEMBERS`);
  for (const i of doc.items) {
    // Names come from the cloud: made safe before they reach a terminal.
    const members = i.members.length > 1 ? ` [${i.members.map(terminalSafe).join(", ")}]` : "";
    lines.push(`${pad(i.id, 8)} ${pad(i.state, 10)} ${pad(i.action, 6)} ${pad(i.deadlineLocal, 25)} ${amount(i.saving).padStart(10)}  ${terminalSafe(i.name)}${members}`);
  }
  return lines.join("\n");
}
