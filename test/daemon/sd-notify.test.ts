import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSdNotifier, sockaddrUn } from "../../src/daemon/sd-notify.ts";
import { datagramListener } from "./datagram-listener.ts";

const dir = mkdtempSync(join(tmpdir(), "ot3c-sdn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sd_notify", () => {
  test("no NOTIFY_SOCKET → disabled no-op", () => {
    const n = createSdNotifier({});
    expect(n.enabled).toBe(false);
    expect(n.notify("READY=1")).toBe(false);
  });

  test("sockaddr_un: paths get a NUL, abstract names do not", () => {
    expect(sockaddrUn("/run/x").len).toBe(2 + 6 + 1);
    const a = sockaddrUn("@abc");
    expect(a.len).toBe(2 + 4);
    expect(a.addr[2]).toBe(0);
  });

  for (const kind of ["path", "abstract"] as const) {
    test(`READY / WATCHDOG / STOPPING reach a datagram listener (${kind} socket)`, async () => {
      const path = kind === "path" ? join(dir, "notify.sock") : `@ot3c-test-${process.pid}-${Date.now()}`;
      const l = datagramListener(path);
      await l.ready;
      const n = createSdNotifier({ NOTIFY_SOCKET: path, WATCHDOG_USEC: "4000000" });
      expect(n.enabled).toBe(true);
      expect(n.via).toBe("ffi");
      expect(n.watchdogMs).toBe(4000);
      expect(n.notify("READY=1\nSTATUS=engine running")).toBe(true);
      expect(n.notify("WATCHDOG=1")).toBe(true);
      expect(n.notify("STOPPING=1")).toBe(true);
      for (let i = 0; i < 100 && l.lines.length < 3; i++) await Bun.sleep(10);
      expect(l.lines).toEqual(["READY=1\nSTATUS=engine running", "WATCHDOG=1", "STOPPING=1"]);
      n.close();
      l.proc.kill();
      await l.proc.exited;
    });
  }
});
