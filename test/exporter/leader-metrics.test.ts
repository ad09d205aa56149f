import { describe, expect, test } from "bun:test";
import { createEngineMetrics } from "../../src/exporter/engine-metrics.ts";
import type { EngineSnapshot } from "../../src/engine/types.ts";
import { snapshot } from "./fixtures.ts";

describe("leader metrics", () => {
  test("ot3c_leader, ot3c_leader_epoch and ot3c_lease_seconds_remaining follow the snapshot's lease", async () => {
    let current: EngineSnapshot = snapshot({ lease: { role: "LEADER", epoch: 7, self: "1@a", holder: "1@a", expiresAt: Date.now() + 9_500 } });
    const m = createEngineMetrics({ getSnapshot: () => current, currency: "EUR" });
    let text = await m.render(false);
    expect(text).toMatch(/^ot3c_leader 1$/m);
    expect(text).toMatch(/^ot3c_leader_epoch 7$/m);
    const remaining = Number(/^ot3c_lease_seconds_remaining (\S+)$/m.exec(text)![1]);
    expect(remaining).toBeGreaterThan(8.5);
    expect(remaining).toBeLessThanOrEqual(9.5);
    current = snapshot({ lease: { role: "FOLLOWER", epoch: 7, self: "2@b" } });
    text = await m.render(true);
    expect(text).toMatch(/^ot3c_leader 0$/m);
    expect(text).toMatch(/^ot3c_lease_seconds_remaining 0$/m);
  });
});
