/**
 * Modal boxes drawn in place of the view body (Ink has no layers). Each one is pure rendering: the App owns the
 * keys (one owner at a time) and tells the modal what is focused. The safe choice is always focused first.
 */
import { memo } from "react";
import { Box, Text } from "ink";
import type { KeyBinding, ViewId } from "../keys.ts";
import { VIEW_TITLES, bindingsForView, displayKey } from "../keys.ts";
import { cell, wrapText } from "../format.ts";
import { Line, Plain, useTheme, type Seg } from "./Line.tsx";
import type { Token } from "../theme.ts";
import type { DemoInfo } from "../../engine/types.ts";

function Frame({ title, width, token, children }: { title: string; width: number; token?: Token; children: React.ReactNode }) {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      borderStyle={theme.ascii ? "classic" : "single"}
      borderColor={token ? theme.colors[token] : undefined}
      width={Math.min(width, 78)}
      paddingX={1}
      flexShrink={0}
    >
      {title.split("\n").map((t, i) => (
        <Plain key={i} text={t} bold token={token} />
      ))}
      {children}
    </Box>
  );
}

export interface ConfirmModel {
  title: string;
  lines: string[];
  confirmLabel: string;
  /** "cancel" first, always. */
  focus: "cancel" | "confirm";
  dangerous: boolean;
}

/** Inner text width of a Frame at terminal width `width` (border 2 + padding 2). */
export const frameInner = (width: number) => Math.max(8, Math.min(width, 78) - 4);

/**
 * Lines wrapped to the frame and windowed to `rows`, with a marker when more lines are above or below: long
 * member lists scroll inside the dialog instead of overlapping it or being cut.
 */
export function scrolled(lines: string[], width: number, rows: number, scroll: number, ascii = false): { shown: string[]; more: string } {
  // Continuation lines keep the line's indent (and hang under a "- " list marker), so members stay readable.
  const wrapped = lines.flatMap((l) => {
    const indent = " ".repeat((/^\s*(- )?/.exec(l)?.[0] ?? "").length);
    const [first, ...rest] = wrapText(l, frameInner(width));
    const more = rest.length ? wrapText(rest.join(" "), frameInner(width) - indent.length).map((r) => indent + r) : [];
    return [first ?? "", ...more];
  });
  // `rows` includes the scroll marker's row when one is needed.
  if (wrapped.length <= Math.max(1, rows)) return { shown: wrapped, more: "" };
  const visible = Math.max(1, rows - 1);
  const start = Math.max(0, Math.min(scroll, wrapped.length - visible));
  return { shown: wrapped.slice(start, start + visible), more: `lines ${start + 1}-${start + visible} of ${wrapped.length} · ${ascii ? "Up/Down" : "↑/↓"} scroll` };
}

export const ConfirmDialog = memo(function ConfirmDialog({ model, width, height, scroll }: { model: ConfirmModel; width: number; height: number; scroll: number }) {
  const theme = useTheme();
  const button = (label: string, focused: boolean): Seg =>
    focused
      ? { text: `${theme.glyphs.cursor}[ ${label} ]`, bold: true, inverse: true, token: "accent" }
      : { text: ` [ ${label} ]`, token: "dim" };
  // The buttons are never pushed out of the box: on a short body the hint and the spacer go first, then the text
  // scrolls inside whatever rows are left (at least one).
  const roomy = height >= 9;
  const title = roomy ? wrapText(model.title, frameInner(width)) : [model.title];
  const fixed = 2 + title.length + 1 + (roomy ? 2 : 0);
  // On the smallest body (60×15 under a wrapped header) only the title and the buttons remain: the title names the
  // item, and Cancel is still the focused choice.
  const textRows = height - fixed;
  const { shown, more } = textRows > 0 ? scrolled(model.lines, width, textRows, scroll, theme.ascii) : { shown: [], more: "" };
  return (
    <Frame title={title.join("\n")} width={width} token={model.dangerous ? "warn" : "info"}>
      {shown.map((l, i) => (
        <Plain key={i} text={l} />
      ))}
      {more ? <Plain text={more} token="dim" /> : null}
      {roomy ? <Text> </Text> : null}
      <Line segs={[button("Cancel", model.focus === "cancel"), { text: "   " }, button(model.confirmLabel, model.focus === "confirm")]} />
      {roomy ? (
        <Plain text={width < 70 ? "Tab switch · Enter press · Esc cancel" : "Tab switches · Enter presses the focused button · Esc cancels"} token="dim" />
      ) : null}
    </Frame>
  );
});

export const PromptBox = memo(function PromptBox({
  title,
  lines,
  text,
  width,
  height,
}: {
  title: string;
  lines: string[];
  text: string;
  width: number;
  height?: number;
}) {
  return (
    <Frame title={title} width={width} token="warn">
      {scrolled(lines, width, Math.max(1, (height ?? 40) - 6), 0).shown.map((l, i) => (
        <Plain key={i} text={l} />
      ))}
      <Line segs={[{ text: "> " }, { text: text, bold: true }, { text: "_", token: "accent" }]} />
      <Plain text="Enter submits · Esc cancels" token="dim" />
    </Frame>
  );
});

export const Chooser = memo(function Chooser({
  title,
  lines,
  choices,
  index,
  width,
}: {
  title: string;
  lines: string[];
  choices: string[];
  index: number;
  width: number;
}) {
  const theme = useTheme();
  return (
    <Frame title={title} width={width} token="warn">
      {lines.map((l, i) => (
        <Plain key={i} text={l} />
      ))}
      {choices.map((c, i) => (
        <Line
          key={c}
          segs={[i === index ? { text: `${theme.glyphs.cursor} ${c}`, inverse: true, bold: true, token: "accent" } : { text: `  ${c}` }]}
        />
      ))}
      <Plain text={`${theme.ascii ? "Up/Down" : "↑/↓"} choose · Enter takes it (then confirm) · Esc cancels`} token="dim" />
    </Frame>
  );
});

/** `?`: generated from the key table for the current view, so it cannot drift from behaviour. */
export const HelpOverlay = memo(function HelpOverlay({
  table,
  view,
  readOnly,
  height,
  width,
  scroll,
  prefsPath,
  demo,
}: {
  demo?: DemoInfo;
  table: KeyBinding[];
  view: ViewId;
  readOnly: boolean;
  height: number;
  width: number;
  scroll: number;
  prefsPath: string;
}) {
  const theme = useTheme();
  // The demo's banner lives here (and not only before the alternate screen, where it is seen after quitting).
  const demoRows = demo
    ? [
        `DEMO / SIMULATED: every cloud API is a local simulator; nothing real is touched.`,
        `state dir: ${demo.stateDir}`,
        `attach: ${demo.attach}`,
        `clock: ${demo.clockNote}`,
        "",
      ].flatMap((l) => wrapText(l, frameInner(width))).map((l) => ({ keys: "", description: l }))
    : [];
  const rows = [...demoRows, ...helpRows(table, view, theme.ascii)];
  const visible = Math.max(1, height - 5);
  const start = Math.max(0, Math.min(scroll, rows.length - visible));
  return (
    <Frame title={`Keys — ${VIEW_TITLES[view]}${readOnly ? " (read-only: dangerous keys removed)" : ""}`} width={width} token="info">
      {rows.slice(start, start + visible).map((r, i) => (
        <Line
          key={start + i}
          segs={r.keys ? [{ text: cell(r.keys, 16), bold: true, token: "accent" }, { text: r.description }] : [{ text: r.description, token: "warn" }]}
        />
      ))}
      <Plain
        text={`${start + 1}-${Math.min(rows.length, start + visible)} of ${rows.length} · ${theme.ascii ? "Up/Down" : "↑/↓"} scroll · Esc closes · prefs: ${prefsPath}`}
        token="dim"
      />
    </Frame>
  );
});

export function helpRows(table: KeyBinding[], view: ViewId, ascii = false): Array<{ keys: string; description: string }> {
  return bindingsForView(table, view).map((b) => ({
    keys: b.keys.map((k) => displayKey(k, ascii)).join(" "),
    description: b.description + (b.dangerous ? " [dangerous]" : ""),
  }));
}

export const TextBox = memo(function TextBox({ title, lines, width, height, scroll }: { title: string; lines: string[]; width: number; height: number; scroll: number }) {
  const theme = useTheme();
  // Borders 2, title, close hint; the scroll marker takes one of the remaining rows when needed.
  const { shown, more } = scrolled(lines, width, height - 4, scroll, theme.ascii);
  return (
    <Frame title={title} width={width} token="info">
      {shown.map((l, i) => (
        <Plain key={i} text={l} />
      ))}
      {more ? <Plain text={more} token="dim" /> : null}
      <Plain text="Esc / Enter closes" token="dim" />
    </Frame>
  );
});
