import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, getLogger, setLogger } from "../../src/log/logger.ts";
import { fileSink, formatJournaldLine, journaldSink, ringSink, textSink } from "../../src/log/sinks.ts";
import { clearSecrets, registerSecret } from "../../src/util/redact.ts";

const dir = mkdtempSync(join(tmpdir(), "ot3c-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(clearSecrets);

function capture() {
  const lines: string[] = [];
  return { stream: { write: (s: string) => lines.push(s) }, lines };
}

describe("journald sink", () => {
  test("one JSON line per event with the syslog priority prefix per level", () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: "debug", sinks: [journaldSink(stream)] });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines.map((l) => l.slice(0, 3))).toEqual(["<7>", "<6>", "<4>", "<3>"]);
    for (const l of lines) {
      expect(l.endsWith("\n")).toBe(true);
      expect(l.slice(0, -1)).not.toContain("\n");
      expect(l).not.toContain("\x1b");
    }
    expect(JSON.parse(lines[3]!.slice(3))).toMatchObject({ level: "error", msg: "e" });
  });

  test("a multi-line message stays one journal line", () => {
    const line = formatJournaldLine({ time: Date.UTC(2026, 0, 1), level: "info", msg: "a\nb", component: "sync", fields: { n: 3 } });
    expect(line).toBe('<6>{"time":"2026-01-01T00:00:00.000Z","level":"info","component":"sync","msg":"a\\nb","n":3}\n');
  });
});

describe("redaction", () => {
  test("registered secrets are masked in messages, field values and nested fields, in every sink", () => {
    registerSecret("SK-very-secret-123");
    const j = capture();
    const t = capture();
    const ring = ringSink(10);
    const log = createLogger({ level: "info", sinks: [journaldSink(j.stream), textSink({ stream: t.stream }), ring] });
    log.error("signing with SK-very-secret-123 failed", {
      url: "https://x/?k=SK-very-secret-123",
      nested: { deeper: ["SK-very-secret-123"] },
      err: new Error("bad SK-very-secret-123"),
    });
    const all = [...j.lines, ...t.lines, JSON.stringify(ring.entries())].join("");
    expect(all).not.toContain("SK-very-secret-123");
    expect(ring.entries()[0]!.msg).toBe("signing with *** failed");
    expect(ring.entries()[0]!.fields).toEqual({ url: "https://x/?k=***", nested: { deeper: ["***"] }, err: { name: "Error", message: "bad ***" } });
  });

  test("fields named like credentials are masked even when unregistered", () => {
    const ring = ringSink(10);
    createLogger({ sinks: [ring] }).info("login", { password: "hunter2", apiKey: "k", token: "t", user: "bob" });
    expect(ring.entries()[0]!.fields).toEqual({ password: "***", apiKey: "***", token: "***", user: "bob" });
  });
});

describe("levels, children, sinks", () => {
  test("level filters; setLevel on a child changes the whole tree", () => {
    const ring = ringSink(10);
    const root = createLogger({ level: "warn", sinks: [ring] });
    const child = root.child({ component: "exec", run: 7 });
    child.info("hidden");
    child.warn("shown", { item: "ECS_1" });
    expect(ring.entries().map((e) => [e.component, e.msg, e.fields])).toEqual([["exec", "shown", { run: 7, item: "ECS_1" }]]);
    child.setLevel("debug");
    root.debug("now visible");
    expect(root.level).toBe("debug");
    expect(ring.entries()).toHaveLength(2);
  });

  test("text sink: human line on the given stream", () => {
    const { stream, lines } = capture();
    createLogger({ sinks: [textSink({ stream })] }).child({ component: "config" }).warn("file is readable", { mode: "0644", path: "/a b" });
    expect(lines).toEqual(['warning: [config] file is readable mode=0644 path="/a b"\n']);
  });

  test("ring sink keeps the last N in order and notifies subscribers until they unsubscribe", () => {
    const ring = ringSink(3);
    const log = createLogger({ sinks: [ring] });
    const seen: string[] = [];
    const off = ring.subscribe((e) => seen.push(e.msg));
    for (const m of ["a", "b", "c", "d", "e"]) log.info(m);
    expect(ring.entries().map((e) => e.msg)).toEqual(["c", "d", "e"]);
    off();
    log.info("f");
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
    expect(ring.entries().map((e) => e.msg)).toEqual(["d", "e", "f"]);
  });

  test("file sink appends JSON lines to a 0600 file", () => {
    const path = join(dir, "ot3c.log");
    const sink = fileSink(path);
    const log = createLogger({ sinks: [sink] });
    log.info("one", { n: 1 });
    log.error("two");
    log.close();
    const sink2 = fileSink(path);
    createLogger({ sinks: [sink2] }).info("three");
    sink2.close!();
    const lines = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([["info", "one"], ["error", "two"], ["info", "three"]]);
    expect(lines[0].n).toBe(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test("a throwing sink does not break logging to the others", () => {
    const ring = ringSink(5);
    const log = createLogger({ sinks: [{ write: () => { throw new Error("EPIPE"); } }, ring] });
    log.info("still here");
    expect(ring.entries()).toHaveLength(1);
  });

  test("process-wide default is replaceable", () => {
    const ring = ringSink(5);
    const prev = setLogger(createLogger({ sinks: [ring] }));
    try {
      getLogger().info("via default");
      expect(ring.entries()[0]!.msg).toBe("via default");
    } finally {
      setLogger(prev);
    }
    expect(getLogger().level).toBe("info");
  });
});
