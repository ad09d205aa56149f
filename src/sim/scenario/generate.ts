/**
 * Seeded, deterministic scenario generator: a simulated OTC project (ECS with their EVS, loose EVS, CCE node pools,
 * RDS) plus its Enterprise Dashboard cost history, as a `SimWorld`.
 *
 * Knobs (`ScenarioOptions`, all optional):
 * - `seed` (1): same seed + same options → the same world (ids, tags, costs). Credentials are random per world.
 * - `now` (Date.now()): history ends yesterday (Berlin day; the dashboard lags a day) and covers `days` days.
 * - `days` (45): days of cost history.
 * - `ecs` (90), `evs` (160): live servers and volumes. Every server gets a boot volume; up to half of the servers
 *   get a second (data) volume; the remaining volumes are loose.
 * - `cceClusters` (2), `cceNodePools` (8), `rds` (10).
 * - `deletedShare` (0.06): extra servers (with boot volume) and loose volumes created and deleted within the history.
 *   They are not in the inventory any more, but their cost records remain → ghosts.
 * - `createdShare` (0.08): live resources created during the history (their records start mid-way).
 * - `stoppedShare` (0.08): servers now SHUTOFF, stopped during the second half (no compute cost from then on).
 * - `rcShare` (0.1): servers on a recurring (RC) package: one lump charge on the 1st of each month.
 * - `officeShare` (0.35): servers that mostly idle at weekends (weekly season).
 * - `untaggedShare` (0.12), `groupShare` (0.35), `instanceShare` (0.05): tag mix (see tags.ts).
 * - `untaggedExtras` (6): untagged resources of other services (OBS, KMS, EIP, ELB): spend no plan can cut.
 * - `spikeChance` (0.01), `noise` (0.03): cost shape.
 * - `overrun` (1.1): the suggested `targetBudget` is the run-rate month-end projection divided by this.
 * - `ecsExtraProducts` (0): further daily products per server billed on its id (monitoring, image license), so a
 *   server has several records a day (the fleet benchmark's 10 M records).
 */
import type { SimCluster, SimCostRecord, SimNodePool, SimRdsInstance, SimServer, SimVolume, SimWorld } from "../world.ts";
import { Rng, randomToken } from "./random.ts";
import { addDays, berlinDate, dayNumber } from "./calendar.ts";
import { buildCosts, suggestTargetBudget, type Biller } from "./costs.ts";
import { ecsTagStrings, ot3cTags, withOwnerHandle, type TagMix } from "./tags.ts";
import {
  CCE_CLUSTER_PRODUCT, CCE_NODE_FLAVORS, ECS_EXTRA_PRODUCTS, ECS_FLAVORS, ECS_FLAVOR_WEIGHTS, EVS_TYPES, NAME_STEMS, RDS_FLAVORS,
  RDS_STORAGE, UNTAGGED_PRODUCTS,
} from "./catalog.ts";

export interface ScenarioOptions {
  seed: number;
  now: number;
  days: number;
  ecs: number;
  evs: number;
  cceClusters: number;
  cceNodePools: number;
  rds: number;
  deletedShare: number;
  createdShare: number;
  stoppedShare: number;
  rcShare: number;
  officeShare: number;
  untaggedShare: number;
  groupShare: number;
  instanceShare: number;
  untaggedExtras: number;
  spikeChance: number;
  noise: number;
  overrun: number;
  ecsExtraProducts?: number;
}

export const DEFAULT_SCENARIO: Omit<ScenarioOptions, "now"> = {
  seed: 1, days: 45, ecs: 90, evs: 160, cceClusters: 2, cceNodePools: 8, rds: 10, deletedShare: 0.06,
  createdShare: 0.08, stoppedShare: 0.08, rcShare: 0.1, officeShare: 0.35, untaggedShare: 0.12, groupShare: 0.35,
  instanceShare: 0.05, untaggedExtras: 6, spikeChance: 0.01, noise: 0.03, overrun: 1.1,
};

export interface Scenario {
  world: SimWorld;
  /** A budget the projected month-end spend overruns by `options.overrun`. */
  targetBudget: number;
  /** The run-rate month-end projection the budget was derived from. */
  projectedMonthEnd: number;
  options: ScenarioOptions;
  /** Facts tests can check the world against. */
  facts: { deletedIds: string[]; untaggedIds: string[]; firstDay: string; lastDay: string };
}

const DAY_MS = 86_400_000;
const HOURLY_TO_DAY = 24;

export function generateScenario(partial: Partial<ScenarioOptions> = {}): Scenario {
  const o: ScenarioOptions = { ...DEFAULT_SCENARIO, now: Date.now(), ...partial };
  const rng = new Rng(o.seed);
  const today = berlinDate(o.now);
  const days: string[] = [];
  for (let i = o.days; i >= 1; i--) days.push(addDays(today, -i));
  const D = days.length;
  const mix: TagMix = { untaggedShare: o.untaggedShare, groupShare: o.groupShare, instanceShare: o.instanceShare };

  const servers = new Map<string, SimServer>();
  const volumes = new Map<string, SimVolume>();
  const clusters = new Map<string, SimCluster>();
  const nodePools = new Map<string, SimNodePool>();
  const rds = new Map<string, SimRdsInstance>();
  const billers: Biller[] = [];
  const deletedIds: string[] = [];
  const untaggedIds: string[] = [];

  const createdAt = (fromIndex: number) => {
    // Resources billed from day 0 were created some time before the history starts.
    const day = fromIndex > 0 ? dayNumber(days[fromIndex]!) : dayNumber(days[0]!) - rng.int(1, 400);
    return new Date(day * DAY_MS + rng.int(6, 18) * 3_600_000 + rng.int(0, 3599) * 1000).toISOString().replace(".000Z", "Z");
  };
  const lifetime = (created: boolean, deleted: boolean): [number, number] => {
    const from = created || deleted ? rng.int(deleted ? 0 : 1, Math.max(1, D - 2)) : 0;
    const to = deleted ? Math.min(D - 1, from + rng.int(2, Math.max(2, D - 1 - from))) : D;
    return [from, Math.max(from + 1, to)];
  };
  const base = (b: Omit<Biller, "stoppedFrom" | "weekendFactor" | "trend" | "spiky"> & Partial<Biller>): Biller => ({
    stoppedFrom: Infinity, weekendFactor: 1, trend: rng.normal(0.06, 0.08), spiky: false, ...b,
  });

  const newVolume = (opts: { boot: boolean; server?: SimServer; tags: Record<string, string>; from: number; to: number; live: boolean }) => {
    const type = opts.boot ? EVS_TYPES[rng.int(1, 2)]! : rng.pick(EVS_TYPES);
    const size = opts.boot ? rng.pick([40, 40, 50, 100]) : rng.pick([100, 200, 500, 1000, 2000]);
    const id = rng.uuid();
    if (opts.live) {
      volumes.set(id, {
        id, name: opts.server ? `${opts.server.name}-${opts.boot ? "sys" : "data"}` : `vol-${id.slice(0, 6)}`,
        status: opts.server ? "in-use" : "available", size, volumeType: type.volumeType, bootable: opts.boot,
        tags: opts.tags, serverIds: opts.server ? [opts.server.id] : [], created: createdAt(opts.from),
      });
      opts.server?.volumeIds.push(id);
    } else deletedIds.push(id);
    billers.push(base({
      resourceId: id, product: type.product, description: type.description, quantityType: "GB/Month", consumptionType: "EL",
      base: (size * type.perGbMonth * HOURLY_TO_DAY) / 730, quantity: (size * HOURLY_TO_DAY) / 730,
      from: opts.from, to: opts.to, trend: 0, tags: opts.tags,
    }));
    return id;
  };

  // --- servers (live and deleted) with their boot volumes --------------------------------------------------------
  const deletedServers = Math.round(o.ecs * o.deletedShare);
  let bootLeft = Math.min(o.ecs, o.evs);
  const liveServers: SimServer[] = [];
  for (let i = 0; i < o.ecs + deletedServers; i++) {
    const live = i < o.ecs;
    const flavor = rng.weighted(ECS_FLAVORS.map((f, k) => [f, ECS_FLAVOR_WEIGHTS[k]!] as const));
    const tags = withOwnerHandle(ot3cTags(rng, mix));
    const [from, to] = lifetime(live && rng.chance(o.createdShare), !live);
    const stopped = live && rng.chance(o.stoppedShare);
    const rc = live && !stopped && rng.chance(o.rcShare);
    const id = rng.uuid();
    const server: SimServer = {
      id, name: `${rng.pick(NAME_STEMS)}-${String(i).padStart(3, "0")}`, status: stopped ? "SHUTOFF" : "ACTIVE",
      flavorId: flavor.flavor, created: createdAt(from), tags: ecsTagStrings(tags, rng.chance(0.5)), volumeIds: [],
      // Recurring (RC) consumption is a yearly/monthly subscription: `metadata.charging_mode` "1".
      ...(rc ? { prepaid: true } : {}),
    };
    if (live) {
      servers.set(id, server);
      liveServers.push(server);
    } else deletedIds.push(id);
    if (Object.keys(tags).length === 0) untaggedIds.push(id);
    billers.push(base({
      resourceId: id, product: flavor.product, description: flavor.description, quantityType: "h",
      consumptionType: rc ? "RC" : "EL", base: rc ? flavor.hourly * 730 * 0.75 : flavor.hourly * HOURLY_TO_DAY,
      quantity: HOURLY_TO_DAY, from, to, stoppedFrom: stopped ? rng.int(Math.max(from + 1, Math.floor(D / 2)), D - 1) : Infinity,
      weekendFactor: rng.chance(o.officeShare) ? 0.25 : 1, spiky: true, tags,
    }));
    for (let k = 0; k < (o.ecsExtraProducts ?? 0); k++) {
      const x = ECS_EXTRA_PRODUCTS[k % ECS_EXTRA_PRODUCTS.length]!;
      const last = billers[billers.length - 1 - k]!; // the server's own biller: same lifetime and stop day
      billers.push(base({
        resourceId: id, product: x.product, description: x.description, quantityType: x.quantityType, consumptionType: "EL",
        base: x.hourly * HOURLY_TO_DAY, quantity: HOURLY_TO_DAY, from, to, stoppedFrom: last.stoppedFrom, trend: 0, tags,
      }));
    }
    // The boot volume carries the owner but not the prio: the server/volume group takes the server's.
    const volTags: Record<string, string> = tags.ot3c_owner ? { ot3c_owner: tags.ot3c_owner } : {};
    if (!live) newVolume({ boot: true, tags: volTags, from, to, live: false });
    else if (bootLeft-- > 0) newVolume({ boot: true, server, tags: volTags, from, to, live: true });
  }

  // --- data volumes attached to servers, then loose volumes -----------------------------------------------------
  const extra = Math.max(0, o.evs - Math.min(o.ecs, o.evs));
  const attachedData = Math.min(extra, Math.round(o.ecs * 0.5));
  for (let i = 0; i < attachedData; i++) {
    const server = liveServers[Math.floor((i * liveServers.length) / attachedData)]!;
    const tags: Record<string, string> = rng.chance(0.1) ? { ...ot3cTags(rng, mix), ot3c_group: "shared-data" } : {};
    newVolume({ boot: false, server, tags, from: 0, to: D, live: true });
  }
  const loose = extra - attachedData;
  const deletedLoose = Math.round(loose * o.deletedShare);
  for (let i = 0; i < loose + deletedLoose; i++) {
    const live = i < loose;
    const tags = ot3cTags(rng, mix);
    const [from, to] = lifetime(live && rng.chance(o.createdShare), !live);
    const id = newVolume({ boot: false, tags, from, to, live });
    if (Object.keys(tags).length === 0) untaggedIds.push(id);
  }

  // --- CCE clusters and node pools ---------------------------------------------------------------------------------
  const clusterList: SimCluster[] = [];
  for (let i = 0; i < o.cceClusters; i++) {
    const c = { uid: rng.uuid(), name: `cce-${["prod", "dev", "test", "ml"][i % 4]}${i >= 4 ? i : ""}` };
    clusters.set(c.uid, c);
    clusterList.push(c);
    untaggedIds.push(c.uid);
    billers.push(base({
      resourceId: c.uid, product: CCE_CLUSTER_PRODUCT.product, description: CCE_CLUSTER_PRODUCT.description,
      quantityType: "h", consumptionType: "EL", base: CCE_CLUSTER_PRODUCT.hourly * HOURLY_TO_DAY, quantity: HOURLY_TO_DAY,
      from: 0, to: D, trend: 0, tags: {},
    }));
  }
  for (let i = 0; i < o.cceNodePools && clusterList.length > 0; i++) {
    const cluster = clusterList[i % clusterList.length]!;
    const flavor = rng.pick(CCE_NODE_FLAVORS);
    const nodes = rng.int(1, 5);
    const tags = ot3cTags(rng, mix);
    const pool: SimNodePool = {
      uid: rng.uuid(), clusterUid: cluster.uid, name: `${cluster.name}-pool-${i}`, initialNodeCount: nodes,
      flavor: flavor.flavor, tags, phase: "",
    };
    nodePools.set(pool.uid, pool);
    billers.push(base({
      resourceId: pool.uid, product: flavor.product, description: flavor.description, quantityType: "h",
      consumptionType: "EL", base: nodes * flavor.hourly * HOURLY_TO_DAY, quantity: nodes * HOURLY_TO_DAY, from: 0, to: D,
      weekendFactor: 0.6, spiky: true, tags,
    }));
  }

  // --- RDS ---------------------------------------------------------------------------------------------------------
  for (let i = 0; i < o.rds; i++) {
    const flavor = rng.pick(RDS_FLAVORS);
    const tags = ot3cTags(rng, mix);
    const rc = rng.chance(0.5);
    const inst: SimRdsInstance = {
      id: rng.hex(32) + "in03", name: `rds-${flavor.datastore === "MySQL" ? "mysql" : "pg"}-${i}`, status: "ACTIVE",
      datastore: flavor.datastore, flavorRef: flavor.flavorRef, tags, created: createdAt(0),
    };
    rds.set(inst.id, inst);
    const storage = rng.pick([40, 100, 250, 500]);
    billers.push(base({
      resourceId: inst.id, product: flavor.product, description: flavor.description, quantityType: "h",
      consumptionType: rc ? "RC" : "EL", base: rc ? flavor.hourly * 730 * 0.7 : flavor.hourly * HOURLY_TO_DAY,
      quantity: HOURLY_TO_DAY, from: 0, to: D, tags,
    }));
    billers.push(base({
      resourceId: inst.id, product: RDS_STORAGE.product, description: RDS_STORAGE.description, quantityType: "GB/Month",
      consumptionType: "EL", base: (storage * RDS_STORAGE.perGbMonth * HOURLY_TO_DAY) / 730,
      quantity: (storage * HOURLY_TO_DAY) / 730, from: 0, to: D, trend: 0, tags,
    }));
  }

  // --- other services nobody tagged ----------------------------------------------------------------------------------
  for (let i = 0; i < o.untaggedExtras; i++) {
    const p = UNTAGGED_PRODUCTS[i % UNTAGGED_PRODUCTS.length]!;
    const id = p.product === "OTC_OBS_STD" ? `${rng.hex(12)}-bucket.obs` : rng.uuid();
    untaggedIds.push(id);
    billers.push(base({
      resourceId: id, product: p.product, description: p.description, quantityType: p.quantityType, consumptionType: "EL",
      base: p.daily[0] + (p.daily[1] - p.daily[0]) * rng.float(), quantity: 24, from: 0, to: D,
      spiky: p.product === "OTC_OBS_STD", tags: {},
    }));
  }

  const costs: SimCostRecord[] = buildCosts(rng, billers, days, { spikeChance: o.spikeChance, noise: o.noise });
  const { targetBudget, projected } = suggestTargetBudget(costs, today, o.overrun);

  const world: SimWorld = {
    projectId: rng.hex(32),
    projectName: "eu-de",
    region: "eu-de",
    domainId: rng.hex(32),
    credentials: {
      accessKey: randomToken(20),
      secretKey: randomToken(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
      dashboardToken: randomToken(48, "abcdefghijklmnopqrstuvwxyz0123456789"),
    },
    servers, volumes, clusters, nodePools, rds,
    jobs: new Map(),
    costs,
    mutations: { calls: new Map(), total: 0 },
    generatedAt: o.now,
  };
  return {
    world, targetBudget, projectedMonthEnd: projected, options: o,
    facts: { deletedIds, untaggedIds, firstDay: days[0] ?? today, lastDay: days[D - 1] ?? today },
  };
}
