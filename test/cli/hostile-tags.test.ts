/**
 * Whoever may tag a cloud resource controls bytes ot3c prints. Hostile tag values and names (ESC sequences, C1
 * controls, bidi overrides, CR/LF) served by the simulated cloud must reach no terminal raw — in `list` and `plan`
 * as text, JSON and YAML, and in the non-TTY summary — while JSON and YAML still carry exactly the same data.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { cleanupTempDirs, globals, run, startSimFixture, type SimFixture } from "./helpers.ts";
import { textSummary } from "../../src/tui/summary.ts";
import { buildSnapshot, T0 } from "../tui/fixtures.ts";

const CLEAR = "\u001b[2J\u001b[H"; // clear screen, cursor home
const TITLE = "\u001b]0;pwned\u0007"; // set the window title
const C1 = "\u009b31m"; // 8-bit CSI
const RLO = "\u202e"; // right-to-left override
const HOSTILE_OWNER = `mallory${CLEAR}@ex${RLO}ample.com`;
const HOSTILE_GROUP = `grp${RLO}exe.txt${TITLE}`;
const HOSTILE_PRIO = `5${C1}\r\nFAKE LINE`;

/** No raw byte that acts on a terminal; line feeds only where `allowLf`. */
function assertTerminalSafe(out: string, allowLf: boolean) {
  const bad = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  expect(bad.exec(out)?.[0]).toBeUndefined();
  if (!allowLf) expect(out).not.toContain("\t");
}

let f: SimFixture;
const hostileIds: string[] = [];
beforeAll(() => {
  f = startSimFixture();
  // Three servers get hostile tags; one also a hostile name.
  let n = 0;
  for (const s of f.scenario.world.servers.values()) {
    if (n++ >= 3) break;
    // The least important prio, so the planner cuts them first and their owners reach the plan output.
    s.tags = s.tags.filter((t) => !/^ot3c_(owner|group|prio|instance)=/.test(t));
    s.tags.push(`ot3c_owner=${HOSTILE_OWNER}`, `ot3c_group=${HOSTILE_GROUP}`, `x_note=${HOSTILE_PRIO}`, "ot3c_prio=2147483647");
    if (n === 1) s.name = `web${CLEAR}${RLO}`;
    hostileIds.push(s.id);
  }
});
afterAll(async () => {
  await f.stop();
  cleanupTempDirs();
});

describe("hostile tag values in every output format", () => {
  test("list --output text: every control shown escaped, no forged lines", async () => {
    const r = await run([...globals(f), "list"]);
    expect(r.code).toBe(0);
    assertTerminalSafe(r.out, true);
    expect(r.out).toContain("ot3c_owner=mallory\\x1b[2J\\x1b[H@ex\\u202eample.com");
    expect(r.out).toContain("ot3c_group=grp\\u202eexe.txt\\x1b]0;pwned\\x07");
    expect(r.out).not.toMatch(/^FAKE LINE/m);
  });

  for (const format of ["json", "yaml"] as const) {
    test(`list --output ${format}: safe to print, and parses back to the same tags`, async () => {
      const r = await run([...globals(f), "list", "--output", format]);
      expect(r.code).toBe(0);
      assertTerminalSafe(r.out, true);
      const doc = format === "json" ? JSON.parse(r.out) : parse(r.out);
      const all: Array<{ id: string; name: string; tags: Record<string, string>; members: unknown[] }> = [];
      const walk = (xs: any[]) => xs.forEach((x) => (all.push(x), walk(x.members)));
      walk(doc.resources);
      const hostile = all.filter((x) => hostileIds.some((id) => x.id === `ECS_${id}`));
      expect(hostile.length).toBe(3);
      for (const h of hostile) {
        expect(h.tags.ot3c_owner).toBe(HOSTILE_OWNER);
        expect(h.tags.ot3c_group).toBe(HOSTILE_GROUP);
        expect(h.tags.x_note).toBe(HOSTILE_PRIO);
      }
      expect(all.some((x) => x.name === `web${CLEAR}${RLO}`)).toBe(true);
    });
  }

  for (const format of ["text", "json", "yaml"] as const) {
    test(`plan --output ${format}: safe to print`, async () => {
      const r = await run([...globals(f), "plan", "--output", format]);
      expect(r.code).toBe(0);
      assertTerminalSafe(r.out, true);
      if (format === "text") {
        expect(r.out).toContain("mallory\\x1b[2J\\x1b[H@ex\\u202eample.com");
      } else {
        const doc = format === "json" ? JSON.parse(r.out) : parse(r.out);
        expect(doc.plan.items.map((i: { owner: string | null }) => i.owner)).toContain(HOSTILE_OWNER);
      }
    });
  }

  test("the non-TTY summary escapes ids, owners, alerts and sync errors", () => {
    const snap = structuredClone(buildSnapshot({ pending: 3, syncState: "DEGRADED" }));
    snap.plan[0]!.owner = HOSTILE_OWNER;
    snap.plan[0]!.vrId = `ECS_${RLO}evil`;
    snap.alerts = [`budget ${TITLE}alert\r\nforged`];
    (snap.sync as { error?: string }).error = `dashboard said ${CLEAR}`;
    const out = textSummary(snap, "in-process", T0);
    assertTerminalSafe(out, true);
    expect(out).toContain("owner mallory\\x1b[2J\\x1b[H@ex\\u202eample.com");
    expect(out).toContain("alert: budget \\x1b]0;pwned\\x07alert\\x0d\\x0aforged");
    expect(out).not.toMatch(/^forged/m);
  });
});
