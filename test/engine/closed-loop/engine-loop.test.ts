/**
 * The engine re-plans in the same tick as an operator's command, and refuses a postpone that would make an item
 * save nothing this period unless it is forced.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { billingPeriod } from "../../../src/engine/period.ts";
import { applyCommand } from "../../../src/engine/lifecycle.ts";
import { H, makeEngine, T0 } from "../fixtures.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("closed loop in the engine", () => {
  test("a veto re-plans in the same call: the snapshot at once shows the replacement, without waiting for a sync", async () => {
    const { engine, store, dir } = makeEngine({ ids: ["a", "b", "c"], gap: 15 });
    dirs.push(dir);
    await engine.step();
    const first = store.listItems({ states: ["PENDING"] }).map((i) => i.vrId).sort();
    expect(first).toEqual(["ECS_a", "ECS_b"]);
    const a = store.listItems({ vrId: "ECS_a" })[0]!;
    const r = await engine.send({ type: "veto", ids: [a.id], reason: "needed", actor: "op", source: "cli" });
    expect(r.ok).toBe(true);
    // No step in between: the veto itself re-planned.
    const open = store.listItems({ states: ["PENDING"] }).map((i) => i.vrId).sort();
    expect(open).toEqual(["ECS_b", "ECS_c"]);
    const snap = engine.getSnapshot();
    expect(snap.plan.filter((i) => i.state === "PENDING").map((i) => i.vrId).sort()).toEqual(["ECS_b", "ECS_c"]);
    expect(snap.vetoedResources?.["ECS_a"]?.itemId).toBe(a.id);
    await engine.stop();
    store.close();
  });

  test("an execution re-settles at once: the deleted resource's saving counts, and no new item covers it again", async () => {
    const { engine, store, clock, cloud, dir } = makeEngine({ ids: ["a", "b", "c"], gap: 15 });
    dirs.push(dir);
    await engine.step();
    clock.advance(24 * H);
    await engine.step();
    expect([...cloud.deletes].sort()).toEqual(["a", "b"]);
    // The fixture's gap (15) is covered by the two deletions (10 each): nothing new, nothing for c.
    clock.advance(H);
    await engine.step();
    expect(store.listItems({ states: ["PENDING", "APPROVED"] })).toEqual([]);
    expect(engine.getSnapshot().budget!.gap).toBeLessThanOrEqual(0);
    await engine.stop();
    store.close();
  });

  test("a postpone past the period end is refused unless forced; forced, it saves nothing and the gap is planned again", async () => {
    const { engine, store, dir } = makeEngine({ ids: ["a", "b", "c"], gap: 15 });
    dirs.push(dir);
    await engine.step();
    const b = store.listItems({ vrId: "ECS_b" })[0]!;
    const period = billingPeriod(T0, 1);
    const byMs = period.end - b.deadline + H;
    const refused = await engine.send({ type: "postpone", ids: [b.id], byMs, actor: "op", source: "cli" });
    expect(refused.ok).toBe(false);
    expect(refused.results[0]!.message).toContain("after the billing period ends");
    expect(store.getItem(b.id)!.deadline).toBe(b.deadline);
    const forced = await engine.send({ type: "postpone", ids: [b.id], byMs, actor: "op", source: "cli", force: true });
    expect(forced.ok).toBe(true);
    expect(forced.results[0]!.message).toContain("saves nothing this period");
    expect(store.getItem(b.id)!.deadline).toBeGreaterThanOrEqual(period.end);
    await engine.stop();
    store.close();
  });

  test("on the state database (no daemon), the period end comes from the item's own period: refused, then forced", async () => {
    const { engine, store, dir } = makeEngine({ ids: ["a", "b"], gap: 15 });
    dirs.push(dir);
    await engine.step();
    await engine.stop();
    const a = store.listItems({ vrId: "ECS_a" })[0]!;
    const end = billingPeriod(T0, 1).end;
    const byMs = end - a.deadline + H;
    expect(applyCommand(store, { type: "postpone", ids: [a.id], byMs, actor: "op", source: "cli" }, T0).ok).toBe(false);
    expect(applyCommand(store, { type: "postpone", ids: [a.id], byMs, actor: "op", source: "cli", force: true }, T0).ok).toBe(true);
    store.close();
  });
});
