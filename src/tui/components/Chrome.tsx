/** The view tabs under the header and the two footer lines (status/prompt, key hints from the key table). */
import { memo } from "react";
import { Box } from "ink";
import { VIEWS, VIEW_TITLES, displayKey, type ViewId } from "../keys.ts";
import { Line, Plain, useTheme, type Seg } from "./Line.tsx";
import type { Token } from "../theme.ts";

export const Tabs = memo(function Tabs({ view, pendingCount }: { view: ViewId; pendingCount: number }) {
  const segs: Seg[] = [];
  VIEWS.forEach((v, i) => {
    const count = v === "pending" && pendingCount > 0 ? ` (${pendingCount})` : "";
    const label = `${i + 1} ${VIEW_TITLES[v]}${count}`;
    // Brackets mark the current view without colour; inverse adds emphasis where colour is allowed.
    segs.push(v === view ? { text: `[${label}]`, bold: true, inverse: true, token: "accent" } : { text: ` ${label} `, token: "dim" });
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
}: {
  status?: Status;
  hints: Array<{ key: string; label: string }>;
  width: number;
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
      <Plain text={status?.text ?? " "} token={status?.token} />
      <Line segs={segs} />
    </Box>
  );
});
