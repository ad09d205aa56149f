/**
 * Pending: plan items with their live countdown. The countdown cell is the only part that ticks; it is derived
 * from the item's absolute deadline on every tick (never stored), so restarts and clock jumps cannot skew it.
 */
import { memo, useMemo } from "react";
import { Box, Text } from "ink";
import type { PlanItem, PlanState, ResourceUnit } from "../../engine/types.ts";
import { amount, cell, money, wrapText } from "../format.ts";
import { memberSummary, planMembers } from "../../format/members.ts";
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
  /** Below 100 columns the long action names take their short form (`snap+del`): shortened, never cut. */
  shortActions: boolean;
}

/** The short forms of long action names, for tables below 100 columns (details and dialogs say the full name). */
const SHORT_ACTION: Record<string, string> = { "snapshot-delete": "snap+del" };

export function actionLabel(action: string, short: boolean): string {
  return short ? (SHORT_ACTION[action] ?? action) : action;
}

/**
 * Column widths from the terminal width and the data: prio and saving are as wide as their widest figure (a prio
 * of 2147483647 is shown whole, never "2.1G"), the owner column goes first when the terminal is narrow, and the
 * name takes what is left.
 */
export function pendingLayout(width: number, items: PlanItem[] = [], currency = "EUR"): PendingLayout {
  const prio = Math.max(4, ...items.map((i) => String(i.prio).length));
  const saving = Math.max(`saving ${currency}`.length, ...items.map((i) => amount(i.tsave).length));
  const narrow = width < 80;
  // Narrow: the action moves into the resource column ("stop app-0") and the owner column goes.
  // Narrow: the state is its word alone (EXECUTING and CANCELLED are 9 letters), never cut.
  // The action is what will happen: as wide as the widest label, never cut ("snapshot-delete" read "snaps…").
  const shortActions = width < 100;
  const action = narrow ? 0 : Math.max(6, ...items.map((i) => actionLabel(i.action, shortActions).length));
  const fixed = { id: narrow ? 7 : 10, state: narrow ? 9 : 12, action, prio, saving, countdown: narrow ? 9 : 11 };
  const spaces = 2 + (narrow ? 5 : 7);
  const flex = Math.max(6, width - spaces - fixed.id - fixed.state - fixed.action - fixed.prio - fixed.saving - fixed.countdown);
  const owner = narrow ? 0 : Math.min(28, Math.floor(flex * 0.4));
  return { ...fixed, owner, vr: flex - owner, shortActions };
}

/** Plan items matching the `/` filter: id, resource id and name, members' names and ids, owner, action, state. */
export function filterPlan(items: PlanItem[], filter: string, units: Map<string, ResourceUnit>): PlanItem[] {
  const f = filter.trim().toLowerCase();
  if (!f) return items;
  return items.filter((i) => {
    const members = planMembers(i, units).map((m) => `${m.name} ${m.id}`).join(" ");
    return `${i.id} ${i.vrId} ${units.get(i.vrId)?.name ?? ""} ${members} ${i.owner ?? ""} ${i.action} ${i.state}`.toLowerCase().includes(f);
  });
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

/** "staging (2 ECS, 2 EVS, 2 CCE)": the name and what it consists of. */
function rowName(item: PlanItem, units: Map<string, ResourceUnit>): string {
  const unit = units.get(item.vrId);
  // A unit that is gone (deleted by this item) is no longer in the tree: its resources, as the item saw them, still
  // have their names.
  const name = unit?.name || (item.resources?.length ? item.resources[0]!.name : "") || item.vrId;
  const members = planMembers(item, units);
  return members.length > 1 ? `${name} (${memberSummary(members)})` : name;
}

const PendingRow = memo(function PendingRow({
  item,
  name,
  selected,
  marked,
  layout,
}: {
  item: PlanItem;
  name: string;
  selected: boolean;
  marked: boolean;
  layout: PendingLayout;
}) {
  const theme = useTheme();
  const g = theme.glyphs;
  const look = planStateLook(theme, item.state);
  const segs: Seg[] = [
    // Unselected rows get no styling at all: every escape sequence costs Ink work on each frame.
    // The mark is a character, not only a colour: "*" beside the cursor.
    selected || marked ? { text: (selected ? g.cursor : " ") + (marked ? "*" : " "), token: "accent", bold: true } : { text: "  " },
    { text: cell(item.id, layout.id) + " ", inverse: selected },
    { text: cell(layout.state < 11 ? look.word : `${look.glyph} ${look.word}`, layout.state) + " ", token: look.token, inverse: selected },
    {
      text:
        (layout.action
          ? `${cell(actionLabel(item.action, layout.shortActions), layout.action)} ${cell(name, layout.vr, "left", g.ellipsis)} `
          : `${cell(`${actionLabel(item.action, layout.shortActions)} ${name}`, layout.vr, "left", g.ellipsis)} `) +
        `${cell(String(item.prio), layout.prio, "right")} ` +
        (layout.owner ? `${cell(item.owner ?? "-", layout.owner, "left", g.ellipsis)} ` : "") +
        `${cell(amount(item.tsave), layout.saving, "right")} `,
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
  units,
  cursor,
  marked,
  width,
  height,
  approval,
  readOnly,
  currency,
  filter,
}: {
  items: PlanItem[];
  units: Map<string, ResourceUnit>;
  cursor: number;
  marked: ReadonlySet<string>;
  width: number;
  height: number;
  approval: "none" | "required";
  readOnly: boolean;
  currency: string;
  filter: string;
}) {
  const layout = useMemo(() => pendingLayout(width, items, currency), [width, items, currency]);
  // The approval rule is safety text: it wraps, it is never cut.
  const info = wrapText(
    `${readOnly ? "read-only · " : ""}${items.filter((i) => i.state === "PENDING").length} pending, saving ${money(
      items.filter((i) => i.state === "PENDING").reduce((s, i) => s + i.tsave, 0),
      currency,
    )}${marked.size ? ` · ${marked.size} marked` : ""}${filter ? ` · filter "${filter}"` : ""} · ${
      approval === "required" ? "approval required: nothing is terminated without an approval" : "approval none: terminated at the deadline unless vetoed"
    }`,
    width,
  );
  const listH = Math.max(1, height - 1 - info.length);
  const start = windowStart(cursor, listH, items.length);
  const visible = items.slice(start, start + listH);
  const head =
    `  ${cell("id", layout.id)} ${cell("state", layout.state)} ${layout.action ? cell("action", layout.action) + " " : ""}${cell(layout.action ? "resource" : "action resource", layout.vr)} ` +
    `${cell("prio", layout.prio, "right")} ${layout.owner ? cell("owner", layout.owner) + " " : ""}${cell(`saving ${currency}`, layout.saving, "right")} ${cell(width < 80 ? "left" : "countdown", layout.countdown, "right")}`;
  return (
    <Box flexDirection="column" flexShrink={0}>
      {info.map((l, i) => (
        <Plain key={i} text={l} token="dim" />
      ))}
      <Plain text={head} bold />
      {items.length === 0 ? (
        <Plain text={filter ? "  nothing matches the filter (Esc clears it)" : "  no plan items: nothing is scheduled for termination"} token="dim" />
      ) : null}
      {visible.map((item, i) => (
        <PendingRow key={item.id} item={item} name={rowName(item, units)} selected={start + i === cursor} marked={marked.has(item.id)} layout={layout} />
      ))}
    </Box>
  );
});
