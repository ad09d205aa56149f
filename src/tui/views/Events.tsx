/** Events: the audit log (who, what, when, from where), merged with the log ring buffer when there is one. */
import { memo } from "react";
import { Box } from "ink";
import type { AuditEvent } from "../../engine/types.ts";
import { cell, shortTime } from "../format.ts";
import { Line, Plain, useTheme, windowStart } from "../components/Line.tsx";
import type { Token } from "../theme.ts";

export interface LogLine {
  at: number;
  level: string;
  message: string;
}

/** Anything that can hand the TUI its recent log lines (the daemon/engine logger's ring buffer). */
export interface LogFeed {
  recent(): LogLine[];
}

export interface EventRow {
  key: string;
  at: number;
  kind: "audit" | "log";
  who: string;
  what: string;
  detail: string;
  token?: Token;
}

function auditToken(action: string): Token | undefined {
  if (/fail|error|refus|degrad/.test(action)) return "danger";
  if (/approv|delet|stop|terminat|execut/.test(action)) return "warn";
  if (/veto|cancel/.test(action)) return "ok";
  return undefined;
}

export function eventRows(events: AuditEvent[], logs: LogLine[] = []): EventRow[] {
  const rows: EventRow[] = events.map((e) => ({
    key: `a${e.id}`,
    at: e.at,
    kind: "audit",
    who: `${e.actor}@${e.source}`,
    what: e.action,
    detail: [e.itemId, e.vrId, e.detail].filter(Boolean).join(" "),
    token: auditToken(e.action),
  }));
  logs.forEach((l, i) =>
    rows.push({
      key: `l${i}:${l.at}`,
      at: l.at,
      kind: "log",
      who: l.level,
      what: "log",
      detail: l.message,
      token: l.level === "error" ? "danger" : l.level === "warn" ? "warn" : "dim",
    }),
  );
  // Newest first; the audit id breaks ties so equal timestamps keep their order.
  return rows.sort((a, b) => b.at - a.at || (a.key < b.key ? 1 : -1));
}

export const Events = memo(function Events({ rows, cursor, width, height }: { rows: EventRow[]; cursor: number; width: number; height: number }) {
  const theme = useTheme();
  const listH = Math.max(1, height - 1);
  const start = windowStart(cursor, listH, rows.length);
  const whoW = 18;
  const whatW = 22;
  return (
    <Box flexDirection="column" height={height}>
      <Plain text={`  ${cell("time (UTC)", 12)} ${cell("who", whoW)} ${cell("what", whatW)} detail`} bold />
      {rows.length === 0 ? <Plain text="  no events yet" token="dim" /> : null}
      {rows.slice(start, start + listH).map((r, i) => {
        const selected = start + i === cursor;
        return (
          <Line
            key={r.key}
            segs={[
              selected ? { text: theme.glyphs.cursor + " ", token: "accent" } : { text: "  " },
              { text: `${cell(shortTime(r.at), 12)} ${cell(r.who, whoW, "left", theme.glyphs.ellipsis)} `, inverse: selected },
              { text: cell(r.what, whatW, "left", theme.glyphs.ellipsis) + " ", token: r.token, inverse: selected },
              { text: cell(r.detail, Math.max(10, width - 2 - 12 - whoW - whatW - 3), "left", theme.glyphs.ellipsis), inverse: selected },
            ]}
          />
        );
      })}
    </Box>
  );
});
