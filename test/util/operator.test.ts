import { describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { operatorIdentity, operatorName } from "../../src/util/operator.ts";

describe("operator identity for the audit log", () => {
  test("sudo keeps the real operator", () => {
    expect(operatorName({ SUDO_USER: "alice", USER: "root" })).toBe("alice");
  });
  test("USER, then LOGNAME", () => {
    expect(operatorName({ USER: "bob" })).toBe("bob");
    expect(operatorName({ LOGNAME: "carla" })).toBe("carla");
  });
  test("without environment it is never 'unknown' when the uid has a passwd entry", () => {
    const name = operatorName({});
    expect(name).not.toBe("unknown");
    expect(name.length).toBeGreaterThan(0);
    if (process.getuid?.() === 0) expect(name).toBe("root");
  });
  test("identity is name@host", () => {
    expect(operatorIdentity({ USER: "dora" })).toBe(`dora@${hostname()}`);
  });
});
