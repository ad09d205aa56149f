/**
 * The header: where and when (project, period, mode, DEMO, READ-ONLY, connection), the money (status, budget,
 * spend, burn), the forecast band with the gap and the sync state, then warnings that must not be missed (owners
 * cannot be told). Status is always glyph + word.
 *
 * Nothing here is cut: each line is a row of tokens ("budget 1000.00 EUR", "DEGRADED") that flow onto the next
 * line when the terminal is narrow, after the labels were shortened. A figure or a state word is never split; the
 * only text that may be truncated is the DEGRADED reason, which the Overview shows in full.
 */
import { memo } from "react";
import { Box, Text } from "ink";
import type { ConnectionState, EngineSnapshot } from "../../engine/types.ts";
import { budgetLook, syncLook, type Theme } from "../theme.ts";
import { amount, money, percent, signedMoney, unitsOf } from "../format.ts";
import { segTexts, useTheme, type Seg } from "./Line.tsx";
import { Age } from "./Ticking.tsx";

export interface HeaderProps {
  snap: EngineSnapshot;
  connection: string;
  readOnly: boolean;
  width: number;
  /** The link to an attached daemon (in-process: always connected). */
  link?: ConnectionState;
}

/** A unit that is never split: styled segments, optionally followed by the ticking "last sync" age. */
export interface HeaderToken {
  segs: Seg[];
  ageSince?: number;
  /** May be truncated at the end of its line (only the DEGRADED reason). */
  cuttable?: boolean;
  /**
   * Width the token is laid out with, when more than its text: the sync state switches between OK and SYNCING on
   * every sync, and a header that re-flowed each time would move every line below it (a full repaint on the wire).
   */
  reserve?: number;
  /** Separator before the token when it is not first on its line (default two spaces). */
  sep?: string;
}

/** Room the ticking age takes ("12h ago"). */
const AGE_W = 8;

const tokenWidth = (t: HeaderToken) =>
  Math.max(t.reserve ?? 0, t.segs.reduce((n, s) => n + Array.from(s.text).length, 0) + (t.ageSince !== undefined ? AGE_W : 0));

/** "2026-11-01→11-30 day 22/30": the period's last day is shown (endDate itself is exclusive). */
export function periodText(snap: EngineSnapshot, arrow: string, short = false): string {
  const p = snap.period;
  const day = Math.min(p.days, Math.max(1, Math.floor((snap.at - p.start) / 86_400_000) + 1));
  if (short) return `day ${day}/${p.days}`;
  const last = new Date(p.end - 1).toISOString().slice(5, 10);
  return `${p.startDate}${arrow}${last} day ${day}/${p.days}`;
}

export function connectionLabel(connection: string): string {
  return connection.startsWith("attached") ? `attached ${connection.slice("attached:".length)}`.trim() : connection;
}

/** LEADER / FOLLOWER (who leads) from the snapshot's lease; nothing when the engine has no lease. */
export function roleText(snap: EngineSnapshot): string | undefined {
  const l = snap.lease;
  if (!l) return undefined;
  return l.role === "LEADER" ? `LEADER e${l.epoch}` : `FOLLOWER${l.holder ? ` (leader ${l.holder})` : " (no leader)"}`;
}

/** The header's token rows at full length (`short` = the shortened labels for narrow terminals). */
export function headerTokens(snap: EngineSnapshot, theme: Theme, readOnly: boolean, connection: string, short: boolean, link?: ConnectionState): HeaderToken[][] {
  const b = snap.budget;
  const { currency: cur } = unitsOf(snap);
  const look = budgetLook(theme, b?.status);
  const offline = link !== undefined && link.state !== "connected";
  const role = roleText(snap);
  // A dead daemon's last "sync OK" must not stay green: the state is unknown until the link is back.
  const sync = offline ? { glyph: theme.glyphs.danger, word: "unknown (daemon disconnected)", token: "danger" as const } : syncLook(theme, snap.sync.state);
  const dash = theme.ascii ? "-" : "–";
  // OTC project names usually start with the region ("eu-de_team"); do not say it twice.
  const project =
    snap.project.region && !snap.project.name.startsWith(snap.project.region) ? `${snap.project.region}/${snap.project.name}` : snap.project.name;

  const line1: HeaderToken[] = [
    { segs: [...(short ? [] : [{ text: "ot3c ", bold: true, token: "accent" as const }]), { text: project, bold: true }] },
    { segs: [{ text: periodText(snap, theme.glyphs.arrow, short) }] },
    { segs: [{ text: snap.mode, token: snap.mode === "ENFORCE" ? "danger" : "info", bold: true }] },
    ...(snap.demo ? [{ segs: [{ text: "DEMO / SIMULATED", bold: true, token: "warn" as const }] }] : []),
    ...(readOnly ? [{ segs: [{ text: "READ-ONLY", bold: true, token: "warn" as const }] }] : []),
    ...(offline ? [{ segs: [{ text: `${theme.glyphs.danger} DISCONNECTED (${link!.reason ?? "daemon gone"})`, bold: true, token: "danger" as const }] }] : []),
    ...(role && !offline ? [{ segs: [{ text: short ? role.split(" (")[0]! : role, bold: true, token: (snap.lease!.role === "LEADER" ? "ok" : "info") as "ok" | "info" }] }] : []),
    // Short: "attached" without the socket path; in-process stays as it is.
    { segs: [{ text: short ? connectionLabel(connection).split(" ")[0]! : connectionLabel(connection), token: "dim" as const }] },
  ];

  const line2: HeaderToken[] = [{ segs: [{ text: `${look.glyph} ${look.word}`, token: look.token, bold: true }] }];
  if (b) {
    line2.push(
      { segs: [{ text: `budget ${money(b.target, cur)}` }] },
      { segs: [{ text: `spent ${money(b.spendSoFar, cur)} (${percent(b.spendSoFar, b.target)})` }] },
      short
        ? { segs: [{ text: `burn ${money(b.burnPerDay, cur)}/d` }] }
        : { segs: [{ text: `burn ${money(b.burnPerHour, cur)}/h · ${money(b.burnPerDay, cur)}/d` }] },
    );
  } else {
    line2.push({ segs: [{ text: `waiting for the first sync${theme.glyphs.ellipsis}`, token: "dim" }] });
  }

  const line3: HeaderToken[] = [];
  if (b) {
    line3.push(
      { segs: [{ text: `${short ? "P50" : "forecast P50"} ${money(b.forecast.p50, cur)}`, bold: true, token: look.token }] },
      // A range names its currency once: "P10–P90 6428.65–7798.31 EUR".
      { segs: [{ text: `P10${dash}P90 ${amount(b.forecast.p10)}${dash}${money(b.forecast.p90, cur)}` }] },
      { segs: [{ text: `gap ${signedMoney(b.gap, cur)}`, token: b.gap > 0 ? look.token : undefined }] },
    );
    if (b.baselineExceedsBudget) line3.push({ segs: [{ text: "baseline > budget", token: "danger" }] });
  }
  line3.push({
    segs: [{ text: `sync ${sync.glyph} ${sync.word}`, token: sync.token }],
    reserve: `sync ${sync.glyph} DEGRADED`.length + AGE_W,
    ...(snap.sync.lastSuccessAt !== undefined ? { ageSince: snap.sync.lastSuccessAt } : {}),
  });
  if (snap.sync.state === "DEGRADED" && snap.sync.error) line3.push({ segs: [{ text: `: ${snap.sync.error}`, token: "warn" }], cuttable: true });

  const rows = [line1, line2, line3];
  // A fleet (`projects:`): which projects could not be listed this round (nothing is planned on them).
  const bad = (snap.projects ?? []).filter((p) => p.status === "DEGRADED");
  if (bad.length) {
    const text = `${bad.length}/${snap.projects!.length} projects DEGRADED: ${bad.map((p) => p.name).join(", ")}`;
    rows.push(`${theme.glyphs.warn} ${text}`.split(/ +/).map((w) => ({ segs: [{ text: w, token: "warn" as const }], sep: " " })));
  }
  // Safety text: one token per word, so it wraps like prose instead of being cut.
  if (snap.notifyWarning) {
    // Short: without the parenthetical advice (config check and verify give it in full).
    const text = short ? snap.notifyWarning.replace(/\s*\(.*\)\s*$/, "") : snap.notifyWarning;
    rows.push(`${theme.glyphs.warn} ${text}`.split(/ +/).map((w) => ({ segs: [{ text: w, token: "warn" as const, bold: true }], sep: " " })));
  }
  return rows;
}

/** Flow one row of tokens into lines of at most `width` cells, two spaces apart. */
export function flowTokens(tokens: HeaderToken[], width: number): HeaderToken[][] {
  const lines: HeaderToken[][] = [];
  let line: HeaderToken[] = [];
  let used = 0;
  for (const t of tokens) {
    const w = tokenWidth(t);
    const gap = line.length ? (t.sep ?? "  ").length : 0;
    if (line.length && used + gap + w > width && !t.cuttable) {
      lines.push(line);
      line = [];
      used = 0;
    }
    // The DEGRADED reason continues the sync token ("DEGRADED 7m ago: dashboard 503"), no gap.
    const sep = line.length && !t.cuttable ? (t.sep ?? "  ") : "";
    line.push(sep ? { ...t, segs: [{ text: sep }, ...t.segs] } : t);
    used += sep.length + w;
  }
  if (line.length) lines.push(line);
  return lines;
}

/** The lines the header will take at `width`: per row, the full labels when they fit on one line, else the short ones. */
export function headerLayout(snap: EngineSnapshot, theme: Theme, readOnly: boolean, connection: string, width: number, link?: ConnectionState): HeaderToken[][] {
  const full = headerTokens(snap, theme, readOnly, connection, false, link);
  const short = headerTokens(snap, theme, readOnly, connection, true, link);
  const fits = (row: HeaderToken[]) => flowTokens(row.filter((t) => !t.cuttable), width).length === 1;
  return full.flatMap((row, i) => flowTokens(fits(row) ? row : short[i]!, width));
}

export const Header = memo(function Header({ lines }: { lines: HeaderToken[][] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line.map((t, j) => (
            <Text key={j}>
              {segTexts(theme, t.segs, `h${j}`)}
              {t.ageSince !== undefined ? (
                <>
                  {" "}
                  <Age since={t.ageSince} />
                </>
              ) : null}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
});
