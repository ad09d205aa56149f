import { afterAll, describe, expect, test } from "bun:test";
import { cleanupTempDirs, load, loadIssues, quietLogger, VALID, withConfig } from "./helpers.ts";
import { effectiveConfig } from "../../src/config/effective.ts";

afterAll(cleanupTempDirs);

const withLines = (...lines: string[]) => [VALID, ...lines].join("\n");

describe("budgets:", () => {
  test("absent: no budgets (target-budget alone, as before)", async () => {
    const c = await load(withConfig(VALID));
    expect(c.budgets).toBeUndefined();
  });

  test("nested and overlapping budgets: projects, regions, tag matches", async () => {
    const c = await load(
      withConfig(
        withLines(
          "budgets:",
          "  - name: payments-prod",
          "    target: 30",
          "    projects: [eu-de_payments, 0123abcd]",
          "    regions: [eu-de]",
          "  - name: team-x",
          "    target: 12.5",
          "    projects: [eu-de_payments]",
          "    tags: [ot3c_owner=team-x, ot3c_group=payments]",
        ),
      ),
    );
    expect(c.budgets).toEqual([
      { name: "payments-prod", target: 30, projects: ["eu-de_payments", "0123abcd"], regions: ["eu-de"] },
      { name: "team-x", target: 12.5, projects: ["eu-de_payments"], tags: { ot3c_owner: "team-x", ot3c_group: "payments" } },
    ]);
    expect(effectiveConfig(c).budgets).toEqual([
      { name: "payments-prod", target: 30, projects: ["eu-de_payments", "0123abcd"], regions: ["eu-de"] },
      { name: "team-x", target: 12.5, projects: ["eu-de_payments"], tags: ["ot3c_owner=team-x", "ot3c_group=payments"] },
    ]);
  });

  test("errors name the key with line:column: tag syntax, duplicate name, target ≤ 0, no scope, reserved name, same tag key twice", async () => {
    const text = withLines(
      "budgets:", // 7
      "  - name: a", // 8
      "    target: 10", // 9
      "    tags: [ot3c_group:payments]", // 10
      "  - name: a", // 11
      "    target: 0", // 12
      "    regions: [eu-de]", // 13
      "  - name: empty", // 14
      "    target: 5", // 15
      "  - name: all", // 16
      "    target: 5", // 17
      "    regions: [eu-nl]", // 18
      "  - name: twice", // 19
      "    target: 5", // 20
      "    tags: [ot3c_owner=x, ot3c_owner=y]", // 21
    );
    const err = await loadIssues(text);
    const m = err.message;
    expect(m).toMatch(/ot3c\.yaml:10:\d+: budgets\[0\]\.tags\[0\]: expected a tag match key=value such as ot3c_group=payments or ot3c_owner=team-x, got "ot3c_group:payments"/);
    expect(m).toMatch(/ot3c\.yaml:11:\d+: budgets\[1\]\.name: duplicate budget name a \(first at budgets\[0\]\)/);
    expect(m).toMatch(/ot3c\.yaml:12:\d+: budgets\[1\]\.target: expected a number > 0, got 0/);
    expect(m).toMatch(/ot3c\.yaml:14:\d+: budgets\[2\]: needs projects, regions or tags/);
    expect(m).toMatch(/ot3c\.yaml:16:\d+: budgets\[3\]\.name: "all" is the budget of everything/);
    expect(m).toMatch(/ot3c\.yaml:21:\d+: budgets\[4\]\.tags\[1\]: tag key ot3c_owner is matched twice/);
  });

  test("a child whose target exceeds its parent's (or target-budget) is a warning, not an error", async () => {
    const { logger, ring } = quietLogger();
    const c = await load(
      withConfig(
        withLines(
          "budgets:",
          "  - name: project",
          "    target: 40",
          "    projects: [p-123]",
          "  - name: team",
          "    target: 45",
          "    projects: [p-123]",
          "    tags: [ot3c_owner=team-x]",
          "  - name: huge",
          "    target: 99",
          "    regions: [eu-de]",
        ),
      ),
      { logger },
    );
    expect(c.budgets).toHaveLength(3);
    const warnings = ring.entries().map((e) => e.msg);
    expect(warnings.some((w) => /ot3c\.yaml:12:\d+: budgets\[1\]\.target: budget team \(45\) lies within budget project but exceeds its target \(40\)/.test(w))).toBe(true);
    expect(warnings.some((w) => /budgets\[2\]\.target: budget huge \(99\) exceeds target-budget \(48\)/.test(w))).toBe(true);
    expect(warnings.some((w) => w.includes("budgets[0]"))).toBe(false);
    // The same lines for `ot3c config check` (its `warnings`).
    expect(c.warnings).toEqual(warnings);
    expect(warnings).toHaveLength(2);
  });
});
