/**
 * Terminal size that re-renders on resize, only when the size really changed (Ink's useWindowSize sets state on
 * every resize event). Non-TTY streams fall back to 80×24.
 */
import { useEffect, useState } from "react";
import { useStdout } from "ink";

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function useTerminalSize(): TerminalSize {
  const stdout = useStdout().stdout as NodeJS.WriteStream;
  const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () =>
      setSize((prev) => {
        const next = read();
        return prev.columns === next.columns && prev.rows === next.rows ? prev : next;
      });
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}
