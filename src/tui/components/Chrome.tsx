/** The view tabs under the header and the two footer lines (status/prompt, key hints from the key table). */
import { memo } from "react";
import { Box } from "ink";
import { VIEWS, VIEW_TITLES, displayKey, type ViewId } from "../keys.ts";
import { Line, Plain, useTheme, type Seg } from "./Line.tsx";
import type { Token } from "../theme.ts";
import { wrapText } from "../format.ts";

/** Short tab titles for narrow terminals (the pending count is never dropped). */
const SHORT_TITLES: Record<ViewId, string> = { overview: "Over", resources: "Res", pending: "Pend", chargeback: "CB", events: "Ev", parked: "Park" };

export const Tabs = memo(function Tabs({ view, pendingCount, width }: { view: ViewId; pendingCount: number; width: number }) {
  const segs: Seg[] = [];
  const label = (v: ViewId, i: number, short: boolean) =>
    `${i + 1} ${(short ? SHORT_TITLES : VIEW_TITLES)[v]}${v === "pending" && pendingCount > 0 ? ` (${pendingCount})` : ""}`;
  const fullW = VIEWS.reduce((n, v, i) => n + label(v, i, false).length + 3, 0);
  const short = fullW > width;
  VIEWS.forEach((v, i) => {
    const text = label(v, i, short);
    // Brackets mark the current view without colour; inverse adds emphasis where colour is allowed.
    segs.push(v === view ? { text: `[${text}]`, bold: true, inverse: true, token: "accent" } : { text: ` ${text} `, token: "dim" });
    segs.push({ text: " " });
  });
  return <Line segs={segs} />;
});

export interface Status {
  text: string;
  token?: Token;
}

export const Footer = memo(function Footer({
  status,
  hints,
  width,
  rows = 1,
}: {
  status?: Status;
  hints: Array<{ key: string; label: string }>;
  width: number;
  /** Lines the status may take: a result such as "✖ approve p-1 failed — …" wraps instead of being cut. */
  rows?: number;
}) {
  const theme = useTheme();
  const segs: Seg[] = [];
  let used = 0;
  for (const h of hints) {
    const k = displayKey(h.key, theme.ascii);
    const piece = `${k} ${h.label}  `;
    if (used + piece.length > width) break;
    used += piece.length;
    segs.push({ text: k, bold: true, token: "accent" }, { text: ` ${h.label}  `, token: "dim" });
  }
  return (
    <Box flexDirection="column">
      {(status ? wrapText(status.text, width) : [" "]).slice(0, rows).map((l, i) => (
        <Plain key={i} text={l} token={status?.token} />
      ))}
      <Line segs={segs} />
    </Box>
  );
});
