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
import { Box, Text, Transform } from "ink";
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

describe("Ink width patch (text-width.js)", () => {
  const build = dirname(Bun.resolveSync("ink", import.meta.dir));
  const load = async () => ((await import(join(build, "text-width.js"))) as { default: (s: string) => number }).default;

  test("measures exactly what string-width measures, styled or not", async () => {
    const textWidth = await load();
    const { default: stringWidth } = await import("string-width");
    const samples = [
      "",
      "plain ascii 0123",
      "› ◷ PENDING  delete evs-ci-13 …  5h59m",
      "▾ GR_[ECS_8076,EVS_1] 界界 ab",
      "\x1b[31mred\x1b[39m and \x1b[1m✔ OK\x1b[22m",
      "e\u0301 combining",
      "👩‍💻 zwj sequence",
      "🇩🇪 flag",
      "✔️ variation selector",
      "👍🏽 skin tone",
      "\u1100\u1161 jamo",
      "กำ thai am",
      "a\tb tab",
      "\x1b]8;;https://x\x07link\x1b]8;;\x07",
      "\u00ad soft hyphen \u200b zero width",
    ];
    for (const s of samples) expect(textWidth(s)).toBe(stringWidth(s));
  });

  test("every code point it sums on its own is a grapheme of its own (checked against Intl.Segmenter)", async () => {
    const textWidth = await load();
    const { default: stringWidth } = await import("string-width");
    // The fast path adds code point widths; wherever it would be wrong, the segmenter merges a code point with a
    // neighbour and string-width gives a different width. Check every code point beside ASCII and doubled, and the
    // Thai and Hangul blocks beside their own letters.
    const wrong: string[] = [];
    const hangulOrThai = (c: number) => (c >= 0xe00 && c < 0xf00) || (c >= 0x1100 && c < 0x1200) || (c >= 0xa960 && c < 0xa980) || (c >= 0xac00 && c < 0xd800);
    // Planes 2 and 3 hold only CJK ideographs (one wide grapheme each).
    for (let c = 0x20; c < 0x20000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      const strings = hangulOrThai(c) ? [ch + "a", "a" + ch, ch + ch, "\u0e01" + ch, "\uac00" + ch, "\u1100" + ch] : [ch + "a", "a" + ch, ch + ch];
      for (const s of strings) if (textWidth(s) !== stringWidth(s)) wrong.push(c.toString(16));
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});

describe("Ink squashed-text patch", () => {
  test("a nested text's change, restyle and removal reach the frame", () => {
    const level = chalk.level;
    chalk.level = 3;
    const row = (count: number, color: string, extra: boolean) => (
      <Box flexDirection="column">
        <Text>
          head <Text color={color}>{`n=${count}`}</Text>
          {extra ? <Text bold> extra</Text> : null}
        </Text>
        <Text>static</Text>
      </Box>
    );
    const r = render(row(1, "red", true));
    expect(strip(r.lastFrame())).toBe("head n=1 extra\nstatic");
    r.rerender(row(2, "red", true));
    expect(strip(r.lastFrame())).toBe("head n=2 extra\nstatic");
    r.rerender(row(2, "green", false));
    const frame = r.lastFrame() ?? "";
    chalk.level = level;
    r.unmount();
    expect(strip(frame)).toBe("head n=2\nstatic");
    expect(frame).toContain("\x1b[32mn=2");
  });

  test("a text that did not change is not squashed and styled again on the next frame", () => {
    // Ink squashed (and re-applied nested styles to) every text of the frame on every frame; the patch keeps the
    // squashed form until something below the text changes.
    let calls = 0;
    const Counting = ({ n }: { n: number }) => (
      <Box flexDirection="column">
        <Text>
          <Transform
            transform={(s) => {
              calls++;
              return s.toUpperCase();
            }}
          >
            <Text>still</Text>
          </Transform>
        </Text>
        <Text>{`tick ${n}`}</Text>
      </Box>
    );
    const r = render(<Counting n={1} />);
    expect(strip(r.lastFrame())).toBe("STILL\ntick 1");
    const before = calls;
    for (let n = 2; n <= 5; n++) r.rerender(<Counting n={n} />);
    expect(strip(r.lastFrame())).toBe("STILL\ntick 5");
    r.unmount();
    // The transform prop is a new function on every render, so React updates it once per rerender (4); Ink alone
    // would also call it for the unchanged text on each of those frames and its layout.
    expect(calls - before).toBeLessThanOrEqual(4);
  });
});

describe("Ink clip patch", () => {
  test("rows clipped by an overflow-hidden box are cut at the same cells on every frame", () => {
    const frameOf = (n: number) => (
      <Box width={8} height={2} overflow="hidden" flexDirection="column">
        <Box width={20}>
          <Text>abcdefghij界界{n}</Text>
        </Box>
        <Box marginLeft={-2} width={20}>
          <Text color="red">界xyz</Text>
        </Box>
      </Box>
    );
    const r = render(frameOf(1));
    const first = strip(r.lastFrame());
    r.rerender(frameOf(1));
    expect(strip(r.lastFrame())).toBe(first);
    r.unmount();
    // The second row starts two cells left of the box: the wide character is cut in half and becomes a space... or
    // is dropped whole; either way "xyz" stays in its columns.
    expect(first.split("\n")[0]).toBe("abcdefgh");
    expect(first.split("\n")[1]).toBe("xyz");
  });
});

describe("Ink layout patch: a text that keeps its width does not lay the frame out again", () => {
  const build = dirname(Bun.resolveSync("ink", import.meta.dir));
  type InkNode = { yogaNode?: { isDirty(): boolean; calculateLayout(w?: number, h?: number): void; setWidth(w: number): void } };
  const dom = async () =>
    (await import(join(build, "dom.js"))) as {
      createNode(name: string): InkNode;
      createTextNode(text: string): InkNode;
      appendChildNode(parent: InkNode, child: InkNode): void;
      setTextNodeValue(node: InkNode, text: string): void;
    };

  test("a countdown ticking at the same width leaves Yoga clean; a wider one, a line break or a tab dirties it", async () => {
    const { createNode, createTextNode, appendChildNode, setTextNodeValue } = await dom();
    const root = createNode("ink-root");
    const box = createNode("ink-box");
    const text = createNode("ink-text");
    const label = createTextNode("left ");
    const virtual = createNode("ink-virtual-text");
    const clock = createTextNode("5h59m");
    appendChildNode(root, box);
    appendChildNode(box, text);
    appendChildNode(text, label);
    appendChildNode(text, virtual);
    appendChildNode(virtual, clock);
    root.yogaNode!.setWidth(40);
    root.yogaNode!.calculateLayout(undefined, undefined);
    expect(root.yogaNode!.isDirty()).toBe(false);
    setTextNodeValue(clock, "5h58m");
    expect(text.yogaNode!.isDirty()).toBe(false);
    for (const changed of ["59m", "5h58m\n", "5h\t8m"]) {
      setTextNodeValue(clock, changed);
      expect(text.yogaNode!.isDirty()).toBe(true);
      root.yogaNode!.calculateLayout(undefined, undefined);
      setTextNodeValue(clock, "5h58m");
      root.yogaNode!.calculateLayout(undefined, undefined);
    }
  });

  test("frames: same-width changes show, wider ones move their neighbours, re-wrapped text re-flows", () => {
    const Row = ({ a, b }: { a: string; b: string }) => (
      <Box flexDirection="column">
        <Box>
          <Text>{a}</Text>
          <Text>|</Text>
        </Box>
        <Box width={5}>
          <Text>{b}</Text>
        </Box>
      </Box>
    );
    const r = render(<Row a="ab" b="aaa bbb" />);
    expect(strip(r.lastFrame())).toBe("ab|\naaa\nbbb");
    r.rerender(<Row a="cd" b="aaaa bb" />);
    expect(strip(r.lastFrame())).toBe("cd|\naaaa\nbb");
    r.rerender(<Row a="cde" b="aaaa bb" />);
    expect(strip(r.lastFrame())).toBe("cde|\naaaa\nbb");
    r.unmount();
  });
});
