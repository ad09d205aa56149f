/**
 * The scope picked with b/B, remembered per operator in the TUI prefs (prefs.ts) like the last view. On start the
 * remembered scope is restored only if it still exists — judged on the first snapshot with an evaluation (one
 * before the first sync knows no budgets or projects yet); a budget removed from the config or a project gone
 * shows all instead. The remembered choice stays in the prefs until the operator picks another.
 */
import { useEffect, useMemo, useRef, type MutableRefObject } from "react";
import type { EngineSnapshot } from "../../engine/types.ts";
import type { PrefsStore } from "../prefs.ts";
import { useRefState } from "../use-ref-state.ts";
import { isAll, scopeChoices, type ScopeChoice } from "./index.ts";

export function scopeExists(snap: EngineSnapshot, c: ScopeChoice): boolean {
  return scopeChoices(snap).some((x) => x.kind === c.kind && x.name === c.name);
}

export function useScopeChoice(snap: EngineSnapshot | undefined, prefs: PrefsStore): [ScopeChoice | undefined, MutableRefObject<ScopeChoice | undefined>, (next: ScopeChoice) => void] {
  const initial = useMemo(() => prefs.get().scope, [prefs]);
  const [choice, ref, setChoice] = useRefState<ScopeChoice | undefined>(initial);
  const checked = useRef(initial === undefined);
  const ready = !!snap?.budget;
  // The frame that first sees an evaluation already shows all when the restored scope is gone (the effect below
  // then makes it the state).
  const vanished = !checked.current && ready && ref.current !== undefined && !scopeExists(snap!, ref.current);
  useEffect(() => {
    if (checked.current || !snap?.budget) return;
    checked.current = true;
    if (ref.current !== undefined && !scopeExists(snap, ref.current)) setChoice(undefined);
  }, [snap]);
  const set = (next: ScopeChoice) => {
    checked.current = true;
    setChoice(next);
    prefs.set({ scope: isAll(next) ? undefined : next });
  };
  return [vanished ? undefined : choice, ref, set];
}
