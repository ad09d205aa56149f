import { describe, expect, test } from "bun:test";
import { parse, stringify } from "yaml";
import { billingPeriod, dayStart } from "../../../src/engine/period.ts";
import { PlanFileError, parsePlan, renderPlanText, rfc3339, serializePlan } from "../../../src/engine/planner/plan-file.ts";
import type { TerminationPlan } from "../../../src/engine/types.ts";

const now = Date.parse("2026-11-21T09:00:00.123Z");
const period = billingPeriod(now);
const plan: TerminationPlan = {
  createdAt: now,
  period,
  mode: "optimal",
  gap: 31,
  savings: 31.4,
  outcome: "OK",
  items: [
    { vrId: "GR_[ECS_a,EVS_b]", action: "park", prio: 40, owner: "ops@example.com", tdate: dayStart("2026-11-27"), tsave: 12.4, tasap: false, reason: "prio 40; stopping it avoids 12.40 EUR" },
    { vrId: "CCE_np", action: "delete", prio: 90, tdate: now + 86_400_000, tsave: 19.000000001, tasap: true, reason: "prio 90; deleting it" },
  ],
};
const known = new Set(["GR_[ECS_a,EVS_b]", "CCE_np", "ECS_other"]);

describe("plan files", () => {
  test("round trip keeps every field (money rounded to 1e-6) with the seed's keys", () => {
    const text = serializePlan(plan, { createdAt: now });
    const doc = parse(text);
    expect(doc.version).toBe(1);
    expect(doc.createdat).toBe("2026-11-21T10:00:00+01:00");
    expect(doc.period).toEqual({ start: "2026-11-01", end: "2026-12-01" });
    expect(Object.keys(doc.items[0]).slice(0, 4)).toEqual(["vrid", "tdate", "tsave", "tasap"]);
    expect(doc.items[0].tdate).toBe("2026-11-27T00:00:00+01:00");
    expect(doc.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    const back = parsePlan(text, { period, knownIds: known });
    expect(back.items.map((i) => i.vrId)).toEqual(["GR_[ECS_a,EVS_b]", "CCE_np"]);
    expect(back.items[0]).toEqual({ ...plan.items[0] });
    expect(back.items[1].tsave).toBe(19);
    expect(back.items[1].owner).toBeUndefined();
    expect(back.items[1].tdate).toBe(Math.ceil((now + 86_400_000) / 1000) * 1000);
    expect(back.outcome).toBe("OK");
    expect(back.mode).toBe("optimal");
    expect(back.gap).toBe(31);
  });

  test("the ladder's actions round-trip; `stop` (files written before the ladder) is read as park; others are refused", () => {
    const items = [plan.items[0], { ...plan.items[1], action: "snapshot-delete" as const }];
    const back = parsePlan(serializePlan({ ...plan, items }, { createdAt: now }), { period, knownIds: known });
    expect(back.items.map((i) => i.action)).toEqual(["park", "snapshot-delete"]);
    const old = parsePlan(serializePlan({ ...plan, items: [{ ...plan.items[0], action: "stop" }] }, { createdAt: now }), { period, knownIds: known });
    expect(old.items[0].action).toBe("park");
    const odd = serializePlan({ ...plan, items: [{ ...plan.items[0], action: "hibernate" as never }] }, { createdAt: now });
    expect(() => parsePlan(odd, { period, knownIds: known })).toThrow(/action must be one of park, snapshot-delete, delete/);
  });

  test("refuses a plan of another billing period", () => {
    const text = serializePlan({ ...plan, period: billingPeriod(Date.parse("2026-10-10T00:00:00Z")) }, { createdAt: now });
    expect(() => parsePlan(text, { period, knownIds: known })).toThrow(/billing period 2026-10-01 – 2026-11-01.*not the current 2026-11-01 – 2026-12-01/);
  });

  test("refuses a bad checksum (any edited field)", () => {
    const text = serializePlan(plan, { createdAt: now });
    const edited = text.replace("tsave: 12.4", "tsave: 1.4");
    expect(edited).not.toBe(text);
    expect(() => parsePlan(edited, { period, knownIds: known })).toThrow(/checksum does not match/);
    const doc = parse(text);
    doc.items[1].vrid = "ECS_other";
    expect(() => parsePlan(stringify(doc), { period, knownIds: known })).toThrow(PlanFileError);
  });

  test("refuses unknown ids by exact match (no substring matching)", () => {
    const text = serializePlan(plan, { createdAt: now });
    expect(() => parsePlan(text, { period, knownIds: new Set(["GR_[ECS_a,EVS_b]", "CCE_np_longer"]) })).toThrow(
      /1 virtual resource\(s\) that do not exist now \(exact match\): "CCE_np"/,
    );
  });

  test("refuses unsupported versions, including the seed's version-less files", () => {
    const seed = "createdat: 2021-01-14T15:22:56.123456789+01:00\nitems:\n- vrid: ECS_x\n  tdate: 2021-01-15T15:22:56+01:00\n  tsave: 12.5\n  tasap: true\n";
    expect(() => parsePlan(seed, { period, knownIds: known })).toThrow(/no version/);
    const doc = parse(serializePlan(plan, { createdAt: now }));
    doc.version = 2;
    expect(() => parsePlan(stringify(doc), { period, knownIds: known })).toThrow(/version 2 is not supported/);
    expect(() => parsePlan("{{{", { period, knownIds: known })).toThrow(/not valid YAML/);
  });

  test("rfc3339 uses the Berlin offset, summer and winter", () => {
    expect(rfc3339(Date.parse("2026-07-01T10:00:00Z"))).toBe("2026-07-01T12:00:00+02:00");
    expect(rfc3339(Date.parse("2026-12-31T23:30:00Z"))).toBe("2027-01-01T00:30:00+01:00");
  });

  test("text form: the seed's lines plus action, reason and the outcome", () => {
    const text = renderPlanText(plan, "EUR");
    expect(text).toContain("ID: GR_[ECS_a,EVS_b]\nPrio: 40\nAction: park\nTermination Date: 2026-11-27T00:00:00+01:00\nCosts saved: 12.40 EUR\nTermination ASAP: false");
    expect(text).toContain("Reason: prio 40; stopping it avoids 12.40 EUR");
    expect(text).toContain("Savings from Termination Plan: 31.40 EUR");
    expect(text).toContain("Outcome: OK");
    const end = renderPlanText({ ...plan, outcome: "END_OF_MANAGEABLE_LIST" }, "EUR");
    expect(end).toContain("End of manageable Resource list");
    expect(renderPlanText({ ...plan, items: [], outcome: "NOT_NEEDED", savings: 0 })).toContain("No Termination Plan needed");
  });
});
