/**
 * Two rules for anything remote that ot3c keeps or prints: redaction happens before truncation (a secret cut in
 * half would leak its prefix), and no byte that acts on a terminal survives in a text line (log text sink, journald
 * JSON, the TUI's ring buffer).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { clearSecrets, redactThenCut, registerSecret } from "../../src/util/redact.ts";
import { escapeChar, jsonTerminalSafe, terminalSafe, terminalSafeText } from "../../src/util/terminal-safe.ts";
import { formatJournaldLine, formatTextLine, ringSink } from "../../src/log/sinks.ts";
import { HttpClient, type HttpError } from "../../src/providers/http.ts";
import type { LogEntry } from "../../src/log/logger.ts";

afterEach(clearSecrets);

describe("redaction before truncation", () => {
  const AK = "AKIDSECRET0123456789XYZ";
  test("redactThenCut: a secret at every offset around the cut leaks no prefix", () => {
    registerSecret(AK);
    for (let offset = 150; offset <= 210; offset++) {
      const text = "x".repeat(offset) + AK + " tail";
      const out = redactThenCut(text, 200);
      for (let n = 4; n <= AK.length; n++) expect(out.includes(AK.slice(0, n)), `offset ${offset}, prefix ${n}`).toBe(false);
    }
  });

  test("HTTP error bodies: a secret straddling the 200-character cut never reaches the error message", async () => {
    registerSecret(AK);
    let offset = 0;
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("e".repeat(offset) + AK + " more text", { status: 400 }) });
    try {
      const c = new HttpClient({ endpoint: "t", baseURL: `http://127.0.0.1:${server.port}`, retries: 0, sleep: async () => {} });
      for (offset = 180; offset <= 200; offset++) {
        const err = (await c.get("/x").catch((e) => e)) as HttpError;
        for (let n = 4; n <= AK.length; n++) expect(err.message.includes(AK.slice(0, n)), `offset ${offset}, prefix ${n}: ${err.message}`).toBe(false);
      }
    } finally {
      server.stop(true);
    }
  });
});

describe("terminal safety", () => {
  const nasty = "a\u001b[2Jb\u009bc\u202ed\u2066e\rf\ng\u0007h\u007f";
  test("every control, C1 and bidi character is shown escaped; text mode keeps our line breaks", () => {
    expect(terminalSafe(nasty)).toBe("a\\x1b[2Jb\\x9bc\\u202ed\\u2066e\\x0df\\x0ag\\x07h\\x7f");
    expect(terminalSafeText(nasty)).toBe("a\\x1b[2Jb\\x9bc\\u202ed\\u2066e\\x0df\ng\\x07h\\x7f");
    expect(escapeChar("\u061c")).toBe("\\u061c");
    expect(JSON.parse(jsonTerminalSafe(JSON.stringify({ v: nasty })))).toEqual({ v: nasty });
    expect(jsonTerminalSafe(JSON.stringify({ v: nasty }))).not.toMatch(/[\u007f-\u009f\u202e\u2066]/);
  });

  const entry: LogEntry = { time: 0, level: "warn", component: "engine", msg: `delete failed: ${nasty}`, fields: { error: `body ${nasty}`, id: "x\u202ey" } };
  test("log text sink, journald line and the TUI's ring buffer carry no raw control", () => {
    const bad = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2066]/;
    expect(formatTextLine(entry)).not.toMatch(bad);
    expect(formatTextLine(entry).trimEnd()).not.toContain("\n");
    expect(formatJournaldLine(entry)).not.toMatch(bad);
    const ring = ringSink(4);
    ring.write(entry);
    const kept = ring.entries()[0]!;
    expect(kept.msg).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2066]/);
    expect(String(kept.fields.id)).toBe("x\\u202ey");
  });
});
