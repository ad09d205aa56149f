/**
 * Parked: what ot3c parked and what schedules stopped (snapshot `parking`, engine/parking/view.ts), soonest back
 * first, each with the absolute time it comes back in the billing time zone (named in the header), and the copies
 * ot3c made that are older than `actions.copy-retention` (listed for review; ot3c never deletes them).
 *
 * `R` resumes the selected park through the same `resume` command `ot3c resume ITEM` sends, after a dialog that
 * opens on Cancel (dialogs.ts `resumeDialog`). At 60 columns the labels shorten; times, kinds and item ids never cut.
 */
import { memo } from "react";
import { Box } from "ink";
import type { MadeCopy, ParkedEntry, ParkingView } from "../../engine/types.ts";
import { cell, formatDuration, wrapText, zoneName, zonedShort } from "../format.ts";
import { Line, Plain, useTheme, windowStart } from "../components/Line.tsx";

/** Rows in display order (the engine sorts them: soonest back first), filtered by `/`. */
export function parkedRows(parking: ParkingView | undefined, filter: string): ParkedEntry[] {
  const rows = parking?.parked ?? [];
  const f = filter.trim().toLowerCase();
  if (!f) return rows;
  return rows.filter((r) => `${r.itemId ?? ""} ${r.kind} ${r.name} ${r.id} ${r.why} ${r.note ?? ""} ${r.owner ?? ""} ${r.schedule ?? ""}`.toLowerCase().includes(f));
}

/** Stable key of a row: a park item parks several resources (a group), a resource is held by one thing at a time. */
export function parkedKey(r: ParkedEntry): string {
  return `${r.itemId ?? "schedule"}:${r.id}`;
}

/** What brings it back, one short word (never cut). */
export function backWord(r: ParkedEntry, narrow: boolean): string {
  switch (r.backBy) {
    case "operator":
      return "asked";
    case "otc-restart":
      return narrow ? "OTC" : "OTC 7d";
    case "schedule":
      return narrow ? "sched" : "schedule";
    case "by-hand":
      return narrow ? "hand" : "by hand";
    default:
      return "period";
  }
}

export interface ParkedLayout {
  item: number;
  kind: number;
  name: number;
  id: number;
  since: number;
  back: number;
  by: number;
}

/** Fixed columns for the figures (times, kinds, item ids); name and id share what is left. */
export function parkedLayout(width: number): ParkedLayout {
  const narrow = width < 80;
  const fixed = { item: 6, kind: 4, since: 11, back: 11, by: narrow ? 6 : 8 };
  const spaces = 2 + 6;
  const flex = Math.max(8, width - spaces - fixed.item - fixed.kind - fixed.since - fixed.back - fixed.by);
  const id = narrow ? Math.max(4, Math.floor(flex * 0.35)) : Math.min(40, Math.floor(flex * 0.45));
  return { ...fixed, name: flex - id, id };
}

function copyLine(c: MadeCopy, width: number, tz: string, ellipsis: string): string {
  return cell(`  ${zonedShort(c.madeAt, tz)} ${c.name} (${c.resourceKind} ${c.resourceName}, item ${c.itemId})`, width, "left", ellipsis);
}

export const Parked = memo(function Parked({
  parking,
  rows,
  cursor,
  width,
  height,
  timeZone,
  locked,
  filter,
  now,
}: {
  parking: ParkingView | undefined;
  rows: ParkedEntry[];
  cursor: number;
  width: number;
  height: number;
  timeZone: string;
  /** --read-only or the daemon is gone: no resume. */
  locked: boolean;
  filter: string;
  now: number;
}) {
  const theme = useTheme();
  const g = theme.glyphs;
  const narrow = width < 80;
  const layout = parkedLayout(width);
  const zone = zoneName(rows[0]?.backAt ?? now, timeZone);
  const parks = rows.filter((r) => r.source === "park").length;
  const copies = parking?.copies ?? [];
  const retention = parking?.copyRetentionMs !== undefined ? formatDuration(parking.copyRetentionMs) : undefined;
  const resumeHint = locked || parks === 0 ? "" : narrow ? " · R resumes" : " · R resumes the selected park now";
  const info = wrapText(
    `${locked ? "read-only · " : ""}${rows.length} held (${parks} by ot3c, ${rows.length - parks} by schedules)${filter ? ` · filter "${filter}"` : ""}${resumeHint}`,
    width,
  );
  const selected = rows[cursor];
  // The selected row's reason and note: two lines where there is room, one on a short terminal (the rows come first).
  const detail = selected
    ? wrapText(
        `${selected.itemId ? `item ${selected.itemId}` : `schedule ${selected.schedule ?? ""}`}: ${selected.note ? `note: ${selected.note} · ` : ""}${selected.why}${selected.dryRun ? " · dry run (nothing was stopped)" : ""}`,
        width,
      ).slice(0, height >= 10 ? 2 : 1)
    : [];
  const available = Math.max(1, height - info.length - 1 - detail.length);
  // Copies past retention take only the room the rows leave (at least their heading and one copy, or nothing).
  const copyHead = copies.length > 0 ? wrapText(`${copies.length} of ${parking!.copiesTotal} copies ot3c made are older than ${retention ?? "the retention"} (listed, never deleted by ot3c):`, width) : [];
  const spare = available - Math.max(1, rows.length);
  const copyRows = copyHead.length > 0 && spare > copyHead.length ? Math.min(copies.length, spare - copyHead.length) : 0;
  const copyBlock = copyRows > 0 ? copyHead.length + copyRows : 0;
  const listH = Math.max(1, available - copyBlock);
  const start = windowStart(cursor, listH, rows.length);
  const head =
    `  ${cell("item", layout.item)} ${cell("kind", layout.kind)} ${cell("name", layout.name)} ${cell("id", layout.id)} ` +
    `${cell(`since ${zone}`, layout.since)} ${cell(`back ${zone}`, layout.back)} ${cell(narrow ? "by" : "back by", layout.by)}`;
  return (
    <Box flexDirection="column" flexShrink={0}>
      {info.map((l, i) => (
        <Plain key={`i${i}`} text={l} token="dim" />
      ))}
      <Plain text={head} bold />
      {rows.length === 0 ? (
        <Plain text={filter ? "  nothing matches the filter (Esc clears it)" : "  nothing is parked or stopped by a schedule"} token="dim" />
      ) : null}
      {rows.slice(start, start + listH).map((r, i) => {
        const sel = start + i === cursor;
        return (
          <Line
            key={parkedKey(r)}
            segs={[
              sel ? { text: g.cursor + " ", token: "accent" } : { text: "  " },
              { text: `${cell(r.itemId ?? "sched", layout.item)} ${cell(r.kind, layout.kind)} `, inverse: sel },
              { text: `${cell(r.name, layout.name, "left", g.ellipsis)} ${cell(r.id, layout.id, "left", g.ellipsis)} `, inverse: sel },
              { text: `${cell(zonedShort(r.since, timeZone), layout.since)} ${cell(r.backAt !== undefined ? zonedShort(r.backAt, timeZone) : "—", layout.back)} `, inverse: sel },
              { text: cell(backWord(r, narrow), layout.by), token: r.note ? "warn" : r.dryRun ? "dim" : undefined, inverse: sel },
            ]}
          />
        );
      })}
      {detail.map((l, i) => (
        <Plain key={`d${i}`} text={l} token={selected?.note ? "warn" : "dim"} />
      ))}
      {copyBlock > 0 ? copyHead.map((l, i) => <Plain key={`ch${i}`} text={l} token="warn" />) : null}
      {copyBlock > 0 ? copies.slice(0, copyRows).map((c) => <Plain key={`c${c.itemId}${c.resourceId}`} text={copyLine(c, width, timeZone, g.ellipsis)} />) : null}
    </Box>
  );
});
