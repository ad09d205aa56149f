/** `projects:`, `project-regions:`, `region-endpoints:` (issue #18): validation, normalisation, effective config. */
import { afterAll, describe, expect, test } from "bun:test";
import { effectiveConfig } from "../../src/config/effective.ts";
import { cleanupTempDirs, load, loadIssues, withConfig } from "./helpers.ts";

afterAll(cleanupTempDirs);

const NO_PROJECT = ["dashboard-secret: ed-inline-token", "otccreds:", "  accesskey: AKINLINE0001", "  secretkey: SKINLINE0001", "target-budget: 48.0"].join("\n");

describe("projects:", () => {
  test("absent: the single otccreds project, nothing added", async () => {
    const c = await load(withConfig(`${NO_PROJECT}\n`.replace("otccreds:", "otccreds:\n  projectid: p-1")));
    expect(c.otc.projects).toBeUndefined();
    expect(c.otc.regionEndpoints).toBeUndefined();
    expect(effectiveConfig(c).projects).toBeUndefined();
  });

  test("all with regions: every region's endpoints derived (eu-ch2 on its own domain), overrides kept", async () => {
    const c = await load(
      withConfig(`${NO_PROJECT}\nprojects: all\nproject-regions: [eu-de, eu-nl, eu-ch2]\nregion-endpoints:\n  eu-nl:\n    ecs: https://ecs.example.test/\n`),
    );
    expect(c.otc.projects).toBe("all");
    expect(c.otc.regions).toEqual(["eu-de", "eu-nl", "eu-ch2"]);
    expect(c.otc.regionEndpoints!["eu-ch2"]).toEqual({
      iam: "https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3",
      ecs: "https://ecs.eu-ch2.sc.otc.t-systems.com",
      evs: "https://evs.eu-ch2.sc.otc.t-systems.com",
      cce: "https://cce.eu-ch2.sc.otc.t-systems.com",
      rds: "https://rds.eu-ch2.sc.otc.t-systems.com",
    });
    expect(c.otc.regionEndpoints!["eu-nl"]!.ecs).toBe("https://ecs.example.test");
    expect(c.otc.regionEndpoints!["eu-nl"]!.evs).toBe("https://evs.eu-nl.otc.t-systems.com");
    const eff = effectiveConfig(c) as Record<string, any>;
    expect(eff.projects).toBe("all");
    expect(eff["project-regions"]).toEqual(["eu-de", "eu-nl", "eu-ch2"]);
  });

  test("an explicit list: the otccreds region keeps its own endpoint overrides", async () => {
    const c = await load(
      withConfig(`${NO_PROJECT.replace("otccreds:", "otccreds:\n  endpoints: {ecs: 'http://127.0.0.1:9'}")}\nprojects:\n  - {name: eu-de_payments, region: eu-de}\n  - {id: abc, region: eu-nl}\n`),
    );
    expect(c.otc.projects).toEqual([{ name: "eu-de_payments", region: "eu-de" }, { id: "abc", region: "eu-nl" }]);
    expect(c.otc.regionEndpoints!["eu-de"]!.ecs).toBe("http://127.0.0.1:9");
    expect(Object.keys(c.otc.regionEndpoints!)).toEqual(["eu-de", "eu-nl"]);
  });

  test("an entry needs id or name and a region; other values are refused with the key", async () => {
    const err = await loadIssues(`${NO_PROJECT}\nprojects:\n  - {region: eu-de}\n  - {name: x}\n`);
    const text = err.message;
    expect(text).toContain("projects: entry 1: give the project's id or name");
    const missingRegion = await loadIssues(`${NO_PROJECT}\nprojects:\n  - {name: eu-de, region: eu-de}\n  - {name: x}\n`);
    expect(missingRegion.message).toMatch(/projects: entry 2 \(region\): required: expected a region name/);
    const bad = await loadIssues(`${NO_PROJECT}\nprojects: some\n`);
    expect(bad.message).toContain('"all" or a list of {name|id, region}');
  });
});
