/** Messages for the ladder's actions: a park says it comes back, a resume lists what came back and what was left alone. */
import { describe, expect, test } from "bun:test";
import { itemMessage } from "../../src/notify/message.ts";
import type { StoredPlanItem } from "../../src/store/store.ts";

const now = Date.parse("2026-11-20T09:00:00Z");
const item: StoredPlanItem = {
  id: "k7m2qx", vrId: "ECS_web-1", action: "park", prio: 40, owner: "alice", tdate: now, tsave: 12.5, tasap: false,
  reason: "prio 40; parking it", state: "PENDING", deadline: now + 86_400_000, createdAt: now, updatedAt: now,
  periodStart: Date.parse("2026-10-31T23:00:00Z"), origin: "engine", dryRun: false,
  resources: [{ kind: "ECS", id: "web-1", name: "web-1", status: "ACTIVE", tags: {} }],
};

describe("ladder messages", () => {
  test("a planned park says it is stopped until the next period, and 'parked'", () => {
    const m = itemMessage("planned", item, now, "demo");
    expect(m.subject).toContain("will be parked");
    expect(m.text).toContain("park (stop until the next period)");
    expect(itemMessage("planned", { ...item, action: "snapshot-delete" }, now, "demo").text).toContain("back up and delete");
  });

  test("resumed: what came back and what was left alone, with why", () => {
    const done: StoredPlanItem = {
      ...item,
      state: "DONE",
      journal: {
        action: "park",
        startedAt: now,
        steps: [{ resourceId: "web-1", kind: "ECS", phase: "done" }, { resourceId: "db-1", kind: "RDS", phase: "done" }],
        resume: {
          doneAt: now + 10 * 86_400_000,
          steps: [
            { resourceId: "web-1", kind: "ECS", outcome: "started", at: now, note: "the next billing period started" },
            { resourceId: "db-1", kind: "RDS", outcome: "left-alone", at: now, note: "deleted meanwhile; nothing to start" },
          ],
        },
      },
    };
    const m = itemMessage("resumed", done, now, "demo");
    expect(m.subject).toContain("is back: its park ended");
    expect(m.text).toContain("ECS web-1: started again — the next billing period started");
    expect(m.text).toContain("RDS db-1: left alone — deleted meanwhile");
    expect(itemMessage("resumed", { ...done, dryRun: true }, now, "demo").subject).toContain("Dry run");
  });
});
