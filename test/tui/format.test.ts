import { describe, expect, test } from "bun:test";
import { age, cell, countdown, formatDuration, money, parseDuration } from "../../src/tui/format.ts";
import { colorAllowed, resolveTheme } from "../../src/tui/theme.ts";

describe("format", () => {
  test("countdown is derived from an absolute deadline", () => {
    const now = Date.UTC(2026, 10, 22, 12);
    expect(countdown(now + 5 * 3_600_000 + 59 * 60_000 + 3_000, now)).toBe("5h59m");
    expect(countdown(now + 3_600_000 + 30_000, now)).toBe("1h00m");
    expect(countdown(now + 3_599_000, now)).toBe("59m59s");
    expect(countdown(now + 2 * 86_400_000 + 4 * 3_600_000 + 12 * 60_000 + 30_000, now)).toBe("2d 04h12m");
    expect(countdown(now + 65_000, now)).toBe("1m05s");
    expect(countdown(now + 999, now)).toBe("0m00s");
    expect(countdown(now, now)).toBe("due");
    expect(countdown(now - 1, now)).toBe("due");
  });

  test("money, ages, durations and cells", () => {
    expect(money(1234.5, "EUR")).toBe("1234.50 EUR");
    expect(money(undefined, "EUR")).toBe("—");
    expect(age(12_000)).toBe("12s");
    expect(age(7 * 60_000)).toBe("7m");
    expect(age(3 * 86_400_000)).toBe("3d");
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("3d")).toBe(3 * 86_400_000);
    expect(parseDuration("soon")).toBeUndefined();
    expect(formatDuration(4 * 3_600_000)).toBe("4h");
    expect(formatDuration(7 * 86_400_000)).toBe("7d");
    expect(cell("abcdef", 4)).toBe("abc…");
    expect(cell("ab", 4, "right")).toBe("  ab");
    expect(cell("abcd", 4)).toBe("abcd");
  });
});

describe("colour decisions", () => {
  test("NO_COLOR (non-empty), TERM=dumb and --no-color turn colour off", () => {
    expect(colorAllowed({ color: "auto", env: {} })).toBe(true);
    expect(colorAllowed({ color: "auto", env: { NO_COLOR: "1" } })).toBe(false);
    expect(colorAllowed({ color: "auto", env: { NO_COLOR: "" } })).toBe(true);
    expect(colorAllowed({ color: "auto", env: { TERM: "dumb" } })).toBe(false);
    expect(colorAllowed({ color: "never", env: {} })).toBe(false);
  });

  test("themes: saved choice when allowed, monochrome otherwise, ASCII glyphs on dumb terminals", () => {
    expect(resolveTheme({ color: "auto", env: {}, saved: "mono" }).name).toBe("mono");
    expect(resolveTheme({ color: "auto", env: {} }).name).toBe("okabe-ito");
    expect(resolveTheme({ color: "never", env: {}, saved: "okabe-ito" }).name).toBe("mono");
    const dumb = resolveTheme({ color: "auto", env: { TERM: "dumb" } });
    expect(dumb.color).toBe(false);
    expect(dumb.ascii).toBe(true);
    expect(dumb.glyphs.barFull).toBe("#");
    expect(Object.values(dumb.colors).filter(Boolean)).toEqual([]);
  });
});

describe("Pending columns", () => {
  test("the action column is as wide as the widest action: snapshot-delete is never cut (80 and 120 columns)", async () => {
    const { pendingLayout } = await import("../../src/tui/views/Pending.tsx");
    const item = (action: string) => ({ id: "x", vrId: "RDS_a", action, prio: 100, tsave: 266.52 }) as unknown as NonNullable<Parameters<typeof pendingLayout>[1]>[number];
    expect(pendingLayout(120, [item("delete"), item("snapshot-delete")]).action).toBe("snapshot-delete".length);
    // Below 100 columns its short form, whole: the resource column keeps room for names.
    const at80 = pendingLayout(80, [item("delete"), item("snapshot-delete")]);
    expect(at80).toMatchObject({ action: "snap+del".length, shortActions: true });
    expect(at80.vr).toBeGreaterThanOrEqual(10);
    for (const width of [80, 120]) expect(pendingLayout(width, [item("stop")]).action).toBe(6);
    expect(pendingLayout(60, [item("snapshot-delete")]).action).toBe(0); // narrow: the action goes into the resource column
  });
});
