/** Which modal box replaces the view body for the current modal (filter and command prompts live in the footer). */
import type { PlanItem } from "../../engine/types.ts";
import type { KeyBinding, ViewId } from "../keys.ts";
import {
  APPROVE_ALL_PHRASE,
  POSTPONE_CHOICES_MS,
  approveAllLines,
  detailLines,
  itemLabel,
  resourceLines,
  type DialogContext,
  type Modal,
} from "../dialogs.ts";
import { formatDuration } from "../format.ts";
import type { EventRow } from "../views/Events.tsx";
import { eventLines } from "../views/Events.tsx";
import { Chooser, ConfirmDialog, HelpOverlay, PromptBox, TextBox } from "./Modals.tsx";

export function ModalBody(p: {
  modal: Modal;
  ctx: DialogContext;
  planRows: PlanItem[];
  events: EventRow[];
  table: KeyBinding[];
  view: ViewId;
  readOnly: boolean;
  width: number;
  height: number;
  prefsPath: string;
  now: number;
}) {
  const { modal, width, height, ctx } = p;
  const itemsOf = (ids: string[] | undefined) => p.planRows.filter((x) => ids?.includes(x.id));
  const labels = (items: PlanItem[], fallback: string) =>
    items.length === 0 ? fallback : items.length === 1 ? `${items[0]!.id} (${itemLabel(items[0]!, ctx.units)})` : `${items.length} marked items`;
  switch (modal.kind) {
    case "help":
      return (
        <HelpOverlay table={p.table} view={p.view} readOnly={p.readOnly} height={height} width={width} scroll={modal.scroll} prefsPath={p.prefsPath} demo={ctx.snap.demo} />
      );
    case "confirm":
      return <ConfirmDialog model={modal.model} width={width} height={height} scroll={modal.scroll} />;
    case "postpone": {
      const items = itemsOf(modal.itemIds);
      return (
        <Chooser
          title={`Postpone ${labels(items, modal.itemIds.join(" "))} by…`}
          lines={["the deadline moves later by the chosen duration (then confirm)"]}
          choices={POSTPONE_CHOICES_MS.map(formatDuration)}
          index={modal.index}
          width={width}
        />
      );
    }
    case "details": {
      const item = p.planRows.find((x) => x.id === modal.itemId);
      const lines = item ? detailLines(ctx, item, p.now) : ["(this item is no longer in the plan)"];
      return <TextBox title={`Plan item ${modal.itemId}`} lines={lines} width={width} height={height} scroll={modal.scroll} />;
    }
    case "resource": {
      const unit = ctx.units.get(modal.unitId);
      const lines = unit ? resourceLines(ctx, unit) : ["(this resource is no longer in the inventory)"];
      return <TextBox title={`Resource ${unit?.name || modal.unitId}`} lines={lines} width={width} height={height} scroll={modal.scroll} />;
    }
    case "event": {
      const row = p.events.find((e) => e.key === modal.key);
      const lines = row ? eventLines(ctx, row, p.planRows, p.now) : ["(this event has scrolled out of the recent list)"];
      return <TextBox title="Event" lines={lines} width={width} height={height} scroll={modal.scroll} />;
    }
    case "prompt":
      if (modal.purpose === "veto") {
        const items = itemsOf(modal.itemIds);
        return (
          <PromptBox
            title={`Veto ${labels(items, "?")}: why?`}
            lines={["The reason goes into the audit log and to the owners."]}
            text={modal.text}
            width={width}
            height={height}
          />
        );
      }
      if (modal.purpose === "approveAll") {
        const items = p.planRows.filter((x) => x.state === "PENDING" && modal.itemIds?.includes(x.id));
        return (
          <PromptBox
            title={`Approve all pending terminations (type "${APPROVE_ALL_PHRASE}")`}
            lines={approveAllLines(ctx, items, p.now)}
            text={modal.text}
            width={width}
            height={height}
          />
        );
      }
      return null;
  }
}
