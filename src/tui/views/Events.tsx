/** Events: the audit log (who, what, when, from where), merged with the log ring buffer when there is one. */
import { memo } from "react";
import { Box } from "ink";
import type { AuditEvent, PlanItem } from "../../engine/types.ts";
import { cell, unitsOf, zoneName, zonedShort, zonedTimeSeconds } from "../format.ts";
import { itemLines, type DialogContext } from "../dialogs.ts";
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
  itemId?: string;
  vrId?: string;
}

function auditToken(action: string): Token | undefined {
  if (/fail|error|refus|degrad/.test(action)) return "danger";
  if (/approv|delet|stop|terminat|execut/.test(action)) return "warn";
  if (/veto|cancel/.test(action)) return "ok";
  return undefined;
}

/** `names`: display names by virtual resource id, so a line reads "p-101 staging (GR_[…])", not only the id. */
export function eventRows(events: AuditEvent[], logs: LogLine[] = [], names?: (vrId: string) => string | undefined): EventRow[] {
  const rows: EventRow[] = events.map((e) => ({
    key: `a${e.id}`,
    at: e.at,
    kind: "audit",
    who: `${e.actor}@${e.source}`,
    what: e.action,
    detail: [e.itemId, e.vrId ? (names?.(e.vrId) ? `${names(e.vrId)} (${e.vrId})` : e.vrId) : undefined, e.detail].filter(Boolean).join(" "),
    token: auditToken(e.action),
    ...(e.itemId ? { itemId: e.itemId } : {}),
    ...(e.vrId ? { vrId: e.vrId } : {}),
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

/** Enter on an Events line: the whole line, and the plan item it concerns with its members. */
export function eventLines(ctx: DialogContext, row: EventRow, plan: PlanItem[], now: number): string[] {
  const { tz } = unitsOf(ctx.snap);
  const lines = [`${zonedTimeSeconds(row.at, tz)}  ${row.kind === "audit" ? "by" : "level"} ${row.who}`, `what: ${row.what}`, `detail: ${row.detail || "-"}`];
  const item = row.itemId ? plan.find((p) => p.id === row.itemId) : undefined;
  if (item) lines.push("", `plan item (now ${item.state}):`, ...itemLines(ctx, item, now));
  else if (row.vrId) {
    const unit = ctx.units.get(row.vrId);
    if (unit) lines.push("", `resource ${unit.kind} ${unit.name || unit.id}`);
  }
  return lines;
}

/** Events matching the `/` filter (time is not searched; who, what and detail are). */
export function filterEvents(rows: EventRow[], filter: string): EventRow[] {
  const f = filter.trim().toLowerCase();
  if (!f) return rows;
  return rows.filter((r) => `${r.who} ${r.what} ${r.detail}`.toLowerCase().includes(f));
}

export const Events = memo(function Events({
  rows,
  cursor,
  width,
  height,
  timeZone,
  filter,
}: {
  rows: EventRow[];
  cursor: number;
  width: number;
  height: number;
  timeZone: string;
  filter: string;
}) {
  const theme = useTheme();
  const listH = Math.max(1, height - 1);
  const start = windowStart(cursor, listH, rows.length);
  const whoW = width < 80 ? 12 : 18;
  const whatW = width < 80 ? 16 : 22;
  const zone = zoneName(rows[0]?.at ?? Date.now(), timeZone);
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Plain text={`  ${cell(`time ${zone}`, 12)} ${cell("who", whoW)} ${cell("what", whatW)} detail${filter ? `  (filter "${filter}")` : ""}`} bold />
      {rows.length === 0 ? <Plain text={filter ? "  nothing matches the filter (Esc clears it)" : "  no events yet"} token="dim" /> : null}
      {rows.slice(start, start + listH).map((r, i) => {
        const selected = start + i === cursor;
        return (
          <Line
            key={r.key}
            segs={[
              selected ? { text: theme.glyphs.cursor + " ", token: "accent" } : { text: "  " },
              { text: `${cell(zonedShort(r.at, timeZone), 12)} ${cell(r.who, whoW, "left", theme.glyphs.ellipsis)} `, inverse: selected },
              { text: cell(r.what, whatW, "left", theme.glyphs.ellipsis) + " ", token: r.token, inverse: selected },
              { text: cell(r.detail, Math.max(10, width - 2 - 12 - whoW - whatW - 3), "left", theme.glyphs.ellipsis), inverse: selected },
            ]}
          />
        );
      })}
    </Box>
  );
});
