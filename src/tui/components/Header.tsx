/**
 * Three header lines: where and when (project, period, mode, connection), the money (status, budget, spend,
 * burn), the forecast band with the gap and the sync state. Status is always glyph + word.
 */
import { memo } from "react";
import { Box, Text } from "ink";
import type { ConnectionState, EngineSnapshot } from "../../engine/types.ts";
import { budgetLook, syncLook } from "../theme.ts";
import { money, percent, signedMoney } from "../format.ts";
import { Line, segTexts, useTheme, type Seg } from "./Line.tsx";
import { Age } from "./Ticking.tsx";

export interface HeaderProps {
  snap: EngineSnapshot;
  connection: string;
  readOnly: boolean;
  width: number;
  /** The link to an attached daemon (in-process: always connected). */
  link?: ConnectionState;
}

/** "2026-11-01→11-30 day 22/30": the period's last day is shown (endDate itself is exclusive). */
export function periodText(snap: EngineSnapshot, arrow: string): string {
  const p = snap.period;
  const day = Math.min(p.days, Math.max(1, Math.floor((snap.at - p.start) / 86_400_000) + 1));
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

export const Header = memo(function Header({ snap, connection, readOnly, width, link }: HeaderProps) {
  const theme = useTheme();
  const b = snap.budget;
  const look = budgetLook(theme, b?.status);
  const offline = link !== undefined && link.state !== "connected";
  const role = roleText(snap);
  // A dead daemon's last "sync OK" must not stay green: the state is unknown until the link is back.
  const sync = offline ? { glyph: theme.glyphs.danger, word: "unknown (daemon disconnected)", token: "danger" as const } : syncLook(theme, snap.sync.state);
  // OTC project names usually start with the region ("eu-de_team"); do not say it twice.
  const project =
    snap.project.region && !snap.project.name.startsWith(snap.project.region) ? `${snap.project.region}/${snap.project.name}` : snap.project.name;

  const line1: Seg[] = [
    { text: "ot3c ", bold: true, token: "accent" },
    { text: project, bold: true },
    { text: "  " + periodText(snap, theme.glyphs.arrow) },
    { text: "  " },
    { text: snap.mode, token: snap.mode === "ENFORCE" ? "danger" : "info", bold: true },
    // Before the connection: a long socket path may be cut at 80 columns, READ-ONLY must not be.
    ...(readOnly ? [{ text: "  READ-ONLY", bold: true, token: "warn" as const }] : []),
    ...(offline ? [{ text: `  ${theme.glyphs.danger} DISCONNECTED (${link!.reason ?? "daemon gone"})`, bold: true, token: "danger" as const }] : []),
    ...(role && !offline ? [{ text: `  ${role}`, bold: true, token: (snap.lease!.role === "LEADER" ? "ok" : "info") as "ok" | "info" }] : []),
    { text: "  " + connectionLabel(connection), token: "dim" },
  ];

  const line2: Seg[] = [{ text: `${look.glyph} ${look.word}`, token: look.token, bold: true }];
  if (b) {
    line2.push(
      { text: `  budget ${money(b.target)}` },
      { text: `  spent ${money(b.spendSoFar)} (${percent(b.spendSoFar, b.target)})` },
      { text: `  burn ${money(b.burnPerHour)}/h · ${money(b.burnPerDay)}/d` },
    );
  } else {
    line2.push({ text: `  waiting for the first sync${theme.glyphs.ellipsis}`, token: "dim" });
  }

  const dash = theme.ascii ? "-" : "–";
  const syncText = `sync ${sync.glyph} ${sync.word}`;
  const line3: Seg[] = [];
  if (b) {
    const gap: Seg = { text: `  gap ${signedMoney(b.gap)}`, token: b.gap > 0 ? look.token : undefined };
    const band = `${money(b.forecast.p10)}${dash}${money(b.forecast.p90)}`;
    const wide: Seg[] = [
      { text: `forecast P50 ${money(b.forecast.p50)}`, bold: true, token: look.token },
      { text: `  P10${dash}P90 ${band}` },
      gap,
    ];
    // Large budgets do not fit the long form in 80 columns next to the sync state and its age ("12h ago").
    const room = width - syncText.length - 10 - (b.baselineExceedsBudget ? 19 : 0);
    const compact: Seg[] = [
      { text: `P50 ${money(b.forecast.p50)}`, bold: true, token: look.token },
      { text: ` (P10${dash}P90 ${band})` },
      gap,
    ];
    line3.push(...(wide.reduce((n, x) => n + x.text.length, 0) <= room ? wide : compact));
    if (b.baselineExceedsBudget) line3.push({ text: "  baseline > budget", token: "danger" });
    line3.push({ text: "  " });
  }

  return (
    <Box flexDirection="column">
      <Line segs={line1} />
      <Line segs={line2} />
      {/* Nothing in this row may wrap: a wrapped header line would push the frame past the terminal. */}
      <Box flexDirection="row">
        {/* Keep the money whole when it fits and let the DEGRADED reason give way; else truncate the money too. */}
        <Box flexShrink={line3.reduce((n, x) => n + x.text.length, 0) + syncText.length + 9 <= width ? 0 : 1}>
          <Text wrap="truncate">
            {segTexts(theme, line3)}
            <Text color={theme.colors[sync.token]}>{syncText}</Text>
          </Text>
        </Box>
        {snap.sync.lastSuccessAt !== undefined ? (
          <Box flexShrink={0}>
            <Text wrap="truncate">
              {" "}
              <Age since={snap.sync.lastSuccessAt} />
            </Text>
          </Box>
        ) : null}
        {snap.sync.state === "DEGRADED" && snap.sync.error ? (
          <Text wrap="truncate" color={theme.colors.warn}>{`: ${snap.sync.error}`}</Text>
        ) : null}
      </Box>
    </Box>
  );
});
