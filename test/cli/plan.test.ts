import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ListDocument, ListDocumentResource } from "../../src/cli/render/resources.ts";
import type { PlanDocument } from "../../src/cli/render/plan.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import { parsePlan } from "../../src/engine/planner/plan-file.ts";
import { Store } from "../../src/store/store.ts";
import { cleanupTempDirs, globals, run, startSimFixture, type SimFixture } from "./helpers.ts";

let f: SimFixture;
let knownIds: Set<string>;

beforeAll(async () => {
  f = startSimFixture();
  const r = await run([...globals(f), "list", "--output", "json"]);
  expect(r.code).toBe(0);
  knownIds = new Set<string>();
  const walk = (rs: ListDocumentResource[]) => rs.forEach((x) => (knownIds.add(x.id), walk(x.members)));
  walk((JSON.parse(r.out) as ListDocument).resources);
});
afterAll(async () => {
  await f.stop();
  cleanupTempDirs();
});

describe("ot3c plan", () => {
  test("over budget: -o writes a 0600 plan file that parsePlan accepts, matching the JSON document", async () => {
    const file = join(f.dir, "plan.yaml");
    const r = await run([...globals(f), "plan", "--out", file, "--output", "json"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("ot3c: synced");
    const doc = JSON.parse(r.out) as PlanDocument;
    expect(doc.version).toBe(1);
    expect(doc.file).toBe(file);
    // The scenario's budget is set below the projection, so a plan is needed.
    expect(doc.plan.needed).toBe(true);
    expect(doc.budget.gap).toBeGreaterThan(0);
    expect(["OK", "END_OF_MANAGEABLE_LIST", "BASELINE_EXCEEDS_BUDGET"]).toContain(doc.plan.outcome);
    expect(doc.plan.mode).toBe("optimal");

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(f.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    // Reading vetoes never creates state where there was none.
    expect(existsSync(f.stateDir)).toBe(false);
    expect(doc.vetoed).toEqual([]);
    const parsed = parsePlan(readFileSync(file, "utf8"), { period: billingPeriod(Date.now(), 1), knownIds });
    expect(parsed.outcome).toBe(doc.plan.outcome);
    expect(parsed.items.map((i) => i.vrId)).toEqual(doc.plan.items.map((i) => i.vrId));
    expect(parsed.items.map((i) => i.action)).toEqual(doc.plan.items.map((i) => i.action));
    for (const [k, i] of parsed.items.entries()) {
      expect(i.tsave).toBeCloseTo(doc.plan.items[k]!.tsave, 1);
      expect(i.tdate).toBeGreaterThan(Date.now());
    }
    const sum = doc.plan.items.reduce((s, i) => s + i.tsave, 0);
    expect(Math.abs(sum - doc.plan.savings)).toBeLessThanOrEqual(0.005 * doc.plan.items.length + 0.01);
    if (doc.plan.outcome === "OK") expect(doc.plan.savings).toBeGreaterThanOrEqual(doc.plan.gap - 0.01);
    // Nothing never-to-touch is in it.
    for (const i of doc.plan.items) {
      expect(i.prio).toBeGreaterThan(0);
      expect(i.vrId.startsWith("GH_")).toBe(false);
    }
  });

  test("text: budget lines, the seed's per-item form, savings and outcome", async () => {
    const r = await run([...globals(f), "plan"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Budget \d+\.\d\d EUR · spent so far /);
    expect(r.out).toMatch(/^Termination Plan \(optimal\) for /m);
    expect(r.out).toMatch(/^ID: \S+\nPrio: \d+\nAction: (park|snapshot-delete|delete)\nTermination Date: \S+\nCosts saved: \d+\.\d\d EUR\nTermination ASAP: (true|false)$/m);
    expect(r.out).toMatch(/^Savings from Termination Plan: \d+\.\d\d EUR$/m);
    expect(r.out).toMatch(/^Outcome: /m);
    expect(r.out).not.toContain("Plan file written");
  });

  test("within budget: says no plan is needed, exit 0; -o still writes an empty plan (replacing a stale one)", async () => {
    const cfg = f.variant((y) => y.replace(/^target-budget: .*$/m, "target-budget: 99999999"));
    const file = join(f.dir, "empty-plan.yaml");
    writeFileSync(file, "stale plan\n", { mode: 0o644 });
    const r = await run([...globals(f, cfg), "plan", "--out", file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("No Termination Plan needed: the forecast is within the budget.");
    expect(r.out).not.toContain("ID: ");
    expect(r.out).toContain(`Plan file written: ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const parsed = parsePlan(readFileSync(file, "utf8"), { period: billingPeriod(Date.now(), 1), knownIds });
    expect(parsed.outcome).toBe("NOT_NEEDED");
    expect(parsed.items).toEqual([]);

    const y = await run([...globals(f, cfg), "plan", "--output", "yaml"]);
    expect(y.out).toContain("needed: false");
    expect(y.out).toContain("outcome: NOT_NEEDED");
    expect(y.out).toContain("items: []");
  });

  test("classic mode from the config is used and named", async () => {
    const cfg = f.variant((y) => y + "planner:\n  mode: classic\n");
    const r = await run([...globals(f, cfg), "plan", "--output", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as PlanDocument;
    expect(doc.plan.mode).toBe("classic");
    expect(doc.plan.items.length).toBeGreaterThan(0);
  });

  test("a resource vetoed in this period (state DB) is left out of the plan and named", async () => {
    const first = JSON.parse((await run([...globals(f), "plan", "--output", "json"])).out) as PlanDocument;
    const target = first.plan.items[0]!;
    const stateDir = join(f.dir, "state-with-veto");
    const store = Store.open(stateDir);
    const now = Date.now();
    store.insertItem({
      id: "veto-1", vrId: target.vrId, action: target.action, prio: target.prio, tdate: now, tsave: target.tsave, tasap: true,
      reason: "test", state: "VETOED", deadline: now, createdAt: now, updatedAt: now, vetoReason: "needed for the release",
      periodStart: billingPeriod(now, 1).start, origin: "engine", dryRun: false, resources: [],
    });
    store.close();
    const r = await run(["--config", f.config, "--state-dir", stateDir, "plan", "--output", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as PlanDocument;
    expect(doc.vetoed).toEqual([target.vrId]);
    expect(doc.plan.items.map((i) => i.vrId)).not.toContain(target.vrId);
    expect(doc.plan.items.length).toBeGreaterThan(0);
    expect(first.vetoed).toEqual([]);
    const text = await run(["--config", f.config, "--state-dir", stateDir, "plan"]);
    expect(text.out).toContain(`Vetoed this period, left out: ${target.vrId}`);
  });

  test("an unwritable -o path: exit 1 with the reason, no file", async () => {
    const file = join(f.dir, "no-such-dir", "plan.yaml");
    const r = await run([...globals(f), "plan", "--out", file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot write the plan file ${file}`);
    expect(existsSync(file)).toBe(false);
  });
});
