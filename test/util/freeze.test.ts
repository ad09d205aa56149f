import { describe, expect, test } from "bun:test";
import { deepFreeze } from "../../src/util/freeze.ts";

describe("deepFreeze", () => {
  test("every object and array of the graph is frozen; content unchanged", () => {
    const g = { a: { b: [1, { c: "x" }], members: [] as unknown[] }, list: [[], [2]], n: 3 };
    const before = JSON.stringify(g);
    deepFreeze(g);
    expect(JSON.stringify(g)).toBe(before);
    for (const o of [g, g.a, g.a.b, g.a.b[1], g.a.members, g.list, g.list[0], g.list[1]]) expect(Object.isFrozen(o)).toBe(true);
    expect(() => (g.a.members as unknown[]).push(1)).toThrow();
    expect(() => ((g.a.b[1] as { c: string }).c = "y")).toThrow();
  });

  test("empty arrays become one shared frozen array (a frozen array costs memory per array in JavaScriptCore)", () => {
    const units = Array.from({ length: 3 }, (_, i) => ({ id: i, members: [] as unknown[], resource: { attached: [] as string[] } }));
    deepFreeze(units);
    expect(units[0]!.members).toBe(units[1]!.members);
    expect(units[0]!.members).toBe(units[2]!.resource.attached as unknown[]);
    expect(units[0]!.members).toEqual([]);
  });

  test("cycles end at an object already frozen", () => {
    const a: Record<string, unknown> = { name: "a" };
    const b: Record<string, unknown> = { name: "b", a };
    a.b = b;
    expect(deepFreeze(a)).toBe(a);
    expect(Object.isFrozen(b)).toBe(true);
  });
});
