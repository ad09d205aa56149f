import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import {
  COMMAND_TABLE,
  KEY_TABLE,
  VIEWS,
  activeTable,
  commandBinding,
  footerHints,
  keysMarkdown,
  lookup,
  viewContexts,
  type KeyContext,
} from "../../src/tui/keys.ts";
import { KEYS_DOC_PATH } from "../../src/tui/keys-doc.ts";

describe("key table", () => {
  test("ids are unique and named view.action", () => {
    const ids = KEY_TABLE.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
  });

  test("no key means two things in one view (view bindings shadow global ones only on purpose)", () => {
    const contexts: KeyContext[] = ["global", ...VIEWS, "dialog", "prompt", "chooser", "help"];
    for (const ctx of contexts) {
      const seen = new Map<string, string>();
      for (const b of KEY_TABLE.filter((x) => x.contexts.includes(ctx))) {
        for (const k of b.keys) {
          expect(seen.get(k) ?? b.id).toBe(b.id);
          seen.set(k, b.id);
        }
      }
    }
    // A view-specific key never hides a global one.
    const global = new Set(KEY_TABLE.filter((b) => b.contexts.includes("global")).flatMap((b) => b.keys));
    for (const v of VIEWS) for (const b of KEY_TABLE.filter((x) => x.contexts.includes(v))) for (const k of b.keys) expect(global.has(k)).toBe(false);
  });

  test("read-only removes every dangerous binding, and only those", () => {
    const ro = activeTable(true);
    expect(ro.some((b) => b.dangerous)).toBe(false);
    expect(ro.length).toBe(KEY_TABLE.filter((b) => !b.dangerous).length);
    expect(lookup(ro, viewContexts("pending"), "a")).toBeUndefined();
    expect(lookup(activeTable(false), viewContexts("pending"), "a")?.id).toBe("pending.approve");
    expect(footerHints(ro, "pending").map((h) => h.label)).not.toContain("approve");
    for (const id of ["pending.approve", "pending.veto", "pending.postpone", "pending.approveAll"]) {
      expect(KEY_TABLE.find((b) => b.id === id)?.dangerous).toBe(true);
    }
  });

  test(": commands resolve to existing bindings", () => {
    for (const c of COMMAND_TABLE) expect(KEY_TABLE.some((b) => b.id === c.binding)).toBe(true);
    expect(commandBinding(":q")).toBe("app.quit");
    expect(commandBinding("res")).toBe("view.resources");
    expect(commandBinding("cb")).toBe("view.chargeback");
    expect(commandBinding("approve")).toBeUndefined();
  });

  test("docs/keys.md is generated from the table and up to date", () => {
    const doc = readFileSync(KEYS_DOC_PATH, "utf8");
    expect(doc).toBe(keysMarkdown());
    for (const b of KEY_TABLE) expect(doc).toContain("`" + b.id + "`");
  });
});
