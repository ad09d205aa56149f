/**
 * Sending commands to the engine and quitting safely. Every command is counted while in flight; quitting waits
 * for them (Ctrl-C never drops an approval silently) and only a third Ctrl-C gives up waiting, which run.ts then
 * reports on stderr.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useApp } from "ink";
import type { EngineCommand, EngineHandle } from "../engine/types.ts";
import type { Status } from "./components/Chrome.tsx";
import { resultText } from "./dialogs.ts";
import type { GlyphSet } from "./theme.ts";

export interface EngineActions {
  send(command: EngineCommand, label: string): Promise<void>;
  quit(viaInterrupt: boolean): void;
  inFlight: number;
  quitting: boolean;
}

export function useEngineActions(
  handle: EngineHandle,
  glyphs: GlyphSet,
  setStatus: (s: Status) => void,
  onForcedQuit?: (inFlight: number) => void,
): EngineActions {
  const { exit } = useApp();
  const [inFlight, setInFlight] = useState(0);
  const inFlightRef = useRef(0);
  const [quitting, setQuitting] = useState(false);
  const interrupts = useRef(0);

  const send = useCallback(
    async (command: EngineCommand, label: string) => {
      inFlightRef.current++;
      setInFlight(inFlightRef.current);
      setStatus({ text: `${label}…`, token: "info" });
      try {
        const res = await handle.send(command);
        setStatus({ text: resultText(label, res, glyphs.ok, glyphs.danger), token: res.ok ? "ok" : "danger" });
      } catch (err) {
        setStatus({ text: `${label} failed — ${(err as Error)?.message ?? String(err)}`, token: "danger" });
      } finally {
        inFlightRef.current--;
        setInFlight(inFlightRef.current);
      }
    },
    [handle, glyphs, setStatus],
  );

  useEffect(() => {
    if (quitting && inFlight === 0) exit();
  }, [quitting, inFlight, exit]);

  const quit = (viaInterrupt: boolean) => {
    if (inFlightRef.current === 0) {
      exit();
      return;
    }
    if (viaInterrupt) interrupts.current++;
    if (interrupts.current >= 3) {
      onForcedQuit?.(inFlightRef.current);
      exit();
      return;
    }
    setQuitting(true);
    setStatus({
      text:
        `waiting for ${inFlightRef.current} action(s) in flight before quitting` +
        (interrupts.current >= 2 ? " — Ctrl-C once more quits without waiting (the outcome will be in Events)" : "…"),
      token: "warn",
    });
  };

  return { send, quit, inFlight, quitting };
}
