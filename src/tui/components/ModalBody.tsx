/** Which modal box replaces the view body for the current modal (filter and command prompts live in the footer). */
import type { EngineSnapshot, PlanItem } from "../../engine/types.ts";
import type { KeyBinding, ViewId } from "../keys.ts";
import { APPROVE_ALL_PHRASE, POSTPONE_CHOICES_MS, approveAllLines, detailLines, type Modal } from "../dialogs.ts";
import { formatDuration } from "../format.ts";
import { Chooser, ConfirmDialog, HelpOverlay, PromptBox, TextBox } from "./Modals.tsx";

export function ModalBody(p: {
  modal: Modal;
  snap: EngineSnapshot;
  planRows: PlanItem[];
  names: Map<string, string>;
  table: KeyBinding[];
  view: ViewId;
  readOnly: boolean;
  width: number;
  height: number;
  prefsPath: string;
  now: number;
}) {
  const { modal, width, height } = p;
  const label = (item: PlanItem | undefined, fallback: string) => (item ? p.names.get(item.vrId) ?? item.vrId : fallback);
  switch (modal.kind) {
    case "help":
      return <HelpOverlay table={p.table} view={p.view} readOnly={p.readOnly} height={height} width={width} scroll={modal.scroll} prefsPath={p.prefsPath} />;
    case "confirm":
      return <ConfirmDialog model={modal.model} width={width} />;
    case "postpone": {
      const item = p.planRows.find((x) => x.id === modal.itemId);
      return (
        <Chooser
          title={`Postpone ${label(item, modal.itemId)} by…`}
          lines={[`${modal.itemId}: deadline moves later by the chosen duration`]}
          choices={POSTPONE_CHOICES_MS.map(formatDuration)}
          index={modal.index}
          width={width}
        />
      );
    }
    case "details": {
      const item = p.planRows.find((x) => x.id === modal.itemId);
      const lines = item ? detailLines(p.snap, item, p.now, p.names.get(item.vrId)) : ["(this item is no longer in the plan)"];
      return <TextBox title={`Plan item ${modal.itemId}`} lines={lines} width={width} height={height} />;
    }
    case "prompt":
      if (modal.purpose === "veto") {
        const item = p.planRows.find((x) => x.id === modal.itemIds?.[0]);
        return (
          <PromptBox
            title={`Veto ${modal.itemIds?.[0]} (${label(item, "?")}): why?`}
            lines={["The reason goes into the audit log and to the owner."]}
            text={modal.text}
            width={width}
          />
        );
      }
      if (modal.purpose === "approveAll") {
        const items = p.planRows.filter((x) => x.state === "PENDING" && modal.itemIds?.includes(x.id));
        return <PromptBox title={`Approve all pending terminations (type "${APPROVE_ALL_PHRASE}")`} lines={approveAllLines(items, p.snap)} text={modal.text} width={width} />;
      }
      return null;
  }
}
