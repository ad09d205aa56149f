/**
 * One terminal line made of styled segments. Views build their rows as plain strings (cheap, width-exact) and
 * only attach semantic tokens; the theme decides whether that means a colour (never the only signal).
 */
import React, { createContext, memo, useContext } from "react";
import { Text } from "ink";
import type { Theme, Token } from "../theme.ts";
import { makeTheme } from "../theme.ts";

export const ThemeContext = createContext<Theme>(makeTheme("okabe-ito"));
export const useTheme = (): Theme => useContext(ThemeContext);

export interface Seg {
  text: string;
  token?: Token;
  bold?: boolean;
  /** Reverse video for the cursor row and focused buttons (ignored in monochrome: markers carry it there). */
  inverse?: boolean;
}

/** Segments as inline <Text> children, for lines that mix static segments with ticking cells. */
export function segTexts(theme: Theme, segs: Seg[], keyPrefix = "s"): React.ReactNode[] {
  return segs.map((s, i) => (
    <Text
      key={keyPrefix + i}
      color={s.token ? theme.colors[s.token] : undefined}
      bold={theme.color ? s.bold : undefined}
      inverse={theme.color ? s.inverse : undefined}
    >
      {s.text}
    </Text>
  ));
}

export const Line = memo(function Line({ segs }: { segs: Seg[] }) {
  const theme = useTheme();
  return <Text wrap="truncate">{segTexts(theme, segs)}</Text>;
});

/** Plain single-string line (the common case). */
export const Plain = memo(function Plain({ text, token, bold }: { text: string; token?: Token; bold?: boolean }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate" color={token ? theme.colors[token] : undefined} bold={theme.color ? bold : undefined}>
      {text}
    </Text>
  );
});

/** First row to show so that `cursor` stays visible in a window of `height` rows (cursor kept near the middle). */
export function windowStart(cursor: number, height: number, total: number): number {
  if (total <= height) return 0;
  const start = cursor - Math.floor(height / 2);
  return Math.max(0, Math.min(start, total - height));
}
