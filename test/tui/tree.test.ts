import { describe, expect, test } from "bun:test";
import { flattenTree, indexTree, nextSort, orderRoots, planStateByVr, warmTreeStep, type RootEntry, type SortKey, type TreeIndex } from "../../src/tui/tree.ts";
import { unitPrioLabel } from "../../src/format/index.ts";
import { buildSnapshot } from "./fixtures.ts";

const snap = buildSnapshot({ resources: 12 });
const base = { collapsed: new Set<string>(), filter: "", sort: { key: "prio" as const, reverse: false } };

describe("flattenTree", () => {
  test("keeps the engine order, shows group members indented under their group", () => {
    const rows = flattenTree(snap, base);
    expect(rows.filter((r) => r.depth === 0).map((r) => r.id)).toEqual(snap.resources.map((r) => r.id));
    const g = rows.findIndex((r) => r.isGroup);
    expect(rows[g + 1].depth).toBe(1);
    expect(rows[g + 1].parentId).toBe(rows[g].id);
    expect(rows.length).toBe(snap.resources.reduce((n, r) => n + 1 + r.members.length, 0));
  });

  test("collapsed groups hide members; a filter expands them to show the hits", () => {
    const group = snap.resources.find((r) => r.kind === "GROUP")!;
    const collapsed = flattenTree(snap, { ...base, collapsed: new Set([group.id]) });
    expect(collapsed.some((r) => r.parentId === group.id)).toBe(false);
    const member = group.members[1];
    const filtered = flattenTree(snap, { ...base, collapsed: new Set([group.id]), filter: member.name.toUpperCase() });
    expect(filtered.map((r) => r.id)).toEqual([group.id, member.id]);
  });

  test("filter matches owner and plan state; no match gives no rows", () => {
    expect(flattenTree(snap, { ...base, filter: "bob@" }).every((r) => r.vr.owner === "bob@example.com" || r.depth === 1)).toBe(true);
    const pending = flattenTree(snap, { ...base, filter: "pending" });
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((r) => r.state === "PENDING")).toBe(true);
    expect(flattenTree(snap, { ...base, filter: "no-such-thing" })).toEqual([]);
  });

  test("sort by cost/forecast/name, reversed by pressing again", () => {
    const byCost = flattenTree(snap, { ...base, sort: { key: "cost", reverse: false } }).filter((r) => r.depth === 0);
    for (let i = 1; i < byCost.length; i++) expect(byCost[i - 1].cost).toBeGreaterThanOrEqual(byCost[i].cost);
    const byName = flattenTree(snap, { ...base, sort: { key: "name", reverse: true } }).filter((r) => r.depth === 0);
    for (let i = 1; i < byName.length; i++) expect(byName[i - 1].vr.name.localeCompare(byName[i].vr.name)).toBeGreaterThanOrEqual(0);
    expect(nextSort({ key: "cost", reverse: false }, "cost")).toEqual({ key: "cost", reverse: true });
    expect(nextSort({ key: "cost", reverse: true }, "name")).toEqual({ key: "name", reverse: false });
  });

  test("state per resource is the newest plan item's", () => {
    const vrId = snap.plan[0].vrId;
    const states = planStateByVr([
      { ...snap.plan[0], state: "VETOED", updatedAt: 1 },
      { ...snap.plan[0], id: "p-new", state: "PENDING", updatedAt: 2 },
    ]);
    expect(states.get(vrId)).toBe("PENDING");
  });
});

describe("nested groups", () => {
  test("a group inside a group shows its members one level deeper; filters keep the path to a hit", () => {
    const s = buildSnapshot({ resources: 6 });
    const [a, b] = s.resources.filter((r) => r.kind === "GROUP");
    const outer = { ...a, id: `GR_[${a.id},${b.id}]`, name: "team-x", members: [a, b] };
    const nested = { ...s, resources: [outer, ...s.resources.filter((r) => r !== a && r !== b)] };
    const rows = flattenTree(nested, base);
    expect(rows.slice(0, 7).map((r) => [r.depth, r.id])).toEqual([
      [0, outer.id],
      [1, a.id],
      [2, a.members[0].id],
      [2, a.members[1].id],
      [1, b.id],
      [2, b.members[0].id],
      [2, b.members[1].id],
    ]);
    const hit = b.members[1];
    const filtered = flattenTree(nested, { ...base, filter: hit.name });
    expect(filtered.map((r) => r.id)).toEqual([outer.id, b.id, hit.id]);
    const collapsedInner = flattenTree(nested, { ...base, collapsed: new Set([a.id]) });
    expect(collapsedInner.slice(0, 3).map((r) => [r.id, r.expanded])).toEqual([
      [outer.id, true],
      [a.id, false],
      [b.id, true],
    ]);
  });
});

describe("what the tree says about protection", () => {
  test("a vetoed resource shows VETOED on its row and on the unit that now holds it, whatever the group id", () => {
    const group = snap.resources.find((r) => r.kind === "GROUP")!;
    const leafId = group.members[1]!.id;
    const vetoed = { ...snap, plan: [], vetoedResources: { [leafId]: { itemId: "v1", reason: "release week" } } };
    const rows = flattenTree(vetoed, base);
    expect(rows.find((r) => r.id === leafId)!.state).toBe("VETOED");
    expect(rows.find((r) => r.id === group.id)!.state).toBe("VETOED");
    // The sibling too: no item may act on the unit that holds a vetoed resource.
    expect(rows.filter((r) => r.state === "VETOED").map((r) => r.id).sort()).toEqual([group.id, ...group.members.map((m) => m.id)].sort());
  });

  test("the prio column says untagged, prepaid, ghost or baseline — 0 only for a real ot3c_prio=0", () => {
    const untagged = { kind: "ECS", prio: 0, managed: false, tags: {} };
    expect(unitPrioLabel(untagged)).toBe("untagged");
    expect(unitPrioLabel({ ...untagged, resource: { prepaid: true } })).toBe("prepaid");
    expect(unitPrioLabel({ kind: "GHOST", prio: 0, managed: false, tags: { ot3c_prio: "0" } })).toBe("ghost");
    expect(unitPrioLabel({ kind: "GROUP", prio: 0, managed: false, tags: { ot3c_group: "staging" } })).toBe("baseline");
    expect(unitPrioLabel({ kind: "ECS", prio: 0, managed: true, tags: { ot3c_prio: "0" } })).toBe("0");
    expect(unitPrioLabel({ kind: "ECS", prio: 2147483647, managed: true, tags: { ot3c_prio: "2147483647" } })).toBe("2147483647");
  });
});

describe("orderRoots", () => {
  // The order the comparator sort gave before roots were sorted by key arrays: largest cost/forecast first, no
  // forecast last, names by code units, ties in the engine's order.
  const reference = (index: TreeIndex, key: SortKey) => {
    if (key === "prio") return index.roots;
    const f = (e: RootEntry) => e.node.row;
    const cmp: (a: RootEntry, b: RootEntry) => number =
      key === "cost"
        ? (a, b) => f(b).cost - f(a).cost
        : key === "forecast"
          ? (a, b) => (f(b).forecast ?? -Infinity) - (f(a).forecast ?? -Infinity)
          : (a, b) => (f(a).vr.name < f(b).vr.name ? -1 : f(a).vr.name > f(b).vr.name ? 1 : 0);
    return [...index.roots].sort((a, b) => cmp(a, b) || a.index - b.index);
  };

  test("gives the comparator's order, ties and missing forecasts included, and sorts once per snapshot", () => {
    const snap = buildSnapshot({ resources: 400 });
    // Ties and gaps on purpose: equal costs, equal names, units without a forecast, names that differ in case.
    snap.resources.forEach((vr, i) => {
      if (i % 3 === 0) snap.forecasts[vr.id] = { ...snap.forecasts[vr.id]!, costSoFar: 7 };
      if (i % 5 === 0) delete snap.forecasts[vr.id];
      if (i % 4 === 0) vr.name = i % 8 === 0 ? "same" : "Same";
    });
    const index = indexTree(snap);
    for (const key of ["cost", "forecast", "name", "prio"] as SortKey[]) {
      const got = orderRoots(index, key);
      expect(got.map((e) => e.index)).toEqual(reference(index, key).map((e) => e.index));
      expect(orderRoots(index, key)).toBe(got);
    }
  });
});

describe("warmTreeStep", () => {
  test("prepares every sort order and the search text one step at a time, then reports nothing left", () => {
    const index = indexTree(buildSnapshot({ resources: 50 }));
    let steps = 0;
    while (warmTreeStep(index)) steps++;
    expect(steps).toBe(4); // cost, forecast, name, search text
    const byName = index.orders!.name!;
    expect(orderRoots(index, "name")).toBe(byName);
    expect(byName.map((e) => e.node.row.vr.name)).toEqual([...byName.map((e) => e.node.row.vr.name)].sort());
    expect(warmTreeStep(index)).toBe(false);
  });
});
