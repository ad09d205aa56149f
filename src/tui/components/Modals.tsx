/**
 * Modal boxes drawn in place of the view body (Ink has no layers). Each one is pure rendering: the App owns the
 * keys (one owner at a time) and tells the modal what is focused. The safe choice is always focused first.
 */
import { memo } from "react";
import { Box, Text } from "ink";
import type { KeyBinding, ViewId } from "../keys.ts";
import { VIEW_TITLES, bindingsForView, displayKey } from "../keys.ts";
import { cell } from "../format.ts";
import { Line, Plain, useTheme, type Seg } from "./Line.tsx";
import type { Token } from "../theme.ts";

function Frame({ title, width, token, children }: { title: string; width: number; token?: Token; children: React.ReactNode }) {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      borderStyle={theme.ascii ? "classic" : "single"}
      borderColor={token ? theme.colors[token] : undefined}
      width={Math.min(width, 78)}
      paddingX={1}
    >
      <Plain text={title} bold token={token} />
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

export const ConfirmDialog = memo(function ConfirmDialog({ model, width }: { model: ConfirmModel; width: number }) {
  const theme = useTheme();
  const button = (label: string, focused: boolean): Seg =>
    focused
      ? { text: `${theme.glyphs.cursor}[ ${label} ]`, bold: true, inverse: true, token: "accent" }
      : { text: ` [ ${label} ]`, token: "dim" };
  return (
    <Frame title={model.title} width={width} token={model.dangerous ? "warn" : "info"}>
      {model.lines.map((l, i) => (
        <Plain key={i} text={l} />
      ))}
      <Text> </Text>
      <Line segs={[button("Cancel", model.focus === "cancel"), { text: "   " }, button(model.confirmLabel, model.focus === "confirm")]} />
      <Plain text="Tab switches · Enter presses the focused button · Esc cancels" token="dim" />
    </Frame>
  );
});

export const PromptBox = memo(function PromptBox({
  title,
  lines,
  text,
  width,
}: {
  title: string;
  lines: string[];
  text: string;
  width: number;
}) {
  return (
    <Frame title={title} width={width} token="warn">
      {lines.map((l, i) => (
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
}: {
  table: KeyBinding[];
  view: ViewId;
  readOnly: boolean;
  height: number;
  width: number;
  scroll: number;
  prefsPath: string;
}) {
  const theme = useTheme();
  const rows = helpRows(table, view, theme.ascii);
  const visible = Math.max(1, height - 5);
  const start = Math.max(0, Math.min(scroll, rows.length - visible));
  return (
    <Frame title={`Keys — ${VIEW_TITLES[view]}${readOnly ? " (read-only: dangerous keys removed)" : ""}`} width={width} token="info">
      {rows.slice(start, start + visible).map((r, i) => (
        <Line key={start + i} segs={[{ text: cell(r.keys, 16), bold: true, token: "accent" }, { text: r.description }]} />
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

export const TextBox = memo(function TextBox({ title, lines, width, height }: { title: string; lines: string[]; width: number; height: number }) {
  return (
    <Frame title={title} width={width} token="info">
      {/* Details wrap (reasons and errors are sentences); the body box clips what does not fit. */}
      {lines.slice(0, Math.max(1, height - 4)).map((l, i) => (
        <Text key={i} wrap="wrap">
          {l}
        </Text>
      ))}
      <Plain text="Esc / Enter closes" token="dim" />
    </Frame>
  );
});
