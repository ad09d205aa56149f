/**
 * Keys while a modal is open: each modal kind consults its own context of the key table (confirm dialogs,
 * the postpone chooser, scrollable overlays, text prompts). App.tsx routes keys here whenever a modal is up.
 */
import type { Key } from "ink";
import type { EngineCommand, PlanItem } from "../engine/types.ts";
import { APPROVE_ALL_PHRASE, POSTPONE_CHOICES_MS, postponeDialog, vetoDialog, type DialogContext, type Modal } from "./dialogs.ts";
import { commandBinding, lookup, type KeyContext } from "./keys.ts";
import type { activeTable } from "./keys.ts";
import type { Status } from "./components/Chrome.tsx";

export interface ModalKeyDeps {
  table: ReturnType<typeof activeTable>;
  planRows: PlanItem[];
  ctx: DialogContext | undefined;
  now(): number;
  who: { actor: string; source: "tui" };
  setModal(m: Modal | undefined): void;
  setStatus(s: Status | undefined): void;
  clearMarks(): void;
  send(cmd: EngineCommand, label: string): Promise<unknown> | unknown;
  run(id: string): void;
  /** Set the current view's filter text. */
  setFilter(text: string): void;
}

type Prompt = Extract<Modal, { kind: "prompt" }>;

export function handleModalKey(m: Modal, name: string, input: string, key: Key, d: ModalKeyDeps): void {
  const ctxName: KeyContext = m.kind === "confirm" ? "dialog" : m.kind === "prompt" ? "prompt" : m.kind === "postpone" ? "chooser" : "help";
  const b = lookup(d.table, [ctxName], name);
  if (m.kind === "confirm") {
    if (b?.id === "nav.up") return d.setModal({ ...m, scroll: Math.max(0, m.scroll - 1) });
    if (b?.id === "nav.down") return d.setModal({ ...m, scroll: m.scroll + 1 });
    if (b?.id === "dialog.switch") return d.setModal({ ...m, model: { ...m.model, focus: m.model.focus === "cancel" ? "confirm" : "cancel" } });
    if (b?.id === "dialog.cancel" || (b?.id === "dialog.choose" && m.model.focus === "cancel")) {
      d.setModal(undefined);
      return d.setStatus({ text: `${m.label}: cancelled`, token: "dim" });
    }
    if (b?.id === "dialog.choose") {
      d.setModal(undefined);
      d.clearMarks();
      void d.send(m.command, m.label);
    }
    return;
  }
  if (m.kind === "postpone") {
    if (b?.id === "nav.up") return d.setModal({ ...m, index: Math.max(0, m.index - 1) });
    if (b?.id === "nav.down") return d.setModal({ ...m, index: Math.min(POSTPONE_CHOICES_MS.length - 1, m.index + 1) });
    if (b?.id === "dialog.cancel") return d.setModal(undefined);
    if (b?.id === "chooser.choose") {
      const items = d.planRows.filter((p) => m.itemIds.includes(p.id));
      return d.setModal(items.length && d.ctx ? postponeDialog(d.ctx, items, POSTPONE_CHOICES_MS[m.index]!, d.now(), d.who) : undefined);
    }
    return;
  }
  if (m.kind === "help" || m.kind === "details" || m.kind === "resource" || m.kind === "event") {
    if (b?.id === "nav.up") return d.setModal({ ...m, scroll: Math.max(0, m.scroll - 1) });
    if (b?.id === "nav.down") return d.setModal({ ...m, scroll: m.scroll + 1 });
    if (b?.id === "dialog.cancel" || name === "?" || name === "enter") return d.setModal(undefined);
    return;
  }
  // Text prompts.
  if (b?.id === "prompt.cancel") {
    if (m.purpose === "filter") d.setFilter("");
    return d.setModal(undefined);
  }
  if (b?.id === "prompt.erase") return updatePrompt(m, m.text.slice(0, -1), d);
  if (b?.id === "prompt.submit") return submitPrompt(m, d);
  if (input && !key.ctrl && !key.meta && !key.tab) updatePrompt(m, m.text + input, d);
}

function updatePrompt(m: Prompt, text: string, d: ModalKeyDeps): void {
  d.setModal({ ...m, text });
  if (m.purpose === "filter") d.setFilter(text);
}

function submitPrompt(m: Prompt, d: ModalKeyDeps): void {
  d.setModal(undefined);
  if (m.purpose === "filter") return;
  if (m.purpose === "command") {
    const id = commandBinding(m.text);
    if (!id) return d.setStatus({ text: `unknown command :${m.text} (try :help)`, token: "warn" });
    return d.run(id);
  }
  if (m.purpose === "veto") {
    const items = d.planRows.filter((p) => m.itemIds?.includes(p.id));
    const reason = m.text.trim();
    if (!items.length || !d.ctx) return;
    if (!reason) return d.setStatus({ text: "a veto needs a reason: nothing sent", token: "warn" });
    return d.setModal(vetoDialog(d.ctx, items, reason, d.now(), d.who));
  }
  if (m.purpose === "approveAll") {
    if (m.text.trim() !== APPROVE_ALL_PHRASE) return d.setStatus({ text: `not confirmed (type "${APPROVE_ALL_PHRASE}" exactly): nothing sent`, token: "warn" });
    void d.send({ type: "approve", ids: m.itemIds ?? [], ...d.who }, `approve all (${m.itemIds?.length ?? 0})`);
  }
}
