/**
 * A backup whose answer is lost after the cloud accepted it (a reset, a 502) is found by its name, not asked for
 * twice; a backup that really was not made is an error, as before.
 */
import { describe, expect, test } from "bun:test";
import { copyName, ensureCopy } from "../../../src/engine/parking/index.ts";
import type { CloudResource, SafetyCopy } from "../../../src/engine/types.ts";

const rds: CloudResource = { kind: "RDS", id: "r1", name: "pg", status: "ACTIVE", tags: { ot3c_prio: "5" } };

function cloud(accepts: boolean) {
  const copies: SafetyCopy[] = [];
  let calls = 0;
  const actions = {
    async copy(r: CloudResource, name: string): Promise<SafetyCopy> {
      calls++;
      if (accepts) copies.push({ kind: "RDS_BACKUP", id: `b${calls}`, resourceId: r.id, name, status: "COMPLETED", createdAt: "2026-12-06T10:00:00Z", sizeGb: 40, survivesDeletion: true });
      throw Object.assign(new Error("socket closed"), { code: "ECONNRESET" });
    },
    async listCopies(): Promise<SafetyCopy[]> {
      return copies;
    },
  };
  return { actions, calls: () => calls };
}

describe("ensureCopy when the answer is lost", () => {
  test("accepted before the reset: the copy is found by its name and used, one call", async () => {
    const c = cloud(true);
    const copy = await ensureCopy(c.actions, rds, "item1");
    expect(copy.name).toBe(copyName("item1", rds));
    expect(c.calls()).toBe(1);
  });

  test("not accepted: the reset stays an error, and nothing was asked twice", async () => {
    const c = cloud(false);
    await expect(ensureCopy(c.actions, rds, "item2")).rejects.toThrow("socket closed");
    expect(c.calls()).toBe(1);
  });
});
