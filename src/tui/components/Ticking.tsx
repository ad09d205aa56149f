/** The only cells that change with the clock: countdowns and "last sync" ages. Everything else is static. */
import { memo, useCallback } from "react";
import { Text } from "ink";
import { useTicking } from "../now-store.ts";
import { age, cell, countdown } from "../format.ts";
import { useTheme } from "./Line.tsx";

const HOUR = 3_600_000;

/**
 * Under an hour left the countdown shows seconds and turns "danger"; before that it is plain and changes once a
 * minute (colour is extra, the text says it all).
 */
export const Countdown = memo(function Countdown({ deadline, width }: { deadline: number; width: number }) {
  const theme = useTheme();
  // The urgency is part of the snapshot so the colour flips exactly when the final hour starts.
  const text = useTicking(useCallback((now: number) => (deadline - now < HOUR ? "!" : " ") + cell(countdown(deadline, now), width, "right"), [deadline, width]));
  const shown = text.slice(1);
  return text[0] === "!" ? <Text color={theme.colors.danger}>{shown}</Text> : <Text>{shown}</Text>;
});

export const Age = memo(function Age({ since, suffix = " ago" }: { since: number; suffix?: string }) {
  const text = useTicking(useCallback((now: number) => age(now - since) + suffix, [since, suffix]));
  return <Text>{text}</Text>;
});
