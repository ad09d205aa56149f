/** The only cells that re-render every second: countdowns and "last sync" ages. Everything else is static. */
import { memo } from "react";
import { Text } from "ink";
import { useNow } from "../now-store.ts";
import { age, cell, countdown } from "../format.ts";
import { useTheme } from "./Line.tsx";
import type { Token } from "../theme.ts";

/** Under an hour left the countdown turns "danger"; colour is extra, the text says it all. */
export const Countdown = memo(function Countdown({ deadline, width }: { deadline: number; width: number }) {
  const now = useNow();
  const theme = useTheme();
  const text = countdown(deadline, now);
  const token: Token = deadline - now < 3_600_000 ? "danger" : "warn";
  return <Text color={theme.colors[token]}>{cell(text, width, "right")}</Text>;
});

export const Age = memo(function Age({ since, suffix = " ago" }: { since: number; suffix?: string }) {
  const now = useNow();
  return <Text>{age(now - since) + suffix}</Text>;
});
