import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "yaml";
import type { ListDocument, ListDocumentResource } from "../../src/cli/render/resources.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import { cleanupTempDirs, globals, run, startSimFixture, type SimFixture } from "./helpers.ts";

let f: SimFixture;
beforeAll(() => {
  f = startSimFixture();
});
afterAll(async () => {
  await f.stop();
  cleanupTempDirs();
});

function walk(rs: ListDocumentResource[], visit: (r: ListDocumentResource, depth: number) => void, depth = 0): void {
  for (const r of rs) {
    visit(r, depth);
    walk(r.members, visit, depth + 1);
  }
}

/** What the simulated dashboard billed in the period up to the last complete day — computed from the world. */
function billedSoFar(doc: ListDocument): number {
  const last = doc.budget!.lastCompleteDay!;
  let s = 0;
  for (const c of f.scenario.world.costs) if (c.date >= doc.period.start && c.date <= last) s += c.amount;
  return s;
}

const sumRoots = (doc: ListDocument) => doc.resources.reduce((s, r) => s + r.costSoFar, 0);

describe("ot3c list", () => {
  let doc: ListDocument;
  let err: string;

  beforeAll(async () => {
    const r = await run([...globals(f), "list", "--output", "json"]);
    expect(r.code).toBe(0);
    // stdout is exactly one JSON document: progress went to stderr.
    doc = JSON.parse(r.out) as ListDocument;
    err = r.err;
  });

  test("progress on stderr, stdout clean JSON of the documented shape", () => {
    expect(err).toContain("ot3c: syncing OTC inventory and Financial Dashboard costs");
    expect(err).toMatch(/synced \d+ resources and \d+ cost records/);
    expect(doc.version).toBe(1);
    const p = billingPeriod(Date.now(), 1);
    expect(doc.period).toEqual({ start: p.startDate, end: p.endDate, days: p.days });
    expect(doc.project).toEqual({ name: f.scenario.world.projectName, region: "eu-de" });
    expect(doc.currency).toBe("EUR");
    expect(doc.budget!.target).toBe(f.scenario.targetBudget);
    expect(doc.excluded).toEqual({ count: 0, costSoFar: 0, forecastP50: 0 });
    for (const r of doc.resources) {
      expect(Object.keys(r).sort()).toEqual(["costSoFar", "forecast", "group", "id", "kind", "managed", "members", "name", "note", "owner", "prio", "prioLabel", "project", "region", "tags"]);
    }
  });

  test("an untagged resource is shown as untagged, never as prio 0; 0 only for a real ot3c_prio=0", () => {
    const rows: Array<{ prio: number | null; prioLabel: string; tags: Record<string, string>; kind: string; managed: boolean }> = [];
    walk(doc.resources, (r) => rows.push(r as never));
    const untagged = rows.filter((r) => r.kind !== "GHOST" && r.kind !== "GROUP" && r.tags.ot3c_prio === undefined);
    expect(untagged.length).toBeGreaterThan(0);
    for (const r of untagged) {
      expect(r.prio).toBeNull();
      expect(r.prioLabel).toBe("untagged");
    }
    for (const r of rows) if (r.prio === 0 && r.kind !== "GHOST") expect(r.tags.ot3c_prio).toBeDefined();
  });

  test("every live resource of the simulated project appears exactly once in the tree, deleted ones as ghosts", () => {
    const w = f.scenario.world;
    const seen = new Map<string, number>();
    walk(doc.resources, (r) => seen.set(r.id, (seen.get(r.id) ?? 0) + 1));
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const id of w.servers.keys()) expect(seen.has(`ECS_${id}`)).toBe(true);
    for (const id of w.volumes.keys()) expect(seen.has(`EVS_${id}`)).toBe(true);
    for (const id of w.rds.keys()) expect(seen.has(`RDS_${id}`)).toBe(true);
    const ghosts = doc.resources.filter((r) => r.kind === "GHOST");
    for (const g of ghosts) expect(g.prio).toBe(0);
    // A resource deleted after billing in this period shows up as a ghost.
    const billedInPeriod = new Set(w.costs.filter((c) => c.date >= doc.period.start).map((c) => c.resourceId));
    const deletedBilled = f.scenario.facts.deletedIds.filter((id) => billedInPeriod.has(id));
    for (const id of deletedBilled) expect(ghosts.some((g) => g.id.endsWith(`_${id}`))).toBe(true);
  });

  test("totals: Σ roots' cost so far = budget spend so far = what the dashboard billed; forecast ≥ so far", () => {
    const b = doc.budget!;
    const billed = billedSoFar(doc);
    expect(Math.abs(b.spendSoFar - billed)).toBeLessThan(0.01);
    // Each root is rounded to cents on its own.
    expect(Math.abs(sumRoots(doc) - b.spendSoFar)).toBeLessThanOrEqual(0.005 * doc.resources.length + 0.01);
    expect(b.forecast.p10).toBeLessThanOrEqual(b.forecast.p50);
    expect(b.forecast.p50).toBeLessThanOrEqual(b.forecast.p90);
    expect(b.forecast.p10).toBeGreaterThanOrEqual(b.spendSoFar - 0.01);
    expect(b.left).toBeCloseTo(b.target - b.forecast[b.quantile as "p50"], 1);
    // A group's figures are its members' sums.
    walk(doc.resources, (r) => {
      if (r.kind !== "GROUP") return;
      const s = r.members.reduce((a, m) => a + m.costSoFar, 0);
      expect(Math.abs(r.costSoFar - s)).toBeLessThanOrEqual(0.005 * r.members.length + 0.01);
    });
  });

  test("text: the seed's tree with totals and budget left", async () => {
    const r = await run([...globals(f), "list"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Project ${f.scenario.world.projectName} (eu-de) · period ${doc.period.start}`);
    expect(r.out).toMatch(/^ID\s+NAME\s+PRIO\s+SO FAR EUR\s+FORECAST EUR\s+TAGS$/m);
    expect(r.out).toContain(`Current total:    ${doc.budget!.spendSoFar.toFixed(2)} EUR`);
    expect(r.out).toContain(`Predicted total:  ${doc.budget!.forecast.p50.toFixed(2)} EUR`);
    expect(r.out).toMatch(/^Budget: .* (left|OVER) at P50 · status (OK|AT_RISK|OVER)$/m);
    // Group members are drawn as a tree under their group.
    if (doc.resources.some((x) => x.kind === "GROUP")) expect(r.out).toMatch(/^(├─|└─) /m);
    for (const root of doc.resources) expect(r.out).toContain(root.id.slice(0, 20));
  });

  test("yaml output is the same document", async () => {
    const r = await run([...globals(f), "list", "--output", "yaml"]);
    expect(r.code).toBe(0);
    const y = parse(r.out) as ListDocument;
    expect(y.resources.map((x) => x.id)).toEqual(doc.resources.map((x) => x.id));
    expect(y.budget!.spendSoFar).toBe(doc.budget!.spendSoFar);
  });

  test("instance: resources of other instances leave the tree, their spend stays in the budget", async () => {
    const cfg = f.variant((y) => y + "instance: prod\n");
    const r = await run([...globals(f, cfg), "list", "--output", "json"]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as ListDocument;
    expect(d.excluded.count).toBeGreaterThan(0);
    walk(d.resources, (x, depth) => {
      if (depth === 0 && x.kind !== "GHOST" && x.kind !== "GROUP") expect(x.tags.ot3c_instance).toBe("prod");
    });
    const b = d.budget!;
    expect(Math.abs(b.spendSoFar - billedSoFar(d))).toBeLessThan(0.01);
    expect(Math.abs(sumRoots(d) + d.excluded.costSoFar - b.spendSoFar)).toBeLessThanOrEqual(0.005 * (d.resources.length + 1) + 0.01);
    const text = await run([...globals(f, cfg), "list"]);
    expect(text.out).toContain(`Other ot3c instances (not listed, in the baseline): ${d.excluded.count} resources`);
  });

  test("injected 429s and 5xx: the sync retries and the document is the same as without faults", async () => {
    f.sim.faults.setProfile({ rate: 0.25, kinds: ["429", "5xx"], retryAfterSeconds: 0, slowMs: 0, seed: 9 });
    try {
      const r = await run([...globals(f), "list", "--output", "json"]);
      expect(r.code).toBe(0);
      const d = JSON.parse(r.out) as ListDocument;
      expect(f.sim.faults.injected["429"] + f.sim.faults.injected["5xx"]).toBeGreaterThan(0);
      expect(d.resources.map((x) => x.id)).toEqual(doc.resources.map((x) => x.id));
      expect(d.budget!.spendSoFar).toBe(doc.budget!.spendSoFar);
    } finally {
      f.sim.faults.setProfile({ rate: 0, kinds: [], retryAfterSeconds: 0, slowMs: 0, seed: 1 });
    }
  }, 30_000);

  test("every response cut short: the sync fails with the reason, never a list from partial data", async () => {
    f.sim.faults.setProfile({ rate: 1, kinds: ["truncate"], retryAfterSeconds: 0, slowMs: 0, seed: 3 });
    try {
      const r = await run([...globals(f), "list", "--output", "json"]);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toMatch(/^ot3c: sync failed: .*truncated/m);
    } finally {
      f.sim.faults.setProfile({ rate: 0, kinds: [], retryAfterSeconds: 0, slowMs: 0, seed: 1 });
    }
  }, 30_000);

  test("a failed sync: clear error on stderr, exit 1, nothing on stdout", async () => {
    const token = f.scenario.world.credentials.dashboardToken;
    const badToken = f.variant((y) => y.replace(JSON.stringify(token), '"wrong-token-for-the-dashboard"'));
    const r = await run([...globals(f, badToken), "list", "--output", "json"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^ot3c: sync failed: Financial Dashboard costs .*401/m);
    expect(r.err).not.toContain("wrong-token-for-the-dashboard");

    const sk = f.scenario.world.credentials.secretKey;
    const badSk = f.variant((y) => y.replace(JSON.stringify(sk), '"WrongSecretKeyWrongSecretKeyWrong00000"'));
    const r2 = await run([...globals(f, badSk), "list"]);
    expect(r2.code).toBe(1);
    expect(r2.out).toBe("");
    expect(r2.err).toMatch(/^ot3c: sync failed: OTC inventory: .*401/m);
    expect(r2.err).not.toContain("WrongSecretKeyWrongSecretKeyWrong00000");
  });
});
