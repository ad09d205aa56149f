/**
 * Pending: plan items with their live countdown. The countdown cell is the only part that ticks; it is derived
 * from the item's absolute deadline on every tick (never stored), so restarts and clock jumps cannot skew it.
 */
import { memo, useMemo } from "react";
import { Box, Text } from "ink";
import type { PlanItem, PlanState, ResourceUnit } from "../../engine/types.ts";
import { cell, money } from "../format.ts";
import { planStateLook } from "../theme.ts";
import { Plain, segTexts, useTheme, windowStart, type Seg } from "../components/Line.tsx";
import { Countdown } from "../components/Ticking.tsx";

const ACTIVE: PlanState[] = ["PENDING", "APPROVED", "EXECUTING"];

/** Active items first by deadline (ties in the engine's plan order), then settled ones newest first. */
export function sortPlan(plan: PlanItem[]): PlanItem[] {
  const order = new Map(plan.map((p, i) => [p.id, i]));
  const active = plan.filter((p) => ACTIVE.includes(p.state)).sort((a, b) => a.deadline - b.deadline || order.get(a.id)! - order.get(b.id)!);
  const rest = plan.filter((p) => !ACTIVE.includes(p.state)).sort((a, b) => b.updatedAt - a.updatedAt);
  return [...active, ...rest];
}

export interface PendingLayout {
  id: number;
  state: number;
  action: number;
  vr: number;
  prio: number;
  owner: number;
  saving: number;
  countdown: number;
}

export function pendingLayout(width: number): PendingLayout {
  const fixed = { id: 10, state: 12, action: 6, prio: 5, saving: 9, countdown: 11 };
  const flex = Math.max(16, width - 2 - 7 - fixed.id - fixed.state - fixed.action - fixed.prio - fixed.saving - fixed.countdown);
  const owner = Math.min(28, Math.floor(flex * 0.4));
  return { ...fixed, owner, vr: flex - owner };
}

/** Display names of virtual resources (groups nest), so rows can show "worker-005" instead of a long GR_[…] id. */
export function resourceNames(resources: ResourceUnit[]): Map<string, string> {
  const names = new Map<string, string>();
  const walk = (vr: ResourceUnit) => {
    if (vr.name) names.set(vr.id, vr.name);
    vr.members.forEach(walk);
  };
  resources.forEach(walk);
  return names;
}

const PendingRow = memo(function PendingRow({
  item,
  name,
  selected,
  layout,
}: {
  item: PlanItem;
  name: string;
  selected: boolean;
  layout: PendingLayout;
}) {
  const theme = useTheme();
  const g = theme.glyphs;
  const look = planStateLook(theme, item.state);
  const segs: Seg[] = [
    // Unselected rows get no styling at all: every escape sequence costs Ink work on each frame.
    selected ? { text: g.cursor + " ", token: "accent", bold: true } : { text: "  " },
    { text: cell(item.id, layout.id) + " ", inverse: selected },
    { text: cell(`${look.glyph} ${look.word}`, layout.state) + " ", token: look.token, inverse: selected },
    {
      text:
        `${cell(item.action, layout.action)} ${cell(name, layout.vr, "left", g.ellipsis)} ${cell(String(item.prio), layout.prio, "right")} ` +
        `${cell(item.owner ?? "-", layout.owner, "left", g.ellipsis)} ${cell(money(item.tsave), layout.saving, "right")} `,
      inverse: selected,
    },
  ];
  const ticking = item.state === "PENDING" || item.state === "APPROVED";
  // The countdown is its own text node: the static part of the row keeps hitting Ink's measure/wrap caches and
  // only the few characters of the countdown are laid out again on each tick.
  return (
    <Box flexDirection="row">
      <Text wrap="truncate">{segTexts(theme, segs)}</Text>
      <Box flexShrink={0}>
        {ticking ? (
          <Countdown deadline={item.deadline} width={layout.countdown} />
        ) : (
          <Text>{cell(item.state === "EXECUTING" ? "running" : "—", layout.countdown, "right")}</Text>
        )}
      </Box>
    </Box>
  );
});

export const Pending = memo(function Pending({
  items,
  names,
  cursor,
  width,
  height,
  approval,
  readOnly,
}: {
  items: PlanItem[];
  names: Map<string, string>;
  cursor: number;
  width: number;
  height: number;
  approval: "none" | "required";
  readOnly: boolean;
}) {
  const layout = useMemo(() => pendingLayout(width), [width]);
  const listH = Math.max(1, height - 2);
  const start = windowStart(cursor, listH, items.length);
  const visible = items.slice(start, start + listH);
  const pending = items.filter((i) => i.state === "PENDING");
  const saving = pending.reduce((s, i) => s + i.tsave, 0);
  const rule =
    approval === "required"
      ? "approval required: nothing is terminated without an approval"
      : "approval none: terminated at the deadline unless vetoed";
  const head =
    `  ${cell("id", layout.id)} ${cell("state", layout.state)} ${cell("action", layout.action)} ${cell("resource", layout.vr)} ` +
    `${cell("prio", layout.prio, "right")} ${cell("owner", layout.owner)} ${cell("saving", layout.saving, "right")} ${cell("countdown", layout.countdown, "right")}`;
  return (
    <Box flexDirection="column" height={height}>
      <Plain text={`${readOnly ? "read-only · " : ""}${pending.length} pending, saving ${money(saving)} · ${rule}`} token="dim" />
      <Plain text={head} bold />
      {items.length === 0 ? <Plain text="  no plan items: nothing is scheduled for termination" token="dim" /> : null}
      {visible.map((item, i) => (
        <PendingRow key={item.id} item={item} name={names.get(item.vrId) ?? item.vrId} selected={start + i === cursor} layout={layout} />
      ))}
    </Box>
  );
});
