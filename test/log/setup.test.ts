import { afterEach, describe, expect, test } from "bun:test";
import { getLogger, setLogger } from "../../src/log/logger.ts";
import { setupLogging, underSystemd } from "../../src/log/setup.ts";

/** Captures what reaches the real stdout/stderr while `fn` runs. */
function captureStd(fn: () => void): { out: string; err: string } {
  let out = "";
  let err = "";
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string) => ((out += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((err += c), true)) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
  return { out, err };
}

afterEach(() => setLogger(undefined));

describe("setupLogging", () => {
  test("tui: prints nothing, keeps entries in the ring, and becomes the process default", () => {
    const { ring } = setupLogging("tui", { level: "debug", ringSize: 5 });
    const seen = captureStd(() => getLogger().child({ component: "sync" }).warn("slow sync", { ms: 1200 }));
    expect(seen).toEqual({ out: "", err: "" });
    expect(ring!.entries().map((e) => [e.level, e.component, e.msg])).toEqual([["warn", "sync", "slow sync"]]);
  });

  test("daemon under systemd: journald lines on stdout", () => {
    setupLogging("daemon", { env: { JOURNAL_STREAM: "8:12345" } });
    const seen = captureStd(() => getLogger().error("sync failed"));
    expect(seen.err).toBe("");
    expect(seen.out).toStartWith('<3>{"time":"');
    expect(seen.out).toContain('"msg":"sync failed"');
  });

  test("daemon in a terminal: timestamped text on stderr; cli: plain text on stderr", () => {
    setupLogging("daemon", { env: {} });
    const d = captureStd(() => getLogger().info("started"));
    expect(d.out).toBe("");
    expect(d.err).toMatch(/^\d{4}-\d{2}-\d{2}T\S+ info: started\n$/);
    setupLogging("cli", { level: "warn" });
    const c = captureStd(() => {
      getLogger().info("hidden");
      getLogger().warn("careful");
    });
    expect(c).toEqual({ out: "", err: "warning: careful\n" });
  });

  test("underSystemd looks at JOURNAL_STREAM / INVOCATION_ID", () => {
    expect(underSystemd({})).toBe(false);
    expect(underSystemd({ INVOCATION_ID: "abc" })).toBe(true);
  });
});
