import { afterAll, describe, expect, test } from "bun:test";
import { ledgerFromItems } from "../../src/engine/closed-loop/index.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { applyCommand, leavesOf, reconcile } from "../../src/engine/lifecycle.ts";
import type { PlannedTermination, VirtualResource } from "../../src/engine/types.ts";
import { NO_DAYS } from "../../src/engine/virtual/day-series.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function open(): Store {
  const d = mkdtempSync(join(tmpdir(), "ot3c-lc-"));
  dirs.push(d);
  return Store.open(d);
}

const H = 3600_000;
function leaf(id: string, kind: "ECS" | "EVS" = "ECS"): VirtualResource {
  return { id: `${kind}_${id}`, kind, name: id, prio: 5, tags: {}, members: [], daily: NO_DAYS, resource: { kind, id, name: id, status: kind === "ECS" ? "ACTIVE" : "in-use", tags: {} } };
}
function planned(vrId: string, tdate: number, action: "stop" | "delete" = "delete"): PlannedTermination {
  return { vrId, action, prio: 5, tdate, tsave: 10, tasap: false, reason: "gap" };
}
function roots(...vrs: VirtualResource[]) {
  return new Map(vrs.map((v) => [v.id, v]));
}

describe("lifecycle.reconcile", () => {
  test("new item: PENDING with deadline = max(tdate, now + grace), audited", () => {
    const s = open();
    const now = 1_000 * H;
    const r = reconcile(s, { now, graceMs: 24 * H, periodStart: 0, desired: [planned("ECS_a", now), planned("ECS_b", now + 48 * H)], origin: "engine", roots: roots(leaf("a"), leaf("b")), budgetAtRisk: true });
    expect(r.created.length).toBe(2);
    const a = s.listItems({ vrId: "ECS_a" })[0]!;
    const b = s.listItems({ vrId: "ECS_b" })[0]!;
    expect(a.state).toBe("PENDING");
    expect(a.deadline).toBe(now + 24 * H);
    expect(b.deadline).toBe(now + 48 * H);
    expect(s.auditEvents().filter((e) => e.action === "item.created").length).toBe(2);
  });

  test("re-planning keeps the deadline, and cancels what is no longer planned", () => {
    const s = open();
    const t0 = 1_000 * H;
    reconcile(s, { now: t0, graceMs: 24 * H, periodStart: 0, desired: [planned("ECS_a", t0), planned("ECS_b", t0)], origin: "engine", roots: roots(leaf("a"), leaf("b")), budgetAtRisk: true });
    const before = s.listItems({ vrId: "ECS_a" })[0]!;
    reconcile(s, { now: t0 + 5 * H, graceMs: 24 * H, periodStart: 0, desired: [planned("ECS_a", t0 + 5 * H)], origin: "engine", roots: roots(leaf("a"), leaf("b")), budgetAtRisk: true });
    const after = s.listItems({ vrId: "ECS_a" });
    expect(after.length).toBe(1);
    expect(after[0]!.deadline).toBe(before.deadline);
    expect(after[0]!.id).toBe(before.id);
    expect(s.listItems({ vrId: "ECS_b" })[0]!.state).toBe("CANCELLED");
    // Budget no longer at risk: the plan is empty, everything open is cancelled with that reason.
    reconcile(s, { now: t0 + 6 * H, graceMs: 24 * H, periodStart: 0, desired: [], origin: "engine", roots: roots(leaf("a"), leaf("b")), budgetAtRisk: false });
    const a = s.listItems({ vrId: "ECS_a" })[0]!;
    expect(a.state).toBe("CANCELLED");
    expect(a.error).toBe("budget no longer at risk");
  });

  test("GONE when the resource disappeared before execution", () => {
    const s = open();
    reconcile(s, { now: 0, graceMs: H, periodStart: 0, desired: [planned("ECS_a", 0)], origin: "engine", roots: roots(leaf("a")), budgetAtRisk: true });
    reconcile(s, { now: 10, graceMs: H, periodStart: 0, desired: [], origin: "engine", roots: roots(), budgetAtRisk: true });
    expect(s.listItems({ vrId: "ECS_a" })[0]!.state).toBe("GONE");
  });

  test("a vetoed VR is never re-planned in the same period, but may be in the next", () => {
    const s = open();
    reconcile(s, { now: 0, graceMs: H, periodStart: 0, desired: [planned("ECS_a", 0)], origin: "engine", roots: roots(leaf("a")), budgetAtRisk: true });
    const id = s.listItems()[0]!.id;
    const res = applyCommand(s, { type: "veto", ids: [id], reason: "prod database", actor: "alice", source: "tui" }, 5);
    expect(res.ok).toBe(true);
    expect([...new Set([...ledgerFromItems(s.listItems({ periodStart: 0 }), 0).vetoed.values()].map((v) => v.vrId))]).toEqual(["ECS_a"]);
    reconcile(s, { now: 10, graceMs: H, periodStart: 0, desired: [planned("ECS_a", 0)], origin: "engine", roots: roots(leaf("a")), budgetAtRisk: true });
    expect(s.listItems().length).toBe(1);
    reconcile(s, { now: 20, graceMs: H, periodStart: 999, desired: [planned("ECS_a", 0)], origin: "engine", roots: roots(leaf("a")), budgetAtRisk: true });
    expect(s.listItems({ periodStart: 999 }).length).toBe(1);
  });

  test("items of an ended period are cancelled", () => {
    const s = open();
    reconcile(s, { now: 0, graceMs: H, periodStart: 0, desired: [planned("ECS_a", 0)], origin: "engine", roots: roots(leaf("a")), budgetAtRisk: true });
    reconcile(s, { now: 10, graceMs: H, periodStart: 1, desired: [], origin: "engine", roots: roots(leaf("a")), budgetAtRisk: false });
    expect(s.listItems({ periodStart: 0 })[0]!.error).toBe("billing period ended");
  });

  test("group leaves are in termination order (server first)", () => {
    const g: VirtualResource = { id: "GR_[ECS_s,EVS_v]", kind: "GROUP", name: "g", prio: 3, tags: {}, members: [leaf("s"), leaf("v", "EVS")], daily: NO_DAYS };
    expect(leavesOf(g).map((r) => `${r.kind}:${r.id}`)).toEqual(["ECS:s", "EVS:v"]);
  });
});

describe("lifecycle.applyCommand", () => {
  function seeded() {
    const s = open();
    reconcile(s, { now: 0, graceMs: H, periodStart: 0, desired: [planned("ECS_a", 0), planned("ECS_b", 0)], origin: "engine", roots: roots(leaf("a"), leaf("b")), budgetAtRisk: true });
    const [a, b] = [s.listItems({ vrId: "ECS_a" })[0]!, s.listItems({ vrId: "ECS_b" })[0]!];
    return { s, a, b };
  }

  test("approve records who; approving twice is harmless; unknown ids are reported", () => {
    const { s, a } = seeded();
    const r = applyCommand(s, { type: "approve", ids: [a.id, "nope"], actor: "bob", source: "cli" }, 7);
    expect(r.ok).toBe(false);
    expect(r.results[0]).toMatchObject({ id: a.id, ok: true });
    expect(r.results[1]).toMatchObject({ id: "nope", ok: false });
    expect(s.getItem(a.id)!.approvedBy).toBe("bob");
    expect(applyCommand(s, { type: "approve", ids: [a.id], actor: "carol", source: "cli" }, 8).ok).toBe(true);
    const ev = s.auditEvents({ itemId: a.id }).find((e) => e.action === "item.approved")!;
    expect(ev).toMatchObject({ actor: "bob", source: "cli", at: 7 });
  });

  test("veto needs a reason; postpone moves the deadline by the duration; both refused on closed items", () => {
    const { s, a, b } = seeded();
    expect(applyCommand(s, { type: "veto", ids: [a.id], reason: " ", actor: "x", source: "cli" }, 1).ok).toBe(false);
    expect(applyCommand(s, { type: "postpone", ids: [b.id], byMs: 2 * H, actor: "x", source: "socket" }, 1).ok).toBe(true);
    expect(s.getItem(b.id)!.deadline).toBe(b.deadline + 2 * H);
    expect(applyCommand(s, { type: "veto", ids: ["ECS_a"], reason: "needed", actor: "x", source: "cli" }, 2).ok).toBe(true);
    expect(s.getItem(a.id)!.vetoReason).toBe("needed");
    expect(applyCommand(s, { type: "approve", ids: [a.id], actor: "x", source: "cli" }, 3).ok).toBe(false);
    expect(applyCommand(s, { type: "postpone", ids: [a.id], byMs: H, actor: "x", source: "cli" }, 3).ok).toBe(false);
  });
});
