import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPrefs, prefsDir, sanitizePrefs } from "../../src/tui/prefs.ts";

const dir = mkdtempSync(join(tmpdir(), "ot3c-prefs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("prefs", () => {
  test("persist across sessions with conf, owner-only", () => {
    const a = openPrefs({ cwd: dir });
    a.set({ view: "pending", sort: { key: "cost", reverse: true }, theme: "mono", collapsed: ["GR_[a,b]"] });
    const b = openPrefs({ cwd: dir });
    expect(b.get()).toEqual({ view: "pending", sort: { key: "cost", reverse: true }, theme: "mono", collapsed: ["GR_[a,b]"] });
    expect(b.path.startsWith(dir)).toBe(true);
    expect(statSync(b.path).mode & 0o777).toBe(0o600);
  });

  test("garbage in the file falls back to defaults instead of breaking the TUI", () => {
    const p = openPrefs({ cwd: dir });
    writeFileSync(p.path, JSON.stringify({ view: "nope", sort: { key: 3 }, collapsed: "x" }));
    expect(openPrefs({ cwd: dir }).get()).toEqual(sanitizePrefs({}));
    writeFileSync(p.path, "{not json");
    expect(openPrefs({ cwd: dir }).get().view).toBe("overview");
    expect(readFileSync(p.path, "utf8")).toBeDefined();
  });

  test("state directory under systemd or without a home, else the operator's config dir", () => {
    expect(prefsDir({ STATE_DIRECTORY: "/var/lib/ot3c:/var/lib/other" })).toBe("/var/lib/ot3c");
    expect(prefsDir({ STATE_DIRECTORY: "/var/lib/ot3c" }, "/srv/state")).toBe("/srv/state");
    expect(prefsDir({}, "/srv/state")).toBe("/srv/state");
    expect(prefsDir({ HOME: "/home/op" }, "/srv/state")).toBeUndefined();
  });
});
