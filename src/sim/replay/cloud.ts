/**
 * The simulated cloud of `ot3c replay`: a project's resources and a cost process on a virtual clock, in process
 * (no HTTP, no sleeping), implementing the engine's InventorySource and terminator interfaces.
 *
 * - **Costs continue the history.** Each (resource, product) bills on as its last two weeks did: the mean of its
 *   weekdays and of its weekend days, with seeded day-to-day noise; a recurring (RC) fee is charged again on the
 *   period's first day. A series that ended before the replay starts (a deleted resource) stays ended.
 * - **Costs respond to what the engine does.** A delete ends every product of the resource at the instant of the
 *   call (that day is billed pro rata); a stop ends the compute products and keeps storage; OTC starts a stopped
 *   RDS instance again after 7 days, and its compute bills again. A start (the end of a park, a schedule's
 *   morning) makes compute bill again from its instant. A backup (`copy`, before a snapshot-delete) bills from its
 *   instant on as its own series — a share of the database's storage cost (engine/actions/copy-cost.ts) — and
 *   outlives the database; a stopped database cannot be backed up (as in the HTTP simulator).
 * - **Cost data lags** like the Financial Dashboard's: the records of a day appear `lagHours` after it ended.
 * - **Every mutating call is recorded** with what the resource was when it arrived (prio 0, untagged, vetoed), so
 *   the replay can report violations and double calls from the cloud's side, not the engine's.
 */
import { dayStart, isoDay, addDays, DAY_MS } from "../../engine/period.ts";
import type { ActionHooks, CloudResource, CostRecord, InventorySource, IsoDate, ParkedState, ResourceActions, SafetyCopy } from "../../engine/types.ts";
import { COPY_COST_OF_STORAGE } from "../../engine/actions/copy-cost.ts";
import type { ExecTerminator } from "../../engine/execution.ts";
import { fitSeries, type Series } from "./series.ts";

export const RDS_RESTART_MS = 7 * DAY_MS;

export interface ReplayCloudInput {
  resources: CloudResource[];
  /** Cost records before the replay starts (the history the process continues). */
  history: CostRecord[];
  /** Instant the replay starts (the clock never goes below it). */
  start: number;
  lagHours: number;
  /** Relative day-to-day noise of continued costs (0.03 = ±3 %). */
  noise: number;
  seed: number;
  /** Day of the month a billing period starts on (RC fees are charged then). */
  periodStartDay?: number;
  timeZone?: string;
}

interface ResourceState {
  r: CloudResource;
  deletedAt?: number;
  /** Stopped intervals [from, until): until is Infinity while stopped (RDS: OTC's restart after 7 days). */
  stops: Array<{ from: number; until: number }>;
}

/** A copy made during the replay (RDS manual backup). */
export interface ReplayCopy extends SafetyCopy {
  at: number;
}

export interface MutationRecord {
  at: number;
  call: "stop" | "delete" | "start" | "copy";
  kind: CloudResource["kind"];
  id: string;
  name: string;
  /** What made this call a violation when it arrived, if anything. */
  violation?: "prio 0" | "untagged" | "vetoed" | "prepaid" | "double call";
}

export class ReplayCloud implements InventorySource, ExecTerminator {
  readonly calls: MutationRecord[] = [];
  readonly copies: ReplayCopy[] = [];
  /** The ladder's calls the executor, the resume tick and the schedules use. */
  readonly actions: Pick<ResourceActions, "copy" | "listCopies" | "start" | "park" | "resume">;
  /** Leaf ids the replay's operator vetoed (`ECS_<id>`, …): a call to one is a violation. */
  readonly vetoedLeaves = new Set<string>();
  private readonly state = new Map<string, ResourceState>();
  private readonly series: Series[] = [];
  private readonly billed: CostRecord[];
  /** Days generated so far (ascending). */
  private lastGenerated: IsoDate;
  private readonly tz: string;
  private readonly historyEnd: IsoDate;
  private callCounts = new Map<string, number>();
  private readonly seriesByResource = new Map<string, Series[]>();
  /** Start and end instant of each generated day (the zone arithmetic once per day, not per series). */
  private readonly dayBounds = new Map<IsoDate, [number, number]>();

  constructor(
    private readonly input: ReplayCloudInput,
    private readonly clock: { now(): number },
  ) {
    this.tz = input.timeZone ?? "Europe/Berlin";
    for (const r of input.resources) this.state.set(r.id, { r: structuredClone(r), stops: [] });
    this.actions = {
      copy: (r, name) => this.copy(r, name),
      listCopies: async (r) => this.copies.filter((c) => c.resourceId === r.id),
      start: (r) => this.start(r),
      park: (r, hooks) => this.park(r, hooks),
      resume: (r) => this.start(r),
    };
    this.billed = input.history.slice().sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    this.historyEnd = this.billed.reduce((m, c) => (c.date > m ? c.date : m), "0000-00-00");
    this.lastGenerated = this.historyEnd;
    this.series = fitSeries(input.history, this.historyEnd);
    for (const s of this.series) {
      const list = this.seriesByResource.get(s.resourceId);
      if (list) list.push(s);
      else this.seriesByResource.set(s.resourceId, [s]);
    }
  }

  // -- InventorySource ------------------------------------------------------------------------------------------

  async listResources(): Promise<CloudResource[]> {
    const now = this.clock.now();
    const out: CloudResource[] = [];
    for (const s of this.state.values()) {
      if (s.deletedAt !== undefined) continue;
      out.push(this.view(s, now));
    }
    return out;
  }

  async listCosts(from: IsoDate, toExclusive: IsoDate): Promise<CostRecord[]> {
    const visible = this.visibleUntil(this.clock.now());
    this.generateUpTo(visible);
    const end = visible < toExclusive ? addDays(visible, 1) : toExclusive;
    // `billed` is in date order (history sorted, then generated day by day): slice it.
    return this.billed.slice(this.firstIndexOf(from), this.firstIndexOf(end));
  }

  // -- terminator -----------------------------------------------------------------------------------------------

  async get(r: CloudResource): Promise<CloudResource | undefined> {
    const s = this.state.get(r.id);
    if (!s || s.deletedAt !== undefined) return undefined;
    return this.view(s, this.clock.now());
  }

  async stop(r: CloudResource): Promise<void> {
    this.record("stop", r);
    const s = this.state.get(r.id);
    if (!s || s.deletedAt !== undefined) throw Object.assign(new Error(`${r.kind} ${r.id} not found`), { status: 404 });
    // A node pool "stops" by being scaled to 0 nodes (park below): its node products end like a server's compute.
    if (r.kind !== "ECS" && r.kind !== "RDS" && r.kind !== "CCE") throw Object.assign(new Error(`${r.kind} cannot be stopped`), { status: 400 });
    const now = this.clock.now();
    if (this.stoppedAt(s, now)) throw Object.assign(new Error(`${r.kind} ${r.id} is already stopped`), { status: 409 });
    s.stops.push({ from: now, until: r.kind === "RDS" ? now + RDS_RESTART_MS : Infinity });
  }

  /** Park: a stop; a node pool reports the count it had first (the caller keeps it before the call, as with OTC). */
  private async park(r: CloudResource, hooks?: ActionHooks): Promise<ParkedState> {
    const now = this.clock.now();
    const s = this.state.get(r.id);
    const state: ParkedState = { kind: r.kind, id: r.id, parkedAt: now };
    if (r.kind === "CCE" && s) {
      state.formerNodeCount = this.view(s, now).nodeCount;
      state.formerAutoscaling = { enable: false };
      hooks?.onParked?.(state);
    }
    await this.stop(r);
    return state;
  }

  /** Start a stopped server or database (resolves at once when it runs, like the provider's `start`). */
  private async start(r: CloudResource): Promise<void> {
    const s = this.state.get(r.id);
    if (!s || s.deletedAt !== undefined) throw Object.assign(new Error(`${r.kind} ${r.id} not found`), { status: 404 });
    const now = this.clock.now();
    const open = this.stoppedAt(s, now);
    if (!open) return;
    this.record("start", r);
    open.until = now;
  }

  /** RDS manual backup: usable at once (the replay has no job times), billed from now on, kept after a delete. */
  private async copy(r: CloudResource, name: string): Promise<SafetyCopy> {
    const s = this.state.get(r.id);
    if (!s || s.deletedAt !== undefined) throw Object.assign(new Error(`${r.kind} ${r.id} not found`), { status: 404 });
    if (r.kind !== "RDS") throw Object.assign(new Error(`${r.kind} ${r.id}: no copy that outlives the deletion`), { status: 400 });
    const now = this.clock.now();
    if (this.stoppedAt(s, now)) throw Object.assign(new Error(`RDS ${r.id} is stopped; a backup needs a running instance`), { status: 400 });
    this.record("copy", r);
    const id = `backup-${this.copies.length + 1}-${r.id}`;
    const storage = (this.seriesByResource.get(r.id) ?? []).filter((x) => x.storage && x.consumptionType !== "RC");
    const daily = storage.reduce((sum, x) => sum + (5 * x.weekday + 2 * x.weekend) / 7, 0) * COPY_COST_OF_STORAGE;
    if (daily > 0) {
      const series: Series = { resourceId: id, product: "OTC_RDS_BACKUP", consumptionType: "EL", weekday: daily, weekend: daily, rc: 0, storage: true, from: now, projectId: storage[0]?.projectId, projectName: storage[0]?.projectName, region: storage[0]?.region };
      this.series.push(series);
      this.seriesByResource.set(id, [series]);
    }
    const c: ReplayCopy = { kind: "RDS_BACKUP", id, resourceId: r.id, name, status: "COMPLETED", survivesDeletion: true, at: now };
    this.copies.push(c);
    return c;
  }

  /** The stop interval holding the resource at `t`, if any. */
  private stoppedAt(s: ResourceState, t: number): { from: number; until: number } | undefined {
    return s.stops.find((x) => x.from <= t && t < x.until);
  }

  /** Stopped intervals of a resource (what the harm figures count). */
  stopsOf(id: string): ReadonlyArray<{ from: number; until: number }> {
    return this.state.get(id)?.stops ?? [];
  }

  /** Instant a resource was deleted, if it was. */
  deletedAt(id: string): number | undefined {
    return this.state.get(id)?.deletedAt;
  }

  async delete(r: CloudResource): Promise<void> {
    this.record("delete", r);
    const s = this.state.get(r.id);
    if (!s || s.deletedAt !== undefined) throw Object.assign(new Error(`${r.kind} ${r.id} not found`), { status: 404 });
    if (r.kind === "EVS" && this.attachedToLiveServer(s)) throw Object.assign(new Error(`volume ${r.id} is in use`), { status: 400 });
    const now = this.clock.now();
    s.deletedAt = now;
    if (r.kind === "ECS") {
      for (const o of this.state.values()) {
        if (o.r.kind === "EVS" && o.r.attachedServerIds?.includes(r.id)) o.r.attachedServerIds = o.r.attachedServerIds.filter((x) => x !== r.id);
      }
    }
  }

  // -- what the replay reads ------------------------------------------------------------------------------------

  /** Every record billed in [from, toExclusive), visible or not yet (the month-end truth). */
  billedBetween(from: IsoDate, toExclusive: IsoDate): CostRecord[] {
    const last = addDays(toExclusive, -1);
    this.generateUpTo(last);
    return this.billed.filter((c) => c.date >= from && c.date < toExclusive);
  }

  /** What a resource would bill on `date` had nothing been done to it (for the hindsight optimum). */
  untouchedCost(resourceId: string, date: IsoDate): number {
    let sum = 0;
    for (const s of this.seriesByResource.get(resourceId) ?? []) sum += this.amount(s, date, undefined);
    return sum;
  }

  /** Index of the first billed record on or after `date`. */
  private firstIndexOf(date: IsoDate): number {
    let lo = 0;
    let hi = this.billed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.billed[mid].date < date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // -- internals ------------------------------------------------------------------------------------------------

  private record(call: MutationRecord["call"], r: CloudResource): void {
    const key = `${call}:${r.kind}:${r.id}`;
    const n = (this.callCounts.get(key) ?? 0) + 1;
    this.callCounts.set(key, n);
    const cur = this.state.get(r.id)?.r ?? r;
    const prio = cur.tags.ot3c_prio;
    let violation: MutationRecord["violation"];
    // A schedule stops and starts its resources every day, whatever their prio: only its own calls are exempt.
    const scheduled = (call === "stop" || call === "start") && cur.tags.ot3c_schedule !== undefined;
    const st = this.state.get(r.id);
    // A stop is the same call twice only while the resource is still stopped: an RDS instance that OTC started
    // again by itself (after 7 days) may be stopped again.
    if (n > 1 && call === "delete") violation = "double call";
    else if (call === "stop" && st && this.stoppedAt(st, this.clock.now())) violation = "double call";
    else if (call === "start" || call === "copy" || scheduled) violation = undefined;
    else if (this.vetoedLeaves.has(`${r.kind}_${r.id}`)) violation = "vetoed";
    else if (cur.prepaid) violation = "prepaid";
    else if (prio === undefined) violation = r.kind === "EVS" ? undefined : "untagged";
    else if (/^\d+$/.test(prio.trim()) && Number(prio) === 0) violation = "prio 0";
    this.calls.push({ at: this.clock.now(), call, kind: r.kind, id: r.id, name: cur.name, ...(violation ? { violation } : {}) });
  }

  private attachedToLiveServer(s: ResourceState): boolean {
    return (s.r.attachedServerIds ?? []).some((sid) => {
      const srv = this.state.get(sid);
      return srv !== undefined && srv.deletedAt === undefined;
    });
  }

  private view(s: ResourceState, now: number): CloudResource {
    const r = { ...s.r, tags: { ...s.r.tags } };
    if (r.kind === "CCE") r.nodeCount = this.stoppedAt(s, now) ? 0 : (s.r.nodeCount ?? 1);
    else if (this.stoppedAt(s, now)) r.status = r.kind === "RDS" ? "SHUTDOWN" : "SHUTOFF";
    if (r.kind === "EVS") r.status = (r.attachedServerIds ?? []).length > 0 ? "in-use" : "available";
    if (r.kind === "ECS") r.attachedVolumeIds = (r.attachedVolumeIds ?? []).filter((v) => this.state.get(v)?.deletedAt === undefined);
    return r;
  }

  /** The newest day whose records the dashboard shows at `now`. */
  private visibleUntil(now: number): IsoDate {
    let day = isoDay(now - this.input.lagHours * 3_600_000, this.tz);
    day = addDays(day, -1);
    return day;
  }

  private generateUpTo(last: IsoDate): void {
    while (this.lastGenerated < last) {
      const date = addDays(this.lastGenerated, 1);
      for (const s of this.series) {
        const st = this.state.get(s.resourceId);
        const amount = this.amount(s, date, st);
        if (amount <= 0) continue;
        this.billed.push({
          date,
          resourceId: s.resourceId,
          product: s.product,
          amount: Math.round(amount * 1e6) / 1e6,
          consumptionType: s.consumptionType,
          ...(s.projectId ? { projectId: s.projectId } : {}),
          ...(s.projectName ? { projectName: s.projectName } : {}),
          ...(s.region ? { region: s.region } : {}),
        });
      }
      this.lastGenerated = date;
    }
  }

  /** One series' bill on `date`, given what happened to its resource (none: untouched). */
  private amount(s: Series, date: IsoDate, st: ResourceState | undefined): number {
    if (s.consumptionType === "RC") {
      if (Number(date.slice(8, 10)) !== (this.input.periodStartDay ?? 1)) return 0;
      if (st?.deletedAt !== undefined && st.deletedAt < dayStart(date, this.tz)) return 0;
      return s.rc;
    }
    const wd = new Date(`${date}T12:00:00Z`).getUTCDay();
    let amount = (wd === 0 || wd === 6 ? s.weekend : s.weekday) * (1 + this.input.noise * (2 * unit(hash(`${this.input.seed}|${s.resourceId}|${s.product}|${date}`)) - 1));
    let bounds = this.dayBounds.get(date);
    if (!bounds) this.dayBounds.set(date, (bounds = [dayStart(date, this.tz), dayStart(addDays(date, 1), this.tz)]));
    const [ds, de] = bounds;
    const part = (from: number, until: number) => Math.max(0, Math.min(de, until) - Math.max(ds, from)) / (de - ds);
    if (s.from !== undefined) amount *= part(s.from, Infinity);
    if (!st) return amount;
    let factor = 1;
    const end = st.deletedAt ?? Infinity;
    if (st.deletedAt !== undefined) factor -= part(st.deletedAt, Infinity);
    if (!s.storage) for (const x of st.stops) factor -= part(x.from, Math.min(x.until, end));
    amount *= Math.max(0, factor);
    return amount;
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return h >>> 0;
}

function unit(h: number): number {
  return h / 4294967296;
}
