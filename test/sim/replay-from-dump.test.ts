/**
 * `ot3c replay --inventory`: a fleet's `list --output json` rows say which project and region each resource lives
 * in, and scoped budgets (`budgets:` by project or region) need that — without it every resource fell into the
 * configured project and a project budget replayed as 0 EUR untouched.
 */
import { describe, expect, test } from "bun:test";
import { resourcesFromList } from "../../src/sim/replay/from-dump.ts";

const row = (kind: string, id: string, extra: Record<string, unknown> = {}) => ({ id: `${kind}_${id}`, kind, name: id, tags: { ot3c_prio: "5" }, members: [], ...extra });

describe("resourcesFromList", () => {
  test("a fleet's rows keep their project and region; a server group keeps its attachments", () => {
    const doc = {
      project: { name: "all projects", region: "eu-de, eu-nl", fleet: true },
      resources: [
        { ...row("GROUP", "g"), members: [row("ECS", "s1", { project: "eu-de_pay", region: "eu-de" }), row("EVS", "v1", { project: "eu-de_pay", region: "eu-de" })] },
        row("RDS", "db", { project: "eu-nl", region: "eu-nl" }),
      ],
    };
    const rs = resourcesFromList(JSON.stringify(doc));
    const by = new Map(rs.map((r) => [r.id, r]));
    expect(by.get("s1")).toMatchObject({ kind: "ECS", projectName: "eu-de_pay", region: "eu-de", attachedVolumeIds: ["v1"] });
    expect(by.get("v1")).toMatchObject({ projectName: "eu-de_pay", region: "eu-de", attachedServerIds: ["s1"] });
    expect(by.get("db")).toMatchObject({ projectName: "eu-nl", region: "eu-nl" });
  });

  test("a single project's rows stay without a project (the configured one), as before", () => {
    const doc = { project: { name: "eu-de_x", region: "eu-de" }, resources: [row("ECS", "s1", { project: "eu-de_x", region: "eu-de" })] };
    const [r] = resourcesFromList(JSON.stringify(doc));
    expect(r!.projectName).toBeUndefined();
    expect(r!.region).toBeUndefined();
  });
});
