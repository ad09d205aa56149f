/**
 * ot3c patches Ink's frame composer (patches/ink+8.0.0.patch, applied by `npm install`): rows are composed from their
 * write segments, and only rows whose writes overlap go through Ink's per-character grid. That took the Pending
 * view's idle CPU with countdowns ticking from 2–3 % to ~1 % of a core. These tests pin that the patch is in place
 * and that frames read the same in the cases where the two paths differ.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import chalk from "chalk";
import { Box, Text } from "ink";
import { render } from "ink-testing-library";
import { strip } from "./harness.tsx";

describe("Ink frame composer patch", () => {
  test("is applied to the installed Ink", () => {
    const output = join(dirname(Bun.resolveSync("ink", import.meta.dir)), "output.js");
    expect(readFileSync(output, "utf8")).toContain("ot3c patch");
  });

  test("side-by-side segments, gaps and wide characters land in their columns", () => {
    const r = render(
      <Box flexDirection="column">
        <Box>
          <Text color="red">ab</Text>
          <Box marginLeft={3}>
            <Text>界c</Text>
          </Box>
          <Text bold>d</Text>
        </Box>
        <Box width={6}>
          <Text wrap="truncate">abcdefghij</Text>
        </Box>
      </Box>,
    );
    expect(strip(r.lastFrame()).split("\n")).toEqual(["ab   界cd", "abcde…"]);
    r.unmount();
  });

  test("a write over another (an overlay) replaces exactly the cells it covers", () => {
    const r = render(
      <Box width={20} height={2} flexDirection="column">
        <Text>hello world, again</Text>
        <Box position="absolute" marginLeft={3}>
          <Text color="green">XY</Text>
        </Box>
      </Box>,
    );
    expect(strip(r.lastFrame()).split("\n")[0]).toBe("helXY world, again");
    r.unmount();
  });

  test("styles do not leak from one segment into the next", () => {
    // Colour on, whatever the environment (CI has no TTY): this is about escape codes.
    const level = chalk.level;
    chalk.level = 3;
    const r = render(
      <Box>
        <Text color="red">r</Text>
        <Text>p</Text>
      </Box>,
    );
    const frame = r.lastFrame() ?? "";
    chalk.level = level;
    r.unmount();
    // The red segment is closed before the plain one starts, and nothing is open at the end of the row.
    expect(frame).toContain("\x1b[31mr\x1b[39mp");
    expect(strip(frame)).toBe("rp");
  });
});

describe("Ink incremental line update patch", () => {
  const lineUpdatePath = join(dirname(Bun.resolveSync("ink", import.meta.dir)), "line-update.js");

  test("is applied to the installed Ink", () => {
    expect(readFileSync(lineUpdatePath, "utf8")).toContain("ot3c patch");
  });

  test("a changed line with non-ASCII glyphs keeps its unchanged prefix on screen (only the tail is written)", async () => {
    const { default: lineUpdate } = (await import(lineUpdatePath)) as { default: (a: string, b: string, columns: number) => string };
    const out = lineUpdate("› ◷ PENDING  sync ✔ OK 5h59m", "› ◷ PENDING  sync ✔ OK 5h58m", 80);
    // The first 26 columns stay; the cursor goes to column 27 (1-based CHA) and only "8m" is written.
    expect(out.startsWith("\x1b[27G")).toBe(true);
    expect(out).toContain("8m");
    expect(out).not.toContain("PENDING");
    // Wide characters count two columns.
    const wide = lineUpdate("界界 ab", "界界 ac", 80);
    expect(wide.startsWith("\x1b[7G")).toBe(true);
    // A combining mark after the common prefix cannot be split from its base: the segmenter decides (whole line here).
    const combining = lineUpdate("e\u0301x", "e\u0301y", 80);
    expect(combining).toContain("y");
    expect(combining.includes("e\u0301") || combining.startsWith("\x1b[2G")).toBe(true);
  });
});
